#!/bin/sh
# Install and start a local PostgreSQL for the sync server's test suite, on a
# fresh Debian machine, as root. Idempotent: running it again changes nothing.
# Prints the URL to put in COMPANION_TEST_POSTGRES_URL (it exports nothing).
set -eu

ROLE=companion
PASSWORD=companion
DATABASE=companion_test

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
fi

# The newest installed major version (Debian bookworm ships 15).
VERSION=$(ls /etc/postgresql | sort -n | tail -n 1)

if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" && $4 == "online" {found=1} END {exit !found}'; then
    pg_ctlcluster "$VERSION" main start >&2
fi

# Wait until the server accepts connections (start can return a moment early).
tries=0
until su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -gt 30 ]; then
        echo "PostgreSQL $VERSION did not start; see /var/log/postgresql/" >&2
        exit 1
    fi
    sleep 1
done

su postgres -c "psql -qAt" >&2 <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
        CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
    ELSE
        ALTER ROLE $ROLE LOGIN PASSWORD '$PASSWORD';
    END IF;
END
\$\$;
SQL

if [ "$(su postgres -c "psql -qAtc \"select 1 from pg_database where datname = '$DATABASE'\"")" != "1" ]; then
    su postgres -c "createdb -O $ROLE $DATABASE" >&2
fi

echo "postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:5432/$DATABASE"
