"""Database access: one engine, read and write sessions, and start-up migrations.

SQLite (the default, one file in the data folder) runs in WAL mode with foreign
keys on and a busy timeout; writes take the database lock up front
(``BEGIN IMMEDIATE``) and are serialised in-process, so many concurrent clients
queue instead of failing with "database is locked". PostgreSQL runs the same
code; a push locks its workspace row (``SELECT ... FOR UPDATE``) so sequence
numbers of a workspace are committed in the order they are assigned.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

from companion.replication.digest import EMPTY_DIGEST
from sync.server import models

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
LIBRARY_ID = "library"
_WRITE_OPTION = "companion_write"


class DatabaseError(RuntimeError):
    """The database cannot be used (wrong URL, not a companion-server database, ...)."""


def now_ms() -> int:
    return int(time.time() * 1000)


def sqlite_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / 'companion-server.sqlite3').resolve()}"


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=8,
            max_overflow=56,
            pool_timeout=60,
        )

        @event.listens_for(engine, "connect")
        def _configure(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # Let SQLAlchemy's "begin" event decide how transactions start.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection) -> None:  # type: ignore[no-untyped-def]
            # A write takes the lock at BEGIN, so it never fails half-way on upgrade.
            immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_size=10, max_overflow=40, pool_timeout=60, pool_pre_ping=True)
    raise DatabaseError(f"unsupported database URL {parsed.render_as_string(hide_password=True)} (use sqlite:/// or postgresql+psycopg://)")


# -- the driver's own cursor, for the hottest statements ------------------------------------------
# A pull page, a push's bulk statements and the "nothing new" sync's two lookups go straight to the
# DB-API cursor under the session's or connection's transaction: SQLAlchemy's statement and result
# machinery costs several times SQLite's own work on them. Their SQL is written with "?" and given
# PostgreSQL's "%s" there.


def driver_sql(connection: Connection, sql: str) -> str:
    return sql if connection.dialect.name == "sqlite" else sql.replace("?", "%s")


def marks(count: int) -> str:
    """``count`` placeholders, for ``IN (...)``."""
    return ",".join("?" * count)


def _connection(where: Session | Connection) -> Connection:
    return where.connection() if isinstance(where, Session) else where


def driver_fetch(where: Session | Connection, sql: str, params: Sequence[Any]) -> list[Any]:
    connection = _connection(where)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(driver_sql(connection, sql), params)
        return cursor.fetchall()
    finally:
        cursor.close()


def driver_execute_many(where: Session | Connection, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    connection = _connection(where)
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(driver_sql(connection, sql), rows)
    finally:
        cursor.close()


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._write_sessions = sessionmaker(
            self.engine.execution_options(**{_WRITE_OPTION: True}), expire_on_commit=False
        )
        # SQLite has one writer at a time anyway: queue in-process, not in busy-wait loops.
        self._write_lock = threading.Lock() if self.is_sqlite else None

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            with session.begin():
                yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        if self._write_lock is not None:
            with self._write_lock:
                with self._write_sessions() as session, session.begin():
                    yield session
        else:
            with self._write_sessions() as session, session.begin():
                yield session

    def dispose(self) -> None:
        self.engine.dispose()

    # -- schema -----------------------------------------------------------------

    def alembic_config(self) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        return config

    def migrate(self) -> str:
        """New database: create and stamp; existing: upgrade to head. Returns what was done."""
        config = self.alembic_config()
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            tables = set(inspect(connection).get_table_names())
            if "alembic_version" not in tables:
                ours = tables & set(models.Base.metadata.tables)
                if ours:
                    raise DatabaseError(
                        f"{self.display_url} has tables ({', '.join(sorted(ours))}) but no schema version: "
                        "not a companion-server database, refusing to touch it"
                    )
                models.Base.metadata.create_all(connection)
                command.stamp(config, "head")
                action = "created"
            else:
                command.upgrade(config, "head")
                action = "upgraded"
        self._bootstrap()
        return action

    def _bootstrap(self) -> None:
        """Rows every server has: its id and the library workspace."""
        with self.write() as session:
            if session.get(models.Meta, "server_id") is None:
                session.add(models.Meta(key="server_id", value=str(uuid.uuid4())))
            if session.get(models.Workspace, LIBRARY_ID) is None:
                session.add(
                    models.Workspace(
                        id=LIBRARY_ID, name="Library", kind="library", owner_id=None, head=0,
                        digest=EMPTY_DIGEST, record_count=0, created_ms=now_ms(),
                    )
                )

    def server_id(self) -> str:
        with self.read() as session:
            meta = session.get(models.Meta, "server_id")
            if meta is None:
                raise DatabaseError("the database has no server id; run the server once to initialise it")
            return meta.value
