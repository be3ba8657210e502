"""Bring the database to the current schema at start-up (Simsapa / Vorta style).

New database → create every table and stamp the head revision.
Existing database → back up the file, then ``alembic upgrade head``; if that fails the
backup is put back, so the user's old file is kept, and the error goes to the UI.
Alembic is imported only when there is something to do: start-up stays fast.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from companion.config import migrations_dir

# Kept equal to Alembic's head by tests/companion/test_migrations.py.
SCHEMA_HEAD = "0005_records"


class MigrationError(RuntimeError):
    def __init__(self, message: str, backup: Path | None) -> None:
        super().__init__(message)
        self.backup = backup


@dataclass(frozen=True)
class MigrationOutcome:
    action: str  # "created" | "upgraded" | "current"
    from_revision: str | None
    backup: Path | None = None


def current_revision(database: Path) -> str | None:
    if not database.exists():
        return None
    with closing(sqlite3.connect(database)) as connection:
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            return None
    return row[0] if row else None


def alembic_config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    config = alembic_config(None)
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def backup_database(database: Path, backups_dir: Path, revision: str | None) -> Path:
    """A consistent copy made with SQLite's backup API (safe even with a WAL file beside it)."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backups_dir / f"{database.stem}-{stamp}-{revision or 'unversioned'}{database.suffix}"
    with closing(sqlite3.connect(database)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return target


def _restore(backup: Path, database: Path) -> None:
    # Through SQLite's backup API, so the WAL beside the file is handled properly.
    with closing(sqlite3.connect(backup)) as source, closing(sqlite3.connect(database)) as target:
        source.backup(target)


def prepare_database(database: Path, backups_dir: Path) -> MigrationOutcome:
    revision = current_revision(database)
    if revision == SCHEMA_HEAD:
        return MigrationOutcome("current", revision)

    from alembic import command

    from companion.storage.database import create_sqlite_engine

    fresh = not database.exists() or database.stat().st_size == 0
    if fresh:
        from companion.storage.models import all_models

        engine = create_sqlite_engine(database)
        try:
            with engine.begin() as connection:
                all_models().metadata.create_all(connection)
                command.stamp(alembic_config(connection), "head")
        finally:
            engine.dispose()
        return MigrationOutcome("created", None)

    if revision is not None and revision not in known_revisions():
        raise MigrationError(
            f"This data was written by a newer version of the Companion (schema {revision}).", None
        )
    backup = backup_database(database, backups_dir, revision)
    engine = create_sqlite_engine(database)
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
    except Exception as error:  # any failure: put the user's file back as it was
        engine.dispose()
        _restore(backup, database)
        raise MigrationError(f"The database could not be upgraded: {error}", backup) from error
    finally:
        engine.dispose()
    return MigrationOutcome("upgraded", revision, backup)
