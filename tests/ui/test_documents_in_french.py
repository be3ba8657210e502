"""Every document the Companion produces reads entirely in French when it is made in French.

The documents: the pilot report for decision-makers (its HTML, its PDF and the texts of its two
charts), the CSV exports and the Excel workbook; a trainer's handouts (slides and text), quiz
sheet, answer key, attendance sheet, session report and certificates (HTML and PDF). Each is
made from French data (the bundled French templates and training module, French names), and
its text is searched for every English message of the catalogue whose French differs: a label
that escaped translation (a ``_()`` Babel never extracted, a ``_()`` where the session's language
was meant) is found wherever it hides.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import unicodedata
from functools import lru_cache

import pytest
from babel.messages.pofile import read_po
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QChart, QHorizontalBarSeries, QStackedBarSeries

from companion import i18n
from companion.config import translations_dir
from companion.pilot.report import business_case_csv, checklist_csv, collect, render_html, write_xlsx
from companion.pilot.store import PilotStore
from companion.pilot.templates import bundled_templates
from companion.session import import_bundled_content, open_data
from companion.training import report as training
from companion.training.results import summarise
from companion.training.store import TrainingStore
from tests.companion.test_i18n_calls import marked_messages

PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[sd]|%[sd]")
# Words an English message shares with French (or with the names in a document): "Date" is
# "Date", "Total" is "Total"; these are matched against the French catalogue below.
MIN_LETTERS = 3


def _plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def html_text(document: str) -> str:
    """What a reader sees of an HTML document: its title and its body's text."""
    title = re.search(r"<title>(.*?)</title>", document, re.S)
    body = document.split("<body>", 1)[-1]
    body = re.sub(r"<[^>]+>", " ", body.replace("&nbsp;", " "))
    return _plain(html.unescape((title.group(1) + " " if title else "") + body))


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return _plain(" ".join(page.extract_text() for page in reader.pages) + " " + str(reader.metadata.title or ""))


def chart_text(chart: QChart) -> str:
    """Every text a chart draws: its title, axis titles and labels, series and bar names."""
    texts = [chart.title()]
    for axis in chart.axes():
        texts.append(axis.titleText())
        if isinstance(axis, QBarCategoryAxis):
            texts += axis.categories()
    for series in chart.series():
        texts.append(series.name())
        if isinstance(series, (QBarSeries, QHorizontalBarSeries, QStackedBarSeries)):
            texts += [bar_set.label() for bar_set in series.barSets()]
    return _plain(" | ".join(texts))


def _fragments(message: str) -> list[str]:
    """The literal parts of a message, placeholders and mnemonics left out."""
    text = message.replace("&&", "\0").replace("&", "").replace("\0", "&")
    parts = (part.strip(" \t\n:;,.!?…·—–-()“”\"'«»") for part in PLACEHOLDER.split(text))
    return [part for part in parts if sum(c.isalpha() for c in part) >= MIN_LETTERS]


def _pattern(fragment: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(_plain(fragment)) + r"(?!\w)")


@lru_cache(maxsize=1)
def english_fragments() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each English message's literal parts that are not French too: for every message whose
    French differs, and every message the code marks that the catalogue lacks, the parts that
    appear nowhere in the French catalogue ("Sensitivity", "overdue", "Total cost of ownership
    (TCO)"; not "Description", which French also writes)."""
    with (translations_dir() / "fr" / "LC_MESSAGES" / "companion.po").open("rb") as handle:
        catalog = read_po(handle)
    messages = [m for m in catalog if m.id]
    french = _plain(" \n ".join(s for m in messages for s in (m.string if isinstance(m.string, tuple)
                                                                 else (m.string,))))
    found = {}
    # A message the code marks that the catalogue lacks (Babel missed it) stays English.
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in messages}
    for message in sorted(marked_messages() - known):
        for fragment in _fragments(message):
            pattern = _pattern(fragment)
            if fragment not in found and not pattern.search(french):
                found[fragment] = pattern
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if _plain(ids[0]) == _plain(strings[0]):
            continue
        for fragment in (f for one in ids for f in _fragments(one)):
            pattern = _pattern(fragment)
            if fragment not in found and not pattern.search(french):
                found[fragment] = pattern
    return tuple(found.items())


