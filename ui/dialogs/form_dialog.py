"""What the training dialogs share: a message line for refused input, and OK / Cancel."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from companion.training.store import TrainingError
from ui.screens.training.base import ERROR_STYLE, error_text


class FormDialog(QDialog):
    """``name`` prefixes the objectNames (``<name>Error``, ``<name>Ok``) that tests and screen readers use."""

    def __init__(self, name: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.error.setObjectName(f"{name}Error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

    def lay_out(self, *parts, stretch: object = None) -> None:
        """The dialog's parts from top to bottom (layouts or widgets; ``stretch`` gets the spare
        height), then the message line and the buttons."""
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName(f"{self.objectName()}Ok")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for part in parts:
            if hasattr(part, "addWidget") and not hasattr(part, "show"):
                layout.addLayout(part)
            else:
                layout.addWidget(part, 1 if part is stretch else 0)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def run_until_saved(self, save: Callable[[], object]) -> bool:
        """Show the dialog; OK saves through ``save``. A value the core refuses shows its message
        here and the dialog stays open with what was typed. True once saved, False if cancelled."""
        self._save = save
        return self.exec() == QDialog.DialogCode.Accepted

    def accept(self) -> None:
        save = getattr(self, "_save", None)
        if save is not None:
            try:
                save()
            except TrainingError as error:
                self.show_error(error_text(error))
                return
        super().accept()
