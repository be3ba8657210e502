"""The text view of a guide: a QTextBrowser that never loads anything remote.

Images come only from the bundled images folder (``image:<name>``); links are not
followed by Qt itself: the reader screen decides (another guide, a section, or an
external address shown to the user first).
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QUrl
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QTextBrowser

from companion.config import bundled_image


@lru_cache(maxsize=64)
def _bundled_image(name: str) -> QImage | None:
    path = bundled_image(name)  # never outside the bundled images folders
    if path is None:
        return None
    image = QImage(str(path))
    return None if image.isNull() else image


def document_style(palette: QPalette, base_point_size: float) -> str:
    """CSS for guides, from the palette so dark themes read well too."""
    link = palette.color(QPalette.ColorRole.Link).name()
    mid = palette.color(QPalette.ColorRole.Mid).name()
    alt = palette.color(QPalette.ColorRole.AlternateBase).name()
    return f"""
        body {{ font-size: {base_point_size:.1f}pt; }}
        h2 {{ font-size: {base_point_size * 1.45:.1f}pt; margin-top: 18px; margin-bottom: 6px; }}
        h3 {{ font-size: {base_point_size * 1.2:.1f}pt; margin-top: 14px; margin-bottom: 4px; }}
        h4 {{ font-size: {base_point_size * 1.05:.1f}pt; margin-top: 10px; }}
        p, li {{ line-height: 135%; }}
        a {{ color: {link}; }}
        table {{ border-collapse: collapse; margin-top: 6px; margin-bottom: 10px; }}
        th {{ background-color: {alt}; font-weight: bold; }}
        th, td {{ border: 1px solid {mid}; padding: 5px; }}
        pre {{ background-color: {alt}; padding: 8px; }}
        blockquote {{ margin-left: 16px; }}
    """


class GuideBrowser(QTextBrowser):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.base_point_size = max(self.font().pointSizeF(), 10.0) + 1.0

    def show_html(self, html: str) -> None:
        document = self.document()  # its images are asked of our loadResource()
        document.setDefaultStyleSheet(document_style(self.palette(), self.base_point_size))
        document.setDocumentMargin(16)
        self.setHtml(html)

    def loadResource(self, kind: int, url: QUrl):
        if url.scheme() == "image":
            image = _bundled_image(url.path())
            return image if image is not None else QImage()
        return None  # http, https, file, anything else: never loaded
