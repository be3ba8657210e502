"""Training as a trainer uses it, offline: open a module, read and present a lesson, run a session
with twenty participants (register, attendance, scores, feedback, summary), print its documents,
and adapt a module of their own. In English and in French."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication

from companion.i18n import format_percent
from ui.dialogs.lesson_dialog import LessonDialog
from ui.dialogs.module_dialog import ModuleDialog
from ui.dialogs.quiz_runner import QuizRunner
from ui.dialogs.session_dialog import SessionDialog
from ui.navigation import Location
from tests.ui.dialogs import when_dialog_opens
from ui.runner import pending_operations
from ui.screens.training.scores import POST_SCORE, PRE_SCORE, RATING

MANAGERS = "openimis-for-managers"
TEXT = {
    "en": {"title": "openIMIS for managers and decision-makers", "notes": "Trainer's notes",
           "bad_score": "whole number from 0 to 8", "present": "Day 2: 19 of 20 present", "pdf_title": "Attendance",
           "by_sex": "20 (0 women, 0 men)"},
    "fr": {"title": "openIMIS pour les responsables et les décideurs", "notes": "Notes de présentation",
           "bad_score": "nombre entier de 0 à 8", "present": "Jour 2\u00a0: 19 présences sur 20", "pdf_title": "présence",
           "by_sex": "20 (0\u00a0femme, 0\u00a0homme)"},
}
PEOPLE = [("Neema Mushi", "CHF Dodoma"), ("Juma Salim", "CHF Dodoma"), ("Aïcha Diallo", "Mutuelle Kouma"),
          ("Jean-Pierre Mbarga", "Hôpital de district"), ("Fatou Ndiaye", "Ministère de la santé"),
          ("Ram Bahadur Thapa", "HIB Nepal"), ("Mariam Touré", "CNAM"), ("Idriss Mahamat", "District N'Djamena"),
          ("Grace Mwangi", "NHIF"), ("Oumar Sy", "CNAM"), ("Esther Ngono", "Mutuelle Kouma"),
          ("Baraka Mollel", "CHF Arusha"), ("Awa Diop", "Hôpital régional"), ("Sita Gurung", "HIB Nepal"),
          ("Paul Kamga", "BUNEC"), ("Halima Abdou", "Niamey"), ("Kossi Amegan", "GIZ"), ("Lucie Mbuyi", "Kinshasa"),
          ("Modou Jallow", "Banjul"), ("Zainab Bah", "Nouakchott")]


def module_id(window, language: str) -> str:
    return window.training.module_by_slug(MANAGERS, language).id


@pytest.mark.parametrize("language", ["en", "fr"])
def test_browse_modules_read_a_lesson_and_find_lessons_in_search(launch, qtbot, language):
    window = launch(language).window
    window.navigation.setCurrentRow(3)
    qtbot.keyClick(window.navigation, Qt.Key.Key_Return)
    screen = window.training_screen
    assert window.stack.currentWidget() is screen
    titles = [screen.modules.item(row).text() for row in range(screen.modules.count())]
    assert len(titles) == 3 and titles[0] == TEXT[language]["title"]
    screen.modules.setCurrentRow(0)
    screen.open_module_button.click()
    module = window.module_screen
    assert window.stack.currentWidget() is module and module.lessons.count() == 4
    module.read_button.click()
    assert window.stack.currentWidget() is window.reader
    assert window.reader.view.language == language
    assert TEXT[language]["notes"] in window.reader.browser.toPlainText()
    window.go_back()
    assert window.stack.currentWidget() is module
    hits = window.library.search("contributions" if language == "fr" else "contributions", category="lesson",
                                 language=language)
    assert hits and hits[0].slug.startswith("lesson/")


def fill_session_dialog(place: str, days: int = 2):
    def fill():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SessionDialog)
        dialog.start.setDate(QDate(2026, 12, 7))
        dialog.days.setValue(days)
        dialog.place.setText(place)
        dialog.trainer.setText("Asha Mrema")
        dialog.accept()
    when_dialog_opens(fill)


def answer_quiz(answers: list[int]):
    def run():
        runner = QApplication.activeModalWidget()
        assert isinstance(runner, QuizRunner)
        for answer in answers:
            runner.choose(answer)
            runner.next_button.click()
        assert runner.finished_quiz and runner.result.isVisible()
        runner.next_button.click()  # "Save the score"
    when_dialog_opens(run)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_run_a_session_with_twenty_participants(launch, qtbot, language, tmp_path):
    window = launch(language).window
    window.open_module(module_id(window, language))
    fill_session_dialog("Dodoma")
    window.module_screen.new_session_button.click()
    screen = window.session_screen
    assert window.stack.currentWidget() is screen and "Dodoma" in screen.details.text()
    [session] = window.training.training_sessions()
    assert (session.language, session.days, session.quiz_size) == (language, 2, 8)

    # Register: the quick-add row, Enter adds and is ready for the next person.
    register = screen.register
    register.add_participant()  # no name: refused with a message, nothing added
    assert register.error.isVisible() and register.table.rowCount() == 0
    for name, organisation in PEOPLE:
        register.new_name.setText(name)
        register.new_organisation.setText(organisation)
        register.new_consent.setChecked(True)
        qtbot.keyClick(register.new_name, Qt.Key.Key_Return)
    assert register.table.rowCount() == 20 and not register.error.isVisible()
    people = window.training.participants(session.id)
    assert [p.name for p in people] == [name for name, _org in PEOPLE] and all(p.consent for p in people)

    # Attendance: everyone on day 1, everyone but one on day 2.
    screen.tabs.setCurrentWidget(screen.attendance)
    attendance = screen.attendance
    attendance.day_choice.setCurrentIndex(0)
    attendance.everyone_button.click()
    attendance.day_choice.setCurrentIndex(1)
    attendance.everyone_button.click()
    attendance.table.item(3, 2).setCheckState(Qt.CheckState.Unchecked)  # Jean-Pierre missed day 2
    assert TEXT[language]["present"] in attendance.totals.text()

    # Scores: typed in; a score above the quiz size is refused in the user's language.
    screen.tabs.setCurrentWidget(screen.scores)
    scores = screen.scores
    scores.table.item(0, PRE_SCORE).setText("12")
    assert scores.error.isVisible() and TEXT[language]["bad_score"] in scores.error.text()
    assert window.training.participants(session.id)[0].pre_score is None
    for row in range(20):
        scores.table.item(row, PRE_SCORE).setText("4")
        scores.table.item(row, POST_SCORE).setText("7" if row % 4 else "5")  # 5 of 20 below the pass mark
        scores.table.item(row, RATING).setText("5" if row % 2 else "4")
    # One participant takes the post-quiz on the laptop: all right but the first answer.
    questions = window.training.questions(module_id(window, language))
    scores.table.selectRow(1)
    answer_quiz([q.answer % len(q.choices) + 1 if i == 0 else q.answer for i, q in enumerate(questions)])
    scores.post_button.click()
    assert window.training.participants(session.id)[1].post_score == 7
    assert scores.current_participant_id() == people[2].id  # the next participant, ready for the quiz

    # Summary: 39 of 40 present, gain (7·15 + 5·5)/20/8 − 4/8 = 31.25 points, 15 pass, 14 certificates.
    screen.tabs.setCurrentWidget(screen.summary)
    summary = screen.summary.summary
    assert summary.attendance_rate == pytest.approx(39 / 40)
    assert summary.average_gain == pytest.approx(100 * (7 * 15 + 5 * 5) / 20 / 8 - 50)
    assert (summary.passed, summary.certificates) == (15, 14)
    assert summary.rating_average == pytest.approx(4.5)
    text = screen.summary.figures.text()
    assert format_percent(39 / 40) in text and ("98%" if language == "en" else "98") in format_percent(39 / 40)
    assert ("+31.2" if language == "en" else "+31,2") in text
    assert TEXT[language]["by_sex"] in text  # each count with its own plural (French: 0 is singular)

    # Print: the attendance sheet, the report and the certificates, in the session's language.
    for kind, expected in (("attendance", "Zainab Bah"), ("report", "Asha Mrema"), ("certificates", "Juma Salim")):
        path = tmp_path / f"{kind}-{language}.pdf"
        assert screen.save_document(kind, path)
        qtbot.waitUntil(lambda: pending_operations() == 0 and path.exists(), timeout=30_000)
        reader = PdfReader(str(path))
        content = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        assert expected in content
        if kind == "certificates":
            # Neema failed the post-quiz, Jean-Pierre missed day 2.
            assert len(reader.pages) == 14 and "Neema Mushi" not in content and "Jean-Pierre Mbarga" not in content


def test_adapt_a_module_the_original_stays_intact(launch, qtbot):
    window = launch("en").window
    original = module_id(window, "en")
    window.open_module(original)
    assert not window.module_screen.add_lesson_button.isVisible()

    def name_the_copy():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ModuleDialog)
        dialog.title.setText("Managers, Cameroon edition")
        dialog.accept()
    when_dialog_opens(name_the_copy)
    window.module_screen.copy_button.click()
    screen = window.module_screen
    assert screen.module.title == "Managers, Cameroon edition" and screen.module.editable
    assert screen.add_lesson_button.isVisible() and screen.lessons.count() == 4

    def edit():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, LessonDialog)
        dialog.title.setText("What openIMIS does in Cameroon")
        # The preview beside the Markdown shows the lesson as it will look: a slide, its notes apart.
        assert "Slide 1 of 10" in dialog.preview.toPlainText()
        dialog.body.setPlainText("## Mutuelles in Cameroon\n\nSince 2014.\n\n???\nAsk who knows one.\n")
        assert "1 slide" in dialog.slide_count.text()
        qtbot.waitUntil(lambda: "Mutuelles in Cameroon" in dialog.preview.toPlainText())
        shown = dialog.preview.toPlainText()
        assert "Slide 1 of 1" in shown and "Speaker notes" in shown and "???" not in shown and "##" not in shown
        assert shown.index("Since 2014.") < shown.index("Speaker notes") < shown.index("Ask who knows one.")
        dialog.body.setPlainText("## One\n\nA\n\n---\n\n## Two\n\nB\n")
        qtbot.waitUntil(lambda: "Slide 2 of 2" in dialog.preview.toPlainText())
        dialog.body.setPlainText("## Mutuelles in Cameroon\n\nSince 2014.\n\n???\nAsk who knows one.\n")
        dialog.accept()
    when_dialog_opens(edit)
    screen.lessons.setCurrentRow(0)
    screen.edit_lesson_button.click()
    copy_id = screen.module.id
    assert window.training.lessons(copy_id)[0].title == "What openIMIS does in Cameroon"
    assert window.training.lessons(original)[0].title == "What openIMIS does and who uses it"
    assert window.library.search("Mutuelles Cameroon", category="lesson")[0].slug.startswith("lesson/custom-")
    window.undo_action.trigger()
    assert window.training.lessons(copy_id)[0].title == "What openIMIS does and who uses it"


@pytest.mark.parametrize("language, size", [("fr", (1024, 768)), ("en", (1920, 1080))])
def test_present_module_one_from_the_module_screen_and_the_reader(launch, qtbot, language, size, tmp_path):
    window = launch(language).window
    window.open_module(module_id(window, language))
    screen = window.module_screen
    screen.lessons.setCurrentRow(0)
    screen.lessons.setFocus()
    qtbot.keyClick(screen.lessons, Qt.Key.Key_F5)  # as in every presentation program
    presenter = screen.presenter
    assert presenter is not None and presenter.isVisible()
    presenter.resize(*size)
    total = len(window.training.lessons(module_id(window, language))[0].slides)
    assert presenter.counter_label.text() == f"1 / {total}"
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Space, Qt.Key.Key_PageDown):  # keyboard and clicker
        qtbot.keyClick(presenter, key)
    qtbot.keyClick(presenter, Qt.Key.Key_PageUp)
    assert presenter.current == 2 and presenter.counter_label.text() == f"3 / {total}"
    presenter.grab().save(str(tmp_path / f"presenter-{language}.png"))
    with qtbot.waitSignal(presenter.finished) as finished:
        qtbot.keyClick(presenter, Qt.Key.Key_Escape)
    assert finished.args == [2]
    qtbot.waitUntil(lambda: screen.presenter is None)

    # The same lesson read in the reader can be presented from there.
    screen.read_button.click()
    assert window.reader.present_button.isVisible()
    window.reader.present_button.click()
    assert screen.presenter is not None and screen.presenter.current == 0
    qtbot.keyClick(screen.presenter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: screen.presenter is None)


def test_home_lists_training_sessions_coming_up(launch, qtbot):
    window = launch("fr").window
    module = module_id(window, "fr")
    today = dt.date.today()
    window.training.create_session(module, today - dt.timedelta(days=30), place="Ancienne session")
    running = window.training.create_session(module, today - dt.timedelta(days=1), days=3, place="Bafoussam")
    window.training.create_session(module, today + dt.timedelta(days=10), place="Garoua")
    window.go(Location("home"))
    home = window.home
    assert home.sessions_list.isVisible()
    rows = [home.sessions_list.item(row).data(Qt.ItemDataRole.UserRole + 1) for row in range(home.sessions_list.count())]
    assert len(rows) == 2 and "Bafoussam" in rows[0] and "en cours" in rows[0] and "Garoua" in rows[1]
    home.sessions_list.setCurrentRow(0)
    qtbot.keyClick(home.sessions_list, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.session_screen and window.session_screen.info.id == running


def test_undoing_a_new_session_on_its_screen_goes_back_to_training(launch, qtbot):
    window = launch("en").window
    window.open_module(module_id(window, "en"))
    fill_session_dialog("Kigoma")
    window.module_screen.new_session_button.click()
    assert window.stack.currentWidget() is window.session_screen
    window.activateWindow()  # back from the dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.training.training_sessions() == []
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.training_screen)
    assert "no longer exists" in window.statusBar().currentMessage()


def test_scores_typed_one_after_another_with_the_keyboard(launch, qtbot):
    window = launch("en").window
    session_id = window.training.create_session(module_id(window, "en"), dt.date(2026, 12, 7))
    for name in ("Amina", "Baraka", "Chausiku"):
        window.training.add_participant(session_id, name)
    window.open_session(session_id)
    screen = window.session_screen
    screen.tabs.setCurrentWidget(screen.scores)
    table = screen.scores.table
    table.setFocus()
    table.setCurrentCell(0, PRE_SCORE)
    for row, (digit, value) in enumerate(((Qt.Key.Key_3, 3), (Qt.Key.Key_5, 5), (Qt.Key.Key_6, 6))):
        qtbot.keyClick(table, digit)  # opens the cell's editor with the digit typed
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        # Saved, the editor closed and the row kept: what a person waits for before the next key.
        qtbot.waitUntil(lambda row=row, value=value: (
            window.training.participants(session_id)[row].pre_score == value
            and table.state() != QAbstractItemView.State.EditingState and table.currentRow() == row))
        qtbot.keyClick(table, Qt.Key.Key_Down)
    assert [p.pre_score for p in window.training.participants(session_id)] == [3, 5, 6]


def test_escape_on_the_quiz_result_keeps_the_score(launch, qtbot):
    window = launch("en").window
    session_id = window.training.create_session(module_id(window, "en"), dt.date(2026, 12, 7))
    window.training.add_participant(session_id, "Amina")
    window.open_session(session_id)
    scores = window.session_screen.scores
    window.session_screen.tabs.setCurrentWidget(scores)
    scores.table.selectRow(0)
    questions = window.training.questions(module_id(window, "en"))

    def answer_then_escape():
        runner = QApplication.activeModalWidget()
        for question in questions:
            runner.choose(question.answer)
            runner.next_button.click()
        qtbot.keyClick(runner, Qt.Key.Key_Escape)
    when_dialog_opens(answer_then_escape)
    scores.pre_button.click()
    assert window.training.participants(session_id)[0].pre_score == len(questions)


def test_a_trainer_writes_a_module_of_their_own(launch, qtbot):
    window = launch("fr").window
    window.go(Location("training"))

    def name_it():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ModuleDialog)
        dialog.accept()  # no title: refused in French, the dialog stays open
        assert dialog.isVisible() and dialog.error.text() == "Saisissez un titre."
        dialog.title.setText("Accueil des nouveaux agents")
        dialog.accept()
    when_dialog_opens(name_it)
    window.training_screen.new_module_button.click()
    screen = window.module_screen
    assert screen.module.title == "Accueil des nouveaux agents" and screen.module.language == "fr"
    assert screen.lessons.count() == 1

    def write_question():
        dialog = QApplication.activeModalWidget()
        dialog.question.setText("Qui inscrit les familles ?")
        dialog.choices.setPlainText("L'agent d'inscription")  # one choice only: refused
        dialog.accept()
        assert dialog.isVisible() and "2 à 6 choix" in dialog.error.text()
        dialog.choices.setPlainText("L'agent d'inscription\nLe médecin\nLe payeur")
        dialog.answer.setCurrentIndex(0)
        dialog.explanation.setText("C'est son rôle.")
        dialog.accept()
    when_dialog_opens(write_question)
    screen.tabs.setCurrentIndex(1)
    screen.add_question_button.click()
    [question] = window.training.questions(screen.module.id)
    assert question.choices[question.answer - 1] == "L'agent d'inscription"
