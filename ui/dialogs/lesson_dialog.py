"""Edit a lesson of a trainer's own module: title, summary, minutes and the slides in Markdown."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QSpinBox

from companion.i18n import _, ngettext
from companion.training.slides import split_slides
from companion.training.store import LessonRow
from ui.dialogs.form_dialog import FormDialog


class LessonDialog(FormDialog):
    def __init__(self, lesson: LessonRow, parent=None) -> None:
        super().__init__("lessonDialog", parent)
        self.setWindowTitle(_("Edit lesson"))
        self.resize(760, 600)
        self.title = QLineEdit(lesson.title)
        self.title.setObjectName("lessonTitle")
        self.title.setAccessibleName(_("Lesson title"))
        self.summary = QLineEdit(lesson.summary)
        self.summary.setObjectName("lessonSummary")
        self.summary.setAccessibleName(_("Summary"))
        self.minutes = QSpinBox()
        self.minutes.setObjectName("lessonMinutes")
        self.minutes.setRange(1, 10_000)
        self.minutes.setValue(lesson.minutes)
        self.minutes.setSuffix(" " + _("min"))
        self.minutes.setAccessibleName(_("Minutes"))
        self.body = QPlainTextEdit(lesson.body_markdown)
        self.body.setObjectName("lessonBody")
        self.body.setAccessibleName(_("Slides and speaker notes"))
        self.body.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.body.textChanged.connect(self._count)
        help_text = QLabel(_("Start each slide with a “## ” title. Put a line holding only --- between slides, "
                             "and a line holding only ??? before the speaker notes of a slide."))
        help_text.setWordWrap(True)
        self.slide_count = QLabel()
        self.slide_count.setObjectName("lessonSlideCount")
        form = QFormLayout()
        form.addRow(_("&Title:"), self.title)
        form.addRow(_("&Summary:"), self.summary)
        form.addRow(_("&Minutes:"), self.minutes)
        self.lay_out(form, help_text, self.body, self.slide_count, stretch=self.body)
        self._count()
        self._original = self.values()

    def _count(self) -> None:
        slides = split_slides(self.body.toPlainText())
        untitled = sum(1 for slide in slides if not slide.title)
        text = ngettext("{count} slide", "{count} slides", len(slides)).format(count=len(slides))
        if untitled:
            text += " · " + ngettext("{count} slide has no title", "{count} slides have no title",
                                     untitled).format(count=untitled)
        self.slide_count.setText(text)

    def accept(self) -> None:
        if not self.title.text().strip():
            self.show_error(_("Enter a title."))
            return
        if not split_slides(self.body.toPlainText()):
            self.show_error(_("A lesson needs at least one slide."))
            return
        super().accept()

    def reject(self) -> None:
        """Esc or Cancel with changes typed: ask before throwing them away."""
        if self.values() != self._original:
            box = QMessageBox(QMessageBox.Icon.Question, _("Edit lesson"), _("Discard the changes to this lesson?"),
                              QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel, self)
            box.setObjectName("confirmDiscardLesson")
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if box.exec() != QMessageBox.StandardButton.Discard:
                return
        super().reject()


    def values(self) -> dict:
        return {"title": self.title.text(), "summary": self.summary.text(), "minutes": self.minutes.value(),
                "body_markdown": self.body.toPlainText()}
