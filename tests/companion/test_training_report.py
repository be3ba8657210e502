"""A trainer's printouts: handouts, quiz sheet, answer key, attendance sheet, session report and
certificates. The HTML is checked for its texts, its language and its escaping; each document is
then written as a PDF by ui/training_reports and read back with pypdf."""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata

import pytest
from babel.dates import format_skeleton
from pypdf import PdfReader

from companion import i18n
from companion.i18n import Translator
from companion.session import open_data
from companion.training.content import load_modules
from companion.training.importer import import_modules
from companion.training.report import (BLANK_ROWS, LANDSCAPE_META, ONE_PAGE_EACH_META, PAGE_BREAK,
                                       answer_key_html, attendance_sheet_html, certificates_html, handout_html,
                                       quiz_sheet_html, session_report_html)
from companion.training.results import summarise
from companion.training.store import TrainingStore
from tests.companion.test_training import write_module

MODULE_TITLE = "Claims <basics> & co"
NAME = "<b>Ann & Co</b>"
ESCAPED_NAME = "&lt;b&gt;Ann &amp; Co&lt;/b&gt;"
# A slide added to the test module's first lesson: a bundled picture, a missing one, a script.
PICTURE_SLIDE = """
---

## A picture of the journey

![The four stages of an implementation](images/implementation-journey.svg)

![A picture that is not there](images/no-such-picture.svg)

<script>alert("never")</script>

???
Point at each stage in turn.
"""
# name: (organisation, sex, present each day, pre score, post score, rating, comment); the quiz
# has 4 questions and a pass mark of 75 %.
PEOPLE = {
    "Neema Mushi": ("CHF Dodoma", "female", (True, True), 1, 4, 5, "Clear examples"),
    NAME: ("Ann & Co <Ltd>", "female", (True, True), 2, 3, 4, "More <time> & less talk"),
    "Boubacar Diallo": ("Mutuelle de Kolda", "male", (True, False), 2, 4, 3, ""),  # absent on day 2
}
EARNERS = ["Neema Mushi", NAME]


