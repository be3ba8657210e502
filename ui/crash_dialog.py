"""The dialog shown after an unexpected error, and the hook that shows it."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton,
                               QVBoxLayout)

from companion.i18n import _
from companion.logs import crash_report, log_crash

EXIT_CRASHED = 70


def crash_message(error: BaseException | None) -> str:
    """What the user may rely on. Never "your work is saved": the action that failed may not be."""
    from companion.storage.errors import is_storage_error  # SQLAlchemy: not before the window shows

    if is_storage_error(error):
        return _("The Companion could not read or write its data (the disk may be full, or the data file "
                 "damaged), so the last change may not have been saved. What was saved before it is kept.")
    return _("Something unexpected happened. What was saved before it is kept, but the action under way may not "
             "have been saved: check it when you go back to it.")


class CrashDialog(QDialog):
    def __init__(self, report: str, log_file: Path, parent=None, error: BaseException | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(_("The Companion ran into a problem"))
        self.setMinimumSize(560, 380)
        intro = QLabel(crash_message(error) + "\n" + _("You can copy the report below and send it to your support "
                                                        "contact.\nThe full log is in: {path}").format(path=log_file))
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        intro.setObjectName("crashIntro")
        self.report_view = QPlainTextEdit(report)
        self.report_view.setReadOnly(True)
        self.report_view.setObjectName("crashReport")
        self.report_view.setAccessibleName(_("Error report"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(_("Copy report"))
        self.copy_button.setObjectName("copyReportButton")
        self.copy_button.setAccessibleName(_("Copy report"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.report_view, 1)
        layout.addWidget(buttons)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report_view.toPlainText())
        self.copy_button.setText(_("Copied"))


def _show_what_is_stored(app: QApplication) -> None:
    """After a write that failed, the screen on show re-reads the database: it must not keep
    showing a change that was never saved (a ticked box, a typed figure)."""
    for window in app.topLevelWidgets():
        refresh = getattr(window, "_refresh_current_screen", None)
        if callable(refresh):
            try:
                refresh()
            except Exception:  # noqa: BLE001 (the data file may be unreadable too: the dialog said so)
                pass


def install_crash_hook(log_file: Path, show_dialog: bool) -> None:
    def hook(exc_type, exc_value, exc_traceback) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc_value, exc_traceback)
            return
        report = crash_report(exc_type, exc_value, exc_traceback, {"PySide6": pyside_version})
        log_crash(report)
        app = QApplication.instance()
        if show_dialog and app is not None:
            CrashDialog(report, log_file, error=exc_value).exec()
            from companion.storage.errors import is_storage_error

            if is_storage_error(exc_value):
                _show_what_is_stored(app)
        elif app is not None:
            app.exit(EXIT_CRASHED)
        else:
            sys.exit(EXIT_CRASHED)

    sys.excepthook = hook
