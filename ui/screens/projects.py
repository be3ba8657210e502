"""Pilot projects: the list, and creating, duplicating, archiving and deleting projects."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from ui.undo import EditStack
from PySide6.QtWidgets import (QCheckBox, QDialog, QHBoxLayout, QLabel, QListWidgetItem, QMessageBox, QPushButton,
                               QVBoxLayout)

from companion.i18n import _, country_name, currency_symbol, current_language, format_date
from companion.pilot.store import PilotStore
from ui.dialogs.project_dialog import ProjectDialog
from ui.screens.base import Screen
from ui.widgets.rich_list import KEY_ROLE, RichList
from ui.changes import PILOT_TYPES


class ProjectsScreen(Screen):
    record_types = PILOT_TYPES
    open_project_requested = Signal(str)
    message = Signal(str)

    def __init__(self, store: PilotStore, undo_stack: EditStack, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("projectsScreen")
        self.store = store
        self.undo_stack = undo_stack
        self.heading = QLabel()
        self.heading.setObjectName("projectsHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.list = RichList("projectList")
        self.list.itemActivated.connect(lambda item: self._open(item))
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.empty = QLabel()
        self.empty.setObjectName("projectsEmpty")
        self.empty.setWordWrap(True)
        self.show_archived = QCheckBox()
        self.show_archived.setObjectName("showArchived")
        self.show_archived.toggled.connect(lambda _on: self.refresh())
        self.new_button = QPushButton()
        self.new_button.setObjectName("newProjectButton")
        self.new_button.clicked.connect(self.new_project)
        self.open_button = QPushButton()
        self.open_button.setObjectName("openProjectButton")
        self.open_button.clicked.connect(lambda: self._open(self.list.currentItem()))
        self.duplicate_button = QPushButton()
        self.duplicate_button.setObjectName("duplicateProjectButton")
        self.duplicate_button.clicked.connect(self.duplicate_project)
        self.archive_button = QPushButton()
        self.archive_button.setObjectName("archiveProjectButton")
        self.archive_button.clicked.connect(self.toggle_archive)
        self.delete_button = QPushButton()
        self.delete_button.setObjectName("deleteProjectButton")
        self.delete_button.clicked.connect(self.delete_project)

        buttons = QHBoxLayout()
        for button in (self.new_button, self.open_button, self.duplicate_button, self.archive_button,
                       self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.show_archived)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(buttons)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(_("Pilot projects"))
        self.heading.setText(_("Pilot projects"))
        self.intro.setText(_("Prepare a pilot with your team: work through the pilot checklist, score the "
                             "feasibility, build a costed business case and export a report for decision-makers. "
                             "Everything is saved as you type, on this computer."))
        self.list.setAccessibleName(_("Pilot projects"))
        self.show_archived.setText(_("Show archived"))
        self.show_archived.setAccessibleName(_("Show archived projects"))
        for button, text in ((self.new_button, _("New project…")), (self.open_button, _("Open")),
                             (self.duplicate_button, _("Duplicate")), (self.delete_button, _("Delete…"))):
            button.setText(text)
            button.setAccessibleName(text.rstrip("…"))
        self.empty.setText(_("No pilot project yet. Create one to start the pilot checklist."))
        self._update_buttons()

    def refresh(self) -> None:
        selected = self.current_project_id()
        self.list.clear()
        for project in self.store.projects(include_archived=self.show_archived.isChecked()):
            details = [part for part in (country_name(project.country), project.scheme, currency_symbol(project.currency))
                       if part]
            if project.start_date:
                details.append(_("starts {date}").format(date=format_date(project.start_date)))
            if project.archived:
                details.append(_("archived"))
            item = self.list.add(project.id, project.name,
                                 f"<b>{html.escape(project.name)}</b><br><small>{html.escape(' · '.join(details))}</small>")
            if project.id == selected:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self.empty.setVisible(self.list.count() == 0)
        self._update_buttons()

    def current_project_id(self) -> str | None:
        item = self.list.currentItem()
        return item.data(KEY_ROLE) if item else None

    def _update_buttons(self) -> None:
        project_id = self.current_project_id()
        for button in (self.open_button, self.duplicate_button, self.archive_button, self.delete_button):
            button.setEnabled(project_id is not None)
        archived = False
        if project_id:
            archived = any(p.id == project_id and p.archived for p in self.store.projects(include_archived=True))
        text = _("Restore from archive") if archived else _("Archive")
        self.archive_button.setText(text)
        self.archive_button.setAccessibleName(text)

    def _open(self, item: QListWidgetItem | None) -> None:
        if item is not None and item.data(KEY_ROLE):
            self.open_project_requested.emit(item.data(KEY_ROLE))

    def new_project(self) -> str | None:
        dialog = ProjectDialog(parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        values = dialog.values()
        project_id = self.store.create_project(**values, language=current_language(),
                                               worked_business_case=dialog.worked_example.isChecked())
        self.refresh()
        self.open_project_requested.emit(project_id)
        return project_id

    def duplicate_project(self) -> None:
        project_id = self.current_project_id()
        if project_id:
            name = self.store.project(project_id).name
            self.undo_stack.record(_("Duplicate project"), lambda: self.store.duplicate_project(
                project_id, _("{name} (copy)").format(name=name)), self.refresh)
            self.refresh()

    def toggle_archive(self) -> None:
        project_id = self.current_project_id()
        if not project_id:
            return
        archived = self.store.project(project_id).archived
        self.undo_stack.record(_("Archive project"), lambda: self.store.set_archived(project_id, not archived),
                               self.refresh)
        if not archived and not self.show_archived.isChecked():
            self.message.emit(_("Project archived. Tick “Show archived” to see it again."))
        self.refresh()

    def delete_project(self) -> None:
        project_id = self.current_project_id()
        if not project_id:
            return
        name = self.store.project(project_id).name
        box = QMessageBox(QMessageBox.Icon.Warning, _("Delete project"),
                          _("Delete “{name}” with its checklists, scores and business case?").format(name=name),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmDeleteProject")
        box.setTextFormat(Qt.TextFormat.PlainText)  # the project's name is text, never markup
        box.setInformativeText(_("You can undo this (Ctrl+Z) until you close the Companion."))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        self.undo_stack.record(_("Delete project"), lambda: self.store.delete_project(project_id), self.refresh)
        self.message.emit(_("“{name}” deleted. Press Ctrl+Z to undo.").format(name=name))
        self.refresh()
