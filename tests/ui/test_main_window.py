"""What a user does in the main window: browse, read, search, bookmark, switch language."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

from companion.content.importer import import_guides
from tests.companion.helpers import guide
from ui.navigation import Location
from tests.ui.dialogs import when_dialog_opens


def select_category(window, key: str) -> None:
    screen = window.library_screen
    for row in range(screen.categories.count()):
        if screen.categories.item(row).data(Qt.ItemDataRole.UserRole + 2) == key:
            screen.categories.setCurrentRow(row)


def test_browse_a_category_and_open_a_guide(launch, qtbot):
    window = launch("en").window
    window.navigation.setCurrentRow(1)
    qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.navigation.visualItemRect(window.navigation.item(1)).center())
    assert window.stack.currentWidget() is window.library_screen
    select_category(window, "feasibility")
    guides = window.library_screen.guides
    assert ("feasibility-study", "en") in guides.keys()
    guides.setFocus()
    guides.setCurrentRow(guides.keys().index(("feasibility-study", "en")))
    qtbot.keyClick(guides, Qt.Key.Key_Return)
    reader = window.reader
    assert window.stack.currentWidget() is reader
    assert reader.view.slug == "feasibility-study" and reader.view.language == "en"
    assert "Feasibility" in reader.title_label.text() or "feasibility" in reader.title_label.text()
    assert reader.toc.topLevelItemCount() >= 3
    # The table of contents jumps to a section.
    before = reader.browser.verticalScrollBar().value()
    last = reader.toc.topLevelItem(reader.toc.topLevelItemCount() - 1)
    reader._toc_activated(last)
    assert reader.browser.verticalScrollBar().value() > before
    # Back and forward like a browser.
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.stack.currentWidget() is window.library_screen
    qtbot.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert window.stack.currentWidget() is reader


def test_guide_links_open_inside_the_app(launch):
    window = launch("en").window
    window.open_guide("start-here", "en")
    window.reader.follow_link(QUrl("guide:glossary"))
    assert window.reader.view.slug == "glossary"
    assert window.history.can_go_back()


def test_a_long_reading_session_keeps_only_the_last_guides_in_memory(launch, qtbot):
    """Every guide read used to stay in memory until the app closed; now the last three are kept
    (going back to one shows it without parsing it again) and the others are freed."""
    from PySide6.QtGui import QTextDocument

    from ui.widgets.guide_browser import KEPT_DOCUMENTS

    window = launch("en").window
    slugs = [g.slug for g in window.library.guides(None, "en", language_filter="en")][:12]
    assert len(slugs) == 12
    browser = window.reader.browser
    for slug in slugs:
        window.open_guide(slug, "en")
        qtbot.waitUntil(lambda: not browser.loading)
    qtbot.waitUntil(lambda: len(browser.findChildren(QTextDocument)) <= KEPT_DOCUMENTS + 1)
    # Back to the guide before: the same document, kept, shows the same text.
    kept = browser.document()
    window.go_back()
    qtbot.waitUntil(lambda: window.reader.view.slug == slugs[-2])
    assert browser.document() is not kept and window.reader.view.title in browser.toPlainText()
    window.go_forward()
    assert browser.document() is kept


class _UrlCatcher(QObject):
    def __init__(self):
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url):
        self.opened.append(url.toString())


def test_external_links_are_shown_before_the_browser_opens_them(launch, qtbot):
    window = launch("en").window
    window.open_guide("what-is-openimis", "en")
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("https", catcher, "open")
    seen = []

    def answer(button):
        box = QApplication.activeModalWidget()
        seen.append(box.informativeText())
        box.button(button).click()

    try:
        when_dialog_opens(lambda: answer(QMessageBox.StandardButton.Cancel))
        window.reader.follow_link(QUrl("https://openimis.org/"))
        assert seen == ["https://openimis.org/"] and catcher.opened == []
        when_dialog_opens(lambda: answer(QMessageBox.StandardButton.Open))
        window.reader.follow_link(QUrl("https://openimis.org/"))
        assert catcher.opened == ["https://openimis.org/"]
    finally:
        QDesktopServices.unsetUrlHandler("https")


def test_search_in_french_as_you_type(launch, qtbot):
    window = launch("fr").window
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_field.hasFocus()
    qtbot.keyClicks(window.search_field, "faisabilite")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.search_screen)
    results = window.search_screen.results
    qtbot.waitUntil(lambda: results.count() > 0)
    assert results.item(0).data(Qt.ItemDataRole.UserRole + 2) == ("feasibility-study", "fr")
    assert "<b><u>" in results.item(0).data(Qt.ItemDataRole.UserRole + 1)  # highlighted snippet
    # Filter by language, then open the first result with the keyboard.
    filters = window.search_screen.language_filter
    filters.setCurrentIndex(filters.findData("en"))
    assert {results.item(i).data(Qt.ItemDataRole.UserRole + 2)[1] for i in range(results.count())} == {"en"}
    results.setFocus()
    qtbot.keyClick(results, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.reader and window.reader.view.language == "en"


def test_switching_language_relabels_everything_without_restart(launch, qtbot):
    app = launch("en")
    window = app.window
    assert window.navigation.item(1).text() == "Library"
    window.open_guide("glossary", "en")
    qtbot.mouseClick(window.findChild(type(window.forward_button), "language_fr"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.navigation.item(1).text() == "Bibliothèque")  # LanguageChange is posted
    assert window.search_field.placeholderText() != "Search the library (Ctrl+F)"
    assert window.reader.other_language_button.text() == "Lire en français"
    # Qt's own strings follow too.
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"
    assert app.languages.qt_catalog_loaded
    # The choice is remembered for the next start.
    app = launch()
    assert app.window.navigation.item(1).text() == "Bibliothèque"
    qtbot.mouseClick(app.window.findChild(type(window.forward_button), "language_en"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.window.navigation.item(1).text() == "Library")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_bookmark_and_reading_position_survive_a_restart(launch, qtbot):
    window = launch("en").window
    window.open_guide("how-openimis-is-built", "en")
    reader = window.reader
    qtbot.keyClick(reader, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert reader.bookmark_button.isChecked()
    qtbot.waitUntil(lambda: not reader._restoring)
    bar = reader.browser.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    # The position is saved once scrolling pauses: wait for it to be stored, not for a fixed time.
    qtbot.waitUntil(lambda: window.library.open_guide("how-openimis-is-built", "en").position > 0.2, timeout=5000)
    window = launch().window
    assert ("how-openimis-is-built", "en") in window.home.bookmarks_list.keys()
    assert window.home.continue_box.isVisible()
    assert "How openIMIS is built" in window.home.continue_title.text()
    qtbot.mouseClick(window.home.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.reader._restoring)
    assert abs(window.reader.current_position() - 0.5) < 0.05
    assert window.reader.bookmark_button.isChecked()


def test_translation_banners(launch, paths, qtbot):
    app = launch("fr")
    with app.data.library.sessions() as session:
        import_guides(session, [
            guide("changed", "en", title="Changed", revision=2, body="New text " * 50),
            guide("changed", "fr", title="Modifié", translation_of="en", source_revision=1, body="Ancien " * 50),
            guide("english-only", "en", title="English only", body="Only English " * 50),
        ], remove_missing=False)
        session.commit()
    window = app.window
    window.open_guide("changed", "fr")
    assert window.reader.banner.isVisible()
    assert window.reader.banner_button.isVisible()
    qtbot.mouseClick(window.reader.banner_button, Qt.MouseButton.LeftButton)
    assert window.reader.view.language == "en" and not window.reader.banner.isVisible()
    window.open_guide("english-only", "fr")
    assert window.reader.view.language == "en"
    assert window.reader.banner.isVisible() and not window.reader.banner_button.isVisible()
    assert not window.reader.other_language_button.isEnabled()


def test_first_launch_imports_the_library_in_the_background(launch, paths):
    window = launch("en").window
    window.go(Location("library"))
    assert window.library_screen.categories.item(0).text().endswith(")")
    with sqlite3.connect(paths.database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM guide").fetchone()
    assert count >= 18
    assert ("start-here", "en") in window.home.welcome_list.keys()
    window.go(Location("home"))
    window.home.start_button.click()
    assert window.reader.view.slug == "start-here"


def test_topics_on_home_open_the_knowledge_base_in_the_readers_language(launch, qtbot):
    window = launch("fr").window
    assert window.stack.currentWidget() is window.home
    button = window.home.topics_button
    assert button.text() == "Thèmes" and button.accessibleName().startswith("Thèmes")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    screen = window.library_screen
    assert window.stack.currentWidget() is screen
    assert screen.current_category() == "topics"
    keys = screen.guides.keys()
    assert len(keys) == 16 and {language for _slug, language in keys} == {"fr"}
    assert ("following-up-bill-payments", "fr") in keys
    # A topic guide opens with its diagram and its dated sources.
    window.open_guide("capitation-payment", "fr")
    assert window.reader.view.slug == "capitation-payment"
    html = window.reader.view.html
    assert "image:capitation-payment-fr.svg" in html
    assert "Faits vérifiés le 3 décembre 2026" in window.reader.browser.toPlainText()
