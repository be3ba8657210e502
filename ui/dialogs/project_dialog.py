"""Create or edit a pilot project: name, country, scheme, currency, start date, team."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QLineEdit, QPlainTextEdit, QVBoxLayout)

from companion.i18n import _, current_language
from companion.pilot.business_case import CURRENCIES, validate_usd_rate
from companion.pilot.store import ProjectInfo
from ui.widgets.date_field import DateField

# Countries where openIMIS runs (CONTENT-FACTS); the field accepts any other name too.
COUNTRIES = ("Cameroon", "Chad", "DR Congo", "Gambia", "Mauritania", "Nepal", "Niger", "Tanzania")


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
        self.country.addItems(COUNTRIES)
        self.country.setCurrentText(project.country if project else "")
        self.country.setAccessibleName(_("Country"))
        self.scheme = QLineEdit(project.scheme if project else "")
        self.scheme.setObjectName("projectScheme")
        self.scheme.setAccessibleName(_("Health financing scheme"))
        self.currency = QComboBox()
        self.currency.setObjectName("projectCurrency")
        self.currency.addItems(CURRENCIES)
        self.currency.setCurrentText(project.currency if project else "USD")
        self.currency.setAccessibleName(_("Currency"))
        self.usd_rate = QLineEdit((project.usd_rate or "") if project else "")
        self.usd_rate.setObjectName("projectUsdRate")
        self.usd_rate.setAccessibleName(_("Exchange rate: units of the currency per US dollar"))
        self.usd_rate.setPlaceholderText(_("for example 600"))
        self.start = DateField()
        self.start.setObjectName("projectStart")
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
                and self.currency.currentText() != "USD" and rate is None):
            return self._refuse(_("The worked example is in US dollars: give the rate of your currency "
                                  "(units per US dollar) to convert it, or untick it."), self.usd_rate)
        super().accept()

    def _refuse(self, message: str, field) -> None:
        self.error.setText(message)
        self.error.show()
        field.setFocus()

    def values(self) -> dict:
        return {
            "name": self.name.text().strip(),
            "country": self.country.currentText().strip(),
            "scheme": self.scheme.text().strip(),
            "currency": self.currency.currentText(),
            "start_date": self.start.date().toPython() if isinstance(self.start.date().toPython(), dt.date) else None,
            "team": [line.strip() for line in self.team.toPlainText().splitlines() if line.strip()],
            "usd_rate": str(rate) if (rate := validate_usd_rate(self.usd_rate.text(), current_language())[0]) else None,
        }
