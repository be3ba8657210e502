"""One training session: its details and documents on top, then the register, attendance,
quiz and feedback, and summary tabs."""

from __future__ import annotations

import dataclasses
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout

from companion.i18n import N_, _, translated
from companion.training.store import SessionInfo, TrainingError
from ui.dialogs.session_dialog import SessionDialog
from ui.icons import icon
from ui.screens.base import Screen
from ui.screens.training.attendance import AttendanceTab
from ui.screens.training.base import TrainingContext, guarded, language_name
from ui.screens.training.overview import session_dates
from ui.screens.training.printing import DocumentPrinter, file_name
from ui.screens.training.register import RegisterTab
from ui.screens.training.scores import ScoresTab
from ui.screens.training.summary import SummaryTab
from ui.sharing import SharePlace
from ui.undo import save_edit
from ui.changes import TRAINING_TYPES

# The documents a trainer prints for a session (each says itself whether it is printed landscape).
DOCUMENTS = {
    "attendance": N_("Attendance sheet to sign"),
    "report": N_("Session report"),
    "certificates": N_("Certificates of attendance"),
    "quiz": N_("Blank quiz sheet"),
    "key": N_("Quiz answer key"),
}


class SessionScreen(Screen):
    record_types = TRAINING_TYPES
    open_module_requested = Signal(str)
    message = Signal(str)
    gone = Signal()  # the session shown no longer exists (deleted, or its creation undone)

    def __init__(self, context: TrainingContext, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionScreen")
        self.context = context
        self.info: SessionInfo | None = None
        self.printer = DocumentPrinter(self)
        self.printer.message.connect(self.message)
        self.printer.busy_changed.connect(lambda busy: self._update_buttons())
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.title.setObjectName("sessionTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.details.setObjectName("sessionDetails")
        self.details.setWordWrap(True)
        self.share_place = SharePlace(context.sharing)
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("editSessionButton")
        self.edit_button.setIcon(icon("edit"))
        self.edit_button.clicked.connect(self.edit_session)
        self.module_button = QPushButton()
        self.module_button.setObjectName("sessionModuleButton")
        self.module_button.setIcon(icon("training"))
        self.module_button.clicked.connect(self._open_module)
        self.document_label = QLabel()
        self.document = QComboBox()
        self.document.setObjectName("sessionDocument")
        self.document_label.setBuddy(self.document)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveDocumentButton")
        self.save_button.setIcon(icon("export"))
        self.save_button.clicked.connect(lambda: self.save_document(self.document.currentData()))
        self.print_button = QPushButton()
        self.print_button.setObjectName("printDocumentButton")
        self.print_button.setIcon(icon("print"))
        self.print_button.clicked.connect(lambda: self.print_document(self.document.currentData()))
        top = QHBoxLayout()
        top.addWidget(self.edit_button)
        top.addWidget(self.module_button)
        top.addStretch(1)
        top.addWidget(self.document_label)
        top.addWidget(self.document)
        top.addWidget(self.save_button)
        top.addWidget(self.print_button)

        self.register = RegisterTab(context)
        self.attendance = AttendanceTab(context)
        self.scores = ScoresTab(context)
        self.summary = SummaryTab(context)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("sessionTabs")
        for tab in self.session_tabs():
            self.tabs.addTab(tab, "")
            tab.message.connect(self.message)
        self.tabs.currentChanged.connect(lambda index: self.tabs.widget(index).refresh())
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.share_place)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def session_tabs(self):
        return (self.register, self.attendance, self.scores, self.summary)

    @property
    def store(self):
        return self.context.store

    def retranslate(self) -> None:
        self.setAccessibleName(_("Training session"))
        self.edit_button.setText(_("Edit…"))
        self.edit_button.setAccessibleName(_("Edit the session's details"))
        self.module_button.setText(_("Open the module"))
        self.module_button.setAccessibleName(_("Open the module of this session"))
        self.document_label.setText(_("&Document:"))
        self.document.setAccessibleName(_("Document to print"))
        chosen = self.document.currentData()
        self.document.clear()
        for key, label in DOCUMENTS.items():
            self.document.addItem(translated(label), key)
        self.document.setCurrentIndex(max(0, self.document.findData(chosen)))
        self.save_button.setText(_("Save as PDF…"))
        self.save_button.setAccessibleName(_("Save the document as PDF"))
        self.print_button.setText(_("Print…"))
        self.print_button.setAccessibleName(_("Print the document"))
        self.tabs.setAccessibleName(_("Session"))
        for index, tab in enumerate(self.session_tabs()):
            self.tabs.setTabText(index, tab.tab_title())

    def show_session(self, session_id: str) -> bool:
        try:
            self.info = self.store.training_session(session_id)
        except TrainingError:
            return False
        for tab in self.session_tabs():
            tab.session_id = session_id
            tab.error.hide()
        self.refresh()
        return True

    def refresh(self) -> None:
        if self.info is None:
            return
        try:
            self.info = self.store.training_session(self.info.id)
        except TrainingError:
            self.info = None
            self.gone.emit()
            return
        info = self.info
        self.title.setText(info.module_title)
        parts = [session_dates(info), info.place, _("Trainer: {name}").format(name=info.trainer) if info.trainer else "",
                 _("in {language}").format(language=language_name(info.language, in_sentence=True))]
        self.details.setText(" · ".join(part for part in parts if part))
        self.share_place.show_record(info.id, info.workspace, info.module_title)
        self.tabs.currentWidget().refresh()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.save_button.setEnabled(not self.printer.busy)
        self.print_button.setEnabled(not self.printer.busy)

    @guarded
    def _open_module(self) -> None:
        module = self.store.module_by_slug(self.info.module_slug, self.info.language)
        if module is None:
            self.message.emit(_("The module of this session has been deleted."))
        else:
            self.open_module_requested.emit(module.id)

    @guarded
    def edit_session(self) -> None:
        if self.info is None:
            return
        session_id = self.info.id
        dialog = SessionDialog(session=self.info, parent=self)
        if dialog.run_until_saved(lambda: save_edit(
                self.context.undo_stack, _("Edit session"),
                lambda values: self.store.update_session(session_id, **values), dialog.values(editing=True),
                self.refresh)):
            self.refresh()

    # --- documents ---------------------------------------------------------------------------------

    def document_html(self, kind: str) -> str:
        from companion.training import report
        from companion.training.results import summarise

        info = self.store.training_session(self.info.id)
        participants = self.store.participants(info.id)
        if kind == "attendance":
            return report.attendance_sheet_html(info, participants)
        if kind == "report":
            return report.session_report_html(info, participants, summarise(info, participants))
        if kind == "certificates":
            return report.certificates_html(info, participants)
        module = self.store.module_by_slug(info.module_slug, info.language)
        if module is None:
            raise TrainingError("unknown_module")
        module = dataclasses.replace(module, pass_mark=info.pass_mark)  # the session's pass mark counts
        questions = self.store.questions(module.id)
        if kind == "quiz":
            return report.quiz_sheet_html(module, questions, info)
        return report.answer_key_html(module, questions)

    def _can_print(self, kind: str) -> bool:
        if kind == "certificates" and self.summary_certificates() == 0:
            self.message.emit(_("No certificate to print yet: a certificate needs presence every day and a "
                                "passed post-quiz."))
            return False
        if kind in ("quiz", "key") and self.store.module_by_slug(self.info.module_slug, self.info.language) is None:
            self.message.emit(_("The module of this session has been deleted."))
            return False
        return True

    def summary_certificates(self) -> int:
        from companion.training.results import summarise

        return summarise(self.info, self.store.participants(self.info.id)).certificates

    @guarded
    def save_document(self, kind: str, path=None) -> bool:
        if self.info is None or not self._can_print(kind):
            return False
        label = DOCUMENTS[kind]
        from companion.i18n import translate_to

        name = file_name(translate_to(self.info.language, label), self.info.module_title, self.info.place)
        return self.printer.save_pdf(lambda: self.document_html(kind), name, path=path)

    @guarded
    def print_document(self, kind: str) -> bool:
        if self.info is None or not self._can_print(kind):
            return False
        return self.printer.print_document(lambda: self.document_html(kind))
