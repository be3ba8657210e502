"""Edit a lesson of a trainer's own module: title, summary, minutes and the slides in Markdown,
with the lesson shown beside the Markdown as it will look (slide by slide, notes under each)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QFormLayout, QGridLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit, QSpinBox,
                               QSplitter, QVBoxLayout, QWidget)

from companion.content.render import render_markdown
from companion.i18n import _, ngettext
from companion.training.slides import NOTES_MARKER, SLIDE_SEPARATOR, Slide, split_slides
from companion.training.store import LessonRow
from ui.dialogs.form_dialog import FormDialog
from ui.widgets.guide_browser import GuideBrowser

PREVIEW_DELAY_MS = 250  # re-draw the preview once typing pauses, not on every key


def slide_anchor(index: int) -> str:
    return f"slide-{index + 1}"


def preview_html(slides: list[Slide]) -> str:
    """The lesson as the preview shows it: each slide under its number, its notes in a box below.
    The Markdown is rendered (and sanitised) as the presenter and the reader do."""
    parts = []
    for index, slide in enumerate(slides):
        label = _("Slide {number} of {total}").format(number=index + 1, total=len(slides))
        if not slide.title:
            label += " · " + _("no title")
        parts.append(f'<p id="{slide_anchor(index)}" style="color: gray; font-size: small;">'
                     f"{html.escape(label)}</p>")
        parts.append(render_markdown(slide.body_markdown).html if slide.body_markdown else "")
        if slide.notes_markdown:
            notes_heading = html.escape(_("Speaker notes"))
            parts.append('<table width="100%" cellpadding="6" style="'
                         ' border: 1px solid gray;"><tr><td>'
                         f"<p><b>{notes_heading}</b></p>"
                         f"{render_markdown(slide.notes_markdown).html}</td></tr></table>")
        parts.append("<hr>")
    return "".join(parts)


def separators_help() -> QWidget:
    """How a lesson is written: the three markers, each with what it does."""
    box = QWidget()
    box.setObjectName("lessonSyntaxHelp")
    grid = QGridLayout(box)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(12)
    grid.setVerticalSpacing(2)
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    rows = [("## " + _("Title"), _("starts a slide; its first heading is the slide's title")),
            (SLIDE_SEPARATOR, _("on a line of its own: the next slide begins")),
            (NOTES_MARKER, _("on a line of its own: what follows, up to the next ---, are your speaker notes "
                             "(shown to you, never on the projected slide)"))]
    for row, (marker, meaning) in enumerate(rows):
        code = QLabel(marker)
        code.setTextFormat(Qt.TextFormat.PlainText)
        code.setFont(fixed)
        text = QLabel(meaning)
        text.setWordWrap(True)
        grid.addWidget(code, row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(text, row, 1)
    other = QLabel(_("The rest is Markdown: - for a list item, **bold**, *italics*, and pictures."))
    other.setWordWrap(True)
    grid.addWidget(other, len(rows), 0, 1, 2)
    grid.setColumnStretch(1, 1)
    return box


class LessonDialog(FormDialog):
    def __init__(self, lesson: LessonRow, parent=None) -> None:
        super().__init__("lessonDialog", parent)
        self.setWindowTitle(_("Edit lesson"))
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(1180, screen.width() - 40), min(720, screen.height() - 60))
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
        self.body.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.body.textChanged.connect(self._count)
        self.body.textChanged.connect(self._preview_timer_start)
        self.body.cursorPositionChanged.connect(self._follow_cursor)
        self.slide_count = QLabel()
        self.slide_count.setObjectName("lessonSlideCount")

        self.preview = GuideBrowser()
        self.preview.setObjectName("lessonPreview")
        self.preview.setAccessibleName(_("Preview of the lesson"))
        self.preview_heading = QLabel(_("&Preview"))
        self.preview_heading.setBuddy(self.preview)
        self.editor_heading = QLabel(_("Slides and &notes (Markdown)"))
        self.editor_heading.setBuddy(self.body)
        editor_side, preview_side = QWidget(), QWidget()
        editor_layout = QVBoxLayout(editor_side)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        editor_layout.addWidget(self.editor_heading)
        editor_layout.addWidget(self.body, 1)
        editor_layout.addWidget(self.slide_count)
        preview_layout = QVBoxLayout(preview_side)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        preview_layout.addWidget(self.preview_heading)
        preview_layout.addWidget(self.preview, 1)
        splitter = QSplitter()
        splitter.setObjectName("lessonSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(editor_side)
        splitter.addWidget(preview_side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1000, 1000])  # half each

        form = QFormLayout()
        form.addRow(_("&Title:"), self.title)
        form.addRow(_("&Summary:"), self.summary)
        form.addRow(_("&Minutes:"), self.minutes)
        self.lay_out(form, separators_help(), splitter, stretch=splitter)
        self._preview_timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self.update_preview)
        self._count()
        self.update_preview()
        self._original = self.values()

    def _preview_timer_start(self) -> None:
        self._preview_timer.start()

    def update_preview(self) -> None:
        self._preview_timer.stop()
        self.preview.show_html(preview_html(split_slides(self.body.toPlainText())))
        self._follow_cursor()

    def current_slide(self) -> int:
        """The slide (counted from 0) holding the text cursor."""
        before = self.body.toPlainText()[:self.body.textCursor().position()]
        return sum(1 for line in before.splitlines()[:-1] if line.strip() == SLIDE_SEPARATOR)

    def _follow_cursor(self) -> None:
        """Keep the slide being written in view in the preview."""
        if self._preview_timer.isActive():
            return
        slide = self.current_slide()
        if slide == 0:
            self.preview.verticalScrollBar().setValue(0)
        else:
            self.preview.scrollToAnchor(slide_anchor(slide))

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
