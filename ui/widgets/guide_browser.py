"""The text view of a guide: a QTextBrowser that never loads anything remote.

Images come only from the bundled images folder (``image:<name>``); links are not
followed by Qt itself: the reader screen decides (another guide, a section, or an
external address shown to the user first).
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QSize, QUrl
from PySide6.QtGui import QImage, QImageReader, QPalette, QTextBlockFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser

from companion.config import bundled_image


@lru_cache(maxsize=64)
def _bundled_image(name: str) -> QImage | None:
    path = bundled_image(name)  # never outside the bundled images folders
    if path is None:
        return None
    image = QImage(str(path))
    return None if image.isNull() else image


@lru_cache(maxsize=16)
def _drawn_image(name: str, width: int, height: int) -> QImage | None:
    """A bundled picture drawn at the size it is shown: an SVG is re-drawn, so its text stays sharp."""
    path = bundled_image(name)
    if path is None:
        return None
    reader = QImageReader(str(path))
    reader.setScaledSize(QSize(width, height))
    image = reader.read()
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
        self._has_images = False

    def show_html(self, html: str) -> None:
        document = self.document()  # its images are asked of our loadResource()
        document.setDefaultStyleSheet(document_style(self.palette(), self.base_point_size))
        document.setDocumentMargin(16)
        document.setUndoRedoEnabled(False)
        self.setHtml(html)
        self._has_images = "<img" in html
        self._fit_images()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_images()

    def _fit_images(self) -> None:
        """Shrink pictures wider than the view (never enlarge them), so a diagram is seen whole
        on a 1024-pixel screen instead of behind a horizontal scroll bar."""
        if not self._has_images:
            return
        document = self.document()
        available = self.viewport().width() - 2 * document.documentMargin() - 8
        if available < 80:
            return
        cursor = QTextCursor(document)
        first_changed = None
        block = document.begin()
        while block.isValid():
            fragments = block.begin()
            while not fragments.atEnd():
                fragment = fragments.fragment()
                image_format = fragment.charFormat().toImageFormat()
                url = QUrl(image_format.name())
                image = _bundled_image(url.path()) if image_format.isValid() else None
                if image is not None:
                    single = QTextBlockFormat.LineHeightTypes.SingleHeight.value
                    if block.blockFormat().lineHeightType() != single:
                        # "line-height: 135%" would add a third of the picture's height below it.
                        block_format = block.blockFormat()
                        block_format.setLineHeight(0, single)
                        cursor.setPosition(block.position())
                        cursor.setBlockFormat(block_format)
                        first_changed = block.position() if first_changed is None else first_changed
                    width = min(image.width(), available)
                    height = image.height() * width / image.width()
                    ratio = self.devicePixelRatioF()
                    name = f"image:{url.path()}"
                    if width < image.width():
                        name += f"?size={round(width * ratio)}x{round(height * ratio)}"
                    if name != image_format.name():
                        image_format.setName(name)
                        image_format.setWidth(width)
                        image_format.setHeight(height)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                        cursor.setCharFormat(image_format)
                        first_changed = block.position() if first_changed is None else first_changed
                fragments += 1
            block = block.next()
        if first_changed is not None:  # what follows a resized picture moves too: lay it out again
            document.markContentsDirty(first_changed, document.characterCount() - first_changed)

    def loadResource(self, kind: int, url: QUrl):
        if url.scheme() == "image":
            size = url.query().removeprefix("size=").partition("x")
            if size[0].isdigit() and size[2].isdigit():
                image = _drawn_image(url.path(), int(size[0]), int(size[2]))
            else:
                image = _bundled_image(url.path())
            return image if image is not None else QImage()
        return None  # http, https, file, anything else: never loaded
