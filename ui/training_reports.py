"""A trainer's printouts (``companion.training.report``) as PDF files or on paper.

The core writes each document as HTML; here Qt lays it out on A4 with ``QTextDocument`` and
writes it with ``QPdfWriter`` or sends it to a printer, through the same helpers as the pilot
report (``ui/reports.py``). Lesson pictures (``<img src="image:NAME">``) come only from the
bundled images folders (``companion.config.bundled_image``); a picture that is not there is
replaced by its description. A document's ``<meta>`` tags say whether it is printed landscape
(the attendance sheet, the certificates) and whether each of its parts is one page of its own
(the certificates: shrunk to fit if need be, centred, without page numbers).

:func:`save_pdf` touches no widget: call it on a pool thread for long documents.
:func:`print_html` asks for the printer, so it runs on the UI thread.
"""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QPageLayout, QPagedPaintDevice, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from companion.config import bundled_image
from companion.i18n import _
from companion.printable import PAGE_BREAK
from companion.training.report import LANDSCAPE_META, ONE_PAGE_EACH_META
from ui.reports import build_document, page_layout, pdf_bytes, write_file

# A picture fits in this box, in 1/96 inch (the unit of sizes in the HTML): the text is about
# 600 wide upright and 930 landscape, and a slide with its picture and notes takes half a page.
IMAGE_MAX = {False: QSize(560, 300), True: QSize(860, 300)}
# Pictures are drawn this many times larger than shown, so they stay sharp on paper.
IMAGE_OVERSAMPLING = 3
# The margin round the text, as QTextDocument.print_ leaves it.
MARGIN_INCHES = 2 / 2.54

_IMAGE = re.compile(r'<img\b[^>]*?\bsrc="image:([^"]*)"[^>]*>', re.IGNORECASE)
_ALT = re.compile(r'\balt="([^"]*)"', re.IGNORECASE)


def wants_landscape(html: str) -> bool:
    return LANDSCAPE_META in html


def one_page_each(html: str) -> bool:
    return ONE_PAGE_EACH_META in html


def load_image(name: str) -> tuple[QImage, QSize] | None:
    """A bundled picture by file name, drawn large enough to print sharply, and its own size
    (in 1/96 inch, for the layout); None if there is no such picture or it cannot be read."""
    path = bundled_image(html_module.unescape(name))
    if path is None:
        return None
    reader = QImageReader(str(path))
    size = reader.size()
    if path.suffix.lower() in (".svg", ".svgz") and size.isValid():
        reader.setScaledSize(size * IMAGE_OVERSAMPLING)  # vector: draw it at print resolution
    image = reader.read()
    if image.isNull():
        return None
    return image, size if size.isValid() else image.size()


def _fit(size: QSize, landscape: bool) -> QSize:
    limit = IMAGE_MAX[landscape]
    if size.width() > limit.width() or size.height() > limit.height():
        return size.scaled(limit, Qt.AspectRatioMode.KeepAspectRatio)
    return size


def prepare_images(html: str, landscape: bool = False) -> tuple[str, dict[str, QImage]]:
    """The HTML with each ``image:`` picture sized to fit the page, and the pictures by ``src``.
    A missing picture becomes its description in italics (or nothing)."""
    resources: dict[str, QImage] = {}
    loaded: dict[str, tuple[QImage, QSize] | None] = {}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in loaded:
            loaded[name] = load_image(name)
        if loaded[name] is None:
            alt = _ALT.search(match.group(0))
            return f"<i>{alt.group(1)}</i>" if alt and alt.group(1) else ""  # alt is escaped already
        image, size = loaded[name]
        src = f"image:{name}"
        resources[src] = image
        size = _fit(size, landscape)
        return f'<img src="{src}" width="{size.width()}" height="{size.height()}"/>'

    return _IMAGE.sub(replace, html), resources


def split_pages(html: str) -> list[str]:
    """One whole HTML document per page of a one-page-each document (its head repeated)."""
    head, _sep, rest = html.partition("<body>")
    body, _sep, tail = rest.rpartition("</body>")
    return [f"{head}<body>{part}</body>{tail}" for part in body.split(PAGE_BREAK)]


def paint_one_page_each(html: str, resources: dict[str, QImage], device: QPagedPaintDevice) -> None:
    """Paint each page of a one-page-each document (certificates) on a page of its own: laid
    out at the page's width, shrunk (text and all) until it fits when it is too long, and
    centred on the page; no page number."""
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("the printer or the file could not be opened")
    try:
        margin_x = MARGIN_INCHES * device.logicalDpiX()
        margin_y = MARGIN_INCHES * device.logicalDpiY()
        width, height = device.width() - 2 * margin_x, device.height() - 2 * margin_y
        for index, page in enumerate(split_pages(html)):
            if index:
                device.newPage()
            document = build_document(page, {}, resources)
            document.documentLayout().setPaintDevice(device)  # 1/96 inch in the HTML, scaled to the device
            scale = 1.0
            for _attempt in range(6):
                document.setTextWidth(width / scale)
                needed = document.size().height() * scale
                if needed <= height:
                    break
                scale *= height / needed * 0.98
            painter.save()
            painter.translate(margin_x, margin_y + max(0.0, (height - document.size().height() * scale) / 2))
            painter.scale(scale, scale)
            document.drawContents(painter)
            painter.restore()
    finally:
        painter.end()


def save_pdf(html: str, path: Path | str, landscape: bool | None = None, title: str = "") -> Path:
    """Write ``html`` (from ``companion.training.report``) as a PDF on A4, replacing ``path``
    only once the whole file is written. ``landscape`` defaults to what the document asks for
    (its ``<meta>`` tag). An OSError says why nothing was written (``ui.reports.error_message``
    words it for the user)."""
    landscape = wants_landscape(html) if landscape is None else landscape
    sized, resources = prepare_images(html, landscape)
    paint = (lambda writer: paint_one_page_each(sized, resources, writer)) if one_page_each(html) else None
    content = pdf_bytes(sized, {}, title, landscape=landscape, resources=resources, paint=paint)
    path = Path(path)
    write_file(path, content)
    return path


def print_html(html: str, parent: QWidget | None = None, landscape: bool | None = None, title: str = "",
               printer=None) -> bool:
    """Print ``html``: asks for the printer first (unless ``printer`` is given). UI thread;
    True when it was sent, False when the user cancelled."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    landscape = wants_landscape(html) if landscape is None else landscape
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageLayout(page_layout(landscape))
        printer.setDocName(title)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(_("Print"))
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return False
    else:
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape
                                   else QPageLayout.Orientation.Portrait)
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        sized, resources = prepare_images(html, landscape)
        if one_page_each(html):
            paint_one_page_each(sized, resources, printer)
        else:
            build_document(sized, {}, resources).print_(printer)
    finally:
        QApplication.restoreOverrideCursor()
    return True
