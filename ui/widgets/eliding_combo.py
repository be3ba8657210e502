"""A combo box that ends a choice too long for it with "…" (and names it in full in its tooltip),
instead of cutting it mid-letter as Qt's own styles do when a narrow window squeezes it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter


class ElidingComboBox(QComboBox):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.currentTextChanged.connect(self._name_in_full)

    def _name_in_full(self, text: str) -> None:
        self.setToolTip(text if self.is_elided() else "")

    def shown_text(self) -> str:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        room = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                           QStyle.SubControl.SC_ComboBoxEditField, self).width()
        return self.fontMetrics().elidedText(self.currentText(), Qt.TextElideMode.ElideRight, max(0, room))

    def is_elided(self) -> bool:
        return self.shown_text() != self.currentText()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._name_in_full(self.currentText())

    def paintEvent(self, event) -> None:
        if self.isEditable():
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
