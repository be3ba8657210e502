"""The checklists of a pilot project: items by section with status, owner, due date and
evidence; an editor for the chosen item (every change saved at once and undoable);
filters; progress; and the offer of new items when a template gets a newer version."""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, QLocale, QObject, QSignalBlocker, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QBrush, QColor, QDesktopServices, QFont, QIcon
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QFileDialog, QFormLayout, QFrame,
                               QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem, QMenu,
                               QPlainTextEdit, QProgressBar, QPushButton, QScrollArea, QSplitter, QStackedWidget,
                               QToolButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from companion.i18n import N_, _, current_language, format_date, format_number, ngettext
from companion.pilot.checklist_view import (ANY, MAX_NOTES_LENGTH, MAX_OWNER_LENGTH, NO_OWNER, NOT_DONE, ItemFilter,
                                            clean_owner, notes_error, owners)
from companion.pilot.progress import checklist_progress, is_overdue
from companion.pilot.store import STATUSES, AttachmentInfo, ItemRow, PilotError
from companion.records import Edit
from companion.pilot.templates import ChecklistTemplate
from ui.icons import icon
from ui.runner import run_in_background
from ui.screens.pilot.base import PilotContext, PilotTab
from ui.undo import save_edit

STATUS_LABELS = {"todo": N_("To do"), "in_progress": N_("In progress"), "done": N_("Done"),
                 "na": N_("Not applicable")}
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1  # the item's id (None on a section row)
SECTION_ROLE = Qt.ItemDataRole.UserRole + 2  # the section's id
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 3  # True on an overdue item row
ATTACHMENT_ROLE = Qt.ItemDataRole.UserRole + 4

COLUMN_TITLE, COLUMN_STATUS, COLUMN_OWNER, COLUMN_DUE, COLUMN_EVIDENCE = range(5)
NOTES_PAUSE_MS = 800  # notes are saved after this pause in typing, or when the field loses focus
DATE_PAUSE_MS = 600
BACKGROUND_ATTACH_BYTES = 2 * 1024 * 1024  # bigger files are copied off the UI thread
LATE_COLOR = "#c62828"
ERROR_STYLE = f"color: {LATE_COLOR};"
MIN_DATE, MAX_DATE = QDate(2000, 1, 1), QDate(2099, 12, 31)


def _size(size: int) -> str:
    if size < 1024:
        return ngettext("{count} byte", "{count} bytes", size).format(count=format_number(size))
    if size < 1024 * 1024:
        return _("{size} KB").format(size=format_number(round(size / 1024, 1)))
    return _("{size} MB").format(size=format_number(round(size / (1024 * 1024), 1)))


class _FocusOut(QObject):
    """Calls ``callback`` when the watched widget loses the keyboard focus."""

    def __init__(self, widget, callback) -> None:
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self._callback()
        return False


