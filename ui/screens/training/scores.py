"""Quiz scores (typed in, or taken on the laptop) and feedback of each participant."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)

from companion.i18n import _
from companion.training.store import TrainingError
from ui.dialogs.quiz_runner import POST, PRE, QuizRunner
from ui.icons import icon
from ui.screens.training.base import guarded
from ui.screens.training.session_base import SessionTab, refilling
from ui.undo import save_edit

NAME, PRE_SCORE, POST_SCORE, RATING, COMMENT = range(5)
FIELDS = {PRE_SCORE: "pre_score", POST_SCORE: "post_score", RATING: "rating", COMMENT: "comment"}
ID_ROLE = Qt.ItemDataRole.UserRole


class ScoresTab(SessionTab):
    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self.setObjectName("scoresTab")
        self.intro = QLabel()
        self.intro.setObjectName("scoresIntro")
        self.intro.setWordWrap(True)
        self.pre_button = QPushButton()
        self.pre_button.setObjectName("runPreQuizButton")
        self.pre_button.setIcon(icon("quiz"))
        self.pre_button.clicked.connect(lambda: self.run_quiz(PRE))
        self.post_button = QPushButton()
        self.post_button.setObjectName("runPostQuizButton")
        self.post_button.setIcon(icon("quiz"))
        self.post_button.clicked.connect(lambda: self.run_quiz(POST))
        buttons = QHBoxLayout()
        buttons.addWidget(self.pre_button)
        buttons.addWidget(self.post_button)
        buttons.addStretch(1)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("scoresTable")
        self.table.setTabKeyNavigation(False)  # Tab goes on to the next control; the arrows move between cells
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.ResizeToContents)
        for column in (PRE_SCORE, POST_SCORE, RATING):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COMMENT, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(buttons)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        self.retranslate()

    def tab_title(self) -> str:
        return _("Quiz and feedback")

    def retranslate(self) -> None:
        self.setAccessibleName(_("Quiz scores and feedback"))
        self._show_intro()
        self.pre_button.setText(_("Take the pre-quiz on this laptop…"))
        self.pre_button.setAccessibleName(_("The selected participant takes the pre-quiz on this laptop"))
        self.post_button.setText(_("Take the post-quiz on this laptop…"))
        self.post_button.setAccessibleName(_("The selected participant takes the post-quiz on this laptop"))
        self.table.setAccessibleName(_("Quiz scores and feedback"))
        self.table.setHorizontalHeaderLabels([_("Participant"), _("Pre-quiz"), _("Post-quiz"), _("Rating (1–5)"),
                                              _("Comment")])

    def refresh(self) -> None:
        if self.load_info() is None:
            return
        self._show_intro()  # it names the quiz size, which the session's details can change
        participants = self.store.participants(self.session_id)
        with refilling(self.table, ID_ROLE, NAME):
            self.table.setRowCount(len(participants))
            for row, person in enumerate(participants):
                name = QTableWidgetItem(person.name)
                name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                name.setData(ID_ROLE, person.id)
                self.table.setItem(row, NAME, name)
                for column, value in ((PRE_SCORE, person.pre_score), (POST_SCORE, person.post_score),
                                      (RATING, person.rating), (COMMENT, person.comment)):
                    item = QTableWidgetItem("" if value is None else str(value))
                    item.setData(ID_ROLE, person.id)
                    if column != COMMENT:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    self.table.setItem(row, column, item)
        if self.table.currentRow() < 0 and self.table.rowCount():
            self.table.setCurrentCell(0, PRE_SCORE)  # ready to type, and the quiz buttons are usable
        self._update_buttons()

    def _show_intro(self) -> None:
        quiz_size = self.info.quiz_size if self.info else 0
        self.intro.setText(_("Type each score as the number of right answers out of {quiz_size}, or let the "
                             "participant take the quiz on this laptop. Feedback is a rating from 1 (poor) to 5 "
                             "(excellent) and a comment.").format(quiz_size=quiz_size))

    def current_participant_id(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, NAME) if row >= 0 else None
        return item.data(ID_ROLE) if item else None

    def _update_buttons(self) -> None:
        can_run = self.current_participant_id() is not None and bool(self.info and self.info.quiz_size)
        self.pre_button.setEnabled(can_run)
        self.post_button.setEnabled(can_run)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        field = FIELDS.get(item.column())
        if field is None:
            return
        text = item.text().strip()
        if field == "comment":
            value = item.text()
        elif not text:
            value = None
        else:
            try:
                value = int(text)
            except ValueError:
                self._refused(TrainingError("bad_rating" if field == "rating" else "bad_score"))
                return
        self.save(item.data(ID_ROLE), {field: value}, typed_in=True)

    def save(self, participant_id: str, values: dict, typed_in: bool = False) -> bool:
        """Save at once. A value typed in a cell already shows: the table is not refilled under the
        editor, so the keyboard goes on to the next cell."""
        try:
            save_edit(self.context.undo_stack, _("Edit scores and feedback"),
                      lambda changed: self.store.update_participant(participant_id, **changed), values,
                      self.refresh)
        except TrainingError as error:
            self._refused(error)
            return False
        if not typed_in:
            self.refresh()
        self.saved()
        return True

    def _refused(self, error: TrainingError) -> None:
        self.show_error(error)
        QTimer.singleShot(0, self, self.refresh)  # puts back what is stored, once the cell editor has closed


    def quiz_runner(self, phase: str) -> QuizRunner | None:
        """The quiz dialog for the selected participant, or None (with a message) when it cannot run."""
        participant_id = self.current_participant_id()
        if participant_id is None or self.info is None:
            return None
        questions = self.store.session_questions(self.info.id)
        if not questions or len(questions) != self.info.quiz_size:
            self.show_error(_("The module's quiz is no longer the one this session started with. Type the scores "
                              "in instead."))
            return None
        name = self.table.item(self.table.currentRow(), NAME).text()
        runner = QuizRunner(name, phase, questions, self)
        runner.participant_id = participant_id
        return runner

    @guarded
    def run_quiz(self, phase: str) -> None:
        runner = self.quiz_runner(phase)
        if runner is not None and runner.exec() == QDialog.DialogCode.Accepted and self.save_quiz(runner):
            # One participant after another: the next one is selected, ready for the same quiz.
            row = self.table.currentRow() + 1
            if row < self.table.rowCount():
                self.table.selectRow(row)
                self.message.emit(_("Score saved. Next: {name}.").format(name=self.table.item(row, NAME).text()))

    def save_quiz(self, runner: QuizRunner) -> bool:
        field = "pre" if runner.phase == PRE else "post"
        return self.save(runner.participant_id, {f"{field}_score": runner.score, f"{field}_answers": runner.answers})
