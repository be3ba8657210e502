"""The sync state at a glance, in the main window's top bar: synced, syncing (with progress),
offline, N changes waiting, or a problem. A click opens the details, with "Sync now"."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import QToolButton

from companion.i18n import _, format_number, format_percent, ngettext
from companion.sync_problems import describe
from ui.icons import icon
from ui.sync_controller import ERROR, OFFLINE, SIGNED_OUT, SYNCED, SYNCING, WAITING, SyncController, SyncStatus

ICONS = {SIGNED_OUT: "sign-in", SYNCED: "synced", SYNCING: "syncing", OFFLINE: "offline", WAITING: "sync-waiting",
         ERROR: "sync-problem"}


def status_text(status: SyncStatus) -> str:
    if status.state == SIGNED_OUT:
        return _("Sign in")
    if status.state == SYNCING:
        if status.total:
            return _("Syncing… {percent}").format(percent=format_percent(min(status.done / status.total, 1.0)))
        return _("Syncing…")
    if status.state == OFFLINE:
        if status.pending:
            return ngettext("Offline: {count} change waiting", "Offline: {count} changes waiting",
                            status.pending).format(count=format_number(status.pending))
        return _("Offline")
    if status.state == WAITING:
        return ngettext("{count} change waiting", "{count} changes waiting", status.pending).format(
            count=format_number(status.pending))
    if status.state == ERROR:
        return _("Sync problem")
    return _("Synced")


class SyncStatusButton(QToolButton):
    details_requested = Signal()

    def __init__(self, controller: SyncController) -> None:
        super().__init__()
        self.setObjectName("syncStatus")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setIconSize(QSize(20, 20))
        self.setAutoRaise(True)
        self.controller = controller
        controller.status_changed.connect(self.show_status)
        self.clicked.connect(self.details_requested.emit)
        self.show_status(controller.status)

    def show_status(self, status: SyncStatus) -> None:
        self.setIcon(icon(ICONS[status.state]))
        self.setText(status_text(status))
        if status.state in (ERROR, OFFLINE) and status.problem:
            title, advice = describe(status.problem)
            tip = f"{title}\n{advice}"
        elif status.state == SIGNED_OUT:
            tip = _("Sign in to sync")
        else:
            tip = _("Sync: click for details and “Sync now”")
        self.setToolTip(tip)
        self.setAccessibleName(_("Sync status: {state}").format(state=self.text()))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.show_status(self.controller.status)
        super().changeEvent(event)