class ChecklistTab(PilotTab):
    def __init__(self, context: PilotContext, parent=None) -> None:
        super().__init__(context, parent)
        self.setObjectName("checklistTab")
        self.checklist_id: str | None = None
        self.template: ChecklistTemplate | None = None
        self._shown_project: str | None = None
        self._items: dict[str, ItemRow] = {}
        self._rows: dict[str, QTreeWidgetItem] = {}
        self._section_rows: dict[str, QTreeWidgetItem] = {}
        self._section_bars: dict[str, QProgressBar] = {}
        self._structure: list[tuple[str, str]] = []
        self._language = ""
        self._loading = False
        self._detail_id: str | None = None
        self._open_dir: Path | None = None
        self._busy = 0
        self._team: tuple[str, ...] = ()
        self._notes_item: str | None = None
        self._last_folder: Path | None = None

        # --- which checklist, overall progress ------------------------------------------
        self.checklist_label = QLabel()
        self.checklist_picker = QComboBox()
        self.checklist_picker.setObjectName("checklistPicker")
        self.checklist_picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.checklist_picker.currentIndexChanged.connect(self._checklist_chosen)
        self.checklist_label.setBuddy(self.checklist_picker)
        self.add_menu = QMenu(self)
        self.add_menu.setObjectName("addChecklistMenu")
        self.add_checklist_button = QToolButton()
        self.add_checklist_button.setObjectName("addChecklistButton")
        self.add_checklist_button.setIcon(icon("add"))
        self.add_checklist_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_checklist_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_checklist_button.setMenu(self.add_menu)
        self.add_checklist_button.setStyleSheet("#addChecklistButton { padding-right: 14px; }")
        self.overall_label = QLabel()
        self.overall_bar = QProgressBar()
        self.overall_bar.setObjectName("checklistOverallProgress")
        self.overall_bar.setMinimumWidth(200)
        self.overall_bar.setMaximumWidth(320)
        top = QHBoxLayout()
        top.addWidget(self.checklist_label)
        top.addWidget(self.checklist_picker)
        top.addWidget(self.add_checklist_button)
        top.addStretch(1)
        top.addWidget(self.overall_label)
        top.addWidget(self.overall_bar, 1)

        # --- a newer template adds items ------------------------------------------------
        self.upgrade_banner = QFrame()
        self.upgrade_banner.setObjectName("checklistUpgradeBanner")
        self.upgrade_banner.setFrameShape(QFrame.Shape.StyledPanel)
        self.upgrade_banner.setStyleSheet("#checklistUpgradeBanner { background: palette(alternate-base); "
                                          "border-left: 4px solid #1565c0; }")
        banner_icon = QLabel()
        banner_icon.setPixmap(icon("info").pixmap(20, 20))
        self.upgrade_text = QLabel()
        self.upgrade_text.setObjectName("checklistUpgradeText")
        self.upgrade_text.setWordWrap(True)
        self.upgrade_button = QPushButton()
        self.upgrade_button.setObjectName("applyUpgradeButton")
        self.upgrade_button.clicked.connect(self.apply_upgrade)
        banner_layout = QHBoxLayout(self.upgrade_banner)
        banner_layout.setContentsMargins(8, 4, 8, 4)
        banner_layout.addWidget(banner_icon)
        banner_layout.addWidget(self.upgrade_text, 1)
        banner_layout.addWidget(self.upgrade_button)
        self.upgrade_banner.hide()

        # --- filters --------------------------------------------------------------------
        self.status_filter_label = QLabel()
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.status_filter_label.setBuddy(self.status_filter)
        self.owner_filter_label = QLabel()
        self.owner_filter = QComboBox()
        self.owner_filter.setObjectName("ownerFilter")
        self.owner_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.owner_filter.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.owner_filter_label.setBuddy(self.owner_filter)
        self.overdue_only = QCheckBox()
        self.overdue_only.setObjectName("overdueOnly")
        self.overdue_only.toggled.connect(lambda _on: self._apply_filters())
        self.clear_filters_button = QPushButton()
        self.clear_filters_button.setObjectName("clearFiltersButton")
        self.clear_filters_button.clicked.connect(self.clear_filters)
        self.shown_label = QLabel()
        self.shown_label.setObjectName("checklistShownCount")
        filters = QHBoxLayout()
        filters.addWidget(self.status_filter_label)
        filters.addWidget(self.status_filter)
        filters.addSpacing(8)
        filters.addWidget(self.owner_filter_label)
        filters.addWidget(self.owner_filter)
        filters.addSpacing(8)
        filters.addWidget(self.overdue_only)
        filters.addWidget(self.clear_filters_button)
        filters.addStretch(1)
        filters.addWidget(self.shown_label)

        # --- the items, by section ------------------------------------------------------
        self.tree = QTreeWidget()
        self.tree.setObjectName("checklistItems")
        self.tree.setColumnCount(5)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(14)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COLUMN_TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (COLUMN_STATUS, COLUMN_OWNER, COLUMN_DUE, COLUMN_EVIDENCE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(40)
        self.tree.currentItemChanged.connect(lambda current, _previous: self._current_changed(current))
        self.tree.itemChanged.connect(self._item_ticked)
        self.tree.itemActivated.connect(self._item_activated)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("checklistEmpty")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        list_side = QWidget()
        list_layout = QVBoxLayout(list_side)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.addWidget(self.tree, 1)
        list_layout.addWidget(self.empty_label)

        # --- the chosen item ------------------------------------------------------------
        self.hint_title = QLabel()
        self.hint_title.setObjectName("checklistTitle")
        self.hint_title.setWordWrap(True)
        self.hint_text = QLabel()
        self.hint_text.setObjectName("checklistDescription")
        self.hint_text.setWordWrap(True)
        self.hint_text.setTextFormat(Qt.TextFormat.PlainText)
        for label in (self.hint_title, self.hint_text):
            label.setMinimumWidth(120)  # wraps; never widens the panel
        hint_page = QWidget()
        hint_layout = QVBoxLayout(hint_page)
        hint_layout.addWidget(self.hint_title)
        hint_layout.addWidget(self.hint_text)
        hint_layout.addStretch(1)

        self.item_title = QLabel()
        self.item_title.setObjectName("itemTitle")
        self.item_title.setWordWrap(True)
        self.item_title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.item_title.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.item_title.setFont(font)
        self.item_section = QLabel()
        self.item_section.setObjectName("itemSection")
        self.item_section.setTextFormat(Qt.TextFormat.PlainText)
        self.guidance = QLabel()
        self.guidance.setObjectName("itemGuidance")
        self.guidance.setWordWrap(True)
        self.guidance.setTextFormat(Qt.TextFormat.PlainText)
        self.guidance.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.guidance.setFrameShape(QFrame.Shape.StyledPanel)
        self.guidance.setStyleSheet("#itemGuidance { background: palette(alternate-base); padding: 6px; }")

        self.status_combo = QComboBox()
        self.status_combo.setObjectName("itemStatus")
        self.status_combo.activated.connect(lambda _i: self._status_chosen())
        self.owner_combo = QComboBox()
        self.owner_combo.setObjectName("itemOwner")
        self.owner_combo.setEditable(True)
        self.owner_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.owner_combo.lineEdit().setObjectName("itemOwnerText")
        self.owner_combo.activated.connect(lambda _i: self._save_owner())
        self.owner_combo.lineEdit().editingFinished.connect(self._save_owner)
        self.due_edit = QDateEdit()
        self.due_edit.setObjectName("itemDueDate")
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDateRange(MIN_DATE, MAX_DATE)
        self.due_edit.dateChanged.connect(lambda _d: self._date_edited())
        self.due_edit.editingFinished.connect(self._save_due_date)
        self.no_due_date = QCheckBox()
        self.no_due_date.setObjectName("itemNoDueDate")
        self.no_due_date.toggled.connect(self._no_due_date_toggled)
        due_row = QHBoxLayout()
        due_row.setContentsMargins(0, 0, 0, 0)
        due_row.addWidget(self.due_edit)
        due_row.addWidget(self.no_due_date)
        due_row.addStretch(1)
        self.overdue_label = QLabel()
        self.overdue_label.setObjectName("itemOverdue")
        self.overdue_label.setStyleSheet(ERROR_STYLE)
        self.overdue_label.setWordWrap(True)
        overdue_icon = QLabel()
        overdue_icon.setPixmap(icon("warning").pixmap(16, 16))
        overdue_row = QHBoxLayout()
        overdue_row.setContentsMargins(0, 0, 0, 0)
        overdue_row.addWidget(overdue_icon)
        overdue_row.addWidget(self.overdue_label, 1)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("itemNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMinimumHeight(60)
        self.notes.setMaximumHeight(84)
        self.notes.textChanged.connect(self._notes_edited)
        _FocusOut(self.notes, self._save_notes)
        self.status_label, self.owner_label, self.due_label, self.notes_label = QLabel(), QLabel(), QLabel(), QLabel()
        self.status_label.setBuddy(self.status_combo)
        self.owner_label.setBuddy(self.owner_combo)
        self.due_label.setBuddy(self.due_edit)
        self.notes_label.setBuddy(self.notes)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # long labels put the field below
        form.addRow(self.status_label, self.status_combo)
        form.addRow(self.owner_label, self.owner_combo)
        form.addRow(self.due_label, due_row)
        form.addRow("", overdue_row)
        self._overdue_row = form.rowCount() - 1
        form.setRowVisible(self._overdue_row, False)
        self.form = form
        form.addRow(self.notes_label, self.notes)
        self.error = QLabel()
        self.error.setObjectName("itemError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

        self.evidence_label = QLabel()
        self.evidence_label.setObjectName("evidenceHeading")
        self.attachments = QListWidget()
        self.attachments.setObjectName("itemAttachments")
        self.attachments.setMaximumHeight(76)
        self.attachments.itemActivated.connect(lambda entry: self.open_attachment(entry))
        self.attachments.currentItemChanged.connect(lambda *_: self._update_evidence_buttons())
        self.attach_button = QPushButton(icon("attach"), "")
        self.attach_button.setObjectName("attachFileButton")
        self.attach_button.clicked.connect(self.choose_files)
        self.open_button = QPushButton()
        self.open_button.setObjectName("openAttachmentButton")
        self.open_button.clicked.connect(lambda: self.open_attachment(self.attachments.currentItem()))
        self.remove_button = QPushButton(icon("remove"), "")
        self.remove_button.setObjectName("removeAttachmentButton")
        self.remove_button.clicked.connect(lambda: self.remove_attachment(self.attachments.currentItem()))
        self.attach_progress = QProgressBar()
        self.attach_progress.setObjectName("attachProgress")
        self.attach_progress.setRange(0, 0)
        self.attach_progress.setMaximumWidth(160)
        self.attach_progress.hide()
        evidence_buttons = QHBoxLayout()
        evidence_buttons.addWidget(self.attach_button)
        evidence_buttons.addWidget(self.open_button)
        evidence_buttons.addWidget(self.remove_button)
        evidence_buttons.addStretch(1)
        evidence_buttons.addWidget(self.attach_progress)

        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addWidget(self.item_title)
        editor_layout.addWidget(self.item_section)
        editor_layout.addWidget(self.guidance)
        editor_layout.addLayout(form)
        editor_layout.addWidget(self.error)
        editor_layout.addWidget(self.evidence_label)
        editor_layout.addWidget(self.attachments)
        editor_layout.addLayout(evidence_buttons)
        editor_layout.addStretch(1)

        self.detail = QStackedWidget()
        self.detail.setObjectName("itemDetail")
        self.detail.addWidget(hint_page)
        self.detail.addWidget(editor)
        detail_scroll = QScrollArea()
        detail_scroll.setObjectName("itemDetailScroll")
        detail_scroll.setWidgetResizable(True)
        detail_scroll.setFrameShape(QFrame.Shape.NoFrame)
        detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        detail_scroll.setWidget(self.detail)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("checklistSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(list_side)
        self.splitter.addWidget(detail_scroll)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([720, 400])
        detail_scroll.setMinimumWidth(340)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.upgrade_banner)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        self._notes_timer = QTimer(self, singleShot=True, interval=NOTES_PAUSE_MS)
        self._notes_timer.timeout.connect(self._save_notes)
        self._date_timer = QTimer(self, singleShot=True, interval=DATE_PAUSE_MS)
        self._date_timer.timeout.connect(self._save_due_date)
        self.retranslate()

    # --- labels -----------------------------------------------------------------------------

    def tab_title(self) -> str:
        return _("Checklists")

    def retranslate(self) -> None:
        self.setAccessibleName(_("Project checklists"))
        self.checklist_label.setText(_("Checklist:"))
        self.checklist_picker.setAccessibleName(_("Checklist to show"))
        self.add_checklist_button.setText(_("Add checklist…"))
        self.add_checklist_button.setAccessibleName(_("Add another checklist to the project"))
        self.overall_label.setText(_("All items:"))
        self.overall_bar.setAccessibleName(_("Progress of the whole checklist"))
        self.upgrade_button.setText(_("Add the new items"))
        self.upgrade_button.setAccessibleName(_("Add the new items to this checklist"))
        self.status_filter_label.setText(_("Status:"))
        self.status_filter.setAccessibleName(_("Show items with this status"))
        self.owner_filter_label.setText(_("Owner:"))
        self.owner_filter.setAccessibleName(_("Show items of this owner"))
        self.overdue_only.setText(_("Overdue only"))
        self.overdue_only.setAccessibleName(_("Show only overdue items"))
        self.clear_filters_button.setText(_("Show all"))
        self.clear_filters_button.setAccessibleName(_("Clear the filters and show all items"))
        self.tree.setHeaderLabels([_("Item"), _("Status"), _("Owner"), _("Due date"), ""])
        header_item = self.tree.headerItem()
        header_item.setIcon(COLUMN_EVIDENCE, icon("attach"))
        header_item.setToolTip(COLUMN_EVIDENCE, _("Evidence files"))
        header_item.setData(COLUMN_EVIDENCE, Qt.ItemDataRole.AccessibleTextRole, _("Evidence files"))
        self.tree.setAccessibleName(_("Checklist items by section"))
        self.detail.setAccessibleName(_("The chosen item"))
        self.status_label.setText(_("Status:"))
        self.owner_label.setText(_("Owner:"))
        self.due_label.setText(_("Due date:"))
        self.notes_label.setText(_("Notes:"))
        with QSignalBlocker(self.status_combo):
            current = self.status_combo.currentData()
            self.status_combo.clear()
            for status in STATUSES:
                self.status_combo.addItem(_(STATUS_LABELS[status]), status)
            if current:
                self.status_combo.setCurrentIndex(self.status_combo.findData(current))
        self.status_combo.setAccessibleName(_("Status of the item"))
        self.owner_combo.setAccessibleName(_("Owner of the item"))
        self.owner_combo.lineEdit().setAccessibleName(_("Owner of the item"))
        self.owner_combo.lineEdit().setPlaceholderText(_("Who does it?"))
        self.due_edit.setAccessibleName(_("Due date of the item"))
        locale = QLocale()
        self.due_edit.setLocale(locale)
        # The locale's short date, with the full year: 24/11/2026, 11/24/2026.
        short = locale.dateFormat(QLocale.FormatType.ShortFormat)
        self.due_edit.setDisplayFormat(short if "yyyy" in short else short.replace("yy", "yyyy"))
        self.no_due_date.setText(_("No due date"))
        self.no_due_date.setAccessibleName(_("The item has no due date"))
        self.overdue_label.setText(_("Overdue: the due date has passed."))
        self.notes.setAccessibleName(_("Notes on the item"))
        self.notes.setPlaceholderText(_("What was done, what is left, who to ask…"))
        self.evidence_label.setText(_("Evidence"))
        self.attachments.setAccessibleName(_("Evidence files of the item"))
        self.attach_button.setText(_("Attach file…"))
        self.attach_button.setAccessibleName(_("Attach a file as evidence"))
        self.open_button.setText(_("Open"))
        self.open_button.setAccessibleName(_("Open the chosen evidence file"))
        self.remove_button.setText(_("Remove"))
        self.remove_button.setAccessibleName(_("Remove the chosen evidence file"))
        self.attach_progress.setAccessibleName(_("Copying the file"))
        with QSignalBlocker(self.status_filter):
            current = self.status_filter.currentIndex()
            self.status_filter.clear()
            self.status_filter.addItem(_("Any status"), ANY)
            self.status_filter.addItem(_("Not done yet"), NOT_DONE)
            for status in STATUSES:
                self.status_filter.addItem(_(STATUS_LABELS[status]), status)
            self.status_filter.setCurrentIndex(max(current, 0))
        self._language = ""  # item texts are re-read in the new language at the next refresh

    # --- loading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.project_id:
            return
        self._flush_pending()
        if self._shown_project != self.project_id:
            self._shown_project = self.project_id
            self.checklist_id = None
            self._detail_id = None
            self.clear_filters()
        try:
            self.store.project(self.project_id)
        except PilotError:
            return  # deleted meanwhile; the project screen says so
        checklists = self.store.checklists(self.project_id)
        language = current_language()
        with QSignalBlocker(self.checklist_picker):
            self.checklist_picker.clear()
            for checklist_id, template_id, _version in checklists:
                template = self.context.templates.checklists.get(template_id)
                self.checklist_picker.addItem(template.title.get(language) if template else template_id, checklist_id)
            index = self.checklist_picker.findData(self.checklist_id) if self.checklist_id else -1
            self.checklist_picker.setCurrentIndex(index if index >= 0 else 0)
        self.checklist_id = self.checklist_picker.currentData()
        self._fill_add_menu({template_id for _c, template_id, _v in checklists}, language)
        self._load_checklist()

    def _fill_add_menu(self, present: set[str], language: str) -> None:
        self.add_menu.clear()
        for template_id, template in self.context.templates.checklists.items():
            if template_id in present:
                continue
            action = QAction(template.title.get(language), self.add_menu)
            action.setObjectName(f"addChecklist_{template_id}")
            action.setToolTip(template.description.get(language))
            action.triggered.connect(lambda _checked=False, t=template_id: self.add_checklist(t))
            self.add_menu.addAction(action)
        available = bool(self.add_menu.actions())
        self.add_checklist_button.setEnabled(available)
        self.add_checklist_button.setToolTip("" if available else
                                             _("This project already has every available checklist."))

    def _checklist_chosen(self) -> None:
        self._flush_pending()
        self.checklist_id = self.checklist_picker.currentData()
        self._detail_id = None
        self._load_checklist()

    def _load_checklist(self) -> None:
        if not self.checklist_id:
            return
        template_id = next((t for c, t, _v in self.store.checklists(self.project_id) if c == self.checklist_id), None)
        self.template = self.context.templates.checklists.get(template_id)
        items = self.store.items(self.checklist_id)
        self._items = {item.id: item for item in items}
        team = self.store.project(self.project_id).team
        self._team = team
        language = current_language()
        self._show_upgrade()
        self._fill_owner_filter(items, team)
        self._show_tree(items, language)
        self._show_progress(items)
        self._apply_filters()
        self._show_hint(language)
        if self._detail_id in self._rows:
            row = self._rows[self._detail_id]
            if self.tree.currentItem() is not row:
                with QSignalBlocker(self.tree):
                    self.tree.setCurrentItem(row)
            self._show_detail(self._detail_id)
        else:
            self._detail_id = None
            self.detail.setCurrentIndex(0)

    def _show_upgrade(self) -> None:
        new_items = self.store.template_upgrade(self.checklist_id)
        if new_items:
            self.upgrade_text.setText(ngettext("A newer version of this checklist adds {count} item. "
                                               "Your entries are kept.",
                                               "A newer version of this checklist adds {count} items. "
                                               "Your entries are kept.", len(new_items))
                                      .format(count=format_number(len(new_items))))
        self.upgrade_banner.setVisible(bool(new_items))

    def _fill_owner_filter(self, items: list[ItemRow], team) -> None:
        with QSignalBlocker(self.owner_filter):
            current = self.owner_filter.currentData() if self.owner_filter.currentIndex() >= 0 else ANY
            self.owner_filter.clear()
            self.owner_filter.addItem(_("Everyone"), ANY)
            self.owner_filter.addItem(_("Nobody yet"), NO_OWNER)
            for name in owners(items, team):
                self.owner_filter.addItem(name, name)
            index = self.owner_filter.findData(current)
            self.owner_filter.setCurrentIndex(index if index >= 0 else 0)

    def _titles(self, language: str) -> tuple[dict, dict]:
        sections = {s.id: s.title.get(language) for s in self.template.sections} if self.template else {}
        items = {i.id: (s, i) for s, i in self.template.items()} if self.template else {}
        return sections, items

    def _show_tree(self, items: list[ItemRow], language: str) -> None:
        structure = [(item.section_key, item.id) for item in items]
        section_titles, item_templates = self._titles(language)
        today = dt.date.today()
        self._loading = True
        self.tree.setUpdatesEnabled(False)
        try:
            if structure != self._structure or language != self._language:
                current = self._detail_id
                self.tree.clear()
                self._rows, self._section_rows, self._section_bars = {}, {}, {}
                bold = QFont(self.tree.font())
                bold.setBold(True)
                sections_in_order = list(section_titles)
                for key in dict.fromkeys(i.section_key for i in items):
                    if key not in sections_in_order:
                        sections_in_order.append(key)
                for key in sections_in_order:
                    members = [i for i in items if i.section_key == key]
                    if not members:
                        continue
                    section = QTreeWidgetItem(self.tree, [section_titles.get(key, key)])
                    section.setData(0, SECTION_ROLE, key)
                    section.setFont(0, bold)
                    section.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                    section.setFirstColumnSpanned(False)
                    self._section_rows[key] = section
                    bar = QProgressBar()
                    bar.setObjectName(f"sectionProgress_{key}")
                    bar.setAccessibleName(section_titles.get(key, key))
                    bar.setMaximumHeight(self.tree.fontMetrics().height() + 4)
                    bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                    self._section_bars[key] = bar
                    for item in members:
                        row = QTreeWidgetItem(section)
                        row.setData(0, ITEM_ROLE, item.id)
                        row.setData(0, SECTION_ROLE, key)
                        row.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                     | Qt.ItemFlag.ItemIsUserCheckable)
                        self._rows[item.id] = row
                    section.setExpanded(True)
                # Widgets go in once the rows exist (a bar in the Status column of each section).
                for key, bar in self._section_bars.items():
                    self.tree.setItemWidget(self._section_rows[key], COLUMN_STATUS, bar)
                self._structure = structure
                self._language = language
                if current in self._rows:
                    self.tree.setCurrentItem(self._rows[current])
            for item in items:
                entry = item_templates.get(item.item_key)
                title = entry[1].title.get(language) if entry else item.item_key
                self._fill_row(self._rows[item.id], item, title, today)
        finally:
            self._loading = False
            self.tree.setUpdatesEnabled(True)

    def _fill_row(self, row: QTreeWidgetItem, item: ItemRow, title: str, today: dt.date) -> None:
        row.setText(COLUMN_TITLE, title)
        row.setToolTip(COLUMN_TITLE, title)
        row.setCheckState(COLUMN_TITLE, Qt.CheckState.Checked if item.status == "done" else Qt.CheckState.Unchecked)
        row.setText(COLUMN_STATUS, _(STATUS_LABELS.get(item.status, item.status)))
        row.setText(COLUMN_OWNER, item.owner)
        late = is_overdue(item, today)
        row.setData(0, OVERDUE_ROLE, late)
        if item.due_date:
            row.setText(COLUMN_DUE, format_date(item.due_date))
        else:
            row.setText(COLUMN_DUE, "")
        row.setIcon(COLUMN_DUE, icon("warning") if late else QIcon())
        row.setToolTip(COLUMN_DUE, _("Overdue") if late else "")
        row.setForeground(COLUMN_DUE, QBrush(QColor(LATE_COLOR)) if late else self.tree.palette().text())
        if late:
            row.setData(COLUMN_DUE, Qt.ItemDataRole.AccessibleTextRole,
                        _("{date}, overdue").format(date=format_date(item.due_date)))
        else:
            row.setData(COLUMN_DUE, Qt.ItemDataRole.AccessibleTextRole, None)
        row.setText(COLUMN_EVIDENCE, format_number(item.attachments) if item.attachments else "")
        row.setIcon(COLUMN_EVIDENCE, icon("attach") if item.attachments else QIcon())
        row.setToolTip(COLUMN_EVIDENCE, ngettext("{count} evidence file", "{count} evidence files",
                                                 item.attachments).format(count=format_number(item.attachments)))
        row.setTextAlignment(COLUMN_EVIDENCE, Qt.AlignmentFlag.AlignCenter)

    def _show_progress(self, items: list[ItemRow]) -> None:
        overall, sections = checklist_progress(self.template, items)
        self._set_bar(self.overall_bar, overall.done, overall.applicable)
        for progress in sections:
            bar = self._section_bars.get(progress.key)
            if bar is not None:
                self._set_bar(bar, progress.done, progress.applicable, compact=True)

    @staticmethod
    def _set_bar(bar: QProgressBar, done: int, total: int, compact: bool = False) -> None:
        bar.setRange(0, max(total, 1))
        bar.setValue(done)
        text = _("{done} of {total} done").format(done=format_number(done), total=format_number(total))
        # In the list's narrow column a bar reads "2 / 5"; the words are in its tooltip and description.
        bar.setFormat(f"{format_number(done)} / {format_number(total)}" if compact else text)
        bar.setToolTip(text)
        bar.setAccessibleDescription(text)

    def _show_hint(self, language: str) -> None:
        if self.template:
            self.hint_title.setText(f"<b>{html.escape(self.template.title.get(language))}</b>")
            self.hint_text.setText(self.template.description.get(language) + "\n\n"
                                   + _("Choose an item in the list to change its status, owner, due date and notes, "
                                       "or to attach evidence. Tick an item to mark it done."))
        else:
            self.hint_title.setText("")
            self.hint_text.setText(_("The template of this checklist is not available."))

    # --- filters ----------------------------------------------------------------------------

    def current_filter(self) -> ItemFilter:
        return ItemFilter(self.status_filter.currentData(), self.owner_filter.currentData(),
                          self.overdue_only.isChecked())

    def clear_filters(self) -> None:
        for widget in (self.status_filter, self.owner_filter, self.overdue_only):
            widget.blockSignals(True)
        self.status_filter.setCurrentIndex(0)
        self.owner_filter.setCurrentIndex(0)
        self.overdue_only.setChecked(False)
        for widget in (self.status_filter, self.owner_filter, self.overdue_only):
            widget.blockSignals(False)
        self._apply_filters()

    def _apply_filters(self) -> None:
        chosen = self.current_filter()
        today = dt.date.today()
        shown = 0
        for key, section in self._section_rows.items():
            visible = 0
            for index in range(section.childCount()):
                row = section.child(index)
                item = self._items.get(row.data(0, ITEM_ROLE))
                match = item is not None and chosen.matches(item, today)
                row.setHidden(not match)
                visible += match
            section.setHidden(visible == 0)
            shown += visible
        total = len(self._items)
        self.clear_filters_button.setVisible(chosen.active)
        if chosen.active:
            self.shown_label.setText(_("{shown} of {total} items shown").format(shown=format_number(shown),
                                                                              total=format_number(total)))
        else:
            self.shown_label.setText(ngettext("{count} item", "{count} items", total)
                                     .format(count=format_number(total)))
        self.empty_label.setText(_("No item matches these filters.") if chosen.active else "")
        self.empty_label.setVisible(shown == 0 and bool(self._items))

    # --- the chosen item ----------------------------------------------------------------------

    def _current_changed(self, current: QTreeWidgetItem | None) -> None:
        if self._loading:
            return
        self._flush_pending()
        item_id = current.data(0, ITEM_ROLE) if current is not None else None
        self._detail_id = item_id
        if item_id is None:
            self.detail.setCurrentIndex(0)
            return
        self._show_error("")
        self._show_detail(item_id)

    def _item_activated(self, row: QTreeWidgetItem, _column: int) -> None:
        if row.data(0, ITEM_ROLE):
            self.status_combo.setFocus()

    def select_item(self, item_id: str) -> None:
        """Show ``item_id`` in the editor (tests and other screens use this)."""
        row = self._rows.get(item_id)
        if row is not None:
            self.tree.setCurrentItem(row)

    def item_id(self, item_key: str) -> str | None:
        """The id of the item made from the template item ``item_key`` in the shown checklist."""
        return next((i.id for i in self._items.values() if i.item_key == item_key), None)

    def _show_detail(self, item_id: str) -> None:
        item = self._items.get(item_id)
        if item is None:
            self.detail.setCurrentIndex(0)
            return
        language = current_language()
        section_titles, item_templates = self._titles(language)
        entry = item_templates.get(item.item_key)
        self._loading = True
        try:
            self.item_title.setText(entry[1].title.get(language) if entry else item.item_key)
            self.item_section.setText(section_titles.get(item.section_key, item.section_key))
            guidance = entry[1].guidance.get(language) if entry else ""
            self.guidance.setText(guidance)
            self.guidance.setVisible(bool(guidance))
            self.status_combo.setCurrentIndex(max(self.status_combo.findData(item.status), 0))
            self.owner_combo.clear()
            names = owners([item], self._team)
            self.owner_combo.addItems(names)
            self.owner_combo.setCurrentText(item.owner)
            self.no_due_date.setChecked(item.due_date is None)
            self.due_edit.setEnabled(item.due_date is not None)
            self.due_edit.setDate(QDate(item.due_date) if item.due_date else QDate.currentDate().addDays(14))
            self.form.setRowVisible(self._overdue_row, is_overdue(item, dt.date.today()))
            if self.notes.toPlainText() != item.notes:
                self.notes.setPlainText(item.notes)
            self._show_attachments(item_id)
        finally:
            self._loading = False
        self.detail.setCurrentIndex(1)

    def _show_attachments(self, item_id: str) -> None:
        current = self.attachments.currentItem().data(ATTACHMENT_ROLE).id if self.attachments.currentItem() else None
        self.attachments.clear()
        for info in self.store.attachments(item_id):
            entry = QListWidgetItem(icon("guide"), f"{info.name}  ({_size(info.size)})")
            entry.setData(ATTACHMENT_ROLE, info)
            entry.setToolTip(info.name)
            self.attachments.addItem(entry)
            if info.id == current:
                self.attachments.setCurrentItem(entry)
        if self.attachments.count() and self.attachments.currentRow() < 0:
            self.attachments.setCurrentRow(0)
        if not self.attachments.count():
            placeholder = QListWidgetItem(_("No evidence attached yet."))
            placeholder.setFlags(Qt.ItemFlag.NoItemFlags)
            self.attachments.addItem(placeholder)
        self._update_evidence_buttons()

    def _update_evidence_buttons(self) -> None:
        chosen = self.attachments.currentItem()
        has = chosen is not None and chosen.data(ATTACHMENT_ROLE) is not None
        self.open_button.setEnabled(has)
        self.remove_button.setEnabled(has)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # --- edits --------------------------------------------------------------------------------

    def _save(self, item_id: str, values: dict, undo_text: str, confirmation: str) -> bool:
        """Save ``values`` on the item now, undoably; refresh what shows it."""
        if "notes" not in values:
            self._flush_pending()  # typed notes are saved first, never overwritten
        item = self._items.get(item_id)
        if item is not None and all(getattr(item, key) == value for key, value in values.items()):
            return True
        store = self.store
        try:
            save_edit(self.context.undo_stack, undo_text, lambda v: store.update_item(item_id, **v), values,
                      self._after_undo)
        except PilotError as error:
            self._show_error(_("This item no longer exists.") if error.key == "unknown_item"
                             else _("This change could not be saved."))
            self._load_checklist()
            return False
        self._show_error("")
        self._detail_id = self._detail_id or item_id
        self._load_checklist()
        self.changed.emit()
        self.message.emit(confirmation)
        return True

    def _after_undo(self) -> None:
        self._notes_timer.stop()
        self._date_timer.stop()
        if self.project_id:
            self.refresh()
        self.changed.emit()

    def set_status(self, item_id: str, status: str) -> bool:
        if status not in STATUSES:
            self._show_error(_("Choose one of the statuses in the list."))
            return False
        return self._save(item_id, {"status": status}, _("Change status"),
                          _("Status set to “{status}”.").format(status=_(STATUS_LABELS[status])))

    def _status_chosen(self) -> None:
        if self._detail_id and not self._loading:
            self.set_status(self._detail_id, self.status_combo.currentData())

    def _item_ticked(self, row: QTreeWidgetItem, column: int) -> None:
        if self._loading or column != COLUMN_TITLE:
            return
        item_id = row.data(0, ITEM_ROLE)
        item = self._items.get(item_id)
        if item is None:
            return
        ticked = row.checkState(COLUMN_TITLE) == Qt.CheckState.Checked
        if ticked and item.status != "done":
            self.set_status(item_id, "done")
        elif not ticked and item.status == "done":
            self.set_status(item_id, "todo")

    def _save_owner(self) -> None:
        if not self._detail_id or self._loading:
            return
        name, error = clean_owner(self.owner_combo.currentText())
        if error:
            self._show_error(_("An owner's name can have at most {count} characters.")
                             .format(count=format_number(MAX_OWNER_LENGTH)))
            return
        self._save(self._detail_id, {"owner": name}, _("Change owner"),
                   _("Owner set to {name}.").format(name=name) if name else _("Owner removed."))

    def _date_edited(self) -> None:
        if self._detail_id and not self._loading and not self.no_due_date.isChecked():
            self._date_timer.start()

    def _save_due_date(self) -> None:
        self._date_timer.stop()
        if not self._detail_id or self._loading or self.no_due_date.isChecked():
            return
        date = self.due_edit.date()
        if not date.isValid() or not MIN_DATE <= date <= MAX_DATE:
            self._show_error(_("Enter a date between {first} and {last}.").format(
                first=format_date(MIN_DATE.toPython()), last=format_date(MAX_DATE.toPython())))
            return
        value = date.toPython()
        self._save(self._detail_id, {"due_date": value}, _("Change due date"),
                   _("Due date set to {date}.").format(date=format_date(value)))

    def _no_due_date_toggled(self, checked: bool) -> None:
        self.due_edit.setEnabled(not checked)
        if self._loading or not self._detail_id:
            return
        self._date_timer.stop()
        if checked:
            self._save(self._detail_id, {"due_date": None}, _("Remove due date"), _("Due date removed."))
        else:
            self._save_due_date()

    def _notes_edited(self) -> None:
        if self._detail_id and not self._loading:
            self._notes_item = self._detail_id
            self._notes_timer.start()

    def _save_notes(self) -> None:
        self._notes_timer.stop()
        item_id = self._notes_item
        if not item_id or self._loading:
            return
        self._notes_item = None
        text = self.notes.toPlainText()
        if notes_error(text):
            self._show_error(_("Notes can have at most {count} characters; these have {length}.").format(
                count=format_number(MAX_NOTES_LENGTH), length=format_number(len(text))))
            self._notes_item = item_id
            return
        self._save(item_id, {"notes": text}, _("Edit notes"), _("Notes saved."))

    def _flush_pending(self) -> None:
        """Save what is waiting for a pause in typing before the view changes."""
        if self._notes_timer.isActive():
            self._save_notes()
        if self._date_timer.isActive():
            self._save_due_date()

    # --- checklists ---------------------------------------------------------------------------

    def add_checklist(self, template_id: str) -> None:
        if not self.project_id:
            return
        template = self.context.templates.checklists.get(template_id)
        try:
            checklist_id = self.store.add_checklist(self.project_id, template_id)
        except PilotError:
            self.message.emit(_("This checklist is not available."))
            return
        self.checklist_id = checklist_id
        self._detail_id = None
        self.refresh()
        self.changed.emit()
        self.message.emit(_("Added the checklist “{title}”.").format(
            title=template.title.get(current_language()) if template else template_id))

    def apply_upgrade(self) -> None:
        if not self.checklist_id:
            return
        self._flush_pending()
        count = self.store.apply_template_upgrade(self.checklist_id)
        self._load_checklist()
        self.changed.emit()
        self.message.emit(ngettext("Added {count} new item. Your entries are kept.",
                                   "Added {count} new items. Your entries are kept.", count)
                          .format(count=format_number(count)))

    # --- evidence -----------------------------------------------------------------------------

    def choose_files(self) -> None:
        if not self._detail_id:
            return
        paths, _filter = QFileDialog.getOpenFileNames(self, _("Attach evidence"), str(self._last_dir()))
        if paths:
            self.attach_files([Path(p) for p in paths])

    def _last_dir(self) -> Path:
        return self._last_folder or Path.home()

    def attach_files(self, paths: list[Path]) -> None:
        item_id = self._detail_id
        if not item_id:
            return
        for path in paths:
            if not path.is_file():
                self._show_error(_("“{name}” is not a file that can be attached.").format(name=path.name))
                continue
            self._last_folder = path.parent
            try:
                size = path.stat().st_size
            except OSError as error:
                self._show_error(_("Could not read “{name}”: {reason}")
                                 .format(name=path.name, reason=error.strerror))
                continue
            if size > BACKGROUND_ATTACH_BYTES:
                self._busy += 1
                self.attach_progress.show()
                self.attach_button.setEnabled(False)
                # Captured on the worker thread, made undoable on the window's.
                run_in_background(lambda _progress, p=path: self.store.records.capture(
                                      lambda: self.store.attach(item_id, p)),
                                  on_success=lambda done, p=path: self._attached(item_id, *done, p),
                                  on_failure=lambda error, p=path: self._attach_failed(p, error))
            else:
                try:
                    info, edit = self.store.records.capture(lambda p=path: self.store.attach(item_id, p))
                except OSError as error:
                    self._attach_failed(path, error)
                    continue
                self._attached(item_id, info, edit, path, background=False)

    def _attach_done(self) -> None:
        self._busy = max(0, self._busy - 1)
        if not self._busy:
            self.attach_progress.hide()
            self.attach_button.setEnabled(True)

    def _attached(self, item_id: str, info: AttachmentInfo, edit: Edit, path: Path, background: bool = True) -> None:
        if background:
            self._attach_done()
        self.context.undo_stack.push_edit(_("Attach {name}").format(name=info.name), edit, self._after_undo)
        self._show_error("")
        self._load_checklist()
        self.changed.emit()
        self.message.emit(_("Attached “{name}”.").format(name=info.name))

    def _attach_failed(self, path: Path, error: BaseException) -> None:
        if isinstance(error, OSError) and getattr(error, "strerror", None):
            reason = error.strerror
        else:
            reason = str(error)
        if self._busy:
            self._attach_done()
        self._show_error(_("Could not attach “{name}”: {reason}").format(name=path.name, reason=reason))

    def remove_attachment(self, entry: QListWidgetItem | None) -> None:
        info = entry.data(ATTACHMENT_ROLE) if entry is not None else None
        item_id = self._detail_id
        if info is None or not item_id:
            return
        self.context.undo_stack.record(_("Remove {name}").format(name=info.name),
                                       lambda: self.store.remove_attachment(info.id), self._after_undo)
        self._load_checklist()
        self.changed.emit()
        self.message.emit(_("Removed “{name}”. Press Ctrl+Z to bring it back.").format(name=info.name))

    def open_attachment(self, entry: QListWidgetItem | None) -> None:
        info = entry.data(ATTACHMENT_ROLE) if entry is not None else None
        if info is None:
            return
        blob = self.store.blob_path(info.sha256)
        if not blob.is_file():
            self._show_error(_("The file “{name}” is missing from the data folder.").format(name=info.name))
            return
        # A copy under the original name, so the system knows what kind of file it is.
        if self._open_dir is None:
            self._open_dir = Path(tempfile.mkdtemp(prefix="companion-open-"))
        folder = self._open_dir / info.id
        folder.mkdir(parents=True, exist_ok=True)
        copy = folder / Path(info.name).name
        try:
            shutil.copyfile(blob, copy)
        except OSError as error:
            self._show_error(_("Could not open “{name}”: {reason}").format(name=info.name, reason=error.strerror))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(copy))):
            self._show_error(_("No program on this computer opens “{name}”.").format(name=info.name))
