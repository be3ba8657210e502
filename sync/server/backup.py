"""Backups of the server's database: on demand (``companion-server backup DEST``) and before
every schema upgrade.

SQLite is copied with its online backup API: the server may keep running, and the copy is a
consistent snapshot even with a WAL file beside it. PostgreSQL is dumped with ``pg_dump`` (its
own consistent snapshot); the command is printed for operators who run it themselves.
Blobs are not in the database: copy the data folder's ``blobs/`` after the database backup
(blobs are never changed once written, so ``rsync`` of the folder is enough and every blob the
backed-up database names is already there).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shlex
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import URL, make_url

from sync.server.db import Database

log = logging.getLogger("companion.server.backup")
STEM = "companion-server"


class BackupError(RuntimeError):
    """No backup was made; the message says why and what to do."""


def _stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")


def _target(destination: Path, suffix: str, label: str = "") -> Path:
    """DEST as a file name, or a new time-stamped file inside DEST when it is a folder."""
    if destination.is_dir() or str(destination).endswith(os.sep):
        destination.mkdir(parents=True, exist_ok=True)
        return destination / f"{STEM}-{_stamp()}{'-' + label if label else ''}{suffix}"
    if destination.exists():
        raise BackupError(f"{destination} exists already; name a new file or a folder")
    destination.parent.mkdir(parents=True, exist_ok=True)
    return destination


def sqlite_file(db: Database) -> Path:
    database = make_url(db.url).database
    if not database or database == ":memory:":
        raise BackupError("this SQLite database is in memory: there is no file to back up")
    return Path(database)


def _libpq(db: Database) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for pg_dump (no password in it) and the environment carrying it."""
    url = make_url(db.url)
    environment = {"PGPASSWORD": url.password} if url.password else {}
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                      query=url.query)
    return bare.render_as_string(hide_password=False), environment


def pg_dump_command(db: Database, target: Path) -> list[str]:
    uri, _environment = _libpq(db)
    return ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", uri]


def postgres_instructions(db: Database, destination: Path) -> str:
    target = destination / f"{STEM}-{_stamp()}.dump" if destination.is_dir() else destination
    command = " ".join(shlex.quote(part) for part in pg_dump_command(db, target))
    return (f"The database is PostgreSQL: back it up with pg_dump (same major version as the server or newer), "
            f"giving the password in PGPASSWORD or ~/.pgpass:\n  {command}\n"
            f"Restore with: pg_restore --clean --if-exists --no-owner --dbname=URI {shlex.quote(str(target))}\n"
            "Then copy the data folder's blobs/ (rsync is enough).")


def backup_sqlite(db: Database, destination: Path, label: str = "") -> Path:
    source_path = sqlite_file(db)
    if not source_path.is_file():
        raise BackupError(f"no database file at {source_path}")
    target = _target(destination, ".sqlite3", label)
    partial = target.with_name(target.name + ".part")
    try:
        with closing(sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)) as source, \
                closing(sqlite3.connect(partial)) as copy:
            source.backup(copy, pages=1024)  # in steps: writers are not held up for the whole copy
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the copy failed its integrity check; nothing was kept")
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def backup_postgres(db: Database, destination: Path, label: str = "") -> Path:
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed here (Debian: apt install postgresql-client). "
                          + postgres_instructions(db, destination))
    target = _target(destination, ".dump", label)
    partial = target.with_name(target.name + ".part")
    _uri, environment = _libpq(db)
    command = pg_dump_command(db, partial)
    result = subprocess.run(command, env={**os.environ, **environment}, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()[-800:]}")
    partial.replace(target)
    return target


def backup(db: Database, destination: Path, label: str = "") -> Path:
    """A consistent copy of the database in ``destination`` (a new file, or a folder)."""
    if db.is_sqlite:
        return backup_sqlite(db, destination, label)
    return backup_postgres(db, destination, label)


def pending_upgrade(db: Database) -> str | None:
    """The revision an existing database would be upgraded from, or None (new, or up to date)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
    with db.engine.connect() as connection:
        if "alembic_version" not in inspect(connection).get_table_names():
            return None
        current = MigrationContext.configure(connection).get_current_revision()
    return current if current != head else None


def migrate_with_backup(db: Database, backups_dir: Path, enabled: bool = True) -> tuple[str, Path | None]:
    """Upgrade the schema, backing the database up first when there is an upgrade to make."""
    made = None
    revision = pending_upgrade(db)
    if revision is not None and enabled:
        try:
            backups_dir.mkdir(parents=True, exist_ok=True)  # a folder: each upgrade adds a time-stamped copy
            made = backup(db, backups_dir, label=f"before-upgrade-from-{revision}")
        except BackupError as error:
            raise BackupError(f"no upgrade without a backup: {error}\n(Back up yourself, then start once with "
                              "COMPANION_SERVER_BACKUP_BEFORE_MIGRATE=false.)") from None
        log.info("backed up the database to %s before upgrading it from %s", made, revision)
    return db.migrate(), made
