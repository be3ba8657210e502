"""The change bus: "records of these types / ids changed", locally or from elsewhere.

Screens subscribe and decide for themselves whether to refresh (Anki's way), instead of every
edit wiring the refreshes it thinks are needed. Plain callbacks, no Qt: the UI adapts them to a
Qt signal so they reach widgets on the window's thread.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordsChanged:
    types: frozenset[str]
    ids: frozenset[str]
    local: bool  # an edit made here (False: received by sync or a bundle)

    def touches(self, *types: str) -> bool:
        return not self.types.isdisjoint(types)


class ChangeBus:
    def __init__(self) -> None:
        self._subscribers: list[Callable[[RecordsChanged], None]] = []
        self._lock = threading.Lock()

    def subscribe(self, callback: Callable[[RecordsChanged], None]) -> Callable[[], None]:
        """Call ``callback`` after every committed change; returns a function that unsubscribes."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, types: set[str], ids: set[str], local: bool) -> None:
        event = RecordsChanged(frozenset(types), frozenset(ids), local)
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(event)
            except Exception:  # one broken listener must not undo a committed edit for the others
                log.exception("change bus subscriber failed")
