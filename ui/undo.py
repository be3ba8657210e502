"""Undo / redo for edits that are already saved (Ctrl+Z / Ctrl+Shift+Z).

An edit is applied to the store at once (so nothing waits for a Save button), then pushed
as a command holding the values it replaced. Undo writes those back; redo writes the new
values again. ``refresh`` tells the screen showing the data to re-read it.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack


class SavedEdit(QUndoCommand):
    def __init__(self, text: str, apply: Callable[[dict], dict], previous: dict, new: dict,
                 refresh: Callable[[], None]) -> None:
        super().__init__(text)
        self._apply, self._previous, self._new, self._refresh = apply, previous, new, refresh
        self._applied = True  # the edit was saved before being pushed

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._apply(self._new)
        self._refresh()

    def undo(self) -> None:
        self._apply(self._previous)
        self._refresh()


class UndoableAction(QUndoCommand):
    """For edits that are not field updates (add/delete a line, delete a project)."""

    def __init__(self, text: str, do: Callable[[], None], undo: Callable[[], None],
                 refresh: Callable[[], None]) -> None:
        super().__init__(text)
        self._do, self._undo, self._refresh = do, undo, refresh
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._do()
        self._refresh()

    def undo(self) -> None:
        self._undo()
        self._refresh()


def save_edit(stack: QUndoStack, text: str, apply: Callable[[dict], dict], new: dict,
              refresh: Callable[[], None]) -> None:
    """Save ``new`` now through ``apply`` (which returns the replaced values) and make it undoable.
    Raises whatever ``apply`` raises for bad input, before anything is pushed."""
    previous = apply(new)
    if previous != new:
        stack.push(SavedEdit(text, apply, previous, new, refresh))
