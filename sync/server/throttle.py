"""Sign-in throttling, shared by every server process through the database.

Failed sign-ins are counted in a sliding window per (client address, user
name) pair and per client address, never per user name alone: someone
hammering a name from elsewhere cannot lock its owner out of their own laptop
(docs/sync-protocol.md §3.3). Past a limit, every attempt from that pair or
address, right or wrong, is answered 429 until the oldest counted failure
leaves the window.

The counts are rows of ``login_failures`` so that several server processes on
one PostgreSQL database see the same numbers. Check-then-insert is not atomic
across processes: under a race an address may get a few attempts more than its
limit, which does not matter for a limit of this kind.

Password checks are also bounded in number at any moment: an Argon2
verification uses 64 MiB, so forty simultaneous anonymous sign-ins would
otherwise take 2.5 GB.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from sync.server import models
from sync.server.db import Database, now_ms


@dataclass(frozen=True)
class LoginLimits:
    """Failed sign-ins allowed per window, per (address, user name) pair and per address."""

    per_pair: int = 5
    per_address: int = 50
    window_s: float = 15 * 60


def _pair_key(username: str, address: str) -> str:
    return f"pair:{address} {username.lower()}"[:200]


def _address_key(address: str) -> str:
    return f"address:{address}"[:200]


class SignInThrottle:
    """Counts failed sign-ins in the database. Every method does blocking I/O: call it off the event loop."""

    SWEEP_EVERY_MS = 60_000

    def __init__(self, db: Database, limits: LoginLimits = LoginLimits(), clock: Callable[[], int] = now_ms) -> None:
        self.db = db
        self.limits = limits
        self._clock = clock
        self._last_sweep = 0
        self._sweep_lock = threading.Lock()

    @property
    def window_ms(self) -> int:
        return int(self.limits.window_s * 1000)

    def _keys(self, username: str, address: str) -> list[tuple[str, int]]:
        return [(_pair_key(username, address), self.limits.per_pair), (_address_key(address), self.limits.per_address)]

    def retry_after(self, username: str, address: str) -> int | None:
        """Seconds to wait before trying again, or None when an attempt is allowed now."""
        now = self._clock()
        cutoff = now - self.window_ms
        waits = []
        with self.db.read() as session:
            for key, limit in self._keys(username, address):
                # The limit-th most recent failure: when it leaves the window, fewer than `limit` remain.
                oldest_counted = session.scalars(
                    select(models.LoginFailure.at_ms)
                    .where(models.LoginFailure.key == key, models.LoginFailure.at_ms > cutoff)
                    .order_by(models.LoginFailure.at_ms.desc())
                    .offset(limit - 1)
                    .limit(1)
                ).first()
                if oldest_counted is not None:
                    waits.append(oldest_counted + self.window_ms - now)
        if not waits:
            return None
        return max(1, -(-max(waits) // 1000))

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        with self.db.write() as session:
            session.add_all(models.LoginFailure(key=key, at_ms=now) for key, _ in self._keys(username, address))
        self._sweep(now)

    def succeeded(self, username: str, address: str) -> None:
        """The owner got in from this address: their pair starts afresh (the address count stays)."""
        with self.db.write() as session:
            session.execute(delete(models.LoginFailure).where(models.LoginFailure.key == _pair_key(username, address)))

    def _sweep(self, now: int) -> None:
        # Rows that left the window count for nothing: drop them about once a minute, so the
        # table stays as small as the failures of the last window.
        with self._sweep_lock:
            if now - self._last_sweep < self.SWEEP_EVERY_MS:
                return
            self._last_sweep = now
        with self.db.write() as session:
            session.execute(delete(models.LoginFailure).where(models.LoginFailure.at_ms <= now - self.window_ms))

    def rows(self) -> int:
        with self.db.read() as session:
            return session.scalar(select(func.count()).select_from(models.LoginFailure)) or 0


# At most this many Argon2 verifications run at once in one process (64 MiB each); the
# app queues the others on the event loop (an asyncio semaphore), so waiting sign-ins
# hold no worker thread that pulls and pushes need.
PASSWORD_CHECKS_AT_ONCE = max(2, min(8, os.cpu_count() or 2))
