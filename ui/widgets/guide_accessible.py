"""What a screen reader meets in a guide: a document made of headings, paragraphs, list items,
links and pictures, each with its role and its words, instead of one long label.

Qt's own interface for a text view exposes its text as one block: links are not links, headings
have no heading role and a picture is an unnamed object character. Qt has no hyperlink or
heading interface for text views, so the guide view gets an interface of its own (installed as
an accessibility factory): a ``Document`` whose children are the text's blocks, each backed by a
small QObject so that Qt's accessibility cache owns and frees the interfaces as usual.

- a heading block is a ``Heading`` ("level 2" in its description);
- a block that is only a picture is a ``Graphic`` named by the picture's alternative text;
- other blocks are ``Paragraph`` (``ListItem`` in a list), named by their words; a picture inside
  one reads as its alternative text, not as an object character;
- each link is a ``Link`` child of its block, named by its words, its target in the description;
  the link Tab has reached is the document's focus child, and focus events follow Tab.

The parts are built only when an assistive technology asks for them (nothing is done otherwise),
once per document: they are children of the document and die with it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, QRect, QUrl
from PySide6.QtGui import (QAccessible, QAccessibleEvent, QAccessibleInterface, QTextBlock, QTextCursor,
                           QTextDocument, QTextFormat)
from PySide6.QtWidgets import QAccessibleWidget, QTextBrowser

from companion.i18n import _

OBJECT_CHARACTER = "\ufffc"
_installed = False


class TextPart(QObject):
    """One readable piece of a guide's text: a block, or a link inside a block."""

    def __init__(self, document: QTextDocument, browser: QTextBrowser, role: QAccessible.Role, name: str,
                 start: int, end: int, description: str = "", href: str = "", parent_part: "TextPart | None" = None):
        super().__init__(document)  # dies with its document, and Qt's cache then drops its interface
        self.browser, self.role, self.name, self.description = browser, role, name, description
        self.start, self.end, self.href = start, end, href
        self.parent_part = parent_part
        self.links: list[TextPart] = []


def link_description(href: str) -> str:
    url = QUrl(href)
    if url.scheme() == "guide":
        return _("Link to another guide")
    if not url.scheme() and url.hasFragment():
        return _("Link to a section of this guide")
    if url.scheme() == "mailto":
        return _("E-mail address: {address}").format(address=url.path())
    return _("Web link, opens in your browser after you agree: {address}").format(address=url.toDisplayString())


def _block_words(block: QTextBlock) -> tuple[str, list[tuple[int, int, str, str]], str]:
    """A block's words (pictures read as their alternative text), its links (start, end, words,
    target) and, when the block is only a picture, that picture's alternative text."""
    words: list[str] = []
    links: list[tuple[int, int, str, str]] = []
    pictures: list[str] = []
    iterator = block.begin()
    while not iterator.atEnd():
        fragment = iterator.fragment()
        char_format = fragment.charFormat()
        text = fragment.text()
        if char_format.isImageFormat():
            alt = str(char_format.property(QTextFormat.Property.ImageAltText) or "").strip()
            pictures.append(alt)
            text = text.replace(OBJECT_CHARACTER, alt or _("picture"))
        elif char_format.isAnchor() and char_format.anchorHref():
            href = char_format.anchorHref()
            if links and links[-1][3] == href and links[-1][1] == fragment.position():
                start, _end, previous, _href = links[-1]  # a link split by bold or italics is one link
                links[-1] = (start, fragment.position() + fragment.length(), previous + text, href)
            else:
                links.append((fragment.position(), fragment.position() + fragment.length(), text, href))
        words.append(text)
        iterator += 1
    joined = " ".join("".join(words).split())
    only_picture = (pictures[0] or _("picture")) if block.text().strip() == OBJECT_CHARACTER else ""
    return joined, links, only_picture


