"""The report for decision-makers as a PDF or on paper, and the CSV / Excel exports.

The core writes the report (``companion.pilot.report``: HTML, CSV, XLSX). Here Qt lays the
HTML out with ``QTextDocument`` and writes it with ``QPdfWriter``, and :class:`ExportBar`
offers the exports on the project screen.

Threads: the charts are QtCharts scenes, so they are drawn on the UI thread (a few tens of
milliseconds). Everything else (reading the store, writing the HTML, laying out the
document, producing the PDF, writing the file) runs on a pool thread, in a QTextDocument
that thread creates and owns. Files are written beside the target and moved into place, so a
full disk or a refused folder leaves any earlier file as it was.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import re
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QBuffer, QEvent, QIODevice, QMarginsF, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import (QApplication, QFileDialog, QHBoxLayout, QMenu, QMessageBox, QProgressBar, QPushButton,
                               QWidget)

from companion.i18n import _, current_language
from companion.pilot.report import (COST_CHART, READINESS_CHART, ReportData, business_case_csv, checklist_csv, collect,
                                    render_html, write_xlsx)
from ui.icons import icon
from ui.runner import run_in_background
from ui.screens.pilot.base import PilotContext

log = logging.getLogger(__name__)

# Resource names of the chart images inside the document (``<img src=...>``).
CHART_NAMES = {READINESS_CHART: "readiness-chart.png", COST_CHART: "cost-chart.png"}
# Pixels of the chart images, and how wide they sit on the page (in 1/96 inch: QTextDocument
# scales image sizes to the printer's resolution). Drawn ~2.7 times larger than shown, fonts
# too, so they stay sharp on paper.
READINESS_SIZE, COST_SIZE = (1600, 1040), (1600, 880)
CHART_DISPLAY_WIDTH = 590   # the text is 16 cm wide: 605 px
CHART_FONT_POINTS = 8.5     # the chart's text as printed
# QTextDocument.print_ adds 2 cm of margin round the text (and the page number in it).
PAGE_MARGINS_MM = QMarginsF(5, 2, 5, 2)
PDF_RESOLUTION = 300


class ExportError(Exception):
    """A failure to tell the user, already in their words."""


# --- Building blocks (any thread unless noted) ----------------------------------------------------------

def render_charts(data: ReportData, language: str) -> dict[str, QImage]:
    """The chart images for ``data``, by chart key. UI thread only (QtCharts). A chart whose
    module is missing or fails is left out: the report still has the figures in tables."""
    images: dict[str, QImage] = {}
    font = QFont(QApplication.font())
    font.setPointSizeF(CHART_FONT_POINTS * READINESS_SIZE[0] / CHART_DISPLAY_WIDTH)
    try:
        from ui.widgets.readiness_chart import render_readiness_png

        images[READINESS_CHART] = render_readiness_png(data.readiness, data.feasibility_template, language,
                                                       *READINESS_SIZE, font=font)
    except Exception:  # a chart must never cost the user the report
        log.exception("the readiness chart could not be drawn")
    if data.result is not None:
        try:
            from ui.widgets.cost_chart import render_cost_png
        except ImportError:
            log.debug("no cost chart module")
        else:
            try:
                images[COST_CHART] = _render_cost(render_cost_png, data, language, font)
            except Exception:
                log.exception("the cost chart could not be drawn")
    return images


def _render_cost(render_cost_png: Callable, data: ReportData, language: str, font: QFont) -> QImage:
    try:
        return render_cost_png(data.result, data.project.currency, language, *COST_SIZE, font=font)
    except TypeError:  # a version without the font argument
        return render_cost_png(data.result, data.project.currency, language, *COST_SIZE)


def build_document(html: str, images: dict[str, QImage],
                   resources: dict[str, QImage] | None = None) -> QTextDocument:
    """A QTextDocument of the report with the chart images as resources (and any other images
    by their ``src``, in ``resources``: sized by the HTML already). The caller's thread owns
    it: never hand it to another thread."""
    document = QTextDocument()
    for name, image in (resources or {}).items():
        if not image.isNull():
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    document.setDocumentMargin(0)
    font = QFont()
    font.setFamilies(["Noto Sans", "DejaVu Sans", "Segoe UI", "Arial"])
    font.setPointSizeF(10)
    document.setDefaultFont(font)
    for key, image in images.items():
        if not image.isNull():
            document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_NAMES[key]), image)
    # Charts take their width from the page: scale their pixel size down.
    present = {key: name for key, name in CHART_NAMES.items() if key in images and not images[key].isNull()}
    document.setHtml(_size_images(html, present, images))
    return document


def _size_images(html: str, names: dict[str, str], images: dict[str, QImage]) -> str:
    for key, name in names.items():
        image = images[key]
        width = CHART_DISPLAY_WIDTH
        height = round(image.height() * CHART_DISPLAY_WIDTH / max(image.width(), 1))
        html = re.sub(r'<img src="%s"[^>]*/>' % re.escape(name),
                      f'<img src="{name}" width="{width}" height="{height}"/>', html)
    return html


def page_layout(landscape: bool = False) -> QPageLayout:
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation, PAGE_MARGINS_MM, QPageLayout.Unit.Millimeter)


def pdf_bytes(html: str, images: dict[str, QImage], title: str = "", landscape: bool = False,
              resources: dict[str, QImage] | None = None,
              paint: Callable[[QPdfWriter], None] | None = None) -> bytes:
    """The report as PDF bytes: A4 (portrait unless ``landscape``), margins, page numbers
    (QTextDocument.print_ adds them). ``paint(writer)``, when given, draws the pages instead."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageLayout(page_layout(landscape))
    writer.setResolution(PDF_RESOLUTION)
    writer.setTitle(title)
    writer.setCreator("openIMIS Implementer Companion")
    if paint is not None:
        paint(writer)
    else:
        build_document(html, images, resources).print_(writer)
    del writer  # finishes the PDF into the buffer
    data = bytes(buffer.data().data())
    buffer.close()
    return data


