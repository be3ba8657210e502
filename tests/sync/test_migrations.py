"""Start-up migrations: a new database is created and stamped, an existing one upgraded; both match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from sync.server import models
from sync.server.db import Database, DatabaseError
from tests.sync.conftest import Backend


def _version(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_new_database_is_created_and_stamped_then_upgraded(backend: Backend, tmp_path: Path) -> None:
    db = Database(backend.new_url(tmp_path))
    try:
        assert db.migrate() == "created"
        head = ScriptDirectory.from_config(db.alembic_config()).get_current_head()
        assert _version(db) == head
        server_id = db.server_id()
        assert db.migrate() == "upgraded" and db.server_id() == server_id  # idempotent, keeps its identity
    finally:
        db.dispose()


def test_the_migrations_build_exactly_the_models(backend: Backend, tmp_path: Path) -> None:
    db = Database(backend.new_url(tmp_path))
    try:
        config = db.alembic_config()
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), models.Base.metadata)
        assert differences == []
    finally:
        db.dispose()


def test_a_foreign_database_is_left_alone(backend: Backend, tmp_path: Path) -> None:
    db = Database(backend.new_url(tmp_path))
    try:
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)"))
        with pytest.raises(DatabaseError, match="not a companion-server database"):
            db.migrate()
    finally:
        db.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        db.migrate()
        with db.read() as session:
            assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert session.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    finally:
        db.dispose()
