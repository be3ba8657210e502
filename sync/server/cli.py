"""``companion-server``: run the sync server and administer it.

    companion-server --data-dir DIR serve --host 127.0.0.1 --port 8765 [--database-url URL] [--no-public-library]
    companion-server --data-dir DIR user add NAME --password-stdin [--admin]
    companion-server --data-dir DIR user disable NAME | user enable NAME | user list
    companion-server --data-dir DIR token list NAME | token revoke ID
    companion-server --data-dir DIR workspace add SLUG --name "Readable name" | workspace list
    companion-server --data-dir DIR member add SLUG USERNAME --role reader|member|editor|admin | member remove SLUG USERNAME
    companion-server --data-dir DIR library publish [PATH] [--prune]
    companion-server --data-dir DIR bundle import FILE
    companion-server --data-dir DIR migrate
    companion-server --data-dir DIR backup DEST

The database is SQLite in DIR unless --database-url (or COMPANION_SERVER_DATABASE_URL)
names another, e.g. postgresql+psycopg://user:password@host/dbname. Blobs always
live in DIR/blobs. Every option also comes from a COMPANION_SERVER_<NAME> variable or
a settings file (--config FILE): see sync/server/environment.py.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from sync.server import auth, environment, models
from sync.server.backup import BackupError
from sync.server.db import LIBRARY_ID, Database, DatabaseError, now_ms, sqlite_url

DATA_DIR_ENV = "COMPANION_SERVER_DATA_DIR"
DATABASE_URL_ENV = "COMPANION_SERVER_DATABASE_URL"
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
ROLES = ("reader", "member", "editor", "admin")


class CommandError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="companion-server", description="The openIMIS Companion sync server.")
    parser.add_argument("--config", metavar="FILE",
                        help=f"settings file of COMPANION_SERVER_<NAME>=value lines (or ${environment.CONFIG_ENV})")
    parser.add_argument("--data-dir", help=f"folder for the SQLite database and blobs (or ${DATA_DIR_ENV})")
    parser.add_argument("--database-url", help=f"SQLAlchemy URL of the database (or ${DATABASE_URL_ENV}); default: SQLite in the data folder")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1: put a TLS proxy in front)")
    serve.add_argument("--port", type=int, help="default 8765")
    serve.add_argument("--workers", type=int, help="server processes sharing the port (default 1; each needs PostgreSQL "
                                                    "to be worth it: SQLite has one writer at a time)")
    serve.add_argument("--database-url", default=argparse.SUPPRESS, help="as the global option")
    serve.add_argument("--no-public-library", action="store_const", const=False, dest="public_library",
                       help="require a token to read the library")
    serve.add_argument("--log-level", choices=["critical", "error", "warning", "info", "debug"], help="default info")
    serve.add_argument("--log-format", choices=["text", "json"], help="json: one JSON object per line (default text)")
    serve.add_argument("--forwarded-allow-ips", default=os.environ.get("FORWARDED_ALLOW_IPS"),
                       help="proxies whose X-Forwarded-For is trusted (default 127.0.0.1)")
    serve.add_argument("--max-failed-logins-per-address", type=int, help=argparse.SUPPRESS)
    # For tests of slow clients: seconds allowed to send request headers / between bytes; connections per address.
    serve.add_argument("--header-timeout", type=float, default=20.0, help=argparse.SUPPRESS)
    serve.add_argument("--stall-timeout", type=float, default=30.0, help=argparse.SUPPRESS)
    serve.add_argument("--connections-per-address", type=int, default=64, help=argparse.SUPPRESS)

    user = commands.add_parser("user", help="manage users").add_subparsers(dest="action", required=True)
    add = user.add_parser("add", help="create a user (and their personal workspace)")
    add.add_argument("name")
    add.add_argument("--password-stdin", action="store_true", required=True, help="read the password from standard input")
    add.add_argument("--admin", action="store_true", help="server administrator: admin of the library and every team")
    for action, text in (("disable", "refuse sign-in and every token of a user"), ("enable", "undo disable")):
        sub = user.add_parser(action, help=text)
        sub.add_argument("name")
    password = user.add_parser("password", help="set a user's password")
    password.add_argument("name")
    password.add_argument("--password-stdin", action="store_true", required=True)
    user.add_parser("list", help="list users")

    token = commands.add_parser("token", help="manage tokens").add_subparsers(dest="action", required=True)
    token_list = token.add_parser("list", help="a user's tokens")
    token_list.add_argument("name")
    revoke = token.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id", type=int)

    workspace = commands.add_parser("workspace", help="manage team workspaces").add_subparsers(dest="action", required=True)
    workspace_add = workspace.add_parser("add", help="create a team workspace")
    workspace_add.add_argument("slug")
    workspace_add.add_argument("--name", required=True)
    workspace.add_parser("list", help="list workspaces")

    member = commands.add_parser("member", help="manage workspace members").add_subparsers(dest="action", required=True)
    member_add = member.add_parser("add", help="add a member, or change their role")
    member_add.add_argument("slug")
    member_add.add_argument("username")
    member_add.add_argument("--role", required=True, choices=ROLES)
    member_remove = member.add_parser("remove", help="remove a member")
    member_remove.add_argument("slug")
    member_remove.add_argument("username")

    library = commands.add_parser("library", help="the library workspace").add_subparsers(dest="action", required=True)
    publish = library.add_parser("publish", help="publish bundled guides (or those in PATH) into the library")
    publish.add_argument("path", nargs="?", help="a resources folder (with guides/<language>/*.md); default: the bundled one")
    publish.add_argument("--prune", action="store_true", help="withdraw published guides that are no longer in PATH")

    bundle = commands.add_parser("bundle", help="bundle files (.cbundle)").add_subparsers(dest="action", required=True)
    bundle_import = bundle.add_parser("import", help="check a .cbundle file and merge it into its workspace")
    bundle_import.add_argument("file")

    commands.add_parser("migrate", help="create or upgrade the database schema (backing it up first), then exit")
    backup = commands.add_parser("backup", help="copy the database, consistently, while the server runs")
    backup.add_argument("destination", metavar="DEST", help="a new file, or a folder for a time-stamped file")
    return parser


def _environment(args: argparse.Namespace) -> environment.ServerEnvironment:
    """Command line over environment over settings file over defaults."""
    given = {"data_dir": args.data_dir, "database_url": getattr(args, "database_url", None)}
    if args.command == "serve":
        given.update({name: getattr(args, name) for name in ("host", "port", "workers", "log_level", "log_format",
                                                              "forwarded_allow_ips", "public_library")})
    try:
        settings = environment.load(args.config, **given)
        if getattr(args, "max_failed_logins_per_address", None):
            settings.login_limits["per_address"] = args.max_failed_logins_per_address
    except environment.SettingsError as error:
        raise CommandError(str(error)) from None
    if settings.data_dir is None:
        raise CommandError(f"say where the server keeps its data: --data-dir DIR (or ${DATA_DIR_ENV})")
    settings.data_dir = settings.data_dir.expanduser().resolve()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.database_url = settings.database_url or sqlite_url(settings.data_dir)
    return settings


def _migrate(db: Database, settings: environment.ServerEnvironment) -> str:
    from sync.server.backup import migrate_with_backup

    action, backup = migrate_with_backup(db, settings.data_dir / "backups", settings.backup_before_migrate)
    if backup is not None:
        print(f"companion-server: the database was backed up to {backup} before the upgrade", file=sys.stderr)
    return action


def _read_password(stream=None) -> str:  # type: ignore[no-untyped-def]
    text = (stream or sys.stdin).readline()
    password = text.rstrip("\r\n")
    if not password:
        raise CommandError("no password on standard input")
    return password


def _user(session, name: str) -> models.User:  # type: ignore[no-untyped-def]
    user = auth.find_user(session, name)
    if user is None:
        raise CommandError(f"no user {name!r}")
    return user


def _when(ms: int | None) -> str:
    if ms is None:
        return "-"
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def run(args: argparse.Namespace) -> int:
    settings = _environment(args)
    if args.command == "serve":
        return _serve(settings, args)
    db = Database(settings.database_url)
    try:
        if args.command == "backup":
            return _backup(db, Path(args.destination).expanduser())
        _migrate(db, settings)
        return _admin(args, db, settings.data_dir)
    finally:
        db.dispose()


def _backup(db: Database, destination: Path) -> int:
    from sync.server.backup import backup, postgres_instructions

    if not db.is_sqlite:
        print(postgres_instructions(db, destination))
        return 2
    target = backup(db, destination)
    print(f"database backed up to {target} ({target.stat().st_size} bytes); now copy the blobs folder, e.g.\n"
          f"  rsync -a {db_blobs_hint(db)} {destination if destination.is_dir() else target.parent}/blobs/")
    return 0


def db_blobs_hint(db: Database) -> str:
    from sync.server.backup import sqlite_file

    return f"{sqlite_file(db).parent / 'blobs'}/"


def _admin(args: argparse.Namespace, db: Database, data_dir: Path) -> int:
    command, action = args.command, getattr(args, "action", None)
    if command == "migrate":
        print(f"database ready: {db.display_url}")
        return 0
    if command == "user" and action == "add":
        password = _read_password()
        with db.write() as session:
            try:
                user = auth.create_user(session, args.name, password, is_admin=args.admin)
            except auth.AuthError as error:
                raise CommandError(str(error)) from None
            print(f"user {user.username} created (id {user.id}, personal workspace {auth.personal_workspace_id(user.id)})"
                  + (", server administrator" if args.admin else ""))
        return 0
    if command == "user" and action in ("disable", "enable"):
        with db.write() as session:
            user = _user(session, args.name)
            user.disabled = action == "disable"
        print(f"user {args.name} {action}d")
        return 0
    if command == "user" and action == "password":
        password = _read_password()
        if len(password) < auth.MIN_PASSWORD_LENGTH:
            raise CommandError(f"the password must have at least {auth.MIN_PASSWORD_LENGTH} characters")
        with db.write() as session:
            _user(session, args.name).password_hash = auth.hash_password(password)
        print(f"password of {args.name} changed")
        return 0
    if command == "user" and action == "list":
        with db.read() as session:
            for user in session.scalars(select(models.User).order_by(models.User.id)):
                flags = ", ".join(flag for flag, on in (("admin", user.is_admin), ("disabled", user.disabled)) if on)
                print(f"{user.id}\t{user.username}\t{flags}")
        return 0
    if command == "token" and action == "list":
        with db.read() as session:
            user = _user(session, args.name)
            rows = session.scalars(select(models.Token).where(models.Token.user_id == user.id).order_by(models.Token.id)).all()
            print("id\tdevice\tcreated\tlast used\tstate")
            for row in rows:
                state = f"revoked {_when(row.revoked_ms)}" if row.revoked_ms else "active"
                print(f"{row.id}\t{row.device_name or '-'}\t{_when(row.created_ms)}\t{_when(row.last_used_ms)}\t{state}")
        return 0
    if command == "token" and action == "revoke":
        with db.write() as session:
            if not auth.revoke_token(session, args.id):
                raise CommandError(f"no token {args.id}")
        print(f"token {args.id} revoked")
        return 0
    if command == "workspace" and action == "add":
        slug = args.slug
        if not SLUG_RE.fullmatch(slug) or slug == LIBRARY_ID or slug.startswith("personal-"):
            raise CommandError(
                f"invalid workspace slug {slug!r}: 2-64 lowercase letters, digits or '-'; not 'library', not 'personal-...'"
            )
        name = args.name.strip()
        if not name or len(name) > 200:
            raise CommandError("--name must be 1-200 characters")
        from companion.replication.digest import EMPTY_DIGEST

        with db.write() as session:
            if session.get(models.Workspace, slug) is not None:
                raise CommandError(f"workspace {slug!r} already exists")
            session.add(models.Workspace(id=slug, name=name, kind="team", owner_id=None, head=0, digest=EMPTY_DIGEST,
                                         record_count=0, created_ms=now_ms()))
        print(f"team workspace {slug} created")
        return 0
    if command == "workspace" and action == "list":
        with db.read() as session:
            for workspace in session.scalars(select(models.Workspace).order_by(models.Workspace.id)):
                print(f"{workspace.id}\t{workspace.kind}\t{workspace.name}\thead {workspace.head}\t{workspace.record_count} records")
        return 0
    if command == "member":
        with db.write() as session:
            workspace = session.get(models.Workspace, args.slug)
            if workspace is None or workspace.kind == "personal":
                raise CommandError(f"no team workspace or library {args.slug!r}")
            user = _user(session, args.username)
            membership = session.get(models.Membership, (workspace.id, user.id))
            if action == "add":
                if membership is None:
                    session.add(models.Membership(workspace_id=workspace.id, user_id=user.id, role=args.role))
                else:
                    membership.role = args.role
                print(f"{user.username} is {args.role} of {workspace.id}")
            else:
                if membership is None:
                    raise CommandError(f"{user.username} is not a member of {workspace.id}")
                session.delete(membership)
                print(f"{user.username} removed from {workspace.id}")
        return 0
    if command == "library" and action == "publish":
        from companion.content.loader import ContentError

        from sync.server.blobs import BlobStore
        from sync.server.publish import PublishError, publish_library

        if args.path:
            source = Path(args.path).expanduser().resolve()
        else:
            from companion.config import resources_dir

            source = resources_dir()
        try:
            report = publish_library(db, BlobStore(data_dir / "blobs"), source, prune=args.prune)
        except (PublishError, ContentError) as error:  # bad UTF-8, YAML or shape: the message names the file
            raise CommandError(str(error)) from None
        except OSError as error:  # an unreadable file or folder: say which, not a traceback
            raise CommandError(f"{error.filename or source}: cannot be read ({error.strerror or error})") from None
        print(f"published from {source}: {report.summary()}")
        for line in report.rejected:
            print(f"  rejected: {line}", file=sys.stderr)
        return 1 if report.rejected else 0
    if command == "bundle" and action == "import":
        from sync.bundle import BundleError
        from sync.server.blobs import BlobStore
        from sync.server.bundle_import import BundleImportError, import_bundle_file

        try:
            report = import_bundle_file(db, BlobStore(data_dir / "blobs"), Path(args.file).expanduser())
        except BundleError as error:
            raise CommandError(f"{args.file} refused, nothing changed: {error.message}") from None
        except BundleImportError as error:
            raise CommandError(str(error)) from None
        print(f"imported {args.file}: {report.summary()}")
        for line in report.rejected:
            print(f"  rejected: {line}", file=sys.stderr)
        return 1 if report.rejected else 0
    raise CommandError(f"unknown command {command} {action or ''}")


def _serve(settings: environment.ServerEnvironment, args: argparse.Namespace) -> int:
    import logging.config

    import uvicorn

    from sync.server.limits import ConnectionLimits, guarded_protocol, install_flood_filter, raise_open_files_limit
    from sync.server.logs import logging_config

    log_config = logging_config(settings.log_level, settings.log_format)
    logging.config.dictConfig(log_config)
    db = Database(settings.database_url)
    action = _migrate(db, settings)
    logging.getLogger("companion.server").info(
        "database %s (%s), data in %s, library %s, %d process(es); listening on http://%s:%d", db.display_url, action,
        settings.data_dir, "public" if settings.public_library else "private", settings.workers, settings.host, settings.port)
    if settings.log_format == "text":
        print(f"companion-server: database {db.display_url} ({action}), data in {settings.data_dir}, "
              f"library {'public' if settings.public_library else 'private'}; "
              f"listening on http://{settings.host}:{settings.port}", flush=True)
    connections = ConnectionLimits(header_timeout_s=args.header_timeout, stall_timeout_s=args.stall_timeout,
                                   per_address=args.connections_per_address)
    options = dict(
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=log_config,
        server_header=False,  # every byte counts on a 2G link
        date_header=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        # Slow or half-open clients (sync/server/limits.py): connections are guarded by the
        # protocol class; past `concurrency` connections or requests, new requests get 503.
        limit_concurrency=connections.concurrency,
        timeout_keep_alive=connections.keep_alive_s,
    )
    raise_open_files_limit()
    if settings.workers == 1:
        from sync.server.app import create_app

        app = create_app(settings.server_settings(settings.data_dir, settings.database_url), db, migrate=False)
        trusted_proxies = [address.strip() for address in settings.forwarded_allow_ips.split(",")]
        config = uvicorn.Config(app, http=guarded_protocol(connections, trusted_proxies), **options)
        install_flood_filter()  # after uvicorn configured its loggers
        uvicorn.Server(config).run()
        return 0
    # Several processes: each builds its own app and guarded protocol from these settings
    # (passed as variables; see sync/server/asgi.py).
    db.dispose()
    os.environ.update(settings.as_environment())
    uvicorn.run("sync.server.asgi:create", factory=True, workers=settings.workers,
                http="sync.server.asgi:GuardedProtocol", **options)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run(args)
    except CommandError as error:
        print(f"companion-server: {error}", file=sys.stderr)
        return 1
    except DatabaseError as error:
        print(f"companion-server: database: {error}", file=sys.stderr)
        return 1
    except BackupError as error:
        print(f"companion-server: backup: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
