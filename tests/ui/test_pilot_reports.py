"""Exports from the project screen of the real main window: the PDF report for decision-makers
(checked with pypdf, in English and French), printing, CSV and Excel, and a failed export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QPushButton
from pypdf import PdfReader

from companion.i18n import _
from companion.pilot.business_case import format_money
from ui.reports import ExportBar, default_file_name

# The business case inputs (store rows → maths) come from case_input.
from companion.pilot.case_input import case_result  # noqa: E402

NAME = "Pilote Kolda <2027>"
HEADINGS = ("Executive summary", "1. Checklist status", "2. Feasibility assessment", "3. Costed business case")


def plain(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def open_project(app, language: str):
    window = app.window
    project_id = window.pilot.create_project(NAME, country="Senegal", scheme="CBHI", currency="XOF",
                                             start_date=dt.date(2027, 3, 1), team=["Awa Ndiaye", "Joseph"],
                                             language=language, usd_rate="600")
    [(checklist_id, _template, _version)] = window.pilot.checklists(project_id)
    first, second = window.pilot.items(checklist_id)[:2]
    window.pilot.update_item(first.id, status="done", owner="Awa Ndiaye")
    window.pilot.update_item(second.id, status="done", owner="Joseph")
    window.open_project(project_id)
    bar = window.project_screen.export_bar
    assert isinstance(bar, ExportBar) and bar.project_id == project_id
    return window, project_id, bar


@pytest.mark.parametrize("language", ["en", "fr"])
def test_export_the_report_as_pdf(launch, qtbot, tmp_path, language):
    window, project_id, bar = open_project(launch(language), language)
    # The bar sits in the project's header, every button named and labelled in the UI language.
    assert window.project_screen.header_buttons.indexOf(bar) >= 0
    for button, text in ((bar.pdf_button, "Export PDF…"), (bar.print_button, "Print…"),
                         (bar.csv_button, "Export CSV…"), (bar.xlsx_button, "Export Excel…")):
        assert button.isVisible() and button.isEnabled() and button.objectName()
        assert button.text() == _(text) and button.accessibleName()

    path = tmp_path / "rapport.pdf"
    with qtbot.waitSignal(bar.finished, timeout=60_000) as finished:
        assert bar.export_pdf(path)
        assert bar.progress.isVisible() and not bar.pdf_button.isEnabled()  # busy while it works
    assert finished.args == ["pdf", str(path)]
    assert not bar.progress.isVisible() and bar.pdf_button.isEnabled()
    assert path.name in window.statusBar().currentMessage()
    assert not list(tmp_path.glob("*.part"))

    assert path.read_bytes().startswith(b"%PDF-")
    reader = PdfReader(path)
    assert len(reader.pages) >= 2
    text = plain("\n".join(page.extract_text() for page in reader.pages))
    assert NAME in text
    for heading in HEADINGS:
        assert _(heading) in text  # in the UI language
    template = window.pilot.templates.checklists["pilot-implementation"]
    assert template.sections[0].title.get(language) in text  # "Gouvernance" in French
    assert template.sections[0].items[0].title.get(language) in text
    result = case_result(window.pilot, project_id)
    assert plain(format_money(result.total_cost, "XOF", language)) in text
    if language == "fr":
        assert "Gouvernance" in text and "Formation" in text


def test_the_file_dialog_suggests_the_project_name_and_date(launch, qtbot, tmp_path, monkeypatch):
    window, _project_id, bar = open_project(launch("en"), "en")
    asked = {}

    def choose(parent, title, suggested, file_filter):
        asked.update(title=title, suggested=suggested, filter=file_filter)
        return str(tmp_path / "for the minister"), file_filter  # no extension typed

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    with qtbot.waitSignal(bar.finished, timeout=60_000):
        bar.pdf_button.click()
    assert Path(asked["suggested"]).name == default_file_name(NAME, "pdf") == \
        f"Pilote Kolda 2027 - {dt.date.today().isoformat()}.pdf"
    assert (tmp_path / "for the minister.pdf").read_bytes().startswith(b"%PDF-")

    # Cancelling the dialog does nothing.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: ("", "")))
    bar.xlsx_button.click()
    assert not bar.busy and not bar.progress.isVisible()


def test_print_csv_and_excel(launch, qtbot, tmp_path):
    from openpyxl import load_workbook
    from PySide6.QtPrintSupport import QPrinter

    window, project_id, bar = open_project(launch("fr"), "fr")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert bar.print_report(printer)
    assert len(PdfReader(tmp_path / "printed.pdf").pages) >= 2

    with qtbot.waitSignal(bar.finished, timeout=30_000):
        assert bar.export_csv(tmp_path / "checklists.csv", kind="checklists")
    raw = (tmp_path / "checklists.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so spreadsheets read the accents
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][2] == _("Item") and rows[1][3] == _("Done") and rows[1][4] == "Awa Ndiaye"

    with qtbot.waitSignal(bar.finished, timeout=30_000):
        assert bar.export_csv(tmp_path / "case.csv", kind="business_case")
    assert "Total" in (tmp_path / "case.csv").read_text(encoding="utf-8-sig")

    with qtbot.waitSignal(bar.finished, timeout=30_000):
        assert bar.export_xlsx(tmp_path / "projet.xlsx")
    book = load_workbook(tmp_path / "projet.xlsx")
    values = {row[0].value: row[1].value for row in book.worksheets[-1].iter_rows() if row[0].value}
    assert values[_("Total cost of ownership (TCO)")] == pytest.approx(
        float(case_result(window.pilot, project_id).total_cost))


def test_a_failed_export_says_why_and_changes_nothing(launch, qtbot, tmp_path):
    window, _project_id, bar = open_project(launch("en"), "en")
    target = tmp_path / "no such folder" / "report.pdf"
    with qtbot.waitSignal(bar.failed, timeout=60_000) as failed:
        assert bar.export_pdf(target)
    assert "does not exist" in failed.args[0] and "nothing was saved" in failed.args[0]
    assert bar.error_box is not None and bar.error_box.isVisible()
    assert failed.args[0] == bar.error_box.text() == window.statusBar().currentMessage()
    bar.error_box.close()
    assert not target.parent.exists()
    assert not bar.busy and bar.pdf_button.isEnabled()  # ready for another try
    # An existing file is replaced only by a whole new one.
    existing = tmp_path / "report.pdf"
    existing.write_bytes(b"the earlier report")
    [button] = [b for b in bar.findChildren(QPushButton) if b.objectName() == "exportPdfButton"]
    assert button is bar.pdf_button
    with qtbot.waitSignal(bar.finished, timeout=60_000):
        bar.export_pdf(existing)
    assert existing.read_bytes().startswith(b"%PDF-")


def test_a_full_disk_or_a_refused_folder_is_told_plainly(launch, qtbot, tmp_path, monkeypatch):
    import errno

    import ui.reports
    from ui.reports import error_message

    assert "disk is full" in error_message(OSError(errno.ENOSPC, "No space left on device"), tmp_path / "r.pdf")
    refused = error_message(PermissionError(errno.EACCES, "Permission denied"), tmp_path / "r.pdf")
    assert "permission denied" in refused and str(tmp_path) in refused

    window, _project_id, bar = open_project(launch("en"), "en")
    existing = tmp_path / "report.pdf"
    existing.write_bytes(b"the earlier report")

    def full_disk(path, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ui.reports, "write_file", full_disk)
    with qtbot.waitSignal(bar.failed, timeout=60_000) as failed:
        bar.export_pdf(existing)
    assert "disk is full" in failed.args[0]
    assert existing.read_bytes() == b"the earlier report"
    bar.error_box.close()


def test_the_report_charts_fill_their_image(launch):
    """Both charts are drawn at the size of their image, for paper: the cost chart was once drawn
    as a thumbnail in a corner, every label elided."""
    from companion.pilot.report import collect
    from ui.reports import COST_SIZE, READINESS_SIZE, render_charts

    window, project_id, _bar = open_project(launch("fr"), "fr")
    images = render_charts(collect(window.pilot, window.pilot.templates, project_id), "fr")
    for key, size in (("readiness", READINESS_SIZE), ("costs", COST_SIZE)):
        image = images[key]
        assert (image.width(), image.height()) == size
        inked = [x for x in range(0, image.width(), 8)
                 if any(image.pixelColor(x, y).lightness() < 200 for y in range(0, image.height(), 8))]
        assert inked and inked[-1] - inked[0] > image.width() * 0.7, key
