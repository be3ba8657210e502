"""A trainer's own module: its title, summary, audience (and language, when it is new)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QSpinBox

from companion.i18n import SUPPORTED_LANGUAGES, _, current_language
from companion.training.store import ModuleSummary
from ui.dialogs.form_dialog import FormDialog
from ui.screens.training.base import language_name


class ModuleDialog(FormDialog):
    def __init__(self, module: ModuleSummary | None = None, copy_of: ModuleSummary | None = None,
                 parent=None) -> None:
        super().__init__("moduleDialog", parent)
        self.setMinimumWidth(480)
        if copy_of is not None:
            self.setWindowTitle(_("Copy a module to adapt it"))
        else:
            self.setWindowTitle(_("New training module") if module is None else _("Module details"))
        self.title = QLineEdit()
        self.title.setObjectName("moduleTitle")
        self.title.setAccessibleName(_("Module title"))
        self.language = QComboBox()
        self.language.setObjectName("moduleLanguage")
        self.language.setAccessibleName(_("Language of the module"))
        for code in SUPPORTED_LANGUAGES:
            self.language.addItem(language_name(code), code)
        self.language.setCurrentIndex(self.language.findData(current_language()))
        self.summary = QPlainTextEdit()
        self.summary.setObjectName("moduleSummary")
        self.summary.setAccessibleName(_("Summary"))
        self.summary.setTabChangesFocus(True)
        self.summary.setMaximumHeight(80)
        self.audience = QLineEdit()
        self.audience.setObjectName("moduleAudience")
        self.audience.setAccessibleName(_("Audience"))
        self.duration = QSpinBox()
        self.duration.setObjectName("moduleDuration")
        self.duration.setRange(1, 10_000)
        self.duration.setSuffix(" " + _("min"))
        self.duration.setAccessibleName(_("Duration in minutes"))
        self.pass_mark = QSpinBox()
        self.pass_mark.setObjectName("modulePassMark")
        self.pass_mark.setRange(0, 100)
        self.pass_mark.setSuffix(" %")
        self.pass_mark.setAccessibleName(_("Pass mark"))
        form = QFormLayout()
        form.addRow(_("&Title:"), self.title)
        if copy_of is not None:
            self.title.setText(_("{title} (our version)").format(title=copy_of.title))
            note = QLabel(_("The copy is yours to change. The original stays as it is and still receives updates."))
            note.setWordWrap(True)
            form.addRow(note)
        elif module is None:
            form.addRow(_("&Language:"), self.language)
            form.addRow(_("&Summary:"), self.summary)
            form.addRow(_("&Audience:"), self.audience)
        else:
            self.title.setText(module.title)
            self.summary.setPlainText(module.summary)
            self.audience.setText(module.audience)
            self.duration.setValue(module.duration_minutes)
            self.pass_mark.setValue(module.pass_mark)
            form.addRow(_("&Summary:"), self.summary)
            form.addRow(_("&Audience:"), self.audience)
            form.addRow(_("&Duration:"), self.duration)
            form.addRow(_("Pass &mark:"), self.pass_mark)
        self.lay_out(form)

    def accept(self) -> None:
        if not self.title.text().strip():
            self.show_error(_("Enter a title."))
            self.title.setFocus()
            return
        super().accept()


    def values(self) -> dict:
        """The module's details as edited (an existing module)."""
        return {"title": self.title.text(), "summary": self.summary.toPlainText(), "audience": self.audience.text(),
                "duration_minutes": self.duration.value(), "pass_mark": self.pass_mark.value()}
