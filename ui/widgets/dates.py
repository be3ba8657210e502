"""Date editors that show dates as the rest of the app writes them: Babel's medium format in the
interface language ("3 Dec 2026" / "3 déc. 2026"), never Qt's short "12/3/26"."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit

from companion.i18n import current_language, format_locale_name, qt_date_format


def use_medium_dates(editor: QDateTimeEdit, language: str | None = None) -> None:
    """Show ``editor``'s date in the medium format of ``language`` (default: the interface's),
    month names included. Call again when the language changes."""
    language = language or current_language()
    locale = QLocale(format_locale_name(language))
    editor.setLocale(locale)
    if editor.calendarWidget() is not None:
        editor.calendarWidget().setLocale(locale)
    display = qt_date_format(language)
    if not isinstance(editor, QDateEdit):  # a date and a time: the time as the language writes it
        display += " " + locale.timeFormat(QLocale.FormatType.ShortFormat)
    editor.setDisplayFormat(display)