def _cell_description(block: QTextBlock) -> str:
    """“Row 3, How”: where a table cell is, by its column's heading (the table's first row)."""
    cursor = QTextCursor(block)
    table = cursor.currentTable()
    cell = table.cellAt(cursor)
    header = table.cellAt(0, cell.column())
    heading = QTextCursor(header.firstCursorPosition())
    heading.setPosition(header.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor)
    words = " ".join(heading.selectedText().split())
    if cell.row() == 0:
        return _("Column heading")
    return _("Row {row}, {column}").format(row=cell.row(), column=words or cell.column() + 1)


def document_parts(browser: QTextBrowser) -> list[TextPart]:
    """The readable pieces of the text shown, built once per document."""
    document = browser.document()
    built = getattr(document, "accessible_parts", None)
    if built is not None:
        return built
    top: list[TextPart] = []
    block = document.begin()
    while block.isValid():
        words, links, picture = _block_words(block)
        level = block.blockFormat().headingLevel()
        start, end = block.position(), block.position() + max(block.length() - 1, 0)
        if picture:
            part = TextPart(document, browser, QAccessible.Role.Graphic, picture, start, end)
        elif words:
            if level:
                role, description = QAccessible.Role.Heading, _("Heading level {level}").format(level=level)
            elif block.textList() is not None:
                role, description = QAccessible.Role.ListItem, ""
            elif QTextCursor(block).currentTable() is not None:
                role, description = QAccessible.Role.Cell, _cell_description(block)
            else:
                role, description = QAccessible.Role.Paragraph, ""
            part = TextPart(document, browser, role, words, start, end, description)
        else:
            block = block.next()
            continue
        for link_start, link_end, link_words, href in links:
            part.links.append(TextPart(document, browser, QAccessible.Role.Link, " ".join(link_words.split()),
                                       link_start, link_end, link_description(href), href, part))
        top.append(part)
        block = block.next()
    try:
        document.accessible_parts = top  # a GuideDocument keeps them; another document builds them each time
    except AttributeError:
        pass
    return top


def focused_link(browser: QTextBrowser) -> TextPart | None:
    """The link Tab has reached (the text cursor selects it), if any."""
    cursor = browser.textCursor()
    if not cursor.hasSelection():
        return None
    for part in document_parts(browser):
        for link in part.links:
            if link.start <= cursor.selectionStart() and cursor.selectionEnd() <= link.end:
                return link
    return None


def _text_rect(browser: QTextBrowser, start: int, end: int) -> QRect:
    """Where the text from ``start`` to ``end`` is on the screen (from the layout, without drawing)."""
    layout = browser.document().documentLayout()
    block = browser.document().findBlock(start)
    area = layout.blockBoundingRect(block).toRect()
    if end > block.position() + block.length():  # never, for a block or a link; kept for safety
        area = area.united(layout.blockBoundingRect(browser.document().findBlock(end)).toRect())
    if block.position() < start or end < block.position() + block.length() - 1:
        cursor = QTextCursor(browser.document())
        cursor.setPosition(start)
        first = browser.cursorRect(cursor)
        cursor.setPosition(end)
        last = browser.cursorRect(cursor)
        on_viewport = first.united(last)
    else:
        offset = QPoint(browser.horizontalScrollBar().value(), browser.verticalScrollBar().value())
        on_viewport = area.translated(-offset)
    return QRect(browser.viewport().mapToGlobal(on_viewport.topLeft()), on_viewport.size())


