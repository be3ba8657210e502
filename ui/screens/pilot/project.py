"""One pilot project: its details, and a tab per piece of work (dashboard, checklists,
feasibility, business case), with exports for decision-makers."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout

from companion.i18n import _, country_name, currency_symbol, format_date
from companion.pilot.store import PilotError
from ui.dialogs.project_dialog import ProjectDialog
from ui.reports import ExportBar
from ui.screens.base import Screen
from ui.screens.pilot.base import PilotContext, PilotTab
from ui.screens.pilot.business_case import BusinessCaseTab
from ui.screens.pilot.checklist import ChecklistTab
from ui.screens.pilot.dashboard import DashboardTab
from ui.screens.pilot.feasibility import FeasibilityTab
from ui.sharing import SharePlace
from ui.undo import save_edit
from ui.changes import PILOT_TYPES

TAB_CLASSES: list[type[PilotTab]] = [DashboardTab, ChecklistTab, FeasibilityTab, BusinessCaseTab]


def keep_together(text: str) -> str:
    """A date or a person's name on one line: its spaces do not break ("Joseph Mendy", "1 mars 2027")."""
    return text.replace(" ", "\u00a0")


class ProjectScreen(Screen):
    record_types = PILOT_TYPES
    message = Signal(str)

    def __init__(self, context: PilotContext, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("projectScreen")
        self.context = context
        self.project_id: str | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.title.setObjectName("projectTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.details.setObjectName("projectDetails")
        self.details.setWordWrap(True)
        self.share_place = SharePlace(context.sharing)
        self.edit_button = QPushButton()
        self.edit_button.setObjectName("editProjectButton")
        self.edit_button.clicked.connect(self.edit_details)
        self.export_bar = ExportBar(context)
        self.export_bar.message.connect(self.message)
        # The name and two buttons on one line; the details below them, the full width of the screen.
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.edit_button)
        header.addWidget(self.export_bar)
        self.header_buttons = header
        self.tabs = QTabWidget()
        self.tabs.setObjectName("projectTabs")
        self.pages: list[PilotTab] = []
        for tab_class in TAB_CLASSES:
            page = tab_class(context)
            page.message.connect(self.message)
            self.pages.append(page)
            self.tabs.addTab(page, "")
        dashboard = self.page(DashboardTab)
        dashboard.open_item_requested.connect(self.open_item)
        dashboard.open_tab_requested.connect(self.tabs.setCurrentIndex)
        # A tab re-reads the store when it is shown, so edits made in another tab are always seen.
        self.tabs.currentChanged.connect(lambda _i: self._refresh_current())
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        # The details, and where the project lives (this laptop or a team), on one line below.
        place = QHBoxLayout()
        place.addWidget(self.details, 1)
        place.addWidget(self.share_place, 0)
        layout.addLayout(place)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def page(self, tab_class: type[PilotTab]) -> PilotTab:
        return next(p for p in self.pages if isinstance(p, tab_class))

    def show_project(self, project_id: str, tab: int | None = None) -> bool:
        try:
            self.context.store.project(project_id)
        except PilotError:
            return False
        self.project_id = project_id
        self.export_bar.set_project(project_id)
        for page in self.pages:
            page.project_id = project_id
        if tab is not None:
            self.tabs.setCurrentIndex(tab)
        self.refresh()
        return True

    def retranslate(self) -> None:
        self.setAccessibleName(_("Pilot project"))
        self.tabs.setAccessibleName(_("Parts of the project"))
        self.edit_button.setText(_("Edit details…"))
        self.edit_button.setAccessibleName(_("Edit the project details"))
        for index, page in enumerate(self.pages):
            self.tabs.setTabText(index, page.tab_title())

    def refresh(self) -> None:
        if self.project_id is None:
            return
        project = self.context.store.project(self.project_id)
        self.title.setText(project.name)
        parts = [p for p in (country_name(project.country), project.scheme, currency_symbol(project.currency)) if p]
        if project.start_date:
            parts.append(_("starts {date}").format(date=keep_together(format_date(project.start_date))))
        if project.team:
            parts.append(_("team: {names}").format(names=", ".join(keep_together(name) for name in project.team)))
        self.details.setText(" · ".join(parts))  # wraps between the parts, never inside a date or a name
        self.share_place.show_record(project.id, project.workspace, project.name)
        self._refresh_current()

    def open_item(self, checklist_id: str, item_id: str) -> None:
        """Show a checklist item in the Checklists tab (from the dashboard's overdue list)."""
        checklists = self.page(ChecklistTab)
        self.tabs.setCurrentWidget(checklists)
        checklists.show_item(checklist_id, item_id)

    def _refresh_current(self) -> None:
        page = self.tabs.currentWidget()
        if isinstance(page, PilotTab) and page.project_id:
            page.refresh()

    def edit_details(self) -> None:
        if self.project_id is None:
            return
        dialog = ProjectDialog(self.context.store.project(self.project_id), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        project_id = self.project_id
        save_edit(self.context.undo_stack, _("Edit project details"),
                  lambda values: self.context.store.update_project(project_id, **values), dialog.values(), self.refresh)
        self.refresh()
