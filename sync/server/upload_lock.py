"""One upload of a blob at a time, across every server process sharing the data folder.

A lock held in memory would only stop a second upload in the same process; with several
workers or machines (one shared blobs folder) two uploads could append to one partial file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from companion.file_lock import file_lock


@contextmanager
def exclusive_upload(partial: Path) -> Iterator[bool]:
    """Yields True while this process alone uploads to ``partial``; False if another one does."""
    with file_lock(partial.with_name(partial.name + ".lock")) as acquired:
        yield acquired
