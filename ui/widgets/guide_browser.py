"""The text view of a guide: a QTextBrowser that never loads anything but bundled pictures,
and never blocks the window to lay out a long guide.

Images come only from the bundled images folder (``image:<name>``); nothing else is read,
local files included (a plain QTextDocument reads ``file:`` URLs by itself). Links are not
followed by Qt itself: the reader screen decides (another guide, a section, or an external
address shown to the user first).

A long guide's HTML is parsed into its document on a pool thread and handed to the view when
ready; a short one (nearly every guide) directly, so opening it stays under 50 ms. HTML beyond
the reader's limits (too many table rows, anchors, levels: content that never went through the
importer's checks) is shown as plain text, which Qt lays out a screenful at a time.
"""

from __future__ import annotations

import hashlib
import html as html_module
import re
from collections import OrderedDict
from functools import lru_cache

import shiboken6

from PySide6.QtCore import QByteArray, QCoreApplication, QEvent, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QImageReader, QPalette, QTextBlockFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QStyle, QTextBrowser

from companion.config import bundled_image
from companion.content.limits import html_problem
from companion.i18n import _
from ui.runner import run_in_background
from ui.widgets.guide_accessible import announce_new_document, make_accessible

KEEP_PLACE_MS = 2000  # after a new text size or theme, the view follows the re-laid-out guide this long
BACKGROUND_HTML_CHARS = 120_000  # about 12,000 words: parsed in ~15 ms; longer ones on a pool thread
DOCUMENT_MARGIN = 16
KEPT_DOCUMENTS = 3  # the guides shown last stay parsed: going back to one skips the HTML parsing
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|tr|dt|dd|pre|blockquote|div|table|caption)>|<br\s*/?>", re.IGNORECASE)
_CELL_END = re.compile(r"</t[dh]>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_OBJECT_CHARACTER = "\ufffc"  # where Qt holds a picture in a document's text


@lru_cache(maxsize=64)
def _bundled_image(name: str) -> QImage | None:
    path = bundled_image(name)  # never outside the bundled images folders
    if path is None:
        return None
    image = QImage(str(path))
    return None if image.isNull() else image


@lru_cache(maxsize=64)
def _image_size(name: str) -> QSize | None:
    """A bundled picture's own size, read from its header (an SVG is not drawn to learn it)."""
    path = bundled_image(name)
    if path is None:
        return None
    size = QImageReader(str(path)).size()
    if size.isValid() and not size.isEmpty():
        return size
    image = _bundled_image(name)  # a format that does not say its size before it is read
    return None if image is None else image.size()


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


def guide_point_size(font) -> float:
    """A guide's text size: a point larger than the interface, 11 pt at least, times the zoom."""
    from ui.theme import appearance

    factor = appearance().factor
    return (max(font.pointSizeF() / factor, 10.0) + 1.0) * factor


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


class GuideDocument(QTextDocument):
    """A guide's text as Qt holds it. ``too_large`` says why it is shown as plain text, if it is."""

    too_large: str | None = None

    def loadResource(self, kind: int, url: QUrl):
        if url.scheme() == "image":
            size = url.query().removeprefix("size=").partition("x")
            if size[0].isdigit() and size[2].isdigit():
                image = _drawn_image(url.path(), int(size[0]), int(size[2]))
            else:
                image = _bundled_image(url.path())
            return image if image is not None else QImage()
        # Anything else (file:, http:, qrc:, a relative path) is never read. An empty value, not
        # None: on None, QTextDocument falls back to reading local files itself.
        return QByteArray()


def html_as_text(fragment: str) -> str:
    """The words of ``fragment``, one block a line (linear, for HTML too large to lay out)."""
    text = _CELL_END.sub("\t", fragment)
    text = _BLOCK_END.sub("\n", text)
    return html_module.unescape(_TAG.sub("", text)).strip()


def build_document(fragment: str, style: str) -> GuideDocument:
    """The document for ``fragment``; safe to call on a pool thread (it touches no widget)."""
    document = GuideDocument()
    document.setDefaultStyleSheet(style)
    document.setDocumentMargin(DOCUMENT_MARGIN)
    document.setUndoRedoEnabled(False)  # a read-only text: no undo history to keep in memory
    problem = html_problem(fragment)
    if problem is None:
        document.setHtml(fragment)
    else:
        document.too_large = problem
        document.setPlainText(html_as_text(fragment))
    return document


class GuideBrowser(QTextBrowser):
    document_ready = Signal()  # the guide asked for last is in the view (now or later)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.base_point_size = guide_point_size(self.font())
        self._fragment: str | None = None  # what is shown, to lay it out again in a new size or theme
        self._style_stale = False
        self._keep_fraction: float | None = None  # where the reader was, kept across such a re-layout
        self.verticalScrollBar().rangeChanged.connect(lambda _low, _high: self._keep_place())
        self.verticalScrollBar().sliderPressed.connect(self._stop_keeping_place)
        self.loading = False
        self._generation = 0
        self._has_images = False
        self._kept: OrderedDict[tuple[bytes, str], GuideDocument] = OrderedDict()  # (HTML digest, style)
        make_accessible(self)  # headings, paragraphs, links and pictures for screen readers
        self._install(GuideDocument())

    def show_html(self, fragment: str) -> None:
        """Show ``fragment``; ``document_ready`` is emitted once it is in the view."""
        self._keep_fraction = None
        self._show(fragment)

    def _show(self, fragment: str) -> None:
        self._fragment = fragment
        self._style_stale = False
        self._generation += 1
        generation = self._generation
        self._has_images = "<img" in fragment
        style = document_style(self.palette(), self.base_point_size)
        key = (hashlib.blake2b(fragment.encode("utf-8", "surrogatepass"), digest_size=16).digest(), style)
        kept = self._kept.get(key)
        if kept is not None or len(fragment) <= BACKGROUND_HTML_CHARS:
            self.loading = False
            self._install(kept if kept is not None else build_document(fragment, style), key)
            self.document_ready.emit()
            return
        self.loading = True
        waiting = GuideDocument()
        waiting.setDocumentMargin(DOCUMENT_MARGIN)
        waiting.setPlainText(_("Opening the guide…"))
        self._install(waiting)
        main_thread = QCoreApplication.instance().thread()

        def build(_progress) -> GuideDocument:
            document = build_document(fragment, style)
            document.moveToThread(main_thread)  # it was made on this pool thread; the view lives there
            return document

        run_in_background(build, on_success=lambda document: self._arrived(generation, document, key),
                          on_failure=lambda error: self._failed(generation, error))

    # --- text size and theme (View menu): the guide is laid out again, at the same place ---------------

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            size = guide_point_size(self.font())
            style = document_style(self.palette(), size)
            if style != document_style(self.palette(), self.base_point_size) or event.type() == QEvent.Type.PaletteChange:
                self.base_point_size = size
                if self._fragment is not None and not self._style_stale:
                    self._style_stale = True
                    QTimer.singleShot(0, self, self._restyle)  # once, after every widget has its new font

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._style_stale:
            self._restyle()

    def _restyle(self) -> None:
        if not self._style_stale or self._fragment is None or not self.isVisible():
            return  # a hidden view is laid out again when it is shown
        bar = self.verticalScrollBar()
        fraction = bar.value() / bar.maximum() if bar.maximum() > 0 else 0.0
        self._show(self._fragment)
        self._keep_fraction = fraction
        self._keep_place()
        QTimer.singleShot(KEEP_PLACE_MS, self, self._stop_keeping_place)

    def _stop_keeping_place(self) -> None:
        self._keep_fraction = None

    def _keep_place(self) -> None:
        # The new layout's height is known piece by piece: follow it until the user scrolls.
        if self._keep_fraction is not None:
            bar = self.verticalScrollBar()
            bar.setValue(round(self._keep_fraction * bar.maximum()))

    def wheelEvent(self, event) -> None:
        self._stop_keeping_place()
        super().wheelEvent(event)

    def keyPressEvent(self, event) -> None:
        self._stop_keeping_place()
        super().keyPressEvent(event)

    def too_large(self) -> str | None:
        document = self.document()
        return document.too_large if isinstance(document, GuideDocument) else None

    def _arrived(self, generation: int, document: GuideDocument, key: tuple[bytes, str]) -> None:
        if generation != self._generation:
            document.deleteLater()  # another guide was opened meanwhile
            return
        self.loading = False
        self._install(document, key)
        self.document_ready.emit()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self.loading = False
        document = GuideDocument()
        document.setDocumentMargin(DOCUMENT_MARGIN)
        document.setPlainText(_("This guide could not be shown: {error}").format(error=error))
        self._install(document)
        self.document_ready.emit()

    def _install(self, document: GuideDocument, key: tuple[bytes, str] | None = None) -> None:
        """Show ``document``; with ``key``, keep it for a later visit (the last KEPT_DOCUMENTS are)."""
        previous = self.document()
        document.setParent(self)
        # Pictures are sized before the view lays the text out: sizing them after would make Qt lay
        # out the whole text at once, where it otherwise lays out a screenful and the rest in steps.
        self._fit_images(document)
        self.setDocument(document)
        announce_new_document(self)
        if key is not None:
            self._kept[key] = document
            self._kept.move_to_end(key)
            while len(self._kept) > KEPT_DOCUMENTS:
                _key, oldest = self._kept.popitem(last=False)
                if oldest is not document:
                    oldest.deleteLater()
        # setDocument() deletes only the view's own first document: the ones given to it stay
        # children of the view until deleted here (each guide read would otherwise stay in memory).
        if previous is not document and shiboken6.isValid(previous) and previous.parent() is self \
                and previous not in self._kept.values():
            previous.deleteLater()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_images()

    def _fit_images(self, document: QTextDocument | None = None) -> None:
        """Shrink pictures wider than the view (never enlarge them), so a diagram is seen whole
        on a 1024-pixel screen instead of behind a horizontal scroll bar."""
        if not self._has_images or self.loading:
            return
        document = document or self.document()
        available = self._text_width() - 2 * document.documentMargin() - 8
        if available < 80:
            return
        cursor = QTextCursor(document)
        # In an edit block the cursor does not lay the text out up to each picture to know where
        # it is on screen (a long guide would be laid out once more, for nothing).
        cursor.beginEditBlock()
        first_changed = None
        # A picture is one object character in the text: find those rather than walking every
        # fragment of a long guide in Python (the raw text's offsets are document positions).
        text = document.toRawText()
        position = text.find(_OBJECT_CHARACTER)
        while position != -1:
            cursor.setPosition(position)
            cursor.setPosition(position + 1, QTextCursor.MoveMode.KeepAnchor)
            image_format = cursor.charFormat().toImageFormat()  # the format of the selected character
            url = QUrl(image_format.name())
            image = _image_size(url.path()) if image_format.isValid() else None
            if image is not None:
                block = document.findBlock(position)
                single = QTextBlockFormat.LineHeightTypes.SingleHeight.value
                if block.blockFormat().lineHeightType() != single:
                    # "line-height: 135%" would add a third of the picture's height below it.
                    block_format = block.blockFormat()
                    block_format.setLineHeight(0, single)
                    QTextCursor(block).setBlockFormat(block_format)
                    first_changed = block.position() if first_changed is None else first_changed
                width = min(image.width(), available)
                height = image.height() * width / image.width()
                ratio = self.devicePixelRatioF()
                name = f"image:{url.path()}"
                if width < image.width():
                    name += f"?size={round(width * ratio)}x{round(height * ratio)}"
                # A shrunk picture that still fits, a few pixels short of the width it could have,
                # stays: re-fitting it would lay out everything after it again for nothing visible.
                nearly = "?size=" in name and "?size=" in image_format.name() \
                    and 0 < image_format.width() <= width <= image_format.width() + 12
                if name != image_format.name() and not nearly:
                    image_format.setName(name)
                    image_format.setWidth(width)
                    image_format.setHeight(height)
                    cursor.setCharFormat(image_format)
                    first_changed = block.position() if first_changed is None else first_changed
            position = text.find(_OBJECT_CHARACTER, position + 1)
        cursor.endEditBlock()
        if first_changed is not None:  # what follows a resized picture moves too: lay it out again
            document.markContentsDirty(first_changed, document.characterCount() - first_changed)

    def _text_width(self) -> int:
        """The viewport's width; before the view is first shown, the one it will have (a view gets
        its viewport laid out only at its first resize event, when shown: fitting pictures to
        the stale width would lay a long guide out twice)."""
        if not self.testAttribute(Qt.WidgetAttribute.WA_PendingResizeEvent):
            return self.viewport().width()
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return self.contentsRect().width() - scroll_bar  # a long guide has its scroll bar

    def loadResource(self, kind: int, url: QUrl):
        return self.document().loadResource(kind, url)
