"""When saving fails (a full disk, a damaged or read-only data file): say what was not saved and
why, in the user's language; the screen then shows what is really stored."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from companion.i18n import _
from companion.storage.errors import STORAGE_ERRORS, storage_problem

log = logging.getLogger(__name__)
WRITE_ERRORS = STORAGE_ERRORS


def write_error_reason(error: BaseException) -> str:
    problem = storage_problem(error)
    if problem == "full":
        return _("The disk is full: free some space, then try again.")
    if problem == "read-only":
        return _("The data file cannot be written (it is read-only).")
    if problem == "damaged":
        return _("The data file is damaged. Restart the Companion: it offers to restore a copy.")
    return _("The data file could not be written.")


def show_write_failure(parent: QWidget | None, what: str, error: BaseException) -> None:
    """``what`` says what was not saved, e.g. "The bookmark was not saved."."""
    log.warning("%s %s", what, error)
    box = QMessageBox(QMessageBox.Icon.Warning, _("Not saved"), what + " " + write_error_reason(error),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("writeFailedDialog")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setDetailedText(str(getattr(error, "orig", None) or error))
    box.exec()
