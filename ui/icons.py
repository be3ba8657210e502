"""Icons from one maintained set: Material Design Icons, rendered to PNG by
packaging/render_icons.py (qtawesome) and shipped in resources/icons. The variant
is chosen from the palette, so icons follow the system's light or dark theme."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QIcon, QPalette
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


def icon(name: str) -> QIcon:
    if name not in NAMES:
        raise KeyError(f"unknown icon {name!r}")
    return _icon(name, "light" if _dark_palette() else "dark")
