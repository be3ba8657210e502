"""What every tab of a pilot project shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal

from companion.pilot.store import PilotStore
from companion.pilot.templates import Templates
from ui.screens.base import Screen
from ui.sharing import Sharing
from ui.undo import EditStack


@dataclass
class PilotContext:
    store: PilotStore
    templates: Templates
    undo_stack: EditStack
    data_dir: Path
    sharing: Sharing | None = None  # sharing a project with a team (None: the window offers none)


class PilotTab(Screen):
    """A tab of the project screen. ``show_project`` loads a project; every saved edit
    emits ``changed`` so the other tabs (the dashboard) can refresh."""

    changed = Signal()
    message = Signal(str)  # a short status-bar message for the user

    def __init__(self, context: PilotContext, parent=None) -> None:
        super().__init__(parent)
        self.context = context
        self.project_id: str | None = None

    @property
    def store(self) -> PilotStore:
        return self.context.store

    def show_project(self, project_id: str) -> None:
        self.project_id = project_id
        self.refresh()

    def tab_title(self) -> str:
        raise NotImplementedError
