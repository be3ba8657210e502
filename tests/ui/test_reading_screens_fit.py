"""Home, search, training and the quiz at 1024×768 as well as 1366×768, in English and French: nothing
cut off, no list with a scroll bar of its own on Home, a search box that empties when the results
are left, results counted by kind, a quiz result that scrolls to its last explanation."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from companion.content.render import render_markdown
from ui.navigation import Location
from tests.ui.test_accessibility_and_fit import cut_off, visible

SIZES = [(1024, 768), (1366, 768)]


def nothing_cut_off(window) -> list[str]:
    QApplication.processEvents()
    return [f"{w.objectName() or type(w).__name__}: {w.text()!r}"
            for w in visible(window, (QLabel, QAbstractButton)) if cut_off(w)]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("size", SIZES)
def test_home_is_one_page_of_whole_lists(launch, qtbot, language, size):
    app = launch(language, size=size)
    window = app.window
    home = window.home
    for slug in ("what-is-openimis", "how-openimis-is-built", "glossary", "feasibility-study"):
        window.open_guide(slug, language)
        window.reader.bookmark_button.click()
    window.go(Location("home"))
    for listing in (home.welcome_list, home.recent_list, home.bookmarks_list):
        assert listing.isVisible() and listing.count() >= 4
        assert listing.verticalScrollBar().maximum() == 0, f"{listing.objectName()} scrolls on its own"
        last = listing.visualItemRect(listing.item(listing.count() - 1))
        assert last.bottom() <= listing.viewport().height()  # every row shown whole
    # The Continue button is as wide as its words, not the width of the screen.
    assert home.continue_box.isVisible()
    assert home.continue_button.width() <= home.continue_button.sizeHint().width() + 2
    # The welcome package sits beside the rest: two columns at 1024 pixels already.
    assert home.welcome_list.geometry().right() < home.recent_list.mapTo(home.scroll.widget(), home.recent_list.rect().topLeft()).x()
    assert nothing_cut_off(window) == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_empty_home_lists_say_what_to_do_with_the_button_that_does_it(launch, qtbot, language):
    window = launch(language, size=(1024, 768)).window
    home = window.home
    assert not home.recent_list.isVisible() and not home.bookmarks_list.isVisible()
    assert home.recent_empty.isVisible() and home.bookmarks_empty.isVisible()
    assert "Ctrl+D" in home.bookmarks_empty.message.text()
    qtbot.mouseClick(home.recent_empty.button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.reader and window.reader.view.slug == "start-here"
    window.go(Location("home"))
    assert home.recent_list.isVisible() and not home.recent_empty.isVisible()
    qtbot.mouseClick(home.bookmarks_empty.button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.library_screen


@pytest.mark.parametrize("language", ["en", "fr"])
def test_search_counts_each_kind_and_the_box_empties_when_the_results_are_left(launch, qtbot, language):
    window = launch(language, size=(1024, 768)).window
    query = "famille" if language == "fr" else "families"
    window.focus_search()
    qtbot.keyClicks(window.search_field, query)
    screen = window.search_screen
    qtbot.waitUntil(lambda: window.stack.currentWidget() is screen and screen.results.count() > 0)
    hits = window.library.search(query, limit=20)
    lessons = sum(hit.category == "lesson" for hit in hits)
    assert 0 < lessons < len(hits)
    summary = screen.summary.text()
    if language == "fr":
        assert f"{len(hits) - lessons} guides" in summary and f"{lessons} leçons de formation" in summary
    else:
        assert f"{len(hits) - lessons} guides" in summary and f"{lessons} training lessons" in summary
    assert f"{len(hits)} guides" not in summary  # lessons are not counted as guides
    screen.results.setCurrentRow(0)
    qtbot.keyClick(screen.results, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.reader
    assert window.search_field.text() == ""  # not left above the guide
    window.go(Location("training"))
    assert window.search_field.text() == ""
    window.go_back()
    window.go_back()  # back to the results: the query comes back with them
    assert window.stack.currentWidget() is screen and window.search_field.text() == query


def test_a_filtered_search_that_finds_nothing_offers_to_search_everywhere(launch, qtbot):
    window = launch("en", size=(1024, 768)).window
    screen = window.search_screen
    window.go(Location("search", ("capitation",)))
    assert screen.results.count() > 0
    screen.category_filter.setCurrentIndex(screen.category_filter.findData("community"))
    assert screen.results.count() == 0 and screen.widen_button.isVisible()
    qtbot.mouseClick(screen.widen_button, Qt.MouseButton.LeftButton)
    assert screen.results.count() > 0 and not screen.widen_button.isVisible()
    assert screen.category_filter.currentData() == ""


def test_search_extracts_have_no_space_before_punctuation_after_bold_text():
    text = render_markdown("**Enrolment app**: families, *insurees*, [photos](#p).\n\nDix\u00a0000\u00a0€").text
    assert "Enrolment app: families, insurees, photos." in text
    assert "Dix\u00a0000\u00a0€" in text  # French non-breaking spaces are kept


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("size", SIZES)
def test_training_screen_buttons_are_never_cut_off(launch, qtbot, language, size):
    window = launch(language, size=size).window
    window.go(Location("training"))
    screen = window.training_screen
    assert screen.copy_module_button.width() >= screen.copy_module_button.sizeHint().width()
    assert nothing_cut_off(window) == []
    module = window.training.module_by_slug("openimis-for-managers", language)
    session_id = window.training.create_session(module.id, dt.date(2026, 12, 7), place="Yaoundé")
    window.training.add_participant(session_id, "Awa Diop")
    window.go(Location("training"))
    assert screen.sessions.isVisible() and not screen.sessions_empty.isVisible()
    assert nothing_cut_off(window) == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_quiz_result_scrolls_to_the_last_explanation(launch, qtbot, language):
    window = launch(language, size=(1024, 768)).window
    module = window.training.module_by_slug("openimis-for-managers", language)
    session_id = window.training.create_session(module.id, dt.date(2026, 12, 7))
    window.training.add_participant(session_id, "Awa Diop")
    window.open_session(session_id)
    scores = window.session_screen.scores
    window.session_screen.tabs.setCurrentWidget(scores)
    scores.table.selectRow(0)
    runner = scores.quiz_runner("post")
    runner.resize(984, 708)  # what a 1024×768 screen leaves
    runner.show()
    qtbot.waitExposed(runner)
    for question in runner.questions:
        runner.choose(question.answer)
        runner.next_button.click()
    page = runner.result_page
    assert page.isVisible() and runner.result.text().count("✔") == len(runner.questions)
    bar = page.verticalScrollBar()
    assert bar.maximum() > 0  # taller than the dialog: it scrolls
    assert runner.focusWidget() is page  # the keys scroll the result
    for _page in range(30):  # Page Down, as a participant reads on
        if bar.value() == bar.maximum():
            break
        qtbot.keyClick(page, Qt.Key.Key_PageDown)
    assert bar.value() == bar.maximum()
    last = runner.questions[-1].explanation
    assert html.escape(last) in runner.result.text()
    assert runner.result.width() <= page.viewport().width()  # wraps, never runs off sideways
    runner.done(0)
