"""The application shell as a user meets it: menus, undo from the Edit menu, text size and theme
kept between runs, the window's size and place, About, the keyboard shortcuts and the manual."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QSize, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QPalette, QShortcut
from PySide6.QtWidgets import QApplication

from companion.config import license_file
from tests.ui.test_accessibility_and_fit import visit_every_screen
from ui import preferences
from ui.theme import DARK, HIGH_CONTRAST, appearance

ROOT = Path(__file__).resolve().parents[2]


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


def lightness(icon) -> int:
    image = icon.pixmap(QSize(22, 22)).toImage()
    return sum(image.pixelColor(x, y).lightness() for x in range(image.width()) for y in range(image.height())
               if image.pixelColor(x, y).alpha() > 128)


def test_the_menu_bar_has_file_edit_view_help_in_the_interface_language(launch, qtbot):
    window = launch("fr").window
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["&Fichier", "É&dition", "&Affichage", "Aid&e"]
    assert window.undo_action in window.menus.edit_menu.actions()
    assert window.redo_action in window.menus.edit_menu.actions()
    window.switch_language("en")
    qtbot.waitUntil(lambda: [action.text() for action in window.menuBar().actions()] == ["&File", "&Edit", "&View", "&Help"])


def test_an_edit_is_undone_and_redone_from_the_edit_menu(launch, qtbot):
    window = launch("en").window
    assert not window.undo_action.isEnabled()
    project_id = window.undo_stack.record("Create the project",
                                          lambda: window.pilot.create_project("Pilote Kaya", "Burkina Faso", "Mutuelle",
                                                                              "XOF", team=["Awa"], usd_rate="600"))
    assert window.undo_action.isEnabled()
    assert "Create the project" in window.undo_action.text()
    window.undo_action.trigger()  # Edit > Undo
    names = lambda: [project.id for project in window.pilot.projects()]  # noqa: E731
    qtbot.waitUntil(lambda: project_id not in names())
    press(qtbot, window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Y, as listed beside Redo
    qtbot.waitUntil(lambda: project_id in names())


def test_text_size_follows_ctrl_plus_minus_and_zero_and_is_remembered(launch, qtbot):
    running = launch("en")
    window = running.window
    normal = QApplication.font().pointSizeF()
    window.open_guide("feasibility-study")
    reader_normal = window.reader.browser.base_point_size
    heading_normal = window.reader.title_label.font().pointSizeF() if hasattr(window.reader, "title_label") else None
    press(qtbot, window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)  # Ctrl+= is Ctrl++ unshifted
    press(qtbot, window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: appearance().zoom == 120)
    assert QApplication.font().pointSizeF() == pytest.approx(normal * 1.2)
    qtbot.waitUntil(lambda: window.reader.browser.base_point_size == pytest.approx(reader_normal * 1.2))
    # The guide on screen is laid out again in the new size.
    qtbot.waitUntil(lambda: f"{reader_normal * 1.2:.1f}pt" in window.reader.browser.document().defaultStyleSheet())
    if heading_normal:
        assert window.reader.title_label.font().pointSizeF() == pytest.approx(heading_normal * 1.2, rel=0.02)

    running = launch("en")  # a restart keeps the size
    assert appearance().zoom == 120
    assert QApplication.font().pointSizeF() == pytest.approx(normal * 1.2)
    press(qtbot, running.window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: appearance().zoom == 100)
    press(qtbot, running.window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.font().pointSizeF() == pytest.approx(normal * 0.9))


def test_dark_and_high_contrast_themes_redraw_the_icons_and_are_remembered(launch, qtbot):
    window = launch("en").window
    light_icon = lightness(window.back_button.icon())
    window.menus.theme_actions[DARK].trigger()  # View > Theme > Dark
    qtbot.waitUntil(lambda: QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 100)
    assert lightness(window.back_button.icon()) > light_icon * 2  # light glyphs on the dark window
    window.menus.theme_actions[HIGH_CONTRAST].trigger()
    qtbot.waitUntil(lambda: QApplication.palette().color(QPalette.ColorRole.Window).name() == "#000000")
    assert QApplication.palette().color(QPalette.ColorRole.WindowText).name() == "#ffffff"
    window.open_guide("feasibility-study")  # the guide follows too (links in yellow)
    qtbot.waitUntil(lambda: "#ffff00" in window.reader.browser.document().defaultStyleSheet())

    window = launch("en").window
    assert appearance().theme == HIGH_CONTRAST
    assert window.menus.theme_actions[HIGH_CONTRAST].isChecked()
    assert QApplication.palette().color(QPalette.ColorRole.Window).name() == "#000000"


def test_the_window_comes_back_at_the_size_it_was_left(launch, qtbot):
    # (The offscreen test screen is 800 px wide: a window is never restored wider than its screen,
    # and the main window is at least 900 px wide, so the height tells whether it was kept.)
    window = launch("en", size=None).window
    window.resize(900, 650)
    qtbot.waitUntil(lambda: window.size() == QSize(900, 650))
    window = launch("en", size=None).window  # closes the first window, which saves its geometry
    assert window.size() == QSize(900, 650)


def test_last_used_folders_are_kept_in_the_settings_file(launch, paths, tmp_path):
    launch("en")
    folder = tmp_path / "Rapports"
    folder.mkdir()
    preferences.remember_folder("exports", folder)
    launch("en")
    assert preferences.last_folder("exports") == folder
    assert paths.settings_file.is_file() and "Rapports" in paths.settings_file.read_text(encoding="utf-8")


class _Opened(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_about_shows_the_version_the_agpl_licence_and_opens_the_data_folder(launch, qtbot, paths):
    window = launch("fr").window
    window.menus.about_action.trigger()
    dialog = window.menus.show_about()
    qtbot.waitExposed(dialog)
    from companion import __version__

    assert __version__ in dialog.version.text()
    assert "GNU Affero" in dialog.license_notice.text() and "licence" in dialog.license_notice.text()
    assert str(paths.data_dir) in dialog.data_path.text()
    assert dialog.license_view.toPlainText().startswith("                    GNU AFFERO GENERAL PUBLIC LICENSE")
    assert dialog.tabs.tabText(1) == "Licence"
    opened = _Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        qtbot.mouseClick(dialog.open_folder_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [url.toLocalFile() for url in opened.urls] == [str(paths.data_dir)]


def test_the_licence_file_and_the_declared_licence_agree():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in text and "Version 3, 19 November 2007" in text
    assert "END OF TERMS AND CONDITIONS" in text and len(text.splitlines()) == 661  # the whole text, as the FSF publishes it
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]
    assert declared == "AGPL-3.0-or-later"
    assert license_file().read_text(encoding="utf-8") == text  # the one the app shows


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_shortcuts_dialog_lists_every_key_the_window_answers_to(launch, qtbot, language):
    window = launch(language).window
    for _screen in visit_every_screen(window):
        pass  # every screen built: their keys exist now
    press(qtbot, window, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)  # Help > Keyboard shortcuts
    qtbot.waitUntil(lambda: window.menus._shortcuts is not None and window.menus._shortcuts.isVisible())
    dialog = window.menus._shortcuts
    listed = [(group, command, keys) for group, entries in dialog.rows() for command, keys in entries]
    all_keys = " | ".join(keys for _group, _command, keys in listed)
    defined = [shortcut.key() for shortcut in window.findChildren(QShortcut)]
    defined += [sequence for action in window.findChildren(QAction) for sequence in action.shortcuts()]
    assert defined
    for sequence in defined:
        assert sequence.toString(sequence.SequenceFormat.NativeText) in all_keys, sequence.toString()
    commands = [command for _group, command, _keys in listed]
    assert all(commands) and not any("&" in command for command in commands)
    if language == "fr":
        assert dialog.tree.headerItem().text(0) == "Commande"
        assert "Rétablir" in commands and "Agrandir le texte" in commands


@pytest.mark.parametrize("language, first_section", [("en", "Getting started"), ("fr", "Premiers pas")])
def test_f1_opens_the_offline_manual_in_the_interface_language(launch, qtbot, language, first_section):
    window = launch(language).window
    press(qtbot, window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.menus._manual is not None and window.menus._manual.isVisible())
    manual = window.menus._manual
    titles = manual.section_titles()
    assert titles[0] == first_section and len(titles) >= 8
    bar = manual.text.verticalScrollBar()
    last = manual.contents.topLevelItem(manual.contents.topLevelItemCount() - 1)
    manual.contents.itemActivated.emit(last, 0)  # Enter on the last section of the contents
    qtbot.waitUntil(lambda: bar.value() > 0)
    # The language switch reloads it.
    window.switch_language("fr" if language == "en" else "en")
    qtbot.waitUntil(lambda: manual.section_titles()[0] != first_section)


def test_nothing_of_the_shell_is_built_before_it_is_asked_for(launch):
    window = launch("en").window
    assert window.menus._about is None and window.menus._shortcuts is None and window.menus._manual is None
