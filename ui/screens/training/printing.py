"""Saving a training document as PDF (off the UI thread) or sending it to a printer.

The HTML is built by ``companion/training/report.py`` in the language of the module or
session; here it only becomes a file or paper. Failures are told to the user and a file is
written whole or not at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from companion.i18n import _
from ui.reports import error_message
from ui.runner import run_in_background


def file_name(*parts: str) -> str:
    """A safe file name from a few words: "Attendance sheet - Dodoma.pdf"."""
    text = " - ".join(part.strip() for part in parts if part and part.strip())
    text = re.sub(r'[\\/:*?"<>|\r\n\t]+', " ", text)
    return (re.sub(r"\s+", " ", text).strip()[:120] or "document") + ".pdf"


class DocumentPrinter(QObject):
    """One per screen: remembers the last folder, reports through ``message`` and ``busy_changed``."""

    message = Signal(str)
    busy_changed = Signal(bool)
    saved = Signal(str)  # the path, once written

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.last_folder: Path | None = None
        self.busy = False

    def save_pdf(self, build_html: Callable[[], str], suggested_name: str,
                 path: Path | str | None = None) -> bool:
        """Ask where (unless ``path`` is given), then write the PDF in the background."""
        if self.busy:
            return False
        if path is None:
            from ui.preferences import last_folder

            folder = self.last_folder or last_folder("exports") or Path(QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
            chosen, _filter = QFileDialog.getSaveFileName(self._parent, _("Save as PDF"),
                                                          str(folder / suggested_name), _("PDF files (*.pdf)"))
            if not chosen:
                return False
            path = chosen
            from ui.preferences import remember_folder

            remember_folder("exports", Path(chosen).parent)  # the next PDF, even after a restart, starts there
        path = Path(path)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        self.last_folder = path.parent
        try:
            html = build_html()  # reads the store: quick, and keeps the data consistent
        except Exception as error:  # noqa: BLE001 - told to the user
            self.message.emit(error_message(error, path))
            return False
        self._set_busy(True)
        self.message.emit(_("Saving “{name}”…").format(name=path.name))

        def work(_progress):
            from ui.training_reports import save_pdf

            return save_pdf(html, path, title=path.stem)  # the document says if it is landscape

        run_in_background(work, on_success=lambda _r: self._done(path), on_failure=lambda e: self._failed(e, path))
        return True

    def print_document(self, build_html: Callable[[], str]) -> bool:
        from ui.training_reports import print_html

        return bool(print_html(build_html(), self._parent))

    def _done(self, path: Path) -> None:
        self._set_busy(False)
        self.message.emit(_("Saved “{name}” in {folder}.").format(name=path.name, folder=path.parent))
        self.saved.emit(str(path))

    def _failed(self, error: BaseException, path: Path) -> None:
        self._set_busy(False)
        self.message.emit(error_message(error, path))

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)
