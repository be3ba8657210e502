"""Background sync for the window: when to sync, on which thread, and what state to show.

The window never waits for the network: every sync runs on a pool thread (ui.runner) and
reports through Qt signals, which reach widgets on the window's thread. Syncs happen at start,
every few minutes, soon after edits settle (the record writer's change bus says when), and on
"Sync now"; never two at once. The engine lives as long as the sign-in, so a sync with nothing
new costs one request. Screens refresh themselves from the lead's change bus when pulled
records land; this controller only says what the sync is doing.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from sync.credentials import Account, chosen_teams, current_account
from ui.runner import run_in_background

if TYPE_CHECKING:
    from sync.engine import Progress, SyncEngine, SyncError, SyncReport

log = logging.getLogger(__name__)

START_DELAY_MS = 3_000
PERIOD_MS = 5 * 60_000
SETTLE_MS = 20_000  # after the last local edit, wait this long before sending it
# Records per pull page in the window: parsing a page holds Python's GIL in one C call, so a
# 1,000-record page (~0.9 MB) could freeze the window for a few hundred ms on a slow laptop.
WINDOW_PAGE_LIMIT = 250

SIGNED_OUT, SYNCED, SYNCING, OFFLINE, WAITING, ERROR = "signed-out", "synced", "syncing", "offline", "waiting", "error"


@dataclass
class SyncStatus:
    state: str
    pending: int = 0
    done: int = 0
    total: int = 0
    phase: str = ""
    problem: str = ""  # a companion.sync_problems code when state is error or offline
    detail: str = ""
    last_success_ms: int | None = None
    conflicts: int = 0
    refused: int = 0


class _Bridge(QObject):
    """Carries the engine's progress from the pool thread to the window's thread."""

    progressed = Signal(object)
    records_changed = Signal(object)


class SyncController(QObject):
    status_changed = Signal(object)  # SyncStatus
    finished = Signal(object)  # SyncReport, after a successful sync
    account_changed = Signal()

    def __init__(self, replica: Any, data_dir: Path, parent: QObject | None = None, *,
                 start_delay_ms: int = START_DELAY_MS, period_ms: int = PERIOD_MS, settle_ms: int = SETTLE_MS,
                 engine_options: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.replica = replica
        self.data_dir = data_dir
        self.engine_options = {"page_limit": WINDOW_PAGE_LIMIT, **(engine_options or {})}
        self.account: Account | None = current_account(replica, data_dir)
        self._engine: SyncEngine | None = None
        self._cancel = threading.Event()
        self.running = False
        self._again = False
        self._status = SyncStatus(SIGNED_OUT)
        self._bridge = _Bridge()
        self._bridge.progressed.connect(self._on_progress)
        self._bridge.records_changed.connect(self._on_records_changed)
        self._unsubscribe = replica.records.bus.subscribe(self._bridge.records_changed.emit)
        self.start_timer = QTimer(self, singleShot=True, interval=start_delay_ms)
        self.start_timer.timeout.connect(self.sync_now)
        self.period_timer = QTimer(self, interval=period_ms)
        self.period_timer.timeout.connect(self.sync_now)
        self.settle_timer = QTimer(self, singleShot=True, interval=settle_ms)
        self.settle_timer.timeout.connect(self.sync_now)
        self.refresh_status()

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> None:
        """Sync soon after the window shows, then every few minutes."""
        if self.account is not None:
            self.start_timer.start()
        self.period_timer.start()

    def shutdown(self) -> None:
        self._cancel.set()
        for timer in (self.start_timer, self.period_timer, self.settle_timer):
            timer.stop()
        self._unsubscribe()

    def signed_in(self) -> None:
        """The sign-in dialog kept a new account: start over with it."""
        self.account = current_account(self.replica, self.data_dir)
        self._drop_engine()
        self.account_changed.emit()
        self.refresh_status()
        self.sync_now()

    def signed_out(self) -> None:
        self.cancel()
        self.account = None
        self._drop_engine()
        self.account_changed.emit()
        self.refresh_status()

    def _drop_engine(self) -> None:
        if self._engine is not None and not self.running:
            self._engine.close()
        self._engine = None

    # --- syncing ----------------------------------------------------------------------------------

    def sync_now(self) -> None:
        if self.account is None:
            self.refresh_status()
            return
        if self.running:
            self._again = True  # an edit arrived during the sync: one more when it ends
            return
        self.settle_timer.stop()
        self.running = True
        self._again = False
        self._cancel = threading.Event()
        # The engine (and with it requests, pydantic, tenacity) is imported with the first sync,
        # a few seconds after the window shows, not while it is being built.
        from sync.engine import SyncEngine, SyncError

        if self._engine is None:
            self._engine = SyncEngine(self.replica, self.account.server_url, self.account.token,
                                      on_progress=self._bridge.progressed.emit, **self.engine_options)
        engine = self._engine
        engine.cancel = self._cancel
        engine.set_teams(chosen_teams(self.replica))  # the sign-in dialog may have changed them
        self._status = SyncStatus(SYNCING, pending=self._status.pending, last_success_ms=self._status.last_success_ms,
                                  conflicts=self._status.conflicts)
        self.status_changed.emit(self._status)
        def work(_progress):  # type: ignore[no-untyped-def]
            try:
                return engine.sync()
            except SyncError as error:  # expected (offline, signed out...): reported, not logged as a crash
                return error

        run_in_background(work, on_success=self._done, on_failure=self._failed)

    def cancel(self) -> None:
        self._cancel.set()

    def _done(self, result: SyncReport | SyncError) -> None:
        from sync.engine import SyncError

        if isinstance(result, SyncError):
            log.info("sync: %s (%s)", result.code, result.detail)
            self._failed(result)
        else:
            self._succeeded(result)

    def _succeeded(self, report: SyncReport) -> None:
        self.running = False
        self.refresh_status()
        self.finished.emit(report)
        self._maybe_again()

    def _failed(self, error: BaseException) -> None:
        from sync.engine import SyncError

        self.running = False
        if isinstance(error, SyncError):
            if error.code == "signed-out":
                self._drop_engine()
            self.refresh_status(error.code, error.detail)
        else:  # a bug, not the network: shown as a server-side problem, logged with its traceback
            log.error("sync failed unexpectedly", exc_info=error)
            self.refresh_status("server-error", str(error))
        self._maybe_again()

    def _maybe_again(self) -> None:
        if self._again and self.account is not None:
            self.settle_timer.start()

    def _on_progress(self, progress: Progress) -> None:
        if not self.running:
            return
        self._status.phase, self._status.done, self._status.total = progress.phase, progress.done, progress.total
        self.status_changed.emit(self._status)

    def _on_records_changed(self, event: Any) -> None:
        if getattr(event, "local", False) and self.account is not None:
            if self.running:
                self._again = True
            else:
                self.settle_timer.start()  # restarted by every edit: sent once typing settles
            if not self.running:
                self.refresh_status()

    # --- what to show ----------------------------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        return self._status

    def refresh_status(self, problem: str = "", detail: str = "") -> SyncStatus:
        pending = self.replica.pending_count()
        last = self.replica.get_sync_state("sync.last_success_ms")
        if not problem and not self.running:
            saved = self.replica.get_sync_state("sync.last_error")
            if saved and (not last or saved.get("at_ms", 0) > last):
                problem, detail = saved.get("code", ""), saved.get("detail", "")
        conflicts = len(self.replica.conflicts())
        refused = len(self.replica.set_aside_entries())
        if self.account is None:
            state = SIGNED_OUT
        elif self.running:
            state = SYNCING
        elif problem in ("unreachable", "captive-portal"):
            state = OFFLINE
        elif problem and problem != "cancelled":
            state = ERROR
        elif pending:
            state = WAITING
        else:
            state = SYNCED
        self._status = SyncStatus(state, pending=pending, problem=problem, detail=detail, last_success_ms=last,
                                  conflicts=conflicts, refused=refused)
        self.status_changed.emit(self._status)
        return self._status


def seconds_since(ms: int | None) -> float | None:
    return None if ms is None else max(0.0, time.time() - ms / 1000)
