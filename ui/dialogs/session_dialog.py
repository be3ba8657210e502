"""Create a training session (module, dates, place, trainer) or edit its details."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QSpinBox

from companion.i18n import SUPPORTED_LANGUAGES, _, current_language
from companion.training.store import MAX_DAYS, ModuleSummary, SessionInfo
from ui.dialogs.form_dialog import FormDialog
from ui.screens.training.base import language_name
from ui.widgets.dates import use_medium_dates


class SessionDialog(FormDialog):
    """``modules`` to choose from for a new session; ``session`` to edit an existing one."""

    def __init__(self, modules: list[ModuleSummary] | None = None, session: SessionInfo | None = None,
                 chosen_module: str | None = None, parent=None) -> None:
        super().__init__("sessionDialog", parent)
        self.setWindowTitle(_("New training session") if session is None else _("Session details"))
        self.setMinimumWidth(580)  # the place's example reads whole in French
        # The language of the session picks the module's version in that language.
        self._modules = list(modules or [])
        chosen = next((m for m in self._modules if m.id == chosen_module), None)
        self.language = QComboBox()
        self.language.setObjectName("sessionLanguage")
        self.language.setAccessibleName(_("Language of the session"))
        for code in SUPPORTED_LANGUAGES:
            self.language.addItem(language_name(code), code)
        self.language.setCurrentIndex(max(0, self.language.findData(chosen.language if chosen else current_language())))
        self.module = QComboBox()
        self.module.setObjectName("sessionModule")
        self.module.setAccessibleName(_("Training module"))
        self.no_module = QLabel()
        self.no_module.setObjectName("sessionNoModule")
        self.no_module.setWordWrap(True)
        self._fill_modules(chosen.slug if chosen else None)
        self.language.currentIndexChanged.connect(lambda _index: self._fill_modules(self._current_slug()))
        self.start = QDateEdit()
        self.start.setObjectName("sessionStart")
        self.start.setCalendarPopup(True)
        use_medium_dates(self.start)
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

        form = QFormLayout()
        if session is None:
            form.addRow(_("&Language:"), self.language)
            form.addRow(_("&Module:"), self.module)
            form.addRow(self.no_module)
        else:
            module = QLabel(f"{session.module_title} ({language_name(session.language, in_sentence=True)})")
            module.setTextFormat(Qt.TextFormat.PlainText)  # a module's title is text, never markup
            form.addRow(_("Module:"), module)
        form.addRow(_("&First day:"), self.start)
        form.addRow(_("&Days:"), self.days)
        form.addRow(_("&Place:"), self.place)
        form.addRow(_("&Trainer:"), self.trainer)
        if session is not None:
            form.addRow(_("Pass &mark:"), self.pass_mark)
            form.addRow(_("&Questions in the quiz:"), self.quiz_size)
        form.addRow(_("&Notes:"), self.notes)
        hint = QLabel(_("Handouts, sheets and certificates are printed in the language of the session."))
        hint.setWordWrap(True)
        self.lay_out(form, *([hint] if session is None else []))

    def _current_slug(self) -> str | None:
        module = next((m for m in self._modules if m.id == self.module.currentData()), None)
        return module.slug if module else None

    def _fill_modules(self, keep_slug: str | None) -> None:
        """The modules in the chosen language, keeping the same module when it exists in it."""
        language = self.language.currentData()
        self.module.clear()
        for module in self._modules:
            if module.language == language:
                self.module.addItem(module.title, module.id)
                if module.slug == keep_slug:
                    self.module.setCurrentIndex(self.module.count() - 1)
        self.no_module.setText(_("No module in {language} yet: copy one and translate it, or choose another "
                                 "language.").format(language=language_name(language, in_sentence=True)))
        self.no_module.setVisible(self.module.count() == 0)

    def accept(self) -> None:
        if self.module.count() == 0 and self.module.isVisible():
            self.show_error(_("There is no training module to run yet."))
            return
        super().accept()


    def module_id(self) -> str | None:
        return self.module.currentData()

    def values(self, editing: bool = False) -> dict:
        values = {"start_date": self.start.date().toPython(), "days": self.days.value(),
                  "place": self.place.text(), "trainer": self.trainer.text(), "notes": self.notes.toPlainText()}
        if editing:
            values.update(pass_mark=self.pass_mark.value(), quiz_size=self.quiz_size.value())
        assert isinstance(values["start_date"], dt.date)
        return values