def english_in(text: str) -> list[str]:
    return sorted({fragment for fragment, pattern in english_fragments() if pattern.search(text)})


# --- French data ---------------------------------------------------------------------------------------

@pytest.fixture
def data(paths):
    opened = open_data(paths)
    import_bundled_content(opened.library)
    yield opened
    opened.close()
    i18n.set_language("en")


def french_project(store: PilotStore) -> str:
    """A project as a French-speaking team fills it: some items done, one late, scores with
    evidence and risks, a recommendation, the worked business case converted to FCFA."""
    project_id = store.create_project("Pilote de Kolda", "Sénégal", "Mutuelle de santé départementale", "XOF",
                                      dt.date(2027, 3, 1), ["Awa Ndiaye", "Joseph Mendy"], language="fr",
                                      usd_rate="600")
    [(checklist_id, _template, _version)] = store.checklists(project_id)
    items = store.items(checklist_id)
    store.update_item(items[0].id, status="done", owner="Awa Ndiaye")
    store.update_item(items[1].id, status="in_progress", due_date=dt.date(2020, 1, 31), notes="Réunion reportée")
    store.update_item(items[2].id, status="na")
    feasibility_id, _scores, _weights, _rec = store.feasibility(project_id)
    for number, dimension in enumerate(store.templates.feasibility["readiness"].dimensions[:4]):
        for criterion in dimension.criteria:
            store.set_criterion(feasibility_id, dimension.id, criterion.id, score=1 + number,
                                evidence="Arrêté ministériel de 2024", risk="Budget non voté")
    store.set_feasibility(feasibility_id, recommendation="Démarrer dans deux districts.\nFormer les agents.")
    return project_id


def pilot_documents(store: PilotStore, project_id: str, tmp_path) -> dict[str, str]:
    """The text of every pilot document, made as the app makes it in the current language."""
    from ui.reports import CHART_NAMES, pdf_bytes, render_charts
    from ui.widgets.cost_chart import build_cost_chart
    from ui.widgets.readiness_chart import ChartColours, build_chart

    language = i18n.current_language()
    report = collect(store, store.templates, project_id)
    images = render_charts(report, language)
    assert set(images) == {"readiness", "costs"}
    page = render_html(report, language, CHART_NAMES)
    workbook_path = tmp_path / "export.xlsx"
    write_xlsx(store, store.templates, project_id, language, workbook_path)
    workbook = load_workbook(workbook_path)
    cells = [sheet.title for sheet in workbook] + [str(cell.value) for sheet in workbook
                                                   for row in sheet.iter_rows() for cell in row
                                                   if isinstance(cell.value, str)]
    return {
        "report (HTML)": html_text(page),
        "report (PDF)": pdf_text(pdf_bytes(page, images, report.project.name)),
        "readiness chart": chart_text(build_chart(report.readiness, report.feasibility_template, language,
                                                  ChartColours.for_print())),
        "cost chart": chart_text(build_cost_chart(report.result, report.project.currency, language=language)),
        "checklists (CSV)": _plain(" ".join(" ".join(row) for row in csv.reader(io.StringIO(
            checklist_csv(store, store.templates, project_id, language))))),
        "business case (CSV)": _plain(" ".join(" ".join(row) for row in csv.reader(io.StringIO(
            business_case_csv(store, store.templates, project_id, language))))),
        "workbook (Excel)": _plain(" | ".join(cells)),
    }


