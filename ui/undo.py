"""Undo / redo for edits that are already saved (Ctrl+Z / Ctrl+Shift+Z).

An action runs through the core at once (nothing waits for a Save button) and everything it
wrote is captured as an ``Edit`` (companion/records). Undo and redo are new edits made by the
record writer, so they sync like any other; an undo is refused, with a message, when a field it
would write was changed since by someone else (another laptop, through sync), never written
over blindly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from companion.i18n import _
if TYPE_CHECKING:  # the record layer loads after the window shows (ui/app.py)
    from companion.records import Edit, Records


class EditStack(QUndoStack):
    """The window's undo history of saved edits."""

    refused = Signal(str)  # an undo or redo that could not be applied, said for the user

    def __init__(self, records: Records | None, parent=None) -> None:
        super().__init__(parent)
        self.records = records  # None until the data is open (nothing can be edited before)
        self.reverting = False  # true while an undo or redo writes: its changes come from "elsewhere"

    def record(self, text: str, action: Callable[[], Any], refresh: Callable[[], None] | None = None) -> Any:
        """Run ``action`` (a store operation), make what it wrote undoable, return its result.
        Raises whatever the action raises for bad input, before anything is pushed."""
        result, edit = self.records.capture(action)
        self.push_edit(text, edit, refresh)
        return result

    def push_edit(self, text: str, edit: Edit, refresh: Callable[[], None] | None = None) -> None:
        """Make an edit already captured (on a worker thread, say) undoable."""
        if edit:
            self.push(RecordedEdit(text, self, edit, refresh))


class RecordedEdit(QUndoCommand):
    def __init__(self, text: str, stack: EditStack, edit: Edit, refresh: Callable[[], None] | None) -> None:
        super().__init__(text)
        self._stack, self._edit, self._refresh = stack, edit, refresh
        self._undone: Edit | None = None
        self._fresh = True  # the edit was saved before being pushed

    def undo(self) -> None:
        self._undone = self._revert(self._edit)
        self._after()

    def redo(self) -> None:
        if self._fresh:
            self._fresh = False
            return
        if self._undone is not None:  # nothing to redo when the undo was refused
            redone = self._revert(self._undone)
            if redone is not None:
                self._edit = redone
        self._after()

    def _revert(self, edit: Edit) -> Edit | None:
        from companion.records import ChangedElsewhere, RecordMissing

        self._stack.reverting = True
        try:
            return self._stack.records.revert(edit)
        except ChangedElsewhere:
            self._stack.refused.emit(_("“{action}” was not undone: it has been changed since, on another "
                                       "laptop or by a sync. Nothing was overwritten.").format(action=self.text()))
        except RecordMissing:
            self._stack.refused.emit(_("“{action}” can no longer be undone: what it changed is gone.")
                                     .format(action=self.text()))
        finally:
            self._stack.reverting = False
        return None

    def _after(self) -> None:
        if self._refresh is not None:
            self._refresh()


def save_edit(stack: EditStack, text: str, apply: Callable[[dict], dict], new: dict,
              refresh: Callable[[], None] | None = None) -> None:
    """Save ``new`` now through ``apply`` and make it undoable (nothing is pushed if nothing changed)."""
    stack.record(text, lambda: apply(new), refresh)
