"""Help > Keyboard shortcuts: every key the Companion answers to, read from the menus themselves (so
the list cannot drift from what the keys do), plus the keys of the reader, the module screen and the
full-screen presenter, which live on those screens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QMenu, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from companion.i18n import N_, _, translated

if TYPE_CHECKING:
    from ui.menus import MainMenus

# Keys that belong to one screen (QShortcut or keyPressEvent there), by the group they are listed in.
SCREEN_KEYS = (
    (N_("Reader"), (
        (("Ctrl+D",), N_("Add or remove a bookmark")),
    )),
    (N_("Training module"), (
        (("F5",), N_("Present the lesson full screen")),
    )),
    (N_("Presenting a lesson"), (
        (("Right", "Down", "PgDown", "Space", "Return", "N"), N_("Next slide")),
        (("Left", "Up", "PgUp", "Backspace", "Shift+Space", "P"), N_("Previous slide")),
        (("Home", "End"), N_("First slide, last slide")),
        (("F5",), N_("Back to the first slide")),
        (("B", "."), N_("Black screen, and back")),
        (("S",), N_("Show or hide the speaker notes")),
        (("T",), N_("Restart the timer")),
        (("X",), N_("Swap the slide and the notes between screens")),
        (("?", "F1"), N_("Show or hide the list of keys")),
        (("Esc",), N_("Stop presenting")),
    )),
)

_FIXED_LABELS = {"undoAction": N_("Undo"), "redoAction": N_("Redo")}  # their text names the last edit


def keys_text(sequences) -> str:
    return " · ".join(QKeySequence(sequence).toString(QKeySequence.SequenceFormat.NativeText) for sequence in sequences)


def _label(action: QAction) -> str:
    fixed = _FIXED_LABELS.get(action.objectName())
    text = translated(fixed) if fixed else action.text()
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix("…")


class ShortcutsDialog(QDialog):
    def __init__(self, menus: MainMenus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self._menus = menus
        self.intro = QLabel()
        self.intro.setObjectName("shortcutsIntro")
        self.intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcutsList")
        self.tree.setColumnCount(2)
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.setObjectName("shortcutsButtons")
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("closeButton")
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.buttons)
        self.resize(760, 640)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def showEvent(self, event) -> None:
        self.fill()  # the menus' words may have changed since (language, undo text)
        super().showEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Keyboard shortcuts"))
        self.intro.setText(_("Every key the Companion answers to. The menus show the same keys beside each command."))
        self.tree.setHeaderLabels([_("Command"), _("Keys")])
        self.tree.setAccessibleName(_("Keyboard shortcuts"))
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(_("Close"))
        self.fill()

    def rows(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(group, [(command, keys)]) for the menus, then for the screens."""
        groups = []
        for menu in self._menus.menus():
            entries = [(_label(action), keys_text(action.shortcuts())) for action in _actions(menu)
                       if action.shortcuts()]
            if entries:
                groups.append((_label(menu.menuAction()), entries))
        for group, keys in SCREEN_KEYS:
            groups.append((translated(group), [(translated(what), keys_text(sequences)) for sequences, what in keys]))
        return groups

    def fill(self) -> None:
        self.tree.clear()
        for group, entries in self.rows():
            heading = QTreeWidgetItem([group, ""])
            font = heading.font(0)
            font.setBold(True)
            heading.setFont(0, font)
            self.tree.addTopLevelItem(heading)
            for command, keys in entries:
                row = QTreeWidgetItem([command, keys])
                row.setToolTip(0, command)  # in full, should the column be too narrow for it
                heading.addChild(row)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(1)


def _actions(menu: QMenu) -> list[QAction]:
    found = []
    for action in menu.actions():
        if action.menu() is not None:
            found += _actions(action.menu())
        elif not action.isSeparator():
            found.append(action)
    return found