def training_documents(store: TrainingStore, tmp_path) -> dict[str, str]:
    """The text of every printout of a two-day session of the bundled French module (HTML and PDF)."""
    from ui.training_reports import save_pdf

    module = store.module_by_slug("openimis-for-managers", "fr")
    assert module is not None and module.language == "fr"
    session_id = store.create_session(module.id, dt.date(2026, 12, 7), days=2, place="Salle de réunion, Kaolack",
                                      trainer="Aminata Sow")
    people = (("Fatou Diop", "female", (True, True), 2, 7, 5, "Très clair"),
              ("Moussa Ba", "male", (True, False), 3, 5, 3, ""))
    for name, sex, present, pre, post, rating, comment in people:
        person = store.add_participant(session_id, name, "Mutuelle de Kaolack", "Gérant", sex, "77 000 00 00",
                                       consent=True)
        for day, here in enumerate(present):
            store.set_attendance(person, day, here)
        store.update_participant(person, pre_score=pre, post_score=post, rating=rating, comment=comment)
    session = store.training_session(session_id)
    participants = store.participants(session_id)
    lesson = store.lesson(store.lessons(module.id)[0].id)
    questions = store.questions(module.id)
    documents = {
        "handout (slides)": training.handout_html(module, lesson, "slides"),
        "handout (text)": training.handout_html(module, lesson, "text"),
        "quiz sheet": training.quiz_sheet_html(module, questions, session),
        "answer key": training.answer_key_html(module, questions),
        "attendance sheet": training.attendance_sheet_html(session, participants),
        "session report": training.session_report_html(session, participants, summarise(session, participants)),
        "certificates": training.certificates_html(session, participants),
    }
    texts = {}
    for name, document in documents.items():
        texts[f"{name} (HTML)"] = html_text(document)
        title = html.unescape(re.search(r"<title>(.*?)</title>", document, re.S).group(1))
        path = save_pdf(document, tmp_path / f"{name}.pdf", title=title)
        texts[f"{name} (PDF)"] = pdf_text(path.read_bytes())
    return texts


# --- The tests ---------------------------------------------------------------------------------------

def test_the_search_finds_english_left_in_a_french_document():
    """The check itself: the headings once left in English are among what it looks for, and a
    French text with one English heading in it is caught, while French words are not."""
    looked_for = dict(english_fragments())
    for english in ("openIMIS pilot project report", "In this report", "Weakest feasibility dimensions",
                    "Recommendation", "Sensitivity", "overdue", "Certificate of attendance"):
        assert english in looked_for, english
    assert english_in("Synthèse Sensitivity Coûts par catégorie") == ["Sensitivity"]
    assert english_in("Rapport de projet pilote openIMIS Synthèse Dans ce rapport Recommandation Sensibilité "
                      "3 en retard Description Total") == []


def test_the_check_catches_a_report_made_in_english(qapp, data, tmp_path):
    """The same documents made with the interface in English are full of what the search looks
    for: a French report that still held them would fail."""
    i18n.set_language("en")
    store = PilotStore(data.library.engine, bundled_templates(), data.paths.blobs_dir)
    texts = pilot_documents(store, french_project(store), tmp_path)
    for name, text in texts.items():
        assert english_in(text), name
    assert {"Executive summary", "Sensitivity", "overdue"} <= set(english_in(texts["report (PDF)"]))


def test_every_pilot_document_made_in_french_reads_in_french(qapp, data, tmp_path):
    i18n.set_language("fr")
    store = PilotStore(data.library.engine, bundled_templates(), data.paths.blobs_dir)
    texts = pilot_documents(store, french_project(store), tmp_path)
    found = {name: english_in(text) for name, text in texts.items()}
    assert found == {name: [] for name in texts}
    assert "Rapport de projet pilote openIMIS" in texts["report (PDF)"]
    assert "Sénégal" in texts["report (PDF)"] and "Sensibilité" in texts["report (PDF)"]


@pytest.mark.parametrize("interface", ["en", "fr"])
def test_every_printout_of_a_french_session_reads_in_french(qapp, data, tmp_path, interface):
    """A French session's printouts are in French whatever language the interface shows."""
    i18n.set_language(interface)
    texts = training_documents(TrainingStore(data.library.engine), tmp_path)
    assert "Certificat de présence" in texts["certificates (PDF)"] or "Attestation" in texts["certificates (PDF)"]
    found = {name: english_in(text) for name, text in texts.items()}
    assert found == {name: [] for name in texts}
