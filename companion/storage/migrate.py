"""Bring the database to the current schema at start-up (Simsapa / Vorta style).

New database → create every table and stamp the head revision.
Existing database → check it (``PRAGMA quick_check``: a garbage, truncated or partly
overwritten file is found here, not later when a search fails with "malformed"; skipped only
when the file is exactly as the app closed it last time); back up the
file, then ``alembic upgrade head``; if that fails the backup is put back, so the user's old
file is kept, and the error goes to the UI. Only the newest backups are kept, so failed
launches do not fill the disk. Alembic is imported only when there is something to do.
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
KEEP_BACKUPS = 3  # each is a whole copy of the data (2.3 MB with only the bundled content)


class MigrationError(RuntimeError):
    def __init__(self, message: str, backup: Path | None) -> None:
        super().__init__(message)
        self.backup = backup


class DamagedDatabaseError(MigrationError):
    """The data file is not a sound SQLite database. ``backup`` is the newest sound backup, if any;
    companion.storage.recovery restores it or starts afresh, keeping the damaged file aside."""

    def __init__(self, database: Path, problem: str, backup: Path | None) -> None:
        super().__init__(f"{database} is damaged: {problem}", backup)
        self.database = database
        self.problem = problem


def integrity_problem(database: Path) -> str | None:
    """What is wrong with the file, or None when SQLite's quick check finds it sound."""
    try:
        with closing(sqlite3.connect(database)) as connection:
            rows = connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as error:  # "file is not a database", "disk image is malformed"...
        return str(error)
    problems = [str(row[0]) for row in rows if row[0] != "ok"]
    return "; ".join(problems[:3]) or None


def _closed_stamp(database: Path) -> str | None:
    """The file's size and time, when no WAL is beside it (a WAL left behind means it was not closed)."""
    try:
        wal = Path(f"{database}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            return None
        stat = database.stat()
    except OSError:
        return None
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _sound_marker(database: Path) -> Path:
    return database.with_name(database.name + ".closed")


def mark_closed_cleanly(database: Path) -> None:
    """Remember the file as the app left it, so the next start can skip the full check (0.4 s on 220 MB)
    when nothing touched it since: no crash, no power cut, no copy, no disk tool."""
    stamp = _closed_stamp(database)
    try:
        if stamp is None:
            _sound_marker(database).unlink(missing_ok=True)
        else:
            _sound_marker(database).write_text(stamp, encoding="ascii")
    except OSError:
        pass  # then the next start checks the whole file: slower, never wrong


def needs_check(database: Path) -> bool:
    try:
        marker = _sound_marker(database).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return True
    return marker != _closed_stamp(database)


def backups(backups_dir: Path) -> list[Path]:
    """The backups, newest first."""
    if not backups_dir.is_dir():
        return []
    return sorted((path for path in backups_dir.glob("*.sqlite3") if path.is_file()),
                  key=lambda path: (path.stat().st_mtime, path.name), reverse=True)


def latest_sound_backup(backups_dir: Path) -> Path | None:
    return next((path for path in backups(backups_dir) if integrity_problem(path) is None), None)


def prune_backups(backups_dir: Path, keep: int = KEEP_BACKUPS) -> None:
    for old in backups(backups_dir)[keep:]:
        old.unlink(missing_ok=True)


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
        except sqlite3.DatabaseError:  # no such table, or not a database at all
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
    prune_backups(backups_dir)
    return target


def _restore(backup: Path, database: Path) -> None:
    # Through SQLite's backup API, so the WAL beside the file is handled properly.
    with closing(sqlite3.connect(backup)) as source, closing(sqlite3.connect(database)) as target:
        source.backup(target)


def prepare_database(database: Path, backups_dir: Path) -> MigrationOutcome:
    """Raises DamagedDatabaseError for a file SQLite cannot trust, MigrationError otherwise."""
    if database.exists() and database.stat().st_size > 0 and needs_check(database):
        problem = integrity_problem(database)
        if problem is not None:
            raise DamagedDatabaseError(database, problem, latest_sound_backup(backups_dir))
    try:
        return _prepare(database, backups_dir)
    except sqlite3.DatabaseError as error:  # e.g. the disk filled up while creating the tables
        raise MigrationError(f"The database could not be prepared: {error}", None) from error


def _prepare(database: Path, backups_dir: Path) -> MigrationOutcome:
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
