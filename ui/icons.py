"""Icons from one maintained set (Material Design Icons through qtawesome), coloured
from the palette so they follow the system's light or dark theme."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication

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
    "zoom_in": "mdi6.magnify-plus-outline",
    "zoom_out": "mdi6.magnify-minus-outline",
}


@lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    import qtawesome  # loads its fonts on first use

    palette = QApplication.palette()
    return qtawesome.icon(
        NAMES[name],
        color=palette.color(QPalette.ColorRole.WindowText),
        color_disabled=palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText),
    )
