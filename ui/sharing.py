"""Sharing a pilot project or a training session with a team.

Made on a laptop, a project lives only there (workspace "local"). Sharing moves it, with
everything in it, into a team workspace kept on this laptop: the team receives it at the next
sync. Screens embed a ``SharePlace`` (where the record lives, and the button to share it); the
window's ``Sharing`` learns the replica when ui.sync_ui installs sync.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from companion.i18n import _
from companion.records import LOCAL_WORKSPACE


class Sharing(QObject):
    shared = Signal(str, str)  # the record moved (root id), the team workspace

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.replica: Any = None
        self.dialog = None  # the last "Share with a team" dialog opened

    def connect_replica(self, replica: Any) -> None:
        self.replica = replica

    @property
    def available(self) -> bool:
        return self.replica is not None

    def teams(self) -> list[tuple[str, str]]:
        """(id, name) of the teams this person may share into from this laptop."""
        from sync.credentials import shareable_teams

        return shareable_teams(self.replica) if self.replica is not None else []

    def place(self, workspace: str) -> str:
        if workspace == LOCAL_WORKSPACE:
            return _("Only on this laptop")
        from sync.credentials import workspace_name

        name = workspace_name(self.replica, workspace) if self.replica is not None else None
        return _("Shared with {team}").format(team=name or workspace)

    def share(self, parent: QWidget, root_id: str, title: str):
        """Ask which team (a window-modal dialog, not a nested event loop), then move the record."""
        from ui.dialogs.share_dialog import ShareDialog

        self.dialog = dialog = ShareDialog(title, self.teams(), parent)
        dialog.accepted.connect(lambda: self._move(root_id, dialog.team()))
        dialog.open()
        return dialog

    def _move(self, root_id: str, workspace: str | None) -> None:
        if workspace is None:
            return
        self.replica.share(root_id, workspace)
        self.shared.emit(root_id, workspace)


class SharePlace(QWidget):
    """"Only on this laptop  [Share with a team…]" or "Shared with District team"."""

    def __init__(self, sharing: Sharing | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sharing = sharing
        self.root_id: str | None = None
        self.workspace = LOCAL_WORKSPACE
        self.title = ""
        self.label = QLabel()
        self.label.setObjectName("sharePlace")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # a team's name comes from the server
        self.button = QPushButton()
        self.button.setObjectName("shareButton")
        self.button.clicked.connect(self._share)
        if sharing is not None:
            sharing.shared.connect(self._moved)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self.retranslate()

    def show_record(self, root_id: str, workspace: str, title: str) -> None:
        self.root_id, self.workspace, self.title = root_id, workspace, title
        self.retranslate()

    def _moved(self, root_id: str, workspace: str) -> None:
        if root_id == self.root_id:
            self.workspace = workspace
            self.retranslate()

    def _share(self) -> None:
        if self.sharing is not None and self.root_id is not None:
            self.sharing.share(self.window(), self.root_id, self.title)

    def retranslate(self) -> None:
        if self.sharing is not None:
            self.label.setText(self.sharing.place(self.workspace))
        else:
            self.label.setText(_("Only on this laptop") if self.workspace == LOCAL_WORKSPACE else "")
        self.button.setText(_("Share with a team…"))
        self.button.setAccessibleName(_("Share with a team"))
        self.button.setToolTip(_("Your team receives it at the next sync and can work on it with you."))
        # Only what is on this laptop alone can move; a team's record stays the team's.
        self.button.setVisible(self.sharing is not None and self.sharing.available
                               and self.workspace == LOCAL_WORKSPACE and self.root_id is not None)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
