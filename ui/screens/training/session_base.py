"""What every tab of the session screen shares."""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTableWidget

from companion.training.store import SessionInfo, TrainingError, TrainingStore
from ui.screens.base import Screen
from ui.screens.training.base import ERROR_STYLE, TrainingContext, error_text


class SessionTab(Screen):
    """A tab of the session screen. ``show_session`` loads a session; each tab re-reads it when shown."""

    message = Signal(str)

    def __init__(self, context: TrainingContext, parent=None) -> None:
        super().__init__(parent)
        self.context = context
        self.session_id: str | None = None
        self.info: SessionInfo | None = None
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

    @property
    def store(self) -> TrainingStore:
        return self.context.store

    def show_session(self, session_id: str) -> None:
        self.session_id = session_id
        self.error.hide()
        self.refresh()

    def load_info(self) -> SessionInfo | None:
        if self.session_id is None:
            return None
        try:
            self.info = self.store.training_session(self.session_id)
        except TrainingError:
            self.info = None
        return self.info

    def show_error(self, error: TrainingError | str) -> None:
        text = error if isinstance(error, str) else error_text(error, self.info.quiz_size if self.info else 0)
        self.error.setText(text)
        self.error.show()

    def saved(self) -> None:
        self.error.hide()  # the last refusal no longer applies

    def tab_title(self) -> str:
        raise NotImplementedError


@contextmanager
def refilling(table: QTableWidget, id_role=Qt.ItemDataRole.UserRole, id_column: int = 0):
    """Refill a table without firing edits, keeping the current cell on the same participant and
    column, so typing scores or ticking days with the keyboard goes on where it was."""
    row, column = table.currentRow(), table.currentColumn()
    item = table.item(row, id_column) if row >= 0 else None
    participant_id = item.data(id_role) if item else None
    table.blockSignals(True)
    try:
        yield
    finally:
        table.blockSignals(False)
    for new_row in range(table.rowCount()):
        cell = table.item(new_row, id_column)
        if cell is not None and cell.data(id_role) == participant_id:
            table.setCurrentCell(new_row, max(column, 0))
            return
