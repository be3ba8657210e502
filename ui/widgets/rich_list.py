"""A list whose items show a little rich text (title, snippet, details), drawn by a delegate.

Items keep their plain text for accessibility and keyboard search; the HTML lives in
``HTML_ROLE``. Used by the library, the search results and the home screen lists.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.widgets.plain_text import InertTextDocument

HTML_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2


class RichTextDelegate(QStyledItemDelegate):
    MARGIN = 8
    # Laid-out documents kept for reuse: the view asks each item's size several times per layout
    # and then draws it, and parsing the HTML each time made search results slow to appear.
    KEPT_DOCUMENTS = 512

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._documents: OrderedDict[tuple[str, str, int], QTextDocument] = OrderedDict()

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex, width: int) -> QTextDocument:
        html = index.data(HTML_ROLE) or ""
        text_width = max(width - 2 * self.MARGIN, 50)
        key = (html, option.font.key(), text_width)  # a new text, font (zoom) or width is a new document
        document = self._documents.get(key)
        if document is not None:
            self._documents.move_to_end(key)
            return document
        document = InertTextDocument()
        document.setDefaultFont(option.font)
        document.setHtml(html)
        document.setTextWidth(text_width)
        self._documents[key] = document
        if len(self._documents) > self.KEPT_DOCUMENTS:
            self._documents.popitem(last=False)
        return document

    def paint(self, painter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        text_option = QStyleOptionViewItem(option)
        text_option.text = ""
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, text_option, painter, option.widget)
        document = self._document(option, index, option.rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(option.rect.left() + self.MARGIN, option.rect.top() + self.MARGIN // 2)
        painter.setClipRect(QRectF(0, 0, option.rect.width() - self.MARGIN, option.rect.height()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        self.initStyleOption(option, index)
        width = option.widget.viewport().width() if option.widget else 400
        document = self._document(option, index, width)
        return QSize(width, int(document.size().height()) + self.MARGIN)


class RichList(QListWidget):
    def __init__(self, object_name: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setItemDelegate(RichTextDelegate(self))
        self.setWordWrap(True)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)

    def add(self, key: object, plain: str, html: str) -> QListWidgetItem:
        item = QListWidgetItem(plain)
        item.setData(HTML_ROLE, html)
        item.setData(KEY_ROLE, key)
        self.addItem(item)
        return item

    def select_key(self, key: object) -> None:
        """Select the item with ``key`` (kept across a refill), else the first item."""
        for row in range(self.count()):
            if key is not None and self.item(row).data(KEY_ROLE) == key:
                self.setCurrentRow(row)
                return
        if self.count():
            self.setCurrentRow(0)

    def keys(self) -> list[object]:
        return [self.item(row).data(KEY_ROLE) for row in range(self.count())]

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # wrapped text changes height with the width
