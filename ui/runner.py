"""Run slow work off the UI thread (Anki's CollectionOp / Vorta's jobs, in small).

    run_in_background(work, on_success=..., on_failure=..., on_progress=...)

``work(progress)`` runs on a pool thread; ``progress(done, total)`` may be called from it.
The callbacks run on the UI thread. Work must not touch widgets.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)
_running: set["_Operation"] = set()  # keeps operations alive until they report


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)


class _Operation(QRunnable):
    def __init__(self, work: Callable[[Callable[[int, int], None]], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.work = work
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.work(self._progress)
        except _ReceiverGone:
            return  # the app is closing: nobody is left to report to
        except BaseException as error:  # reported to the UI thread, never lost
            log.exception("background operation failed")
            self._emit(self.signals.failed, error)
        else:
            self._emit(self.signals.succeeded, result)

    def _progress(self, done: int, total: int) -> None:
        self._emit(self.signals.progressed, done, total)

    @staticmethod
    def _emit(signal, *values) -> None:
        try:
            signal.emit(*values)
        except RuntimeError as error:  # "Signal source has been deleted" during shutdown
            raise _ReceiverGone() from error


class _ReceiverGone(Exception):
    pass


def run_in_background(
    work: Callable[[Callable[[int, int], None]], Any],
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    operation = _Operation(work)

    def finished(callback, value) -> None:
        # Let go of the operation only after this signal has been delivered: dropping it
        # here would delete the QObject that is emitting.
        QTimer.singleShot(0, lambda: _running.discard(operation))
        if callback:
            callback(value)
        elif isinstance(value, BaseException):
            raise value  # no handler: let the crash hook report it

    operation.signals.succeeded.connect(lambda result: finished(on_success, result))
    operation.signals.failed.connect(lambda error: finished(on_failure, error))
    if on_progress:
        operation.signals.progressed.connect(on_progress)
    _running.add(operation)
    QThreadPool.globalInstance().start(operation)


def pending_operations() -> int:
    return len(_running)
