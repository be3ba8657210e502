"""Editing the chosen item: status, owner, due date and notes, each saved at once through the
store and undoable; adding a checklist and a newer template's items."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QTreeWidgetItem

from companion.i18n import _, current_language, format_date, format_number, ngettext, translated
from companion.pilot.checklist_view import MAX_NOTES_LENGTH, MAX_OWNER_LENGTH, clean_owner, notes_error, owners
from companion.pilot.progress import is_overdue
from companion.pilot.store import STATUSES, PilotError
from ui.screens.pilot.checklist.common import (
    ATTACHMENT_ROLE,
    COLUMN_TITLE,
    ITEM_ROLE,
    MAX_DATE,
    MIN_DATE,
    STATUS_LABELS,
)
from ui.undo import save_edit


class ItemEditor:
    """The item panel's edits, saved through the store with the window's undo history."""

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
                          _("Status set to “{status}”.").format(status=translated(STATUS_LABELS[status])))


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
