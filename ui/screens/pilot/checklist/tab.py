"""The checklists tab of a pilot project, put together from its named pieces."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QTreeWidgetItem

from companion.i18n import _
from companion.pilot.store import ItemRow
from companion.pilot.templates import ChecklistTemplate
from ui.screens.pilot.base import PilotContext, PilotTab
from ui.screens.pilot.checklist.common import DATE_PAUSE_MS, NOTES_PAUSE_MS
from ui.screens.pilot.checklist.evidence import EvidenceFiles
from ui.screens.pilot.checklist.item_editor import ItemEditor
from ui.screens.pilot.checklist.items_view import ItemsView
from ui.screens.pilot.checklist.layout import ChecklistLayout


class ChecklistTab(ChecklistLayout, ItemsView, ItemEditor, EvidenceFiles, PilotTab):
    """Items by section with status, owner, due date and evidence; an editor for the chosen item
    (every change saved at once and undoable); filters; progress; newer template items."""

    def __init__(self, context: PilotContext, parent=None) -> None:
        super().__init__(context, parent)
        self.setObjectName("checklistTab")
        self.checklist_id: str | None = None
        self.template: ChecklistTemplate | None = None
        self._shown_project: str | None = None
        self._items: dict[str, ItemRow] = {}
        self._rows: dict[str, QTreeWidgetItem] = {}
        self._section_rows: dict[str, QTreeWidgetItem] = {}
        self._structure: list[tuple[str, str]] = []
        self._language = ""
        self._loading = False
        self._detail_id: str | None = None
        self._open_dir: Path | None = None
        self._busy = 0
        self._team: tuple[str, ...] = ()
        self._notes_item: str | None = None
        self._last_folder: Path | None = None

        self._build_layout()
        self._notes_timer = QTimer(self, singleShot=True, interval=NOTES_PAUSE_MS)
        self._notes_timer.timeout.connect(self._save_notes)
        self._date_timer = QTimer(self, singleShot=True, interval=DATE_PAUSE_MS)
        self._date_timer.timeout.connect(self._save_due_date)
        self.retranslate()


    # --- labels -----------------------------------------------------------------------------

    def tab_title(self) -> str:
        return _("Checklists")