class TextPartInterface(QAccessibleInterface):
    def __init__(self, part: TextPart) -> None:
        super().__init__()
        self.part = part

    def isValid(self) -> bool:
        return True

    def object(self):
        return self.part

    def window(self):
        return QAccessible.queryAccessibleInterface(self.part.browser.window())

    def relations(self, match=QAccessible.Relation.AllRelations):
        return []

    def focusChild(self):
        focused = focused_link(self.part.browser)
        return QAccessible.queryAccessibleInterface(focused) if focused in self.part.links else None

    def childAt(self, x: int, y: int):
        for link in self.part.links:
            if _text_rect(link.browser, link.start, link.end).contains(x, y):
                return QAccessible.queryAccessibleInterface(link)
        return None

    def parent(self):
        return QAccessible.queryAccessibleInterface(self.part.parent_part or self.part.browser)

    def child(self, index: int):
        links = self.part.links
        return QAccessible.queryAccessibleInterface(links[index]) if 0 <= index < len(links) else None

    def childCount(self) -> int:
        return len(self.part.links)

    def indexOfChild(self, child) -> int:
        target = child.object() if child is not None else None
        return next((index for index, link in enumerate(self.part.links) if link is target), -1)

    def text(self, kind):
        if kind == QAccessible.Text.Name:
            return self.part.name
        if kind == QAccessible.Text.Description:
            return self.part.description
        if kind == QAccessible.Text.Value and self.part.href:
            return self.part.href
        return ""

    def setText(self, kind, text) -> None:
        pass  # the text is read-only

    def rect(self) -> QRect:
        return _text_rect(self.part.browser, self.part.start, self.part.end)

    def role(self):
        return self.part.role

    def state(self):
        state = QAccessible.State()
        state.readOnly = True
        viewport = QRect(self.part.browser.viewport().mapToGlobal(QPoint(0, 0)), self.part.browser.viewport().size())
        state.offscreen = not viewport.intersects(self.rect())
        if self.part.role == QAccessible.Role.Link:
            state.focusable = True
            state.linked = True
            state.focused = self.part.browser.hasFocus() and focused_link(self.part.browser) is self.part
        return state


class GuideTextInterface(QAccessibleWidget):
    """The guide view as a read-only document whose children are its parts."""

    def __init__(self, browser: QTextBrowser) -> None:
        super().__init__(browser, QAccessible.Role.Document)

    def _parts(self) -> list[TextPart]:
        return document_parts(self.widget())

    def childCount(self) -> int:
        return len(self._parts())

    def child(self, index: int):
        parts = self._parts()
        return QAccessible.queryAccessibleInterface(parts[index]) if 0 <= index < len(parts) else None

    def indexOfChild(self, child) -> int:
        target = child.object() if child is not None else None
        return next((index for index, part in enumerate(self._parts()) if part is target), -1)

    def focusChild(self):
        focused = focused_link(self.widget()) if self.widget().hasFocus() else None
        if focused is None:
            return None
        return QAccessible.queryAccessibleInterface(focused)

    def childAt(self, x: int, y: int):
        for part in self._parts():
            interface = QAccessible.queryAccessibleInterface(part)
            if interface.rect().contains(x, y):
                return interface
        return None

    def state(self):
        state = super().state()
        state.readOnly = True
        return state


def _factory(_class_name: str, obj: QObject):
    if isinstance(obj, TextPart):
        return TextPartInterface(obj)
    if isinstance(obj, QTextBrowser) and obj.property("guide_text"):
        return GuideTextInterface(obj)
    return None


def make_accessible(browser: QTextBrowser) -> None:
    """Give ``browser`` the document interface above; focus events follow Tab from link to link."""
    global _installed
    if not _installed:
        QAccessible.installFactory(_factory)
        _installed = True
    browser.setProperty("guide_text", True)
    browser.highlighted.connect(lambda _url: announce_focused_link(browser))


def announce_focused_link(browser: QTextBrowser) -> None:
    if not QAccessible.isActive():
        return  # no assistive technology listening: nothing to build
    link = focused_link(browser)
    if link is not None and browser.hasFocus():
        QAccessible.updateAccessibility(QAccessibleEvent(link, QAccessible.Event.Focus))


def announce_new_document(browser: QTextBrowser) -> None:
    """A new guide is in the view: its parts are read afresh."""
    if QAccessible.isActive():
        QAccessible.updateAccessibility(QAccessibleEvent(browser, QAccessible.Event.ObjectReorder))
