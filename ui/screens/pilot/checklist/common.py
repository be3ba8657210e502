"""What the pieces of the checklist tab share: roles, columns, timings, small helpers."""

from __future__ import annotations

from PySide6.QtCore import QDate, QEvent, QObject, QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar, QStyleOptionViewItem

from companion.i18n import N_, _, format_number, ngettext

STATUS_LABELS = {"todo": N_("To do"), "in_progress": N_("In progress"), "done": N_("Done"),
                 "na": N_("Not applicable")}
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1  # the item's id (None on a section row)
SECTION_ROLE = Qt.ItemDataRole.UserRole + 2  # the section's id
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 3  # True on an overdue item row
ATTACHMENT_ROLE = Qt.ItemDataRole.UserRole + 4
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 5  # (done, applicable) on a section row

COLUMN_TITLE, COLUMN_STATUS, COLUMN_OWNER, COLUMN_DUE, COLUMN_EVIDENCE = range(5)
NOTES_PAUSE_MS = 800  # notes are saved after this pause in typing, or when the field loses focus
DATE_PAUSE_MS = 600
BACKGROUND_ATTACH_BYTES = 2 * 1024 * 1024  # bigger files are copied off the UI thread
LATE_COLOR = "#c62828"
ERROR_STYLE = f"color: {LATE_COLOR};"
MIN_DATE, MAX_DATE = QDate(2000, 1, 1), QDate(2099, 12, 31)


def file_size(size: int) -> str:
    if size < 1024:
        return ngettext("{count} byte", "{count} bytes", size).format(count=format_number(size))
    if size < 1024 * 1024:
        return _("{size} KB").format(size=format_number(round(size / 1024, 1)))
    return _("{size} MB").format(size=format_number(round(size / (1024 * 1024), 1)))


class FocusOut(QObject):
    """Calls ``callback`` when the watched widget loses the keyboard focus."""

    def __init__(self, widget, callback) -> None:
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._callback()
        return False


class SectionDelegate(QStyledItemDelegate):
    """Draws a section row (spanning the whole width) as its title and, at the right, a small
    progress bar "2 / 5": the title keeps the room the item columns would take from it."""

    BAR_WIDTH = 110
    CHECK_AND_ICON = 28  # the tick box before an item's name

    def sizeHint(self, option, index):
        """An item's name wraps onto more lines in a narrow column: its row is as tall as the text."""
        hint = super().sizeHint(option, index)
        view = option.widget
        if index.column() != 0 or index.data(PROGRESS_ROLE) is not None or view is None or not view.wordWrap():
            return hint
        depth = 1 if index.parent().isValid() else 0
        width = view.columnWidth(0) - view.indentation() * (depth + 1) - self.CHECK_AND_ICON
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        height = view.fontMetrics().boundingRect(QRect(0, 0, max(width, 40), 10_000),
                                                 int(Qt.TextFlag.TextWordWrap), text).height() + 6
        return hint.expandedTo(QSize(hint.width(), height))

    def paint(self, painter, option, index) -> None:
        progress = index.data(PROGRESS_ROLE)
        if progress is None or index.column() != 0:
            super().paint(painter, option, index)
            return
        done, total = progress
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        bar_width = min(self.BAR_WIDTH, max(option.rect.width() // 3, 40))
        text_option = QStyleOptionViewItem(option)
        self.initStyleOption(text_option, index)
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, text_option, painter, widget)
        text_option.rect = option.rect.adjusted(0, 0, -(bar_width + 12), 0)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, text_option, painter, widget)
        bar = QStyleOptionProgressBar()
        bar.initFrom(widget) if widget is not None else None
        bar.rect = QRect(option.rect.right() - bar_width - 6, option.rect.top() + 2, bar_width,
                         option.rect.height() - 4)
        bar.minimum, bar.maximum, bar.progress = 0, max(total, 1), done
        bar.text = f"{format_number(done)} / {format_number(total)}"
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
