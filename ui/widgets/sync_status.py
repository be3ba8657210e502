"""The sync state at a glance, in the main window's top bar: synced, syncing (with progress),
offline, N changes waiting, or a problem. A click opens the details, with "Sync now".

On a 1024-pixel screen a long state ("Hors ligne : 1 234 modifications en attente") may not fit
beside the search box: the button then gives way and shows the start of its words with "…", never
drawn over its neighbours; the whole state stays in its tooltip and accessible name."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import QStyle, QStyleOptionToolButton, QSizePolicy, QStylePainter, QToolButton

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
        # Not Fixed (a tool button's default): the top bar may narrow it down to minimumSizeHint.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
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
        if status.state != SIGNED_OUT:
            tip = f"{self.text()}\n{tip}"  # the whole state, also when the button is too narrow for it
        self.setToolTip(tip)
        self.setAccessibleName(_("Sync status: {state}").format(state=self.text()))

    # --- giving way when the top bar is narrow ---------------------------------------------------

    def _text_shortfall(self) -> int:
        """How many pixels the words lack at the present width (0 when they fit)."""
        return max(0, self.sizeHint().width() - self.width())

    def minimumSizeHint(self) -> QSize:
        # QToolButton's minimum is its full size: the top bar could then only overflow. This
        # button may shrink to its icon and the first few letters.
        full = self.sizeHint()
        metrics = self.fontMetrics()
        words = metrics.horizontalAdvance(self.text())
        return QSize(full.width() - words + min(words, metrics.horizontalAdvance("Synced…")), full.height())

    def is_elided(self) -> bool:
        return self._text_shortfall() > 0

    def shown_text(self) -> str:
        """The words as drawn: the whole text, or its start with "…" when the button is narrow."""
        shortfall = self._text_shortfall()
        if not shortfall:
            return self.text()
        metrics = self.fontMetrics()
        return metrics.elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                  max(0, metrics.horizontalAdvance(self.text()) - shortfall))

    def paintEvent(self, event) -> None:
        if not self.is_elided():
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        option.text = self.shown_text()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ToolButton, option)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.show_status(self.controller.status)
        super().changeEvent(event)