def plain(text: str) -> str:
    """Extracted PDF text → comparable plain text (ligatures such as "ﬁ" and no-break spaces
    made plain, spaces single)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def plain_html(document: str) -> str:
    """The visible text of an HTML document: no tags, no style sheet, entities decoded."""
    body = document.split("<body>", 1)[-1]
    return plain(html.unescape(re.sub(r"<[^>]+>", " ", body.replace("&nbsp;", " "))))


def pdf_text(reader: PdfReader) -> str:
    return plain("\n".join(page.extract_text() for page in reader.pages))


class Training:
    """The test module in a store, with a two-day session of three participants."""

    def __init__(self, store: TrainingStore, language: str = "en") -> None:
        self.store = store
        self.module = store.module_by_slug("demo", language)
        self.lessons = store.lessons(self.module.id)
        self.questions = store.questions(self.module.id)
        session_id = store.create_session(self.module.id, dt.date(2026, 12, 7), days=2, place="Dodoma <north>",
                                          trainer="Asha & Joseph", notes="The room was hot on day 2.")
        for name, (organisation, sex, present, pre, post, rating, comment) in PEOPLE.items():
            person = store.add_participant(session_id, name, organisation, "Officer", sex, "+255 712 345 678",
                                           consent=True)
            for day, here in enumerate(present):
                store.set_attendance(person, day, here)
            store.update_participant(person, pre_score=pre, post_score=post, rating=rating, comment=comment)
        self.session = store.training_session(session_id)
        self.participants = store.participants(session_id)
        self.summary = summarise(self.session, self.participants)


@pytest.fixture
def store(paths, tmp_path):
    data = open_data(paths)
    for language in ("en", "fr"):
        folder = write_module(tmp_path / "training", language=language, title=MODULE_TITLE)
        lesson = folder / "one.md"
        lesson.write_text(lesson.read_text(encoding="utf-8") + PICTURE_SLIDE, encoding="utf-8")
    with data.library.sessions() as session:
        import_modules(session, load_modules(tmp_path / "training"))
        session.commit()
    yield TrainingStore(data.library.engine)
    data.close()


@pytest.fixture
def training(store) -> Training:
    return Training(store)


@pytest.fixture
def ui_in_french():
    """The app shows French: the printouts of an English session stay English."""
    i18n.set_language("fr")
    yield
    i18n.set_language("en")


# --- The HTML -------------------------------------------------------------------------------------------------

def test_handout_as_slides_and_as_text(training, ui_in_french):
    lesson = training.lessons[0]
    slides = handout_html(training.module, lesson, "slides")
    text = handout_html(training.module, lesson, "text")
    for document in (slides, text):
        assert "Claims &lt;basics&gt; &amp; co" in document and MODULE_TITLE not in document
        assert "Lesson one" in document and "20 min" in document and "For: Testers" in document
        assert "First slide of Lesson one" in document and "A picture of the journey" in document
        assert "Say hello. Ask the room a question." in document and "Notes of the second slide." in document
        assert "--- this rule is code" in document  # fenced code stays code
        assert 'src="image:implementation-journey.svg"' in document  # loaded by the Qt side, from the bundle
        assert "<script" not in document and "alert" not in document  # sanitised like guides
    # Slides: each in a frame, with its number and its notes; two slides a page.
    assert "Slide 1 of 3" in slides and "Slide 3 of 3" in slides
    assert plain_html(slides).count("Trainer's notes") == 3
    assert slides.count(PAGE_BREAK) == 1
    # Text: the notes are plain paragraphs, no slide numbers, no frames.
    assert "Slide 1 of" not in text and "Trainer's notes" not in plain_html(text) and PAGE_BREAK not in text
    with pytest.raises(ValueError):
        handout_html(training.module, lesson, "poster")


def test_quiz_sheet_is_blank_and_numbered(training, ui_in_french):
    sheet = quiz_sheet_html(training.module, training.questions, training.session)
    text = plain_html(sheet)
    assert "Name:" in text and "Date:" in text
    assert "☐ Pre-quiz (before the training)" in text and "☐ Post-quiz (after the training)" in text
    assert "7 December 2026 to 8 December 2026 · Dodoma <north>" in text and "Dodoma &lt;north&gt;" in sheet
    for number in range(1, 5):
        assert re.search(rf"{number}\. Question {number}\? ☐ A\. A ☐ B\. B ☐ C\. C", text)
    assert "Because 1." not in text  # no answers on the participants' sheet
    assert "right answers out of 4" in text
    # Without a session: no dates, still a full quiz.
    assert "Question 4?" in quiz_sheet_html(training.module, training.questions)


def test_answer_key_gives_the_right_letter_choice_and_why(training):
    key = answer_key_html(training.module, training.questions)
    assert [q.answer for q in training.questions] == [2, 3, 1, 2]
    for number, letter in zip(range(1, 5), "BCAB"):
        assert f"<b>{letter}.</b> {letter}" in key  # the choices of the test module are "A", "B", "C"
        assert f"Because {number}." in key
    assert "Pass mark: 75%, that is 3 right answers out of 4." in plain_html(key)


def test_attendance_sheet_to_sign(training, ui_in_french):
    sheet = attendance_sheet_html(training.session, training.participants)
    text = plain_html(sheet)
    assert LANDSCAPE_META in sheet
    assert ESCAPED_NAME in sheet and NAME not in sheet and "Ann &amp; Co &lt;Ltd&gt;" in sheet
    for label in ("No.", "Name", "Organisation", "Role", "Sex", "Phone or email", "Module", "Place", "Dates",
                  "Trainer", "Claims <basics> & co", "Asha & Joseph", "7 December 2026 to 8 December 2026"):
        assert label in text
    assert "Day 1 Mon, 7 Dec" in text and "Day 2 Tue, 8 Dec" in text
    assert "kept for the records of this training only" in text
    assert "Female" in text and "Male" in text and "+255 712 345 678" in text
    rows = re.findall(r"<tr><td[^>]*>(\d+)</td>", sheet)
    assert rows == [str(n) for n in range(1, len(PEOPLE) + BLANK_ROWS + 1)]  # registered, then walk-ins
    # A longer session: at most five days a sheet, the names again on each.
    long_session = training.store.training_session(
        training.store.create_session(training.module.id, dt.date(2026, 12, 7), days=7))
    sheets = attendance_sheet_html(long_session, [])
    assert sheets.count(PAGE_BREAK) == 1 and "Day 5" in sheets and "Day 7 Sun, 13 Dec" in plain_html(sheets)
    assert sheets.count("<h1>") == 2


def test_session_report_figures(training, ui_in_french):
    report = session_report_html(training.session, training.participants, training.summary)
    text = plain_html(report)
    assert "Training session report" in text and "Claims <basics> & co" in text and ESCAPED_NAME in report
    for expected in ("Day 1 7 December 2026 3 of 3", "Day 2 8 December 2026 2 of 3",
                     "Attendance rate 83%",            # 5 of 6 possible days
                     "Present every day 2 of 3", "Women 2", "Men 1",
                     "Pre-quiz average 42%",           # (25 + 50 + 50) / 3
                     "Post-quiz average 92%",          # (100 + 75 + 100) / 3
                     "Average gain +50 points (3 took both quizzes)",
                     "Pass mark 75%", "Passed the post-quiz 3 of 3", "Certificates 2",
                     "Average rating: 4.0 out of 5",
                     "The room was hot on day 2."):
        assert expected in text, expected
    assert re.search(r"Participants 1 1 1 0 0", text)  # 5, 4, 3, 2, 1 stars
    # Comments without names, escaped.
    assert "More &lt;time&gt; &amp; less talk" in report and "Clear examples" in text
    assert "Neema Mushi Clear" not in text
    # One row a participant: days present, pre and post scores, certificate.
    assert "Neema Mushi CHF Dodoma 2 of 2 25% 100% yes" in text
    assert f"{NAME} Ann & Co <Ltd> 2 of 2 50% 75% yes" in text
    assert "Boubacar Diallo Mutuelle de Kolda 1 of 2 50% 100% no" in text


def test_the_report_of_a_running_session_counts_only_the_days_held(training):
    """Day 2 of 3: the last day is shown as not held yet, and nobody is absent on it."""
    store = training.store
    start = dt.date(2027, 3, 1)
    session_id = store.create_session(training.module.id, start, days=3)
    for name, days in (("Awa Diop", (True, True)), ("Paul Kamga", (True, False))):
        person = store.add_participant(session_id, name)
        for day, present in enumerate(days):
            store.set_attendance(person, day, present)
        store.update_participant(person, post_score=4)
    session, people = store.training_session(session_id), store.participants(session_id)
    summary = summarise(session, people, today=start + dt.timedelta(days=1))
    text = plain_html(session_report_html(session, people, summary))
    assert text.count("not held yet") == 1 and "Day 3" in text
    for expected in ("Attendance rate 75%", "Present every day 1 of 2", "Certificates 1"):
        assert expected in text, expected
    assert re.search(r"Awa Diop 2 of 2 \S+ 100% yes", text) and re.search(r"Paul Kamga 1 of 2 \S+ 100% no", text)
    certificates = certificates_html(session, people, summary.days_held)
    assert "Awa Diop" in certificates and "Paul Kamga" not in certificates


def test_certificates_only_for_those_who_earn_one(training, ui_in_french):
    document = certificates_html(training.session, training.participants)
    assert LANDSCAPE_META in document and ONE_PAGE_EACH_META in document
    assert plain_html(document).count("Certificate of attendance") == len(EARNERS)
    assert document.count(PAGE_BREAK) == len(EARNERS) - 1
    assert "Neema Mushi" in document and ESCAPED_NAME in document and NAME not in document
    assert "Boubacar" not in document
    text = plain_html(document)
    assert "has attended the training Claims <basics> & co" in text
    assert "from 7 December 2026 to 8 December 2026 in Dodoma <north>" in text
    assert "Asha & Joseph, trainer" in text and "8 December 2026 ___" in text
    # Nobody present every day with a passing score: nothing to print.
    assert certificates_html(training.session, [p for p in training.participants if p.name == "Boubacar Diallo"],
                             training.summary.days_held) == ""


def test_printouts_follow_the_session_language_not_the_app(store):
    french = Training(store, "fr")
    assert i18n.current_language() == "en"
    document = certificates_html(french.session, french.participants)
    assert i18n.format_date(dt.date(2026, 12, 8), "long", "fr") in document  # "8 décembre 2026", on one line
    sheet = attendance_sheet_html(french.session, french.participants)
    assert format_skeleton("MMMEd", dt.date(2026, 12, 7), locale="fr") in plain_html(sheet)  # "lun. 7 déc."
    report = plain_html(session_report_html(french.session, french.participants, french.summary))
    assert "83 %" in report  # French percent, with a no-break space
    # The labels go through the French catalog, whatever the app shows.
    assert 'lang="fr"' in document and 'lang="fr"' in sheet
    french_labels = Translator("fr")
    assert report.startswith(french_labels("Training session report"))
    assert f"50 % 100 % {french_labels('no')}" in report and french_labels("yes") == "oui" and "oui" in report


# --- The PDFs --------------------------------------------------------------------------------------------------

def documents(training: Training) -> dict[str, str]:
    return {
        "handout-slides": handout_html(training.module, training.lessons[0], "slides"),
        "handout-text": handout_html(training.module, training.lessons[0], "text"),
        "quiz-sheet": quiz_sheet_html(training.module, training.questions, training.session),
        "answer-key": answer_key_html(training.module, training.questions),
        "attendance-sheet": attendance_sheet_html(training.session, training.participants),
        "session-report": session_report_html(training.session, training.participants, training.summary),
        "certificates": certificates_html(training.session, training.participants),
    }


def image_count(page) -> int:
    """Pictures drawn on a PDF page (image XObjects, read without Pillow)."""
    objects = page.get("/Resources", {}).get("/XObject", {})
    return sum(1 for value in objects.values() if value.get_object().get("/Subtype") == "/Image")


def is_landscape(reader: PdfReader) -> bool:
    return all(page.mediabox.width > page.mediabox.height for page in reader.pages)


def test_every_printout_as_a_pdf(qapp, training, tmp_path):
    from ui.training_reports import save_pdf

    pdfs = {}
    for name, document in documents(training).items():
        path = save_pdf(document, tmp_path / f"{name}.pdf", title=name)
        assert path.read_bytes().startswith(b"%PDF-")
        pdfs[name] = PdfReader(path)
    assert not list(tmp_path.glob("*.part"))

    for name, reader in pdfs.items():
        text = pdf_text(reader)
        assert MODULE_TITLE in text, name
        assert is_landscape(reader) == (name in ("attendance-sheet", "certificates")), name
        if name in ("attendance-sheet", "session-report"):
            assert all(person in text for person in PEOPLE), name
    # Two slides a page: three slides make two pages; the text handout is shorter.
    assert len(pdfs["handout-slides"].pages) == 2
    assert len(pdfs["handout-text"].pages) == 1
    assert "Say hello. Ask the room a question." in pdf_text(pdfs["handout-text"])
    # The bundled picture is in the PDF; the missing one left its description.
    assert any(image_count(page) for page in pdfs["handout-slides"].pages)
    assert "A picture that is not there" in pdf_text(pdfs["handout-slides"])
    # The key: each question's right letter and choice, and why.
    key = pdf_text(pdfs["answer-key"])
    for number, letter in zip(range(1, 5), "BCAB"):
        assert re.search(rf"{number} Question {number}\? {letter}\. {letter} Because {number}\.", key), key
    assert len(pdfs["quiz-sheet"].pages) == 1 and "Question 4?" in pdf_text(pdfs["quiz-sheet"])
    assert len(pdfs["attendance-sheet"].pages) == 1
    # One certificate a page, each with the name and no page number.
    certificates = pdfs["certificates"]
    assert len(certificates.pages) == len(EARNERS)
    for page, person in zip(certificates.pages, EARNERS):
        page_text = plain(page.extract_text())
        assert person in page_text and "Certificate of attendance" in page_text
        assert not re.search(r"(^|\s)1$", page_text)


def test_a_certificate_stays_on_one_page_however_long_its_texts(qapp, store, tmp_path):
    from ui.training_reports import save_pdf

    training = Training(store)
    long_name = "Aminata Fatoumata Ndèye Coumba Sow-Bâ de la Mutuelle de santé de Kolda-Sud " * 2
    session_id = store.create_session(training.module.id, dt.date(2026, 12, 7), days=1,
                                      place="Salle de réunion de l'hôpital régional de Kolda, quartier Sikilo " * 3,
                                      trainer="Marie-Thérèse Ndiaye-Diallo")
    for name in (long_name.strip(), "Awa"):
        person = store.add_participant(session_id, name, "Mutuelle de santé communautaire de Kolda-Sud")
        store.set_attendance(person, 0, True)
        store.update_participant(person, post_score=4)
    session = store.training_session(session_id)
    reader = PdfReader(save_pdf(certificates_html(session, store.participants(session_id)), tmp_path / "c.pdf"))
    assert len(reader.pages) == 2 and is_landscape(reader)
    assert "Ndèye Coumba" in plain(reader.pages[0].extract_text()) and "Awa" in plain(reader.pages[1].extract_text())


def test_printing_and_a_failed_save(qapp, training, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    from ui.reports import error_message
    from ui.training_reports import print_html, save_pdf

    for name, expected_pages in (("certificates", len(EARNERS)), ("attendance-sheet", 1), ("answer-key", 1)):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / f"printed-{name}.pdf"))
        assert print_html(documents(training)[name], printer=printer)
        reader = PdfReader(tmp_path / f"printed-{name}.pdf")
        assert len(reader.pages) == expected_pages and is_landscape(reader) == (name != "answer-key")

    target = tmp_path / "no such folder" / "key.pdf"
    with pytest.raises(OSError) as error:
        save_pdf(answer_key_html(training.module, training.questions), target)
    assert "does not exist" in error_message(error.value, target) and not target.parent.exists()
    existing = tmp_path / "key.pdf"
    existing.write_bytes(b"the earlier key")
    save_pdf(answer_key_html(training.module, training.questions), existing)
    assert existing.read_bytes().startswith(b"%PDF-")
