"""Take a quiz on the laptop, one participant at a time: one question per page, then the score.

Answers are not revealed during a pre-quiz (the same questions come back at the end); after a
post-quiz the participant sees which answers were right, with the explanation.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QDialog, QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton,
                               QRadioButton, QScrollArea, QStackedWidget, QVBoxLayout, QWidget)

from companion.i18n import _, format_percent
from companion.training.results import percent, score_answers
from companion.training.store import QuestionRow
from ui.dialogs.question_dialog import choice_letter

PRE, POST = "pre", "post"


class QuizRunner(QDialog):
    def __init__(self, participant_name: str, phase: str, questions: list[QuestionRow], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("quizRunner")
        self.phase, self.questions = phase, questions
        self.answers = [0] * len(questions)
        self.index = 0
        self.setWindowTitle(_("Pre-quiz") if phase == PRE else _("Post-quiz"))
        # As large as a 1024×768 screen allows: eight questions with their explanations are long.
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(880, screen.width() - 40), min(640, screen.height() - 60))
        big = self.font()
        big.setPointSizeF(big.pointSizeF() * 1.3)
        self.setFont(big)
        self.who = QLabel(_("Participant: {name}").format(name=participant_name))
        self.who.setObjectName("quizParticipant")
        self.who.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        who_font = self.who.font()
        who_font.setBold(True)
        self.who.setFont(who_font)
        self.progress = QLabel()
        self.progress.setObjectName("quizProgress")
        self.question = QLabel()
        self.question.setObjectName("quizQuestion")
        self.question.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.question.setWordWrap(True)
        question_font = self.question.font()
        question_font.setBold(True)
        self.question.setFont(question_font)
        self.choice_box = QVBoxLayout()
        self.choice_group = QButtonGroup(self)
        self.choice_group.idClicked.connect(self._chosen)
        self.result = QLabel()
        self.result.setObjectName("quizResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.RichText)  # every text in it is escaped
        self.result.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pages = QStackedWidget()
        question_page = QWidget()
        question_layout = QVBoxLayout(question_page)
        question_layout.addWidget(self.progress)
        question_layout.addWidget(self.question)
        question_layout.addLayout(self.choice_box)
        question_layout.addStretch(1)
        # Both pages scroll: a long question with six choices, and the result with every explanation,
        # are taller than a 768-pixel screen once the type is enlarged.
        question_area = self._scrolling(question_page, "quizQuestionPage", _("Question"))
        question_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the choices inside it
        self.pages.addWidget(question_area)
        self.result_page = self._scrolling(self.result, "quizResultPage", _("Quiz result"))
        self.pages.addWidget(self.result_page)
        self.back_button = QPushButton(_("Previous"))
        self.back_button.setObjectName("quizBack")
        self.back_button.setAccessibleName(_("Previous question"))
        self.back_button.clicked.connect(lambda: self.go(self.index - 1))
        self.next_button = QPushButton()
        self.next_button.setObjectName("quizNext")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self._next)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("quizCancel")
        self.cancel_button.setAccessibleName(_("Cancel the quiz"))
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.who)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.finished_quiz = False
        self.go(0)

    @staticmethod
    def _scrolling(page: QWidget, name: str, accessible_name: str) -> QScrollArea:
        area = QScrollArea()
        area.setObjectName(name)
        area.setAccessibleName(accessible_name)
        area.setWidgetResizable(True)  # the page takes the width, so its text wraps instead of running off
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(page)
        area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the keys scroll it
        return area

    def reject(self) -> None:
        """Esc or Cancel: the score is kept once shown; a quiz under way is stopped only if confirmed."""
        if self.finished_quiz:
            self.accept()
            return
        if any(self.answers):
            box = QMessageBox(QMessageBox.Icon.Question, _("Stop the quiz"),
                              _("Stop this quiz? The answers given so far are not saved."),
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
            box.setObjectName("confirmStopQuiz")
            box.setDefaultButton(QMessageBox.StandardButton.No)
            if box.exec() != QMessageBox.StandardButton.Yes:
                return
        super().reject()

    @property
    def score(self) -> int:
        return score_answers(self.answers, self.questions)

    def go(self, index: int) -> None:
        if not 0 <= index < len(self.questions):
            return
        self.index = index
        question = self.questions[index]
        self.progress.setText(_("Question {number} of {total}").format(number=index + 1, total=len(self.questions)))
        self.question.setText(question.question)
        for button in self.choice_group.buttons():
            self.choice_group.removeButton(button)
            button.deleteLater()
        for number, choice in enumerate(question.choices, start=1):
            button = QRadioButton(f"{choice_letter(number - 1)}.  {choice}")
            button.setObjectName(f"quizChoice{number}")
            button.setAccessibleName(choice)
            self.choice_group.addButton(button, number)
            self.choice_box.addWidget(button)
            button.setChecked(self.answers[index] == number)
        self.back_button.setEnabled(index > 0)
        last = index == len(self.questions) - 1
        self.next_button.setText(_("Finish") if last else _("Next"))
        self.next_button.setAccessibleName(_("Finish the quiz") if last else _("Next question"))

    def choose(self, number: int) -> None:
        """Pick a choice (counted from 1) for the current question."""
        button = self.choice_group.button(number)
        if button is not None:
            button.setChecked(True)
            self._chosen(number)

    def _chosen(self, number: int) -> None:
        self.answers[self.index] = number

    def _next(self) -> None:
        if self.finished_quiz:
            self.accept()
        elif self.index < len(self.questions) - 1:
            self.go(self.index + 1)
        else:
            self._show_result()

    def _show_result(self) -> None:
        self.finished_quiz = True
        total = len(self.questions)
        share = percent(self.score, total) or 0.0
        text = "<p><b>" + html.escape(_("{score} right answers out of {total} ({percent})").format(
            score=self.score, total=total, percent=format_percent(share / 100))) + "</b></p>"
        if self.phase == POST:
            rows = []
            for question, answer in zip(self.questions, self.answers):
                right = answer == question.answer
                mark = "✔" if right else "✘"
                rows.append(f"<p>{mark} <b>{html.escape(question.question)}</b><br>"
                            + html.escape(_("Right answer: {letter}. {choice}").format(
                                letter=choice_letter(question.answer - 1),
                                choice=question.choices[question.answer - 1]))
                            + f"<br><i>{html.escape(question.explanation)}</i></p>")
            text += "".join(rows)
        else:
            text += "<p>" + html.escape(_("Thank you. The answers are discussed at the end of the training.")) + "</p>"
        text += "<p>" + html.escape(_("Please hand the laptop back to the trainer.")) + "</p>"
        self.result.setText(text)
        self.pages.setCurrentWidget(self.result_page)
        self.result_page.verticalScrollBar().setValue(0)
        self.result_page.setFocus(Qt.FocusReason.OtherFocusReason)  # arrows and Page Down scroll the explanations
        self.back_button.hide()
        self.cancel_button.hide()
        self.next_button.setText(_("Save the score"))
        self.next_button.setAccessibleName(_("Save the score"))
