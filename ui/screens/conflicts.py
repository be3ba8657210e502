"""Review the edits that clashed: what, who and when (from each write's clock stamp), both values side by
side; keep either, or write a merged value. The resolution is an ordinary edit (the replica's
``resolve_conflict``), so it syncs to the team like any other."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QPushButton, QSplitter, QVBoxLayout, QWidget)

from companion.i18n import N_, _, format_datetime, format_number, ngettext, translated
from companion.replication.hlc import HLCError, parse_hlc

CONFLICT_ROLE = Qt.ItemDataRole.UserRole

TYPE_NAMES = {
    "project": N_("Pilot project"), "project_member": N_("Project team member"), "checklist": N_("Checklist"),
    "checklist_item": N_("Checklist item"), "attachment": N_("Evidence file"), "feasibility": N_("Feasibility assessment"),
    "feasibility_weight": N_("Feasibility weight"), "feasibility_score": N_("Feasibility score"),
    "business_case": N_("Business case"), "business_line": N_("Business case line"),
    "training_module": N_("Training module"), "training_lesson": N_("Lesson"), "training_question": N_("Quiz question"),
    "training_session": N_("Training session"), "training_participant": N_("Participant"),
    "training_attendance": N_("Attendance"), "bookmark": N_("Bookmarked guide"), "reading_state": N_("Reading position"),
    "guide": N_("Guide"),
}
FIELD_NAMES = {
    "_deleted": N_("deleted"), "name": N_("name"), "title": N_("title"), "notes": N_("notes"), "status": N_("status"),
    "owner": N_("owner"), "due_date": N_("due date"), "score": N_("score"), "evidence": N_("evidence"),
    "risk": N_("risk"), "weight": N_("weight"), "description": N_("description"), "unit_cost": N_("unit cost"),
    "quantity": N_("quantity"), "recommendation": N_("recommendation"), "place": N_("place"),
    "trainer": N_("trainer"), "comment": N_("comment"), "body_markdown": N_("text"), "summary": N_("summary"),
}
TITLE_FIELDS = ("name", "title", "module_title", "question", "description", "notes", "guide_slug")


def display_value(value: Any) -> str:
    if value is None:
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        return value if value else _("(empty)")
    return json.dumps(value, ensure_ascii=False, indent=1)


class ConflictScreen(QWidget):
    message = Signal(str)
    resolved = Signal()

    def __init__(self, replica: Any) -> None:
        super().__init__()
        self.setObjectName("conflictScreen")
        self.replica = replica
        self.conflicts: list[dict] = []
        self.heading = QLabel()
        self.heading.setObjectName("screenTitle")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("conflictList")
        self.list.setMinimumWidth(240)
        self.list.setWordWrap(True)  # each entry: what (type and field) on one line, the record's title below
        self.list.setSpacing(3)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.currentItemChanged.connect(self._show_current)
        self.empty = QLabel()
        self.empty.setObjectName("noConflicts")
        self.empty.setWordWrap(True)

        self.what = QLabel()
        self.what.setObjectName("conflictWhat")
        self.what.setWordWrap(True)
        # What clashed (the record's kind, field and title), set apart in bold above the explanation.
        self.subject = QLabel()
        self.subject.setObjectName("conflictSubject")
        self.subject.setTextFormat(Qt.TextFormat.PlainText)  # a record's title is the user's text
        self.subject.setWordWrap(True)
        bold = self.subject.font()
        bold.setBold(True)
        self.subject.setFont(bold)
        self.kept_box, self.kept_value, self.kept_when, self.keep_kept = self._side("keptValue", "keepKept")
        self.other_box, self.other_value, self.other_when, self.keep_other = self._side("otherValue", "keepOther")
        self.keep_kept.clicked.connect(lambda: self._resolve(self._current()["kept"]["v"]))
        self.keep_other.clicked.connect(lambda: self._resolve(self._current()["other"]["v"]))
        sides = QHBoxLayout()
        sides.addWidget(self.kept_box, 1)
        sides.addWidget(self.other_box, 1)
        self.merged_label = QLabel()
        self.merged = QPlainTextEdit()
        self.merged.setObjectName("mergedValue")
        self.merged.setMaximumHeight(120)
        self.save_merged = QPushButton()
        self.save_merged.setObjectName("saveMerged")
        self.save_merged.clicked.connect(self._resolve_merged)
        merged_row = QHBoxLayout()
        merged_row.addWidget(self.merged, 1)
        merged_row.addWidget(self.save_merged, 0, Qt.AlignmentFlag.AlignBottom)
        self.detail = QWidget()
        detail = QVBoxLayout(self.detail)
        detail.setContentsMargins(0, 0, 0, 0)
        detail.addWidget(self.subject)
        detail.addWidget(self.what)
        detail.addSpacing(6)
        detail.addLayout(sides)
        detail.addWidget(self.merged_label)
        detail.addLayout(merged_row)
        detail.addStretch(1)

        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([280, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.explanation)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        # With no conflict the splitter is hidden: this takes the room, so the text stays at the top.
        self.filler = QWidget()
        layout.addWidget(self.filler, 1)
        self.splitter = splitter
        self.retranslate()

    def _side(self, value_name: str, button_name: str) -> tuple[QGroupBox, QPlainTextEdit, QLabel, QPushButton]:
        box = QGroupBox()
        value = QPlainTextEdit()
        value.setObjectName(value_name)
        value.setReadOnly(True)
        value.setMaximumHeight(180)
        when = QLabel()
        when.setWordWrap(True)
        button = QPushButton()
        button.setObjectName(button_name)
        grid = QGridLayout(box)
        grid.addWidget(when, 0, 0)
        grid.addWidget(value, 1, 0)
        grid.addWidget(button, 2, 0, Qt.AlignmentFlag.AlignLeft)
        grid.setRowStretch(3, 1)
        return box, value, when, button

    # --- content --------------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self._current()["id"] if self._current() else None
        self.conflicts = sorted(self.replica.conflicts(), key=lambda c: max(c["kept"]["t"], c["other"]["t"]), reverse=True)
        self.list.blockSignals(True)
        self.list.clear()
        for conflict in self.conflicts:
            item = QListWidgetItem(self._title(conflict))
            item.setData(CONFLICT_ROLE, conflict["id"])
            self.list.addItem(item)
        self.list.blockSignals(False)
        ids = [c["id"] for c in self.conflicts]
        self.list.setCurrentRow(ids.index(selected) if selected in ids else 0)
        has = bool(self.conflicts)
        self.splitter.setVisible(has)
        self.empty.setVisible(not has)
        self.filler.setVisible(not has)
        self._show_current()
        self.heading.setText(ngettext("{count} conflict to review", "{count} conflicts to review",
                                      len(self.conflicts)).format(count=format_number(len(self.conflicts)))
                             if has else _("Conflicts"))

    def _current(self) -> dict | None:
        item = self.list.currentItem()
        if item is None:
            return None
        wanted = item.data(CONFLICT_ROLE)
        return next((c for c in self.conflicts if c["id"] == wanted), None)

    def _record_title(self, conflict: dict) -> str:
        type_name = conflict.get("type")
        if not type_name or type_name not in TYPE_NAMES:
            return ""
        with self.replica.records.transaction() as writer:  # reads only: nothing is written or published
            row = writer.row(type_name, conflict["record"])
        if not row:
            return ""
        for name in TITLE_FIELDS:
            value = row.get(name)
            if isinstance(value, str) and value.strip():
                text = value.strip().splitlines()[0]
                return text if len(text) <= 60 else text[:57] + "…"
        return ""

    def _title(self, conflict: dict) -> str:
        kind = translated(TYPE_NAMES[conflict["type"]]) if conflict.get("type") in TYPE_NAMES else _("Record")
        field = translated(FIELD_NAMES[conflict["field"]]) if conflict["field"] in FIELD_NAMES else conflict["field"]
        title = self._record_title(conflict)
        return f"{kind} — {field}" + (f"\n{title}" if title else "")

    def _who_when(self, stamp: str) -> str:
        try:
            parsed = parse_hlc(stamp)
        except HLCError:
            return ""
        when = format_datetime(dt.datetime.fromtimestamp(parsed.millis / 1000), "medium_short")
        if parsed.device == self.replica.device_id:
            return _("Written on this laptop, {when}").format(when=when)
        return _("Written on another laptop ({device}), {when}").format(device=parsed.device[-4:], when=when)

    def _show_current(self, *_args: Any) -> None:
        conflict = self._current()
        self.detail.setEnabled(conflict is not None)
        if conflict is None:
            return
        self.subject.setText(self._title(conflict))
        self.what.setText(_("Two people changed the same thing without seeing each other's edit. The newer value "
                            "is in use; the other one is kept here until you decide."))
        self.kept_value.setPlainText(display_value(conflict["kept"]["v"]))
        self.kept_when.setText(self._who_when(conflict["kept"]["t"]))
        self.other_value.setPlainText(display_value(conflict["other"]["v"]))
        self.other_when.setText(self._who_when(conflict["other"]["t"]))
        kept = conflict["kept"]["v"]
        self.merged.setPlainText(kept if isinstance(kept, str) else json.dumps(kept, ensure_ascii=False))

    # --- resolving ------------------------------------------------------------------------------

    def _resolve(self, value: Any) -> None:
        conflict = self._current()
        if conflict is None:
            return
        try:
            self.replica.resolve_conflict(conflict["id"], value)
        except Exception as error:  # a value the field cannot hold: say so, change nothing
            self.message.emit(_("This value cannot be saved: {reason}").format(reason=error))
            return
        self.message.emit(_("Conflict resolved. Your choice will be sent with the next sync."))
        self.refresh()
        self.resolved.emit()

    def _resolve_merged(self) -> None:
        conflict = self._current()
        if conflict is None:
            return
        text = self.merged.toPlainText()
        if isinstance(conflict["kept"]["v"], str) or isinstance(conflict["other"]["v"], str):
            self._resolve(text)
            return
        try:
            value = json.loads(text)
        except ValueError:
            self.message.emit(_("Write the merged value in the same form as the two values above."))
            return
        self._resolve(value)

    # --- words ----------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.explanation.setText(_("When two people edit the same field before syncing, both edits are kept: "
                                   "choose which one stays, or write a value that combines them."))
        self.empty.setText(_("No conflicts: every edit synced without clashing."))
        self.kept_box.setTitle(_("Value in use (newer)"))
        self.other_box.setTitle(_("Other value"))
        self.keep_kept.setText(_("Keep this value"))
        self.keep_other.setText(_("Keep this value instead"))
        self.keep_kept.setAccessibleName(_("Keep the value in use"))
        self.keep_other.setAccessibleName(_("Keep the other value"))
        self.kept_value.setAccessibleName(_("Value in use"))
        self.other_value.setAccessibleName(_("Other value"))
        self.merged_label.setText(_("Or write a merged value:"))
        self.merged.setAccessibleName(_("Merged value"))
        self.save_merged.setText(_("Save merged value"))
        self.save_merged.setAccessibleName(_("Save merged value"))
        self.list.setAccessibleName(_("Conflicts"))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
