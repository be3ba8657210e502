"""Add or edit a quiz question of a trainer's own module: the question, its choices, the right one."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPlainTextEdit

from companion.i18n import _
from companion.training.store import QuestionRow
from ui.dialogs.form_dialog import FormDialog


def choice_letter(index: int) -> str:
    return chr(ord("A") + index)


class QuestionDialog(FormDialog):
    def __init__(self, question: QuestionRow | None = None, parent=None) -> None:
        super().__init__("questionDialog", parent)
        self.setWindowTitle(_("New question") if question is None else _("Edit question"))
        self.setMinimumWidth(520)
        self.question = QLineEdit(question.question if question else "")
        self.question.setObjectName("questionText")
        self.question.setAccessibleName(_("Question"))
        self.choices = QPlainTextEdit("\n".join(question.choices) if question else "")
        self.choices.setObjectName("questionChoices")
        self.choices.setAccessibleName(_("Choices, one per line"))
        self.choices.setPlaceholderText(_("One choice per line (2 to 6)"))
        self.choices.setTabChangesFocus(True)
        self.choices.setMaximumHeight(120)
        self.choices.textChanged.connect(self._fill_answers)
        self.answer = QComboBox()
        self.answer.setObjectName("questionAnswer")
        self.answer.setAccessibleName(_("Right answer"))
        self.explanation = QLineEdit(question.explanation if question else "")
        self.explanation.setObjectName("questionExplanation")
        self.explanation.setAccessibleName(_("Explanation"))
        form = QFormLayout()
        form.addRow(_("&Question:"), self.question)
        form.addRow(_("&Choices:"), self.choices)
        form.addRow(_("&Right answer:"), self.answer)
        form.addRow(_("&Explanation:"), self.explanation)
        self.lay_out(form)
        self._fill_answers()
        if question:
            self.answer.setCurrentIndex(question.answer - 1)

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.toPlainText().splitlines() if line.strip()]

    def _fill_answers(self) -> None:
        chosen = self.answer.currentIndex()
        self.answer.clear()
        for index, choice in enumerate(self.choice_list()):
            self.answer.addItem(f"{choice_letter(index)}. {choice}")
        if 0 <= chosen < self.answer.count():
            self.answer.setCurrentIndex(chosen)


    def values(self) -> dict:
        return {"question": self.question.text(), "choices": self.choice_list(),
                "answer": self.answer.currentIndex() + 1, "explanation": self.explanation.text()}
