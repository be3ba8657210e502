"""Which team to share a pilot project or a training session with.

Only the teams kept on this laptop where the person may write are offered; with none (not
signed in, or no team ticked), the dialog says how to get one instead of offering nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from companion.i18n import _


class ShareDialog(QDialog):
    def __init__(self, title: str, teams: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shareDialog")
        self.setWindowTitle(_("Share with a team"))
        self.setMinimumWidth(480)
        self.intro = QLabel()
        self.intro.setObjectName("shareIntro")
        self.intro.setTextFormat(Qt.TextFormat.PlainText)  # the title is the user's text
        self.intro.setWordWrap(True)
        self.team_box = QComboBox()
        self.team_box.setObjectName("shareTeam")
        self.team_box.setAccessibleName(_("Team"))
        for workspace, name in teams:
            self.team_box.addItem(name, workspace)
        buttons = QDialogButtonBox()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        if teams:
            self.intro.setText(_("“{title}” is only on this laptop. Shared with a team, it reaches everyone in "
                                 "the team at the next sync and they can work on it with you. It then belongs "
                                 "to the team: this cannot be undone.").format(title=title))
            form = QFormLayout()
            label = QLabel(_("&Team:"))
            label.setBuddy(self.team_box)
            form.addRow(label, self.team_box)
            layout.addLayout(form)
            share = buttons.addButton(_("Share with the team"), QDialogButtonBox.ButtonRole.AcceptRole)
            share.setObjectName("shareConfirm")
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        else:
            self.team_box.hide()
            self.intro.setText(_("To share “{title}”, sign in to your sync server (the sync button at the top "
                                 "of the window) and tick the team's workspace to keep on this laptop. Ask "
                                 "your administrator to add you to the team if it is not listed.").format(title=title))
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def team(self) -> str | None:
        return self.team_box.currentData() if self.team_box.count() else None
