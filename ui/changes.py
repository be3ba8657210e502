"""The core's change bus as a Qt signal, delivered on the window's thread.

The record writer and sync publish "records of these types changed" (companion/records/bus.py),
from whatever thread did the work; Qt queues the signal to the window's thread. The main window
then lets the screen on view decide whether it shows any of those types and should re-read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:  # the record layer loads after the window shows (ui/app.py)
    from companion.records import ChangeBus, RecordsChanged

PILOT_TYPES = frozenset({"project", "project_member", "checklist", "checklist_item", "attachment", "feasibility",
                         "feasibility_weight", "feasibility_score", "business_case", "business_line", "conflict"})
TRAINING_TYPES = frozenset({"training_module", "training_lesson", "training_question", "training_session",
                            "training_participant", "training_attendance", "conflict"})
READING_TYPES = frozenset({"bookmark", "reading_state", "guide"})


class RecordChanges(QObject):
    changed = Signal(object)  # RecordsChanged

    def __init__(self, bus: ChangeBus, parent=None) -> None:
        super().__init__(parent)
        self._unsubscribe = bus.subscribe(self._publish)
        self.destroyed.connect(lambda *_args: self._unsubscribe())

    def _publish(self, event: RecordsChanged) -> None:
        self.changed.emit(event)
