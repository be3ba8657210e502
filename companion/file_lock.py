"""Locks between processes: the operating system's lock on a small file.

The kernel releases it when a process dies, so a crash never leaves a folder locked. Lock files
are kept, empty (deleting one while another process opens it would let two processes hold
"the" lock). Used by the app (one process at a time prepares a data folder's database) and by
the server (one upload at a time appends to a partial blob).
"""

from __future__ import annotations

import os
import time
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
def file_lock(lock_path: Path, wait_s: float | None = None) -> Iterator[bool]:
    """Yields True while this process holds the lock on ``lock_path``.

    ``wait_s`` None: one try, and False when another process holds it. Otherwise wait up to
    ``wait_s`` seconds for it, then raise TimeoutError."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        acquired = _try_lock(fd)
        if wait_s is not None:
            deadline = time.monotonic() + wait_s
            while not acquired:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another process has held {lock_path} for {wait_s:.0f} s")
                time.sleep(0.05)
                acquired = _try_lock(fd)
        try:
            yield acquired
        finally:
            if acquired:
                _unlock(fd)
    finally:
        os.close(fd)
