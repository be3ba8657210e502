"""What the user may do with a damaged data file: restore the newest sound backup, or start
afresh. Either way the damaged file (and its WAL) is kept aside in the data folder, renamed,
never deleted: it may still hold work someone can recover."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

SIDE_FILES = ("-wal", "-shm", "-journal")


def set_aside(database: Path) -> Path:
    """Rename ``database`` (and its side files) to ``<name>-damaged-<time>``; returns the new path."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = database.with_name(f"{database.stem}-damaged-{stamp}{database.suffix}")
    database.rename(aside)
    for suffix in SIDE_FILES:
        side = Path(f"{database}{suffix}")
        if side.exists():
            side.rename(Path(f"{aside}{suffix}"))
    return aside


def restore_backup(database: Path, backup: Path) -> Path:
    """Put ``backup`` in place of the damaged ``database``; returns where the damaged file now is.
    The schema upgrade, if the backup is older, runs at the next start as usual."""
    aside = set_aside(database)
    with closing(sqlite3.connect(backup)) as source, closing(sqlite3.connect(database)) as target:
        source.backup(target)
    return aside


def start_afresh(database: Path) -> Path:
    """Keep the damaged file aside; the next start creates an empty database."""
    return set_aside(database)
