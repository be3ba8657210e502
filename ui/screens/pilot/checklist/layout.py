"""The checklist tab's layout: the picker and progress, the filters, the items by section, and the
panel of the chosen item (with its evidence files); every label set in ``retranslate``."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
)

from companion.i18n import _, format_date, translated
from companion.pilot.checklist_view import ANY, NOT_DONE
from companion.pilot.store import STATUSES
from ui.icons import icon
from ui.screens.pilot.checklist.common import (
    COLUMN_DUE,
    COLUMN_EVIDENCE,
    COLUMN_OWNER,
    COLUMN_STATUS,
    COLUMN_TITLE,
    ERROR_STYLE,
    MAX_DATE,
    MIN_DATE,
    STATUS_LABELS,
    FocusOut,
    SectionDelegate,
)
from ui.widgets.date_field import DateField
from ui.widgets.eliding_combo import ElidingComboBox
from ui.widgets.dates import use_medium_dates


class ChecklistLayout:
    """Builds the widgets (``_build_layout``) and labels them in the interface language."""

    def _build_layout(self) -> None:
        """Every widget of the tab, and where it sits."""
        # --- which checklist, overall progress ------------------------------------------
        self.checklist_label = QLabel()
        self.checklist_picker = ElidingComboBox()  # squeezed at 1024 pixels: "…", not cut mid-letter
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
        self.add_checklist_button.setStyleSheet("#addChecklistButton { padding-right: 18px; }")  # clear of the arrow
        self.overall_label = QLabel()
        self.overall_bar = QProgressBar()
        self.overall_bar.setObjectName("checklistOverallProgress")
        self.overall_bar.setMinimumWidth(140)
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
        self.shown_label.setWordWrap(True)  # gives way to the filters on a narrow window or in long French
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

        # --- the items, by section ------------------------------------------------------
        self.tree = QTreeWidget()
        self.tree.setObjectName("checklistItems")
        self.tree.setColumnCount(5)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(14)
        # A long name wraps onto a second line in a narrow window, rather than ending in "…".
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setTabKeyNavigation(False)  # Tab leaves the list; arrows move inside it
        self.tree.setItemDelegate(SectionDelegate(self.tree))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COLUMN_TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (COLUMN_STATUS, COLUMN_OWNER, COLUMN_DUE, COLUMN_EVIDENCE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(32)
        # Row heights follow the width of the names' column (they wrap).
        header.sectionResized.connect(lambda column, _old, _new: column == COLUMN_TITLE and self.tree.doItemsLayout())
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
        list_layout.addWidget(self.shown_label, 0, Qt.AlignmentFlag.AlignRight)

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
        self.due_edit = DateField()
        self.due_edit.setObjectName("itemDueDate")
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
        FocusOut(self.notes, self._save_notes)
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
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.error.setObjectName("itemError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()

        self.evidence_label = QLabel()
        self.evidence_label.setObjectName("evidenceHeading")
        self.attachments = QListWidget()
        self.attachments.setObjectName("itemAttachments")
        self.attachments.setMaximumHeight(76)
        self.attachments.setWordWrap(True)
        self.attachments.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
        # Two rows, so the three buttons fit the narrow panel of a 1024×768 screen.
        evidence_buttons = QGridLayout()
        evidence_buttons.setContentsMargins(0, 0, 0, 0)
        evidence_buttons.addWidget(self.attach_button, 0, 0)
        evidence_buttons.addWidget(self.attach_progress, 0, 1)
        evidence_buttons.addWidget(self.open_button, 1, 0)
        evidence_buttons.addWidget(self.remove_button, 1, 1)
        evidence_buttons.setColumnStretch(2, 1)

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
        self.detail_scroll = detail_scroll
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
        self.splitter.setSizes([650, 350])
        self.splitter.splitterMoved.connect(lambda *_args: self._fit_columns())
        detail_scroll.setMinimumWidth(270)
        list_side.setMinimumWidth(380)
        self.detail_scroll = detail_scroll

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.upgrade_banner)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)


    def _fit_columns(self) -> None:
        """Status, owner, due date and evidence as wide as their texts; the item's name takes the
        rest. When that leaves the name under ~220 px (1024×768), the Owner column is hidden (then
        Status): both stay in the item's tooltip, the panel and the filters."""
        metrics = self.tree.fontMetrics()
        status = max(metrics.horizontalAdvance(translated(label)) for label in STATUS_LABELS.values()) + 18
        status = max(status, metrics.horizontalAdvance(self.tree.headerItem().text(COLUMN_STATUS)) + 18)
        due = max(metrics.horizontalAdvance(format_date(dt.date(2026, 12, 29))),
                  metrics.horizontalAdvance(self.tree.headerItem().text(COLUMN_DUE))) + 32
        owners_shown = [self.tree.headerItem().text(COLUMN_OWNER)] + [item.owner for item in self._items.values()]
        owner = min(max(metrics.horizontalAdvance(name) for name in owners_shown) + 18, 150)
        evidence = 32
        widths = {COLUMN_STATUS: status, COLUMN_OWNER: owner, COLUMN_DUE: due, COLUMN_EVIDENCE: evidence}
        room = self.tree.viewport().width() - status - due - evidence
        hide_owner = room - owner < 220
        hide_status = hide_owner and room < 220  # very narrow (long translations): the tick still says done
        self.tree.setColumnHidden(COLUMN_OWNER, hide_owner)
        self.tree.setColumnHidden(COLUMN_STATUS, hide_status)
        for column, width in widths.items():
            if self.tree.columnWidth(column) != width:
                self.tree.setColumnWidth(column, width)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def retranslate(self) -> None:
        self.setAccessibleName(_("Project checklists"))
        self.detail_scroll.setAccessibleName(_("The chosen item"))  # it takes the focus, to scroll with the keys
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
        self.detail_scroll.setAccessibleName(_("The chosen item"))
        self.status_label.setText(_("Status:"))
        self.owner_label.setText(_("Owner:"))
        self.due_label.setText(_("Due date:"))
        self.notes_label.setText(_("Notes:"))
        with QSignalBlocker(self.status_combo):
            current = self.status_combo.currentData()
            self.status_combo.clear()
            for status in STATUSES:
                self.status_combo.addItem(translated(STATUS_LABELS[status]), status)
            if current:
                self.status_combo.setCurrentIndex(self.status_combo.findData(current))
        self.status_combo.setAccessibleName(_("Status of the item"))
        self.owner_combo.setAccessibleName(_("Owner of the item"))
        self.owner_combo.lineEdit().setAccessibleName(_("Owner of the item"))
        self.owner_combo.lineEdit().setPlaceholderText(_("Who does it?"))
        self.due_edit.setAccessibleName(_("Due date of the item"))
        use_medium_dates(self.due_edit)  # "24 Nov 2026" / "24 nov. 2026", as dates are written everywhere
        self.no_due_date.setText(_("No due date"))
        self.no_due_date.setAccessibleName(_("The item has no due date"))
        self.overdue_label.setText(_("Overdue: the due date has passed."))
        self.notes.setAccessibleName(_("Notes on the item"))
        self.notes.setPlaceholderText(_("What was done, what is left, who to ask…"))
        self.evidence_label.setText(_("Evidence files"))
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
                self.status_filter.addItem(translated(STATUS_LABELS[status]), status)
            self.status_filter.setCurrentIndex(max(current, 0))
        self._language = ""  # item texts are re-read in the new language at the next refresh
        self._fit_columns()