def write_file(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` all or nothing (a partial file never replaces a good one)."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    try:
        with open(partial, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass
        raise


def error_message(error: BaseException, path: Path | str | None = None) -> str:
    """What went wrong, for the user; nothing was written."""
    where = str(Path(path).parent) if path else ""
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            return _("The disk is full: nothing was saved. Free some space or choose another place, then try again.")
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS) or isinstance(error, PermissionError):
            return _("You cannot save files in “{folder}” (permission denied): nothing was saved. "
                     "Choose another folder.").format(folder=where)
        if error.errno == errno.ENOENT or isinstance(error, FileNotFoundError):
            return _("The folder “{folder}” does not exist: nothing was saved.").format(folder=where)
        return _("The file could not be saved ({reason}): nothing was saved.").format(
            reason=error.strerror or str(error))
    if isinstance(error, ExportError):
        return str(error)
    return _("The export failed ({reason}): nothing was saved.").format(reason=str(error) or type(error).__name__)


def export_pdf(context: PilotContext, project_id: str, path: Path | str, language: str | None = None) -> Path:
    """Write the report of a project as a PDF, at once (UI thread: it draws the charts).
    :class:`ExportBar` does the same in steps, off the UI thread."""
    language = language or current_language()
    data = collect(context.store, context.templates, project_id)
    images = render_charts(data, language)
    html = render_html(data, language, {key: CHART_NAMES[key] for key in images})
    write_file(Path(path), pdf_bytes(html, images, data.project.name))
    return Path(path)


def print_report(context: PilotContext, project_id: str, parent: QWidget | None = None, language: str | None = None,
                 printer=None) -> bool:
    """Print the report: asks for the printer first (unless ``printer`` is given). UI thread
    (a printer belongs to it); returns True when it was sent."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    language = language or current_language()
    data = collect(context.store, context.templates, project_id)
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(page_layout())
        printer.setDocName(data.project.name)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(_("Print the report"))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # the printer belongs to this thread
    try:
        images = render_charts(data, language)
        html = render_html(data, language, {key: CHART_NAMES[key] for key in images})
        build_document(html, images).print_(printer)
    finally:
        QApplication.restoreOverrideCursor()
    return True


def default_file_name(project_name: str, suffix: str, today: dt.date | None = None, part: str = "") -> str:
    """"Pilot Kolda - 2027-03-01.pdf": the project's name made safe for any file system."""
    name = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', " ", project_name).strip(" .") or _("Pilot project")
    name = re.sub(r"\s+", " ", name)[:80]
    stamp = (today or dt.date.today()).isoformat()
    middle = f" - {part}" if part else ""
    return f"{name}{middle} - {stamp}.{suffix}"


# --- The bar on the project screen ----------------------------------------------------------------------

class ExportBar(QWidget):
    """Export PDF…, Print…, Export CSV… (checklists or business case), Export Excel….

    ``message`` carries a short result for the status bar; ``finished(kind, path)`` and
    ``failed(text)`` tell tests and callers how an export ended. One export at a time."""

    message = Signal(str)
    finished = Signal(str, str)
    failed = Signal(str)

    def __init__(self, context: PilotContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportBar")
        self.context = context
        self.project_id: str | None = None
        self.busy = False
        self.last_folder: Path | None = None
        self.error_box: QMessageBox | None = None

        self.pdf_button = QPushButton(icon("export"), "")
        self.pdf_button.setObjectName("exportPdfButton")
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        self.print_button = QPushButton()
        self.print_button.setObjectName("printReportButton")
        self.print_button.clicked.connect(lambda: self.print_report())
        self.csv_button = QPushButton()
        self.csv_button.setObjectName("exportCsvButton")
        self.csv_menu = QMenu(self.csv_button)
        self.csv_menu.setObjectName("exportCsvMenu")
        self.csv_checklist_action = self.csv_menu.addAction("")
        self.csv_checklist_action.setObjectName("exportChecklistCsvAction")
        self.csv_checklist_action.triggered.connect(lambda: self.export_csv(kind="checklists"))
        self.csv_case_action = self.csv_menu.addAction("")
        self.csv_case_action.setObjectName("exportBusinessCaseCsvAction")
        self.csv_case_action.triggered.connect(lambda: self.export_csv(kind="business_case"))
        self.csv_button.setMenu(self.csv_menu)
        self.xlsx_button = QPushButton()
        self.xlsx_button.setObjectName("exportExcelButton")
        self.xlsx_button.clicked.connect(lambda: self.export_xlsx())
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setMaximumWidth(140)
        self.progress.setTextVisible(False)
        self.progress.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.progress)
        for button in self.buttons():
            layout.addWidget(button)
        self.retranslate()
        self._update()

    def buttons(self) -> list[QPushButton]:
        return [self.pdf_button, self.print_button, self.csv_button, self.xlsx_button]

    def retranslate(self) -> None:
        self.pdf_button.setText(_("Export PDF…"))
        self.pdf_button.setAccessibleName(_("Export the report for decision-makers as a PDF"))
        self.pdf_button.setToolTip(_("The checklist status, the feasibility scores and the business case, "
                                     "in the language of the app"))
        self.print_button.setText(_("Print…"))
        self.print_button.setAccessibleName(_("Print the report"))
        self.csv_button.setText(_("Export CSV…"))
        self.csv_button.setAccessibleName(_("Export the checklists or the business case as CSV"))
        self.csv_checklist_action.setText(_("Checklists…"))
        self.csv_case_action.setText(_("Business case…"))
        self.xlsx_button.setText(_("Export Excel…"))
        self.xlsx_button.setAccessibleName(_("Export the checklists and the business case as an Excel workbook"))
        self.progress.setAccessibleName(_("Export in progress"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_project(self, project_id: str | None) -> None:
        self.project_id = project_id
        self._update()

    def _update(self) -> None:
        for button in self.buttons():
            button.setEnabled(bool(self.project_id) and not self.busy)

    # --- choosing the file --------------------------------------------------------------------------

    def _ask_path(self, title: str, suffix: str, file_filter: str, part: str = "") -> Path | None:
        name = self.context.store.project(self.project_id).name
        from ui.preferences import last_folder, remember_folder

        folder = self.last_folder or last_folder("exports") or Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        suggested = str(folder / default_file_name(name, suffix, part=part))
        chosen, _filter = QFileDialog.getSaveFileName(self, title, suggested, file_filter)
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != f".{suffix}":
            path = path.with_name(path.name + f".{suffix}")
        self.last_folder = path.parent
        remember_folder("exports", path.parent)  # the next export, even after a restart, starts there
        return path

    # --- the exports --------------------------------------------------------------------------------

    def export_pdf(self, path: Path | str | None = None) -> bool:
        """Ask where (unless ``path``), then write the PDF in the background. False if not started."""
        if not self._can_start():
            return False
        path = Path(path) if path else self._ask_path(_("Export the report as PDF"), "pdf", _("PDF files (*.pdf)"))
        if path is None:
            return False
        language = current_language()
        context, project_id = self.context, self.project_id
        self._start(4)

        def charted(data: ReportData) -> None:
            # UI thread: charts are graphics items. Then the rest goes back to the pool.
            self._progress(1, 4)
            try:
                images = render_charts(data, language)
            except Exception as error:  # noqa: BLE001 - reported to the user
                self._failed("pdf", path, error)
                return
            self._progress(2, 4)
            run_in_background(lambda progress: self._write_pdf(data, images, language, path, progress),
                              on_success=lambda _r: self._done("pdf", path),
                              on_failure=lambda error: self._failed("pdf", path, error),
                              on_progress=self._progress)

        run_in_background(lambda _progress: collect(context.store, context.templates, project_id),
                          on_success=charted, on_failure=lambda error: self._failed("pdf", path, error))
        return True

    @staticmethod
    def _write_pdf(data: ReportData, images: dict[str, QImage], language: str, path: Path, progress) -> Path:
        html = render_html(data, language, {key: CHART_NAMES[key] for key in images})
        progress(3, 4)
        content = pdf_bytes(html, images, data.project.name)
        write_file(path, content)
        progress(4, 4)
        return path

    def print_report(self, printer=None) -> bool:
        if not self._can_start():
            return False
        self.busy = True
        self._update()
        try:
            sent = print_report(self.context, self.project_id, self.window(), current_language(), printer)
        except Exception as error:  # noqa: BLE001 - reported to the user
            self.busy = False
            self._update()
            text = _("The report could not be printed ({reason}).").format(reason=str(error) or type(error).__name__)
            self._show_error(text)
            self.failed.emit(text)
            return False
        self.busy = False
        self._update()
        if sent:
            self.message.emit(_("The report was sent to the printer."))
            self.finished.emit("print", "")
        return sent

    def export_csv(self, path: Path | str | None = None, kind: str = "checklists") -> bool:
        if not self._can_start():
            return False
        if kind == "business_case":
            title, part, build = _("Export the business case as CSV"), _("business case"), business_case_csv
        else:
            title, part, build = _("Export the checklists as CSV"), _("checklists"), checklist_csv
        path = Path(path) if path else self._ask_path(title, "csv", _("CSV files (*.csv)"), part)
        if path is None:
            return False
        language = current_language()
        context, project_id = self.context, self.project_id
        self._start(0)

        def work(_progress) -> Path:
            text = build(context.store, context.templates, project_id, language)
            # With a byte-order mark, spreadsheets read the accents right.
            write_file(path, text.encode("utf-8-sig"))
            return path

        run_in_background(work, on_success=lambda _r: self._done("csv", path),
                          on_failure=lambda error: self._failed("csv", path, error))
        return True

    def export_xlsx(self, path: Path | str | None = None) -> bool:
        if not self._can_start():
            return False
        path = Path(path) if path else self._ask_path(_("Export as an Excel workbook"), "xlsx",
                                                      _("Excel workbooks (*.xlsx)"))
        if path is None:
            return False
        language = current_language()
        context, project_id = self.context, self.project_id
        self._start(0)
        run_in_background(lambda _progress: write_xlsx(context.store, context.templates, project_id, language, path),
                          on_success=lambda _r: self._done("xlsx", path),
                          on_failure=lambda error: self._failed("xlsx", path, error))
        return True

    # --- progress and outcome -----------------------------------------------------------------------

    def _can_start(self) -> bool:
        return bool(self.project_id) and not self.busy

    def _start(self, steps: int) -> None:
        self.busy = True
        self._update()
        self.progress.setRange(0, steps)  # 0: busy indicator
        self.progress.setValue(0)
        self.progress.show()

    def _progress(self, done: int, total: int) -> None:
        if self.busy:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    def _finish(self) -> None:
        self.busy = False
        self.progress.hide()
        self._update()

    def _done(self, kind: str, path: Path) -> None:
        self._finish()
        texts = {"pdf": _("Report saved as {file}."), "csv": _("CSV file saved as {file}."),
                 "xlsx": _("Excel workbook saved as {file}.")}
        self.message.emit(texts[kind].format(file=path.name))
        self.finished.emit(kind, str(path))

    def _failed(self, kind: str, path: Path, error: BaseException) -> None:
        self._finish()
        log.warning("export %s to %s failed: %r", kind, path, error)
        text = error_message(error, path)
        self._show_error(text)
        self.message.emit(text)
        self.failed.emit(text)

    def _show_error(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, _("Export failed"), text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("exportErrorBox")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.error_box = box
        box.open()  # not blocking: the UI (and the tests) go on
