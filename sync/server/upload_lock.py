"""One upload of a blob at a time, across every server process sharing the data folder.

A lock held in memory would only stop a second upload in the same process; with several
workers or machines (one shared blobs folder) two uploads could append to one partial file.
The lock is the operating system's lock on a small file beside the partial upload, so it is
released by the kernel even when a process dies mid-upload. Lock files are kept (deleting one
while another process opens it would let two uploads hold "the" lock); they are empty.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

if os.name == "nt":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def exclusive_upload(partial: Path) -> Iterator[bool]:
    """Yields True while this process alone uploads to ``partial``; False if another one does."""
    lock_path = partial.with_name(partial.name + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        acquired = _try_lock(fd)
        try:
            yield acquired
        finally:
            if acquired:
                _unlock(fd)
    finally:
        os.close(fd)
