"""What the checklist tab shows: the chosen checklist's items by section, progress, filters, the
offer of a newer template's items, and which item is chosen."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QIcon
from PySide6.QtWidgets import QProgressBar, QTreeWidgetItem

from companion.i18n import _, current_language, format_date, format_number, ngettext, translated
from companion.pilot.checklist_view import ANY, NO_OWNER, ItemFilter, owners
from companion.pilot.progress import checklist_progress, is_overdue
from companion.pilot.store import ItemRow, PilotError
from ui.icons import icon
from ui.screens.pilot.checklist.common import (
    COLUMN_DUE,
    COLUMN_EVIDENCE,
    COLUMN_OWNER,
    COLUMN_STATUS,
    COLUMN_TITLE,
    ITEM_ROLE,
    LATE_COLOR,
    OVERDUE_ROLE,
    SECTION_ROLE,
    STATUS_LABELS,
)
from ui.widgets.plain_text import plain_tooltip


class ItemsView:
    """Reads the store and fills the tree; never writes."""

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
            action.setToolTip(plain_tooltip(template.description.get(language)))
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
        row.setToolTip(COLUMN_TITLE, plain_tooltip(title))
        row.setCheckState(COLUMN_TITLE, Qt.CheckState.Checked if item.status == "done" else Qt.CheckState.Unchecked)
        row.setText(COLUMN_STATUS, translated(STATUS_LABELS.get(item.status, item.status)))
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
