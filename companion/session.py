"""Opening the Companion's data: paths, schema, bundled content. Shared by the app, the
self-check and the benchmarks, so they all start the same way."""

from __future__ import annotations

from dataclasses import dataclass

from companion.config import Paths, guides_dir, training_dir
from companion.library import Library
from companion.storage.database import create_sqlite_engine
from companion.storage.migrate import MigrationOutcome, mark_closed_cleanly, prepare_database
from companion.storage.upgrade_lock import upgrade_lock


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
    paths.ensure()
    with upgrade_lock(paths.database):  # two starts at once: one prepares, the other then finds it current
        outcome = prepare_database(paths.database, paths.backups_dir)
    engine = create_sqlite_engine(paths.database)
    return OpenedData(paths, Library(engine), outcome)


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
