"""Create or edit a pilot project: name, country, scheme, currency, start date, team."""

from __future__ import annotations

import datetime as dt
import unicodedata

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QDateEdit, QDialog, QDialogButtonBox, QFormLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout)

from companion.i18n import (OPENIMIS_COUNTRIES, _, country_code, country_name, country_names, current_language,
                            currency_name, currency_symbol, stored_country)
from companion.pilot.business_case import CURRENCIES, validate_usd_rate
from companion.pilot.store import ProjectInfo
from ui.widgets.dates import use_medium_dates


def _sort_key(name: str) -> str:
    """"Égypte" sorts with the E's: accents and case left out."""
    return "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))


def fill_countries(combo: QComboBox, language: str) -> None:
    """Every country, named in ``language`` (Babel): the countries where openIMIS runs first,
    then, after a separator, all of them in alphabetical order. Each item's data is its ISO code."""
    names = country_names(language)
    for code in sorted(OPENIMIS_COUNTRIES, key=lambda c: _sort_key(names[c])):
        combo.addItem(names[code], code)
    combo.insertSeparator(combo.count())
    for code, name in sorted(names.items(), key=lambda item: _sort_key(item[1])):
        combo.addItem(name, code)


def currency_choice(code: str, language: str) -> str:
    """"FCFA – Central African CFA Franc": the symbol amounts are written with, and the name."""
    symbol, name = currency_symbol(code, language), currency_name(code, language)
    return f"{symbol} – {name}" if name != code else code


class ProjectDialog(QDialog):
    def __init__(self, project: ProjectInfo | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("projectDialog")
        self.setWindowTitle(_("New pilot project") if project is None else _("Project details"))
        self.setMinimumWidth(460)
        self.name = QLineEdit(project.name if project else "")
        self.name.setObjectName("projectName")
        self.name.setAccessibleName(_("Project name"))
        self.country = QComboBox()
        self.country.setObjectName("projectCountry")
        self.country.setEditable(True)
        fill_countries(self.country, current_language())
        self.country.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.country.model(), self.country)  # "gui" finds Guinea and Guinea-Bissau
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.country.setCompleter(completer)
        # The stored name (English, or what was typed) shown in the interface language.
        self._stored_country = project.country if project else ""
        self._shown_country = country_name(self._stored_country, current_language())
        self.country.setCurrentText(self._shown_country)
        self.country.setAccessibleName(_("Country"))
        self.scheme = QLineEdit(project.scheme if project else "")
        self.scheme.setObjectName("projectScheme")
        self.scheme.setAccessibleName(_("Health financing scheme"))
        self.currency = QComboBox()
        self.currency.setObjectName("projectCurrency")
        for code in CURRENCIES:
            self.currency.addItem(currency_choice(code, current_language()), code)
        self.currency.setCurrentIndex(max(0, self.currency.findData(project.currency if project else "USD")))
        self.currency.setAccessibleName(_("Currency"))
        self.usd_rate = QLineEdit((project.usd_rate or "") if project else "")
        self.usd_rate.setObjectName("projectUsdRate")
        self.usd_rate.setAccessibleName(_("Exchange rate: units of the currency per US dollar"))
        self.usd_rate.setPlaceholderText(_("for example 600"))
        self.start = QDateEdit()
        self.start.setObjectName("projectStart")
        self.start.setCalendarPopup(True)
        use_medium_dates(self.start)
        self.start.setDate(QDate(project.start_date) if project and project.start_date else QDate.currentDate())
        self.start.setAccessibleName(_("Start date"))
        self.team = QPlainTextEdit("\n".join(project.team) if project else "")
        self.team.setObjectName("projectTeam")
        self.team.setAccessibleName(_("Team members"))
        self.team.setPlaceholderText(_("One name per line"))
        self.team.setTabChangesFocus(True)
        self.team.setMaximumHeight(90)
        self.worked_example = QCheckBox(_("Start the business case from the worked example"))
        self.worked_example.setObjectName("workedExample")
        self.worked_example.setAccessibleName(_("Start the business case from the worked example"))
        self.worked_example.setChecked(True)
        self.worked_example.setVisible(project is None)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.error.setObjectName("projectDialogError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        form.addRow(_("&Name:"), self.name)
        form.addRow(_("C&ountry:"), self.country)
        form.addRow(_("&Scheme:"), self.scheme)
        form.addRow(_("C&urrency:"), self.currency)
        form.addRow(_("US dollar &rate:"), self.usd_rate)
        form.addRow(_("Start &date:"), self.start)
        form.addRow(_("&Team:"), self.team)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("projectDialogOk")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.worked_example)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if not self.name.text().strip():
            return self._refuse(_("Give the project a name."), self.name)
        rate, error = validate_usd_rate(self.usd_rate.text(), current_language())
        if error:
            return self._refuse(_("The US dollar rate must be a number above 0, for example 600."), self.usd_rate)
        if (self.worked_example.isVisible() and self.worked_example.isChecked()
                and self.currency.currentData() != "USD" and rate is None):
            return self._refuse(_("The worked example is in US dollars: give the rate of your currency "
                                  "(units per US dollar) to convert it, or untick it."), self.usd_rate)
        super().accept()

    def _refuse(self, message: str, field) -> None:
        self.error.setText(message)
        self.error.show()
        field.setFocus()

    def stored_country(self) -> str:
        """The country as it is stored: unchanged when the user left it as it was (so an older
        spelling stays), else the English name of the country chosen or typed in any language."""
        text = self.country.currentText().strip()
        if text == self._shown_country or (country_code(text) and country_code(text) == country_code(
                self._stored_country)):
            return self._stored_country
        return stored_country(text)

    def values(self) -> dict:
        return {
            "name": self.name.text().strip(),
            "country": self.stored_country(),
            "scheme": self.scheme.text().strip(),
            "currency": self.currency.currentData(),
            "start_date": self.start.date().toPython() if isinstance(self.start.date().toPython(), dt.date) else None,
            "team": [line.strip() for line in self.team.toPlainText().splitlines() if line.strip()],
            "usd_rate": str(rate) if (rate := validate_usd_rate(self.usd_rate.text(), current_language())[0]) else None,
        }
