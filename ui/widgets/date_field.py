"""A date field that is one stop for the keyboard and reads as a date to a screen reader.

Qt's QDateEdit makes Tab walk through its day, month and year (three stops that a screen reader
announces with the same name), and reports its value as 0.0. Here Tab and Shift+Tab leave the
field; Left/Right move between day, month and year and Up/Down change them, as before; the
accessible description carries the date in words ("1 March 2027"), updated as it changes."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QWidget

from companion.i18n import _, format_date
from ui.widgets.dates import use_medium_dates


class DateField(QDateEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        use_medium_dates(self)
        self.dateChanged.connect(lambda _date: self._describe())
        self._describe()

    def focusNextPrevChild(self, forward: bool) -> bool:
        # QDateTimeEdit moves between its sections here; a field is one stop: move to the next widget.
        return QWidget.focusNextPrevChild(self, forward)

    def _describe(self) -> None:
        date = self.date()
        if not self.isEnabled():
            self.setAccessibleDescription(_("No date"))
        elif isinstance(date, QDate) and date.isValid():
            self.setAccessibleDescription(format_date(date.toPython(), "long"))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.LanguageChange:
            use_medium_dates(self)
        self._describe()  # enabled or disabled, or a new language: the words follow
