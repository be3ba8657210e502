"""What the sync is doing and what to do about it: state, reason, last sync, "Sync now", and the way to
signing in or out, reviewing conflicts and carrying a bundle file."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout,
                               QWidget)

from companion.i18n import _, format_datetime, format_number, format_percent, ngettext
from companion.sync_problems import describe
from ui.sync_controller import ERROR, OFFLINE, SIGNED_OUT, SYNCING, SyncController, SyncStatus
from ui.widgets.sync_status import status_text


class SyncDetailsDialog(QDialog):
    sign_in_requested = Signal()
    sign_out_requested = Signal()
    conflicts_requested = Signal()
    bundles_requested = Signal()

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncDetails")
        self.controller = controller
        self.setMinimumWidth(460)
        self.headline = QLabel()
        self.headline.setObjectName("syncHeadline")
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.headline.setFont(font)
        self.account_label = QLabel()
        self.account_label.setObjectName("syncAccount")
        self.account_label.setWordWrap(True)  # a long server address and user name wrap, never cut
        self.reason = QLabel()
        self.reason.setObjectName("syncReason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts = QLabel()
        self.facts.setObjectName("syncFacts")
        self.facts.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.sync_button = QPushButton()
        self.sync_button.setObjectName("syncNow")
        self.sync_button.clicked.connect(self._sync_or_stop)
        self.conflicts_button = QPushButton()
        self.conflicts_button.setObjectName("reviewConflicts")
        self.conflicts_button.clicked.connect(self._relay(self.conflicts_requested))
        self.bundles_button = QPushButton()
        self.bundles_button.setObjectName("bundles")
        self.bundles_button.clicked.connect(self._relay(self.bundles_requested))
        self.account_button = QPushButton()
        self.account_button.setObjectName("signInOut")
        self.account_button.clicked.connect(self._account)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)

        actions = QHBoxLayout()
        actions.addWidget(self.sync_button)
        actions.addWidget(self.conflicts_button)
        actions.addStretch(1)
        more = QHBoxLayout()
        more.addWidget(self.account_button)
        more.addWidget(self.bundles_button)
        more.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.account_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.facts)
        layout.addWidget(self.progress)
        layout.addLayout(actions)
        layout.addSpacing(8)
        layout.addLayout(more)
        layout.addWidget(buttons)
        controller.status_changed.connect(self.show_status)
        controller.account_changed.connect(lambda: self.show_status(controller.status))
        self.retranslate()

    def _relay(self, signal):  # type: ignore[no-untyped-def]
        def emit() -> None:
            self.accept()
            signal.emit()
        return emit

    def _sync_or_stop(self) -> None:
        if self.controller.running:
            self.controller.cancel()
        else:
            self.controller.sync_now()

    def _account(self) -> None:
        self.accept()
        (self.sign_in_requested if self.controller.account is None else self.sign_out_requested).emit()

    def show_status(self, status: SyncStatus) -> None:
        account = self.controller.account
        self.headline.setText(status_text(status))
        if account is not None:
            self.account_label.setText(_("Signed in to {server} as {user}").format(server=account.server_url,
                                                                                   user=account.username))
        else:
            self.account_label.setText(_("Not signed in: your work stays on this laptop."))
        if status.state in (ERROR, OFFLINE) and status.problem:
            title, advice = describe(status.problem)
            self.reason.setText(f"{title}\n{advice}")
        elif status.state == SIGNED_OUT:
            title, advice = describe("not-signed-in")
            self.reason.setText(advice)
        else:
            self.reason.setText("")
        self.reason.setVisible(bool(self.reason.text()))
        facts = []
        if status.last_success_ms:
            when = dt.datetime.fromtimestamp(status.last_success_ms / 1000)
            facts.append(_("Last synced: {when}").format(when=format_datetime(when, "medium_short")))
        elif account is not None:
            facts.append(_("Not synced yet."))
        if status.pending:
            facts.append(ngettext("{count} change waiting to be sent.", "{count} changes waiting to be sent.",
                                  status.pending).format(count=format_number(status.pending)))
        if status.refused:
            facts.append(ngettext("{count} change was refused by the server and is kept on this laptop.",
                                  "{count} changes were refused by the server and are kept on this laptop.",
                                  status.refused).format(count=format_number(status.refused)))
        self.facts.setText("\n".join(facts))
        self.facts.setVisible(bool(facts))
        syncing = status.state == SYNCING
        self.progress.setVisible(syncing)
        self.progress.setRange(0, status.total or 0)
        self.progress.setValue(min(status.done, status.total or 0))
        # Qt's own "%p%" would show "12%" on a French screen: the percentage as Babel writes it.
        self.progress.setFormat(format_percent(min(status.done / status.total, 1.0)) if status.total else "")
        self.sync_button.setText(_("Stop") if syncing else _("Sync now"))
        self.sync_button.setAccessibleName(self.sync_button.text())
        self.sync_button.setEnabled(account is not None)
        self.conflicts_button.setText(ngettext("Review {count} conflict…", "Review {count} conflicts…",
                                               status.conflicts).format(count=format_number(status.conflicts)))
        self.conflicts_button.setAccessibleName(self.conflicts_button.text())
        self.conflicts_button.setVisible(status.conflicts > 0)
        self.account_button.setText(_("Sign in…") if account is None else _("Sign out"))
        self.account_button.setAccessibleName(self.account_button.text())
        if self.isVisible():
            # The dialog stays open while the state changes: it grows (or shrinks) to its new words
            # rather than squeezing them over each other.
            self._fit_to_contents()

    def _fit_to_contents(self) -> None:
        layout = self.layout()
        layout.activate()
        height = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
        self.setMinimumHeight(height)
        self.resize(self.width(), height)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_to_contents()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Sync"))
        self.bundles_button.setText(_("Bundle files…"))
        self.bundles_button.setAccessibleName(_("Export or import a bundle file"))
        self.bundles_button.setToolTip(_("Carry a workspace or a pilot project on a USB stick where there is no network"))
        self.close_button.setText(_("Close"))
        self.show_status(self.controller.status)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
