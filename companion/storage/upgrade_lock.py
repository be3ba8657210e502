"""One process at a time creates or upgrades a data folder's database.

Two starts at once on a new folder (the app twice, or the app and ``--self-check``) would
otherwise both create the tables, and one would fail half-way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from companion.file_lock import file_lock


@contextmanager
def upgrade_lock(database: Path, timeout_s: float = 600.0) -> Iterator[None]:
    """Wait (an upgrade of a big database may take minutes) until this process alone may prepare it."""
    with file_lock(database.with_name(database.name + ".upgrade-lock"), wait_s=timeout_s):
        yield
