"""Sync in the main window: the status in the top bar and the ways to sign in, sync now, review conflicts and
carry bundle files. Installed by ui.app after the window is built, so the window itself only offers a
place in its top bar (``MainWindow.top_bar``) and its screen stack."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from companion.i18n import _
from ui.navigation import Location
from ui.runner import run_in_background
from ui.sync_controller import SyncController
from ui.widgets.sync_status import SyncStatusButton

if TYPE_CHECKING:  # the dialogs and the conflict screen are imported when first opened, not at start-up
    from ui.dialogs.bundle_dialog import BundleDialog
    from ui.dialogs.sign_in_dialog import SignInDialog
    from ui.dialogs.sync_details import SyncDetailsDialog
    from ui.screens.conflicts import ConflictScreen


class SyncUI(QObject):
    def __init__(self, window: Any, replica: Any, data_dir: Path, **controller_options: Any) -> None:
        super().__init__(window)
        self.window = window
        self.replica = replica
        self.data_dir = data_dir
        self.controller = SyncController(replica, data_dir, self, **controller_options)
        self.button = SyncStatusButton(self.controller)
        self.button.details_requested.connect(self.show_details)
        # In the top bar, before the language switch.
        window.top_bar.insertWidget(max(window.top_bar.count() - 2, 0), self.button)
        self._conflicts: ConflictScreen | None = None
        self.details: SyncDetailsDialog | None = None
        self.controller.finished.connect(self._after_sync)
        if getattr(window, "sharing", None) is not None:
            window.sharing.connect_replica(replica)

    def start(self) -> None:
        self.controller.start()

    def shutdown(self) -> None:
        self.controller.shutdown()

    # --- the pieces -----------------------------------------------------------------------------

    def show_details(self) -> SyncDetailsDialog:
        if self.details is None:
            from ui.dialogs.sync_details import SyncDetailsDialog

            self.details = SyncDetailsDialog(self.controller, self.window)
            self.details.sign_in_requested.connect(self.sign_in)
            self.details.sign_out_requested.connect(self.sign_out)
            self.details.conflicts_requested.connect(self.show_conflicts)
            self.details.bundles_requested.connect(self.show_bundles)
        self.details.show_status(self.controller.refresh_status() if not self.controller.running else self.controller.status)
        self.details.show()
        self.details.raise_()
        return self.details

    def sign_in(self) -> SignInDialog:
        from ui.dialogs.sign_in_dialog import SignInDialog

        dialog = SignInDialog(self.replica, self.data_dir, self.window)
        dialog.accepted.connect(self.controller.signed_in)
        dialog.open()
        return dialog

    def sign_out(self) -> None:
        from sync.credentials import sign_out

        self.controller.cancel()
        run_in_background(lambda _p: sign_out(self.replica, self.data_dir),
                          on_success=lambda _revoked: self._signed_out(), on_failure=lambda _error: self._signed_out())

    def _signed_out(self) -> None:
        self.controller.signed_out()
        self.window.statusBar().showMessage(_("Signed out. Your work stays on this laptop."), 8000)

    @property
    def conflict_screen(self) -> ConflictScreen:
        if self._conflicts is None:
            from ui.screens.conflicts import ConflictScreen

            self._conflicts = ConflictScreen(self.replica)
            self._conflicts.message.connect(lambda text: self.window.statusBar().showMessage(text, 8000))
            self._conflicts.resolved.connect(self.controller.refresh_status)
            self.window._add_screen("conflicts", self._conflicts)
        return self._conflicts

    def show_conflicts(self) -> ConflictScreen:
        screen = self.conflict_screen
        screen.refresh()
        self.window.go(Location("conflicts"))
        return screen

    def show_bundles(self) -> BundleDialog:
        from ui.dialogs.bundle_dialog import BundleDialog

        account = self.controller.account
        dialog = BundleDialog(self.replica, account.username if account else "", self.window)
        dialog.imported.connect(lambda _applied: self.controller.refresh_status())
        dialog.open()
        return dialog

    def _after_sync(self, report: Any) -> None:
        if self._conflicts is not None and report.conflicts:
            self._conflicts.refresh()
        # Screens that follow the change bus refresh themselves; until every screen does, the one
        # on show is refreshed when the sync brought something (new guides, a teammate's edits).
        current = self.window.stack.currentWidget()
        if report.changed and current is not self._conflicts and hasattr(current, "refresh"):
            current.refresh()


def install_sync(window: Any, replica: Any, data_dir: Path, **controller_options: Any) -> SyncUI:
    sync_ui = SyncUI(window, replica, data_dir, **controller_options)
    window.sync_ui = sync_ui  # File > Bundle files… opens its dialog
    sync_ui.start()
    return sync_ui
