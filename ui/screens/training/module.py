"""One training module: its lessons (read, present, handouts) and its quiz (sheet, answer key).
A trainer's own module can be edited here too; a bundled one is copied first."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from companion.i18n import N_, _, ngettext, translate_to
from companion.training.store import LessonRow, ModuleSummary, QuestionRow, TrainingError
from ui.dialogs.lesson_dialog import LessonDialog
from ui.dialogs.module_dialog import ModuleDialog
from ui.dialogs.question_dialog import QuestionDialog, choice_letter
from ui.screens.base import Screen
from ui.screens.training.base import ERROR_STYLE, TrainingContext, error_text, guarded, language_name, make_button
from ui.screens.training.printing import DocumentPrinter, file_name
from ui.undo import save_edit
from ui.widgets.rich_list import KEY_ROLE, RichList
from ui.changes import TRAINING_TYPES


class ModuleScreen(Screen):
    record_types = TRAINING_TYPES
    read_lesson_requested = Signal(str, str)  # guide slug, language
    new_session_requested = Signal(str)       # module id
    copy_requested = Signal(str)              # module id
    message = Signal(str)
    gone = Signal()  # the module shown no longer exists (deleted, or its creation undone)

    def __init__(self, context: TrainingContext, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("moduleScreen")
        self.context = context
        self.module: ModuleSummary | None = None
        self.presenter = None  # the open PresenterWindow, if any
        self.printer = DocumentPrinter(self)
        self.printer.message.connect(self.message)

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.title.setObjectName("moduleTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.details.setObjectName("moduleDetails")
        self.details.setWordWrap(True)
        self.origin = QLabel()
        self.origin.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.origin.setObjectName("moduleOrigin")
        self.origin.setWordWrap(True)
        self.present_button = make_button("presentButton", lambda: self.present(), "present")
        self.new_session_button = make_button("moduleNewSessionButton", lambda: self.new_session_requested.emit(
            self.module.id), "people")
        self.copy_button = make_button("moduleCopyButton", lambda: self.copy_requested.emit(self.module.id), "copy")
        self.edit_button = make_button("editModuleButton", self.edit_module, "edit")
        top_buttons = QHBoxLayout()
        for button in (self.present_button, self.new_session_button, self.copy_button, self.edit_button):
            top_buttons.addWidget(button)
        top_buttons.addStretch(1)

        # Lessons tab.
        self.lessons = RichList("lessonList")
        self.lessons.itemActivated.connect(lambda _item: self.read_lesson())
        self.lessons.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.read_button = make_button("readLessonButton", self.read_lesson, "guide")
        self.present_lesson_button = make_button("presentLessonButton", lambda: self.present(), "present")
        self.slides_handout_button = make_button("slidesHandoutButton", lambda: self.save_handout("slides"), "export")
        self.text_handout_button = make_button("textHandoutButton", lambda: self.save_handout("text"), "export")
        self.add_lesson_button = make_button("addLessonButton", self.add_lesson, "add")
        self.edit_lesson_button = make_button("editLessonButton", self.edit_lesson, "edit")
        self.up_button = make_button("lessonUpButton", lambda: self.move_lesson(-1))
        self.down_button = make_button("lessonDownButton", lambda: self.move_lesson(1))
        self.remove_lesson_button = make_button("removeLessonButton", self.remove_lesson, "remove")
        lesson_buttons = QHBoxLayout()
        for button in (self.read_button, self.present_lesson_button, self.slides_handout_button,
                       self.text_handout_button):
            lesson_buttons.addWidget(button)
        lesson_buttons.addStretch(1)
        self.lesson_edit_buttons = QHBoxLayout()
        for button in (self.add_lesson_button, self.edit_lesson_button, self.up_button, self.down_button,
                       self.remove_lesson_button):
            self.lesson_edit_buttons.addWidget(button)
        self.lesson_edit_buttons.addStretch(1)
        lessons_page = QWidget()
        lessons_layout = QVBoxLayout(lessons_page)
        lessons_layout.addLayout(lesson_buttons)
        lessons_layout.addWidget(self.lessons, 1)
        lessons_layout.addLayout(self.lesson_edit_buttons)

        # Quiz tab.
        self.questions = RichList("questionList")
        self.questions.itemActivated.connect(lambda _item: self.edit_question() if self._editable() else None)
        self.questions.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.quiz_intro = QLabel()
        self.quiz_intro.setWordWrap(True)
        self.quiz_sheet_button = make_button("quizSheetButton", self.save_quiz_sheet, "export")
        self.answer_key_button = make_button("answerKeyButton", self.save_answer_key, "export")
        self.add_question_button = make_button("addQuestionButton", self.add_question, "add")
        self.edit_question_button = make_button("editQuestionButton", self.edit_question, "edit")
        self.remove_question_button = make_button("removeQuestionButton", self.remove_question, "remove")
        quiz_buttons = QHBoxLayout()
        for button in (self.quiz_sheet_button, self.answer_key_button):
            quiz_buttons.addWidget(button)
        quiz_buttons.addStretch(1)
        question_edit_buttons = QHBoxLayout()
        for button in (self.add_question_button, self.edit_question_button, self.remove_question_button):
            question_edit_buttons.addWidget(button)
        question_edit_buttons.addStretch(1)
        quiz_page = QWidget()
        quiz_layout = QVBoxLayout(quiz_page)
        quiz_layout.addWidget(self.quiz_intro)
        quiz_layout.addLayout(quiz_buttons)
        quiz_layout.addWidget(self.questions, 1)
        quiz_layout.addLayout(question_edit_buttons)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("moduleTabs")
        self.tabs.addTab(lessons_page, "")
        self.tabs.addTab(quiz_page, "")
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.error.setObjectName("moduleError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.origin)
        layout.addLayout(top_buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)
        # F5 presents, as in every presentation program.
        QShortcut(QKeySequence(Qt.Key.Key_F5), self, lambda: self.present(), context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate()

    @property
    def store(self):
        return self.context.store

    def _editable(self) -> bool:
        return self.module is not None and self.module.editable

    # --- labels and data -----------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setAccessibleName(_("Training module"))
        texts = {
            self.present_button: (_("Present (F5)"), _("Present the selected lesson full screen")),
            self.new_session_button: (_("New session…"), _("New session with this module")),
            self.copy_button: (_("Copy to adapt…"), _("Copy the module to adapt it")),
            self.edit_button: (_("Edit…"), _("Edit the module's details")),
            self.read_button: (_("Read"), _("Read the lesson")),
            self.present_lesson_button: (_("Present"), _("Present the lesson")),
            self.slides_handout_button: (_("Handout: slides and notes…"), _("Save a handout of slides and notes as PDF")),
            self.text_handout_button: (_("Handout: text…"), _("Save the lesson text as PDF")),
            self.add_lesson_button: (_("Add lesson…"), _("Add a lesson")),
            self.edit_lesson_button: (_("Edit lesson…"), _("Edit the lesson")),
            self.up_button: (_("Move up"), _("Move the lesson up")),
            self.down_button: (_("Move down"), _("Move the lesson down")),
            self.remove_lesson_button: (_("Remove"), _("Remove the lesson")),
            self.quiz_sheet_button: (_("Quiz sheet…"), _("Save a blank quiz sheet as PDF")),
            self.answer_key_button: (_("Answer key…"), _("Save the answer key as PDF")),
            self.add_question_button: (_("Add question…"), _("Add a question")),
            self.edit_question_button: (_("Edit question…"), _("Edit the question")),
            self.remove_question_button: (_("Remove"), _("Remove the question")),
        }
        for button, (text, accessible) in texts.items():
            button.setText(text)
            button.setAccessibleName(accessible)
        self.tabs.setTabText(0, _("Lessons"))
        self.tabs.setTabText(1, _("Quiz"))
        self.tabs.setAccessibleName(_("Lessons and quiz"))
        self.lessons.setAccessibleName(_("Lessons"))
        self.questions.setAccessibleName(_("Quiz questions"))
        self.quiz_intro.setText(_("Participants take the quiz before and after the training: on paper (print the "
                                  "quiz sheet) or on this laptop from the session screen. The right answers are "
                                  "in the answer key."))

    def show_module(self, module_id: str) -> bool:
        try:
            self.module = self.store.module(module_id)
        except TrainingError:
            return False
        self.error.hide()
        self.refresh()
        return True

    def refresh(self) -> None:
        if self.module is None:
            return
        try:
            self.module = self.store.module(self.module.id)
        except TrainingError:
            self.module = None
            self.gone.emit()
            return
        module = self.module
        self.title.setText(module.title)
        hours, minutes = divmod(module.duration_minutes, 60)
        if hours and minutes:
            duration = _("{hours} h {minutes:02d}").format(hours=hours, minutes=minutes)
        elif hours:
            duration = _("{hours} h").format(hours=hours)  # "4 h", not "4 h 00"
        else:
            duration = _("{minutes} min").format(minutes=minutes)
        # Non-breaking spaces: "4 h 20" never splits over two lines.
        parts = [module.audience, language_name(module.language),
                 _("about {duration}").format(duration=duration).replace(" ", "\u00a0")]
        self.details.setText(" · ".join(p for p in parts if p) + ("\n" + module.summary if module.summary else ""))
        if module.editable:
            self.origin.setText(_("Your own module: you can change its lessons and quiz.") if not module.based_on else
                                _("Your copy of a module that comes with the Companion: you can change it; the "
                                  "original stays as it is."))
        else:
            self.origin.setText(_("Comes with the Companion and is updated with it. To adapt it, make a copy."))
        selected_lesson, selected_question = self._current(self.lessons), self._current(self.questions)
        self.lessons.clear()
        self._lessons = {lesson.id: lesson for lesson in self.store.lessons(module.id)}
        for number, lesson in enumerate(self._lessons.values(), start=1):
            slides = len(lesson.slides)
            facts = " · ".join([
                ngettext("{count} slide", "{count} slides", slides).format(count=slides),
                _("{minutes} min").format(minutes=lesson.minutes)])
            self.lessons.add(lesson.id, lesson.title, f"<b>{number}. {html.escape(lesson.title)}</b><br>"
                             f"{html.escape(lesson.summary)}<br><small>{html.escape(facts)}</small>")
        self.lessons.select_key(selected_lesson)
        self.questions.clear()
        self._questions = {q.id: q for q in self.store.questions(module.id)}
        for number, question in enumerate(self._questions.values(), start=1):
            choices = "<br>".join(
                ("✔ <b>" if index + 1 == question.answer else "&nbsp;&nbsp;&nbsp;")
                + f"{choice_letter(index)}. {html.escape(choice)}" + ("</b>" if index + 1 == question.answer else "")
                for index, choice in enumerate(question.choices))
            self.questions.add(question.id, question.question,
                               f"<b>{number}. {html.escape(question.question)}</b><br>{choices}"
                               f"<br><small><i>{html.escape(question.explanation)}</i></small>")
        self.questions.select_key(selected_question)
        self._update_buttons()

    @staticmethod
    def _current(widget: RichList) -> str | None:
        item = widget.currentItem()
        return item.data(KEY_ROLE) if item else None

    def current_lesson(self) -> LessonRow | None:
        return getattr(self, "_lessons", {}).get(self._current(self.lessons))

    def current_question(self) -> QuestionRow | None:
        return getattr(self, "_questions", {}).get(self._current(self.questions))

    def _update_buttons(self) -> None:
        editable, lesson = self._editable(), self.current_lesson()
        for button in (self.present_button, self.read_button, self.present_lesson_button,
                       self.slides_handout_button, self.text_handout_button):
            button.setEnabled(lesson is not None)
        for button in (self.add_lesson_button, self.add_question_button, self.edit_button):
            button.setVisible(editable)
        for button in (self.edit_lesson_button, self.up_button, self.down_button, self.remove_lesson_button):
            button.setVisible(editable)
            button.setEnabled(lesson is not None)
        for button in (self.edit_question_button, self.remove_question_button):
            button.setVisible(editable)
            button.setEnabled(self.current_question() is not None)
        has_questions = bool(getattr(self, "_questions", {}))
        self.quiz_sheet_button.setEnabled(has_questions)
        self.answer_key_button.setEnabled(has_questions)

    def _show_error(self, error: TrainingError) -> None:
        self.error.setText(error_text(error))
        self.error.show()

    @guarded
    def edit_module(self) -> None:
        if not self._editable():
            return
        module_id = self.module.id
        dialog = ModuleDialog(module=self.module, parent=self)
        if dialog.run_until_saved(lambda: save_edit(
                self.context.undo_stack, _("Edit module"),
                lambda changed: self.store.update_module(module_id, **changed), dialog.values(), self.refresh)):
            self.refresh()

    # --- lessons ---------------------------------------------------------------------------------------

    def read_lesson(self) -> None:
        lesson = self.current_lesson()
        if lesson:
            self.read_lesson_requested.emit(lesson.guide_slug, lesson.language)

    @guarded
    def present(self, lesson_id: str | None = None, start: int = 0, notes_on_same_screen: bool = False):
        """Open the presenter on a lesson (the selected one by default); returns the window."""
        from ui.screens.training.presenter import PresenterWindow  # loaded when first presenting

        lesson = self._lessons.get(lesson_id) if lesson_id else self.current_lesson()
        if lesson is None:
            return None
        slides = lesson.slides
        if not slides:
            self.message.emit(_("This lesson has no slides yet."))
            return None
        if self.presenter is not None:
            self.presenter.close()
        self.presenter = PresenterWindow(lesson.title, slides, start=start,
                                         notes_on_same_screen=notes_on_same_screen)
        self.presenter.finished.connect(self._presenter_finished)
        self.presenter.start(laptop_screen=self.window().screen())  # the slides go to the other screen
        return self.presenter

    def close_presenter(self) -> None:
        if self.presenter is not None:
            self.presenter.close()

    def _presenter_finished(self, _last: int) -> None:
        self.presenter = None
        self.window().activateWindow()

    @guarded
    def add_lesson(self) -> None:
        if not self._editable():
            return
        module_id = self.module.id
        lesson_id = self.context.undo_stack.record(
            _("Add lesson"), lambda: self.store.add_lesson(module_id, _("New lesson")), self.refresh)
        self.refresh()
        self.lessons.select_key(lesson_id)
        self.edit_lesson()

    @guarded
    def edit_lesson(self) -> None:
        lesson = self.current_lesson()
        if lesson is None or not self._editable():
            return
        dialog = LessonDialog(lesson, self)
        if dialog.run_until_saved(lambda: save_edit(
                self.context.undo_stack, _("Edit lesson"),
                lambda values: self.store.update_lesson(lesson.id, **values), dialog.values(), self.refresh)):
            self.refresh()

    @guarded
    def move_lesson(self, offset: int) -> None:
        lesson = self.current_lesson()
        if lesson is None or not self._editable():
            return
        if self.context.undo_stack.record(_("Move lesson"), lambda: self.store.move_lesson(lesson.id, offset),
                                          self.refresh):
            self.refresh()

    @guarded
    def remove_lesson(self) -> None:
        lesson = self.current_lesson()
        if lesson is None or not self._editable():
            return
        self.context.undo_stack.record(_("Remove lesson"), lambda: self.store.set_lesson_deleted(lesson.id, True),
                                       self.refresh)
        self.message.emit(_("“{name}” deleted. Press Ctrl+Z to undo.").format(name=lesson.title))
        self.refresh()

    # --- quiz ------------------------------------------------------------------------------------------

    @guarded
    def add_question(self) -> None:
        if not self._editable():
            return
        dialog, added = QuestionDialog(parent=self), []
        module_id = self.module.id
        if dialog.run_until_saved(lambda: added.append(self.context.undo_stack.record(
                _("Add question"), lambda: self.store.add_question(module_id, **dialog.values()), self.refresh))):
            self.refresh()

    @guarded
    def edit_question(self) -> None:
        question = self.current_question()
        if question is None or not self._editable():
            return
        dialog = QuestionDialog(question, self)
        if dialog.run_until_saved(lambda: save_edit(
                self.context.undo_stack, _("Edit question"),
                lambda values: self.store.update_question(question.id, **values), dialog.values(), self.refresh)):
            self.refresh()

    @guarded
    def remove_question(self) -> None:
        question = self.current_question()
        if question is None or not self._editable():
            return
        self.context.undo_stack.record(_("Remove question"),
                                       lambda: self.store.set_question_deleted(question.id, True), self.refresh)
        self.refresh()

    # --- documents -------------------------------------------------------------------------------------

    @guarded
    def save_handout(self, style: str, path=None) -> bool:
        from companion.training.report import handout_html

        lesson, module = self.current_lesson(), self.module
        if lesson is None:
            return False
        return self.printer.save_pdf(lambda: handout_html(module, self.store.lesson(lesson.id), style),
                                     file_name(lesson.title, translate_to(module.language, N_("handout"))),
                                     path=path)

    @guarded
    def save_quiz_sheet(self, path=None) -> bool:
        from companion.training.report import quiz_sheet_html

        module = self.module
        return self.printer.save_pdf(lambda: quiz_sheet_html(module, self.store.questions(module.id), None),
                                     file_name(module.title, translate_to(module.language, N_("quiz sheet"))),
                                     path=path)

    @guarded
    def save_answer_key(self, path=None) -> bool:
        from companion.training.report import answer_key_html

        module = self.module
        return self.printer.save_pdf(lambda: answer_key_html(module, self.store.questions(module.id)),
                                     file_name(module.title, translate_to(module.language, N_("answer key"))),
                                     path=path)
