"""The reader as a screen reader and a keyboard meet it, and at 1024×768: the guide is a document of
headings, paragraphs, links and named pictures; Tab goes from link to link, each one visible and
reported as the focus; focus starts in the text; the contents list is named; diagrams fit the
view with no gap under them; the reader says where the guide came from."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QAccessible, QTextFormat
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from companion.records import allow_writes
from companion.storage.models import Guide
from ui.navigation import Location

NAME, DESCRIPTION = QAccessible.Text.Name, QAccessible.Text.Description


def parts(browser) -> list:
    document = QAccessible.queryAccessibleInterface(browser)
    return [document.child(index) for index in range(document.childCount())]


def visible_area(browser) -> QRect:
    return QRect(browser.viewport().mapToGlobal(QPoint(0, 0)), browser.viewport().size())


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_guide_is_a_document_of_headings_paragraphs_and_named_pictures(launch, qtbot, language):
    window = launch(language, size=(1024, 768)).window
    window.open_guide("data-flow-facility-to-national", language)
    reader = window.reader
    document = QAccessible.queryAccessibleInterface(reader.browser)
    assert document.role() == QAccessible.Role.Document
    assert document.text(NAME) == ("Texte du guide" if language == "fr" else "Guide text")
    found = parts(reader.browser)
    headings = [part.text(NAME) for part in found if part.role() == QAccessible.Role.Heading]
    assert headings == [title for _level, _anchor, title in reader.view.toc]
    assert all(part.text(DESCRIPTION).endswith("2") for part in found if part.role() == QAccessible.Role.Heading)
    [diagram] = [part for part in found if part.role() == QAccessible.Role.Graphic]
    assert diagram.text(NAME).startswith("Schéma" if language == "fr" else "Diagram")
    assert len(diagram.text(NAME)) > 80  # the picture's whole description, not "image"
    assert not any("\ufffc" in part.text(NAME) for part in found)  # no unnamed object character
    assert sum(part.role() == QAccessible.Role.Paragraph for part in found) >= 5
    # Every word of the guide is in some part, in order.
    words = " ".join(part.text(NAME) for part in found if part.role() != QAccessible.Role.Graphic).split()
    assert len(words) >= 0.95 * reader.view.word_count
    # The parts are where the text is: the first heading below the diagram, both within the view.
    first_heading = next(part for part in found if part.role() == QAccessible.Role.Heading)
    assert diagram.rect().bottom() < first_heading.rect().top()
    assert visible_area(reader.browser).contains(diagram.rect().topLeft())
    assert not diagram.state().offscreen and found[-1].state().offscreen


def test_tab_goes_from_link_to_link_each_visible_and_reported_as_the_focus(launch, qtbot):
    window = launch("en", size=(1024, 768)).window
    window.open_guide("start-here", "en")
    browser = window.reader.browser
    qtbot.waitUntil(browser.hasFocus)
    document = QAccessible.queryAccessibleInterface(browser)
    links = [link for part in parts(browser) for link in (part.child(i) for i in range(part.childCount()))]
    assert len(links) >= 10 and all(link.role() == QAccessible.Role.Link for link in links)
    assert links[0].text(NAME) == "glossary" and links[0].text(DESCRIPTION) == "Link to another guide"
    assert links[0].parent().role() == QAccessible.Role.Paragraph
    for link in links[:8]:
        qtbot.keyClick(browser, Qt.Key.Key_Tab)
        focused = document.focusChild()
        assert focused is not None and focused.text(NAME) == link.text(NAME)
        assert focused.state().focused and not focused.state().offscreen
        assert browser.textCursor().selectedText() == link.text(NAME)  # the link itself is selected
        assert visible_area(browser).intersects(focused.rect())  # scrolled into view, never hidden
    assert QApplication.focusWidget() is browser
    target = document.focusChild().text(QAccessible.Text.Value)
    assert target.startswith("guide:")
    qtbot.keyClick(browser, Qt.Key.Key_Return)  # Enter follows the link Tab is on
    assert window.reader.view.slug == target.removeprefix("guide:")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_opening_a_guide_from_a_list_puts_the_focus_in_its_text(launch, qtbot, language):
    window = launch(language).window
    window.go(Location("library"))
    guides = window.library_screen.guides
    guides.setFocus()
    guides.setCurrentRow(0)
    qtbot.keyClick(guides, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.reader
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.reader.browser)
    # The contents list is named, its header too (it was read as "1").
    contents = QAccessible.queryAccessibleInterface(window.reader.toc)
    assert contents.text(NAME) == ("Sommaire" if language == "fr" else "Table of contents")
    assert window.reader.toc.headerItem().text(0) == window.reader.contents_button.text() != "1"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_reader_says_where_the_guide_came_from(launch, qtbot, language):
    app = launch(language)
    window = app.window
    window.open_guide("start-here", language)
    label = window.reader.origin_label
    assert label.isVisible() and label.textFormat() == Qt.TextFormat.PlainText
    assert label.text() == ("Fourni avec le Companion" if language == "fr" else "Comes with the Companion")
    with allow_writes(), app.data.library.sessions() as session:  # as a sync from the library server leaves it
        guide = session.scalar(select(Guide).where(Guide.slug == "glossary", Guide.language == language))
        guide.origin = "library"
        session.commit()
    window.open_guide("glossary", language)
    assert label.text() == ("Du serveur de la bibliothèque" if language == "fr" else "From the library server")
    module = window.training.module_by_slug("openimis-for-managers", language)
    window.open_module(module.id)
    window.module_screen.read_button.click()
    assert label.text() == ("Une leçon d'un module de formation" if language == "fr"
                            else "A lesson of a training module")


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768)])
def test_diagrams_fit_the_view_with_no_gap_under_them(launch, qtbot, size):
    window = launch("fr", size=size).window
    window.open_guide("data-flow-facility-to-national", "fr")
    browser = window.reader.browser
    document = browser.document()
    block = document.begin()
    while block.isValid() and block.text().strip() != "\ufffc":
        block = block.next()
    assert block.isValid()
    image = block.begin().fragment().charFormat().toImageFormat()
    margin = document.documentMargin()
    assert 0 < image.width() <= browser.viewport().width() - 2 * margin  # the fifth stage is in view
    assert image.property(QTextFormat.Property.ImageAltText)
    height = document.documentLayout().blockBoundingRect(block).height()
    assert height < image.height() + 40  # no third of the picture's height left blank below it


def test_tab_leaves_the_text_after_its_last_link(launch, qtbot):
    window = launch("en", size=(1024, 768)).window
    window.open_guide("start-here", "en")
    browser = window.reader.browser
    qtbot.waitUntil(browser.hasFocus)
    links = sum(part.childCount() for part in parts(browser))
    for _press in range(links):
        qtbot.keyClick(browser, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is browser
    qtbot.keyClick(browser, Qt.Key.Key_Tab)  # one more: out of the text, to the next control
    assert QApplication.focusWidget() is not browser
