"""The main window's menu bar: File, Edit, View, Help.

Every command a key reaches is an action here, so the menus show the keys and Help > Keyboard
shortcuts can list them all. Dialogs are built the first time they are asked for, not at start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMenu

from companion.i18n import _, translated
from ui.icons import icon
from ui.navigation import Location
from ui.theme import THEMES, appearance

if TYPE_CHECKING:
    from ui.main_window import MainWindow

SECTION_KEYS = {"home": "Ctrl+1", "library": "Ctrl+2", "projects": "Ctrl+3", "training": "Ctrl+4"}


class MainMenus(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._about = None
        self._shortcuts = None
        self._manual = None
        bar = window.menuBar()
        bar.setObjectName("menuBar")

        # File
        self.file_menu = self._menu("fileMenu")
        self.bundles_action = self._action("bundlesAction", self._show_bundles, icon_name="bundle")
        self.data_folder_action = self._action("dataFolderAction", self.open_data_folder)
        self.quit_action = self._action("quitAction", window.close, "Ctrl+Q")
        self.file_menu.addActions([self.bundles_action, self.data_folder_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)

        # Edit: the window's undo history (ui/undo.py), and search
        self.edit_menu = self._menu("editMenu")
        window.undo_action.setObjectName("undoAction")
        window.undo_action.setIcon(icon("undo"))
        window.redo_action.setObjectName("redoAction")
        window.redo_action.setIcon(icon("redo"))
        self.find_action = self._action("findAction", window.focus_search, "Ctrl+F", icon_name="search")
        self.edit_menu.addActions([window.undo_action, window.redo_action])
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.find_action)

        # View: sections, history, text size, theme
        self.view_menu = self._menu("viewMenu")
        self.section_actions = {}
        for key, keys in SECTION_KEYS.items():
            action = self._action(f"{key}SectionAction", lambda _checked=False, k=key: window.go(Location(k)), keys,
                                  icon_name=key)
            self.section_actions[key] = action
            self.view_menu.addAction(action)
        self.view_menu.addSeparator()
        self.back_action = self._action("backAction", window.go_back, "Alt+Left", icon_name="back")
        self.forward_action = self._action("forwardAction", window.go_forward, "Alt+Right", icon_name="forward")
        self.view_menu.addActions([self.back_action, self.forward_action])
        self.view_menu.addSeparator()
        looks = appearance()
        # Ctrl++ is typed as Ctrl+= on most keyboards (and Ctrl+Shift+= on others): accept each.
        self.zoom_in_action = self._action("zoomInAction", looks.zoom_in, "Ctrl++", "Ctrl+=")
        self.zoom_out_action = self._action("zoomOutAction", looks.zoom_out, "Ctrl+-")
        self.zoom_reset_action = self._action("zoomResetAction", looks.reset_zoom, "Ctrl+0")
        self.view_menu.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])
        self.theme_menu = QMenu(window)
        self.theme_menu.setObjectName("themeMenu")
        self.theme_group = QActionGroup(self)
        self.theme_actions = {}
        for theme in THEMES:
            action = QAction(window)
            action.setObjectName(f"theme_{theme}")
            action.setCheckable(True)
            action.setChecked(theme == looks.theme)
            action.triggered.connect(lambda _checked=False, t=theme: looks.set_theme(t))
            self.theme_group.addAction(action)
            self.theme_menu.addAction(action)
            self.theme_actions[theme] = action
        looks.theme_changed.connect(self._theme_changed)
        self.view_menu.addMenu(self.theme_menu)

        # Help
        self.help_menu = self._menu("helpMenu")
        self.manual_action = self._action("manualAction", self.show_manual, "F1", icon_name="guide")
        self.shortcuts_action = self._action("shortcutsAction", self.show_shortcuts, "Ctrl+/")
        self.about_action = self._action("aboutAction", self.show_about, icon_name="info")
        self.help_menu.addActions([self.manual_action, self.shortcuts_action])
        self.help_menu.addSeparator()
        self.help_menu.addAction(self.about_action)

        for menu in (self.file_menu, self.edit_menu, self.view_menu, self.help_menu):
            bar.addMenu(menu)
        self.retranslate()

    def _menu(self, name: str) -> QMenu:
        menu = QMenu(self.window)
        menu.setObjectName(name)
        return menu

    def _action(self, name: str, slot, *keys, icon_name: str | None = None) -> QAction:
        action = QAction(self.window)
        action.setObjectName(name)
        if icon_name:
            action.setIcon(icon(icon_name))
        if keys:  # written out, not QKeySequence.StandardKey: those add media keys ("Zoom In") to the list
            action.setShortcuts([QKeySequence(key) for key in keys])
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)  # its keys work whether or not the menu bar is shown
        return action

    def _theme_changed(self, theme: str) -> None:
        self.theme_actions[theme].setChecked(True)

    def retranslate(self) -> None:
        self.file_menu.setTitle(_("&File"))
        self.bundles_action.setText(_("&Bundle files…"))
        self.data_folder_action.setText(_("Open the &data folder"))
        self.quit_action.setText(_("&Quit"))
        self.edit_menu.setTitle(_("&Edit"))
        self.find_action.setText(_("&Search the library"))
        self.view_menu.setTitle(_("&View"))
        labels = {"home": _("&Home"), "library": _("&Library"), "projects": _("&Pilot projects"),
                  "training": _("&Training")}
        for key, action in self.section_actions.items():
            action.setText(labels[key])
        self.back_action.setText(_("&Back"))
        self.forward_action.setText(_("&Forward"))
        self.zoom_in_action.setText(_("&Larger text"))
        self.zoom_out_action.setText(_("&Smaller text"))
        self.zoom_reset_action.setText(_("&Normal text size"))
        self.theme_menu.setTitle(_("&Theme"))
        for theme, action in self.theme_actions.items():
            action.setText(translated(THEMES[theme]))
        self.help_menu.setTitle(_("&Help"))
        self.manual_action.setText(_("User &manual"))
        self.shortcuts_action.setText(_("&Keyboard shortcuts"))
        self.about_action.setText(_("&About the openIMIS Companion"))

    # --- what the actions do -----------------------------------------------------------------------

    def open_data_folder(self) -> bool:
        """Show the data folder in the system's file manager (to back it up, or send a log)."""
        url = QUrl.fromLocalFile(str(self.window.data_dir))
        opened = QDesktopServices.openUrl(url)
        if not opened:
            self.window.statusBar().showMessage(
                _("The data folder could not be opened. It is here: {folder}").format(folder=self.window.data_dir), 10000)
        return opened

    def _show_bundles(self) -> None:
        def show() -> None:
            sync_ui = getattr(self.window, "sync_ui", None)
            if sync_ui is not None:
                sync_ui.show_bundles()

        self.window.when_data_open(show)  # a moment after a fast start: once the data is open

    def show_about(self):
        if self._about is None:
            from ui.dialogs.about import AboutDialog

            self._about = AboutDialog(self.window.data_dir, self.open_data_folder, self.window)
        self._about.show()
        self._about.raise_()
        return self._about

    def show_shortcuts(self):
        if self._shortcuts is None:
            from ui.dialogs.shortcuts import ShortcutsDialog

            self._shortcuts = ShortcutsDialog(self, self.window)
        self._shortcuts.show()
        self._shortcuts.raise_()
        return self._shortcuts

    def show_manual(self):
        if self._manual is None:
            from ui.dialogs.manual import ManualDialog

            self._manual = ManualDialog(self.window)
            self._manual.open_guide_requested.connect(self.window.open_guide)
        self._manual.show()
        self._manual.raise_()
        return self._manual

    def menus(self) -> list[QMenu]:
        return [self.file_menu, self.edit_menu, self.view_menu, self.help_menu]
