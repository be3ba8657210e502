"""Icons from one maintained set: Material Design Icons, rendered to PNG by
packaging/render_icons.py (qtawesome) and shipped in resources/icons. The variant
is chosen from the palette each time an icon is drawn, so icons follow the theme (the system's
light or dark, or the one chosen in View > Theme) and are redrawn when it changes."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from companion.config import resources_dir

ICON_DIR = resources_dir() / "icons"

# Our name → the Material Design Icons glyph (qtawesome's "mdi6." names).
NAMES = {
    "home": "mdi6.home-outline",
    "library": "mdi6.bookshelf",
    "back": "mdi6.arrow-left",
    "forward": "mdi6.arrow-right",
    "search": "mdi6.magnify",
    "bookmark": "mdi6.bookmark-outline",
    "bookmarked": "mdi6.bookmark",
    "translate": "mdi6.translate",
    "contents": "mdi6.format-list-bulleted",
    "warning": "mdi6.alert-outline",
    "info": "mdi6.information-outline",
    "guide": "mdi6.file-document-outline",
    "projects": "mdi6.clipboard-check-outline",
    "undo": "mdi6.undo",
    "redo": "mdi6.redo",
    "export": "mdi6.file-pdf-box",
    "attach": "mdi6.paperclip",
    "add": "mdi6.plus",
    "remove": "mdi6.minus",
    "training": "mdi6.school-outline",
    "present": "mdi6.presentation-play",
    "people": "mdi6.account-group-outline",
    "print": "mdi6.printer-outline",
    "quiz": "mdi6.help-circle-outline",
    "edit": "mdi6.pencil-outline",
    "copy": "mdi6.content-copy",
    "synced": "mdi6.cloud-check-outline",
    "syncing": "mdi6.sync",
    "offline": "mdi6.cloud-off-outline",
    "sync-waiting": "mdi6.cloud-upload-outline",
    "sync-problem": "mdi6.sync-alert",
    "sign-in": "mdi6.account-circle-outline",
    "conflict": "mdi6.call-split",
    "bundle": "mdi6.package-variant-closed",
}


def _dark_palette() -> bool:
    return QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


@lru_cache(maxsize=None)
def _icon(name: str, variant: str) -> QIcon:
    return QIcon(str(ICON_DIR / f"{name}-{variant}.png"))


# True when checked buttons are drawn on the selection colour (the high-contrast theme, ui/theme.py).
checked_on_highlight = False


def _variant(name: str, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off) -> QIcon:
    on_highlight = mode == QIcon.Mode.Selected or (checked_on_highlight and state == QIcon.State.On)
    if on_highlight:  # drawn on the selection colour (yellow in high contrast)
        dark = QApplication.palette().color(QPalette.ColorRole.Highlight).lightness() < 128
    else:
        dark = _dark_palette()
    return _icon(name, "light" if dark else "dark")


class _ThemedIconEngine(QIconEngine):
    """Draws the variant that reads on the palette of the moment (light glyphs on dark, dark on light)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        _variant(self._name, mode, state).paint(painter, rect, Qt.AlignmentFlag.AlignCenter, mode, state)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return _variant(self._name, mode, state).pixmap(size, mode, state)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        return _variant(self._name, mode, state).pixmap(size, scale, mode, state)

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return _variant(self._name).actualSize(size, mode, state)

    def clone(self) -> QIconEngine:
        return _ThemedIconEngine(self._name)

    def key(self) -> str:
        return "companion-themed"


@lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    if name not in NAMES:
        raise KeyError(f"unknown icon {name!r}")
    return QIcon(_ThemedIconEngine(name))
