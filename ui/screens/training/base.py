"""What the training screens share: the store, the window's undo history, messages for refused input."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PySide6.QtWidgets import QPushButton

from companion.i18n import N_, translated
from companion.i18n import language_name as i18n_language_name
from companion.library import Library
from companion.training.store import TrainingError, TrainingStore
from ui.icons import icon
from ui.sharing import Sharing
from ui.undo import EditStack

ERROR_STYLE = "color: #b00020;"

# TrainingError keys → what the user reads (translated where shown).
ERRORS = {
    "name_required": N_("Enter the participant's name."),
    "title_required": N_("Enter a title."),
    "question_required": N_("Enter the question."),
    "too_long": N_("This text is too long."),
    "bad_score": N_("A score is the number of right answers: a whole number from 0 to {quiz_size}."),
    "bad_rating": N_("A rating is a whole number from 1 to 5."),
    "bad_days": N_("A session lasts from 1 to 14 days."),
    "bad_pass_mark": N_("The pass mark is a percentage: a whole number from 0 to 100."),
    "bad_quiz_size": N_("The number of questions is a whole number from 0 to 200."),
    "quiz_size_below_scores": N_("Some scores are higher than this number of questions."),
    "bad_minutes": N_("Minutes must be a whole number of at least 1."),
    "bad_duration_minutes": N_("Minutes must be a whole number of at least 1."),
    "bad_choices": N_("A question needs 2 to 6 choices, none of them empty."),
    "bad_answer": N_("Choose which answer is right."),
    "read_only_module": N_("Modules that come with the Companion cannot be changed. Make a copy to adapt it."),
}
UNKNOWN_RECORD = N_("This item no longer exists. The screen has been refreshed.")


def error_text(error: TrainingError, quiz_size: int = 0) -> str:
    message = ERRORS.get(error.key)
    if message is None:
        return translated(UNKNOWN_RECORD) if error.key.startswith("unknown") else str(error)
    return translated(message).format(quiz_size=quiz_size)


def language_name(code: str, in_sentence: bool = False) -> str:
    """The name of a module's language in the interface language: "French" / "Français" on its
    own, "français" inside a French sentence."""
    return i18n_language_name(code, in_sentence=in_sentence)


@dataclass
class TrainingContext:
    store: TrainingStore
    library: Library
    undo_stack: EditStack
    sharing: Sharing | None = None  # sharing a session with a team (None: the window offers none)


def make_button(name: str, slot, icon_name: str | None = None) -> QPushButton:
    """A push button with a stable objectName; its text and accessible name are set by retranslate()."""
    button = QPushButton()
    button.setObjectName(name)
    if icon_name:
        button.setIcon(icon(icon_name))
    button.clicked.connect(slot)
    return button


def guarded(method):
    """For a screen's actions: a record that vanished meanwhile (an undo, a deletion elsewhere)
    gives a message and a refresh, never an error dialog."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except TrainingError as error:
            self.message.emit(error_text(error))
            self.refresh()
            return None

    return wrapper
