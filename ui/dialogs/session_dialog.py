"""Create a training session (module, dates, place, trainer) or edit its details."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QSpinBox, QVBoxLayout)

from companion.i18n import _
from companion.training.store import MAX_DAYS, ModuleSummary, SessionInfo
from ui.screens.training.base import ERROR_STYLE, language_name


class SessionDialog(QDialog):
    """``modules`` to choose from for a new session; ``session`` to edit an existing one."""

    def __init__(self, modules: list[ModuleSummary] | None = None, session: SessionInfo | None = None,
                 chosen_module: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionDialog")
        self.setWindowTitle(_("New training session") if session is None else _("Session details"))
        self.setMinimumWidth(500)
        self.module = QComboBox()
        self.module.setObjectName("sessionModule")
        self.module.setAccessibleName(_("Training module"))
        for module in modules or []:
            self.module.addItem(f"{module.title} ({language_name(module.language)})", module.id)
        if chosen_module:
            self.module.setCurrentIndex(max(0, self.module.findData(chosen_module)))
        self.start = QDateEdit()
        self.start.setObjectName("sessionStart")
        self.start.setCalendarPopup(True)
        self.start.setDate(QDate(session.start_date) if session else QDate.currentDate())
        self.start.setAccessibleName(_("First day"))
        self.days = QSpinBox()
        self.days.setObjectName("sessionDays")
        self.days.setRange(1, MAX_DAYS)
        self.days.setValue(session.days if session else 1)
        self.days.setAccessibleName(_("Number of days"))
        self.place = QLineEdit(session.place if session else "")
        self.place.setObjectName("sessionPlace")
        self.place.setAccessibleName(_("Place"))
        self.place.setPlaceholderText(_("for example: District hospital meeting room, Dodoma"))
        self.trainer = QLineEdit(session.trainer if session else "")
        self.trainer.setObjectName("sessionTrainer")
        self.trainer.setAccessibleName(_("Trainer"))
        self.pass_mark = QSpinBox()
        self.pass_mark.setObjectName("sessionPassMark")
        self.pass_mark.setRange(0, 100)
        self.pass_mark.setSuffix(" %")
        self.pass_mark.setAccessibleName(_("Pass mark"))
        self.quiz_size = QSpinBox()
        self.quiz_size.setObjectName("sessionQuizSize")
        self.quiz_size.setRange(0, 200)
        self.quiz_size.setAccessibleName(_("Questions in the quiz"))
        if session:
            self.pass_mark.setValue(session.pass_mark)
            self.quiz_size.setValue(session.quiz_size)
        self.notes = QPlainTextEdit(session.notes if session else "")
        self.notes.setObjectName("sessionNotes")
        self.notes.setAccessibleName(_("Notes"))
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(80)
        self.error = QLabel()
        self.error.setObjectName("sessionDialogError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        if session is None:
            form.addRow(_("&Module:"), self.module)
        else:
            form.addRow(_("Module:"), QLabel(f"{session.module_title} ({language_name(session.language)})"))
        form.addRow(_("&First day:"), self.start)
        form.addRow(_("&Days:"), self.days)
        form.addRow(_("&Place:"), self.place)
        form.addRow(_("&Trainer:"), self.trainer)
        if session is not None:
            form.addRow(_("Pass &mark:"), self.pass_mark)
            form.addRow(_("&Questions in the quiz:"), self.quiz_size)
        form.addRow(_("&Notes:"), self.notes)
        hint = QLabel(_("The session is given in the module's language: its handouts, sheets and certificates "
                        "are printed in that language."))
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("sessionDialogOk")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if session is None:
            layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if self.module.count() == 0 and self.module.isVisible():
            self.show_error(_("There is no training module to run yet."))
            return
        super().accept()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def module_id(self) -> str | None:
        return self.module.currentData()

    def values(self, editing: bool = False) -> dict:
        values = {"start_date": self.start.date().toPython(), "days": self.days.value(),
                  "place": self.place.text(), "trainer": self.trainer.text(), "notes": self.notes.toPlainText()}
        if editing:
            values.update(pass_mark=self.pass_mark.value(), quiz_size=self.quiz_size.value())
        assert isinstance(values["start_date"], dt.date)
        return values
