"""Opening the Companion's data: paths, schema, bundled content. Shared by the app, the
self-check and the benchmarks, so they all start the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from companion.config import Paths, guides_dir, training_dir
from companion.storage.migrate import MigrationOutcome, mark_closed_cleanly, prepare_database
from companion.storage.upgrade_lock import upgrade_lock

if TYPE_CHECKING:
    from companion.library import Library


@dataclass
class OpenedData:
    paths: Paths
    library: Library
    migration: MigrationOutcome

    def close(self) -> None:
        self.library.engine.dispose()
        mark_closed_cleanly(self.paths.database)


def open_data(paths: Paths) -> OpenedData:
    """Create or upgrade the database (raises MigrationError) and return the library on it."""
    return connect_data(paths, prepare_data(paths))


def prepare_data(paths: Paths) -> MigrationOutcome:
    """Check, create or upgrade the database file (raises MigrationError). With a current, sound
    file this reads one row with the standard library: SQLAlchemy is not imported."""
    paths.ensure()
    with upgrade_lock(paths.database):  # two starts at once: one prepares, the other then finds it current
        return prepare_database(paths.database, paths.backups_dir)


def connect_data(paths: Paths, outcome: MigrationOutcome) -> OpenedData:
    """The library on a prepared database (imports the data layer: SQLAlchemy and the models)."""
    from companion.library import Library
    from companion.storage.database import create_sqlite_engine

    return OpenedData(paths, Library(create_sqlite_engine(paths.database)), outcome)


def bundled_content_needs_import(library: Library) -> bool:
    from companion.content.fingerprint import bundled_content_is_current
    from companion.training.common import FINGERPRINT_KEY, training_fingerprint

    with library.sessions() as session:
        return not (bundled_content_is_current(session, guides_dir())
                    and library.setting(FINGERPRINT_KEY) == training_fingerprint(training_dir()))


def import_bundled_content(library: Library, progress=None):
    from companion.content.importer import import_bundled_guides
    from companion.training.importer import import_bundled_training

    with library.sessions() as session:
        report = import_bundled_guides(session, guides_dir(), progress)
        import_bundled_training(session, training_dir())
        return report
