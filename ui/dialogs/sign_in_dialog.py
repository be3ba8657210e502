"""Sign in to a sync server, then choose which team workspaces to keep on this laptop.

The library and the person's own workspace always sync; team workspaces are ticked by the
user (a laptop need not carry every team's work). The request runs off the window's thread:
a slow 2G link never freezes the dialog, and a problem is shown in it, in plain words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QStackedWidget, QVBoxLayout, QWidget)

from companion.i18n import _
from companion.sync_problems import describe
from sync.credentials import SignInError, chosen_teams, current_account, set_teams, sign_in
from ui.runner import run_in_background

WORKSPACE_ROLE = Qt.ItemDataRole.UserRole


class SignInDialog(QDialog):
    def __init__(self, replica: Any, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.replica = replica
        self.data_dir = data_dir
        self.answer = None
        self.busy = False
        self.setMinimumWidth(560)

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.server_field = QLineEdit()
        self.server_field.setObjectName("serverField")
        self.user_field = QLineEdit()
        self.user_field.setObjectName("userField")
        self.password_field = QLineEdit()
        self.password_field.setObjectName("passwordField")
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        account = current_account(replica, data_dir) or replica.get_sync_state("sync.account")
        if account:
            self.server_field.setText(account["server_url"] if isinstance(account, dict) else account.server_url)
            self.user_field.setText(account["username"] if isinstance(account, dict) else account.username)
        self.form = QFormLayout()
        self.server_label, self.user_label, self.password_label = QLabel(), QLabel(), QLabel()
        self.form.addRow(self.server_label, self.server_field)
        self.form.addRow(self.user_label, self.user_field)
        self.form.addRow(self.password_label, self.password_field)
        for label, field in ((self.server_label, self.server_field), (self.user_label, self.user_field),
                             (self.password_label, self.password_field)):
            label.setBuddy(field)
        self.message = QLabel()
        self.message.setObjectName("signInMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: palette(highlight);")
        credentials = QWidget()
        first = QVBoxLayout(credentials)
        first.setContentsMargins(0, 0, 0, 0)
        first.addWidget(self.intro)
        first.addLayout(self.form)
        first.addWidget(self.message)
        first.addStretch(1)

        self.choose_label = QLabel()
        self.choose_label.setWordWrap(True)
        self.workspace_list = QListWidget()
        self.workspace_list.setObjectName("workspaceList")
        self.workspace_list.setWordWrap(True)
        choose = QWidget()
        second = QVBoxLayout(choose)
        second.setContentsMargins(0, 0, 0, 0)
        second.addWidget(self.choose_label)
        second.addWidget(self.workspace_list, 1)

        self.pages = QStackedWidget()
        self.pages.addWidget(credentials)
        self.pages.addWidget(choose)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("signInButton")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._next)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.buttons)
        self.retranslate()
        (self.password_field if self.user_field.text() else self.server_field).setFocus()

    # --- steps ----------------------------------------------------------------------------------

    def _next(self) -> None:
        if self.pages.currentIndex() == 0:
            self.sign_in()
        else:
            self.keep_choice()

    def sign_in(self) -> None:
        if self.busy:
            return
        server, user, password = self.server_field.text().strip(), self.user_field.text().strip(), self.password_field.text()
        if not server or not user or not password:
            self.message.setText(_("Fill in the server address, your user name and your password."))
            return
        self.busy = True
        self.message.setText(_("Signing in…"))
        self._enable(False)
        run_in_background(lambda _p: sign_in(self.replica, self.data_dir, server, user, password),
                          on_success=self._signed_in, on_failure=self._refused)

    def _enable(self, on: bool) -> None:
        for widget in (self.server_field, self.user_field, self.password_field, self.ok_button):
            widget.setEnabled(on)

    def _refused(self, error: BaseException) -> None:
        self.busy = False
        self._enable(True)
        code = error.code if isinstance(error, SignInError) else "server-error"
        title, advice = describe(code)
        self.message.setText(f"{title} {advice}")
        self.password_field.selectAll()
        self.password_field.setFocus()

    def _signed_in(self, answer: Any) -> None:
        self.busy = False
        self._enable(True)
        self.password_field.clear()
        self.answer = answer
        self.replica.adopt(None, f"personal-{answer.user.id}")  # bookmarks and reading positions follow the person
        self.show_workspaces(answer.workspaces, set(chosen_teams(self.replica)))

    def show_workspaces(self, workspaces: list[Any], chosen: set[str]) -> None:
        self.workspace_list.clear()
        for info in workspaces:
            item = QListWidgetItem(self._describe(info))
            item.setData(WORKSPACE_ROLE, info.id)
            if info.kind == "team":
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if info.id in chosen else Qt.CheckState.Unchecked)
            else:  # always synced: shown ticked, not changeable
                item.setFlags((item.flags() | Qt.ItemFlag.ItemIsUserCheckable) & ~Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Checked)
            self.workspace_list.addItem(item)
        self.pages.setCurrentIndex(1)
        self.retranslate()

    def _describe(self, info: Any) -> str:
        if info.kind == "library":
            return _("Library: guides, templates and training modules (always kept)")
        if info.kind == "personal":
            return _("My bookmarks and reading positions (always kept)")
        roles = {"reader": _("reader"), "member": _("member"), "editor": _("editor"), "admin": _("administrator")}
        return _("{team} (team, you are {role})").format(team=info.name, role=roles.get(info.role, info.role))

    def keep_choice(self) -> None:
        teams = []
        for row in range(self.workspace_list.count()):
            item = self.workspace_list.item(row)
            if item.flags() & Qt.ItemFlag.ItemIsEnabled and item.checkState() == Qt.CheckState.Checked:
                teams.append(item.data(WORKSPACE_ROLE))
        set_teams(self.replica, teams)
        self.accept()

    def chosen(self) -> list[str]:
        return chosen_teams(self.replica)

    # --- words ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Sign in to sync"))
        self.intro.setText(_("Sync shares your team's work and brings new guides. Ask your administrator for the "
                             "server address and your account."))
        self.server_label.setText(_("&Server address:"))
        self.user_label.setText(_("&User name:"))
        self.password_label.setText(_("&Password:"))
        self.server_field.setPlaceholderText("https://sync.example.org")
        self.server_field.setAccessibleName(_("Server address"))
        self.user_field.setAccessibleName(_("User name"))
        self.password_field.setAccessibleName(_("Password"))
        self.choose_label.setText(_("Signed in. Tick the team workspaces to keep on this laptop:"))
        self.workspace_list.setAccessibleName(_("Workspaces to keep on this laptop"))
        self.ok_button.setText(_("Sign in") if self.pages.currentIndex() == 0 else _("Keep these"))
        self.ok_button.setAccessibleName(self.ok_button.text())
        self.cancel_button.setText(_("Cancel"))
        if self.answer is not None:
            for row, info in enumerate(self.answer.workspaces):
                self.workspace_list.item(row).setText(self._describe(info))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
