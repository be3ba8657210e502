"""Attendance per day: one tick per participant and day, or everyone at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from companion.i18n import _, format_day
from companion.training.store import TrainingError
from ui.screens.training.base import guarded
from ui.screens.training.session_base import SessionTab, refilling

ID_ROLE = Qt.ItemDataRole.UserRole
DAY_ROLE = Qt.ItemDataRole.UserRole + 1


class AttendanceTab(SessionTab):
    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self.setObjectName("attendanceTab")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.day_choice = QComboBox()
        self.day_choice.setObjectName("attendanceDay")
        self.everyone_button = QPushButton()
        self.everyone_button.setObjectName("everyonePresentButton")
        self.everyone_button.clicked.connect(lambda: self.mark_everyone_present(self.day_choice.currentIndex()))
        row = QHBoxLayout()
        self.day_label = QLabel()
        self.day_label.setBuddy(self.day_choice)
        row.addWidget(self.day_label)
        row.addWidget(self.day_choice)
        row.addWidget(self.everyone_button)
        row.addStretch(1)
        self.table = QTableWidget(0, 1)
        self.table.setObjectName("attendanceTable")
        self.table.setTabKeyNavigation(False)  # Tab goes on to the next control; the arrows move between cells
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemChanged.connect(self._item_changed)
        self.totals = QLabel()
        self.totals.setObjectName("attendanceTotals")
        self.totals.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        self.retranslate()

    def tab_title(self) -> str:
        return _("Attendance")

    def retranslate(self) -> None:
        self.setAccessibleName(_("Attendance"))
        self.intro.setText(_("Tick who is present each day (Space ticks the selected cell). Certificates go to "
                             "participants present every day who pass the post-quiz."))
        self.day_label.setText(_("&Day:"))
        self.day_choice.setAccessibleName(_("Day"))
        self.everyone_button.setText(_("Mark everyone present"))
        self.everyone_button.setAccessibleName(_("Mark everyone present on this day"))
        self.table.setAccessibleName(_("Attendance per day"))

    def day_label_text(self, day: int) -> str:
        return _("Day {number}: {date}").format(number=day + 1, date=format_day(self.info.day_date(day)))

    def refresh(self) -> None:
        if self.load_info() is None:
            return
        info = self.info
        participants = self.store.participants(self.session_id)
        chosen_day = self.day_choice.currentIndex()
        self.day_choice.clear()
        for day in range(info.days):
            self.day_choice.addItem(self.day_label_text(day))
        self.day_choice.setCurrentIndex(min(max(chosen_day, 0), info.days - 1))
        with refilling(self.table, ID_ROLE, 0):
            self.table.clear()
            self.table.setColumnCount(info.days + 1)
            self.table.setRowCount(len(participants))
            self.table.setHorizontalHeaderLabels([_("Participant")] + [self.day_label_text(d) for d in range(info.days)])
            self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            for day in range(info.days):
                self.table.horizontalHeader().setSectionResizeMode(day + 1, QHeaderView.ResizeMode.ResizeToContents)
            for row, person in enumerate(participants):
                name = QTableWidgetItem(person.name)
                name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                name.setData(ID_ROLE, person.id)
                self.table.setItem(row, 0, name)
                for day, present in enumerate(person.present):
                    cell = QTableWidgetItem(_("present") if present else "")
                    cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
                    cell.setCheckState(Qt.CheckState.Checked if present else Qt.CheckState.Unchecked)
                    cell.setData(ID_ROLE, person.id)
                    cell.setData(DAY_ROLE, day)
                    self.table.setItem(row, day + 1, cell)
        per_day = [sum(1 for p in participants if p.present[day]) for day in range(info.days)]
        self.totals.setText(" · ".join(_("Day {number}: {present} of {total} present").format(
            number=day + 1, present=count, total=len(participants)) for day, count in enumerate(per_day)))

    def _item_changed(self, item: QTableWidgetItem) -> None:
        participant_id, day = item.data(ID_ROLE), item.data(DAY_ROLE)
        if participant_id is None or day is None:
            return
        present = item.checkState() == Qt.CheckState.Checked
        self.set_attendance(participant_id, day, present)

    def set_attendance(self, participant_id: str, day: int, present: bool) -> None:
        try:
            self.context.undo_stack.record(
                _("Mark attendance"), lambda: self.store.set_attendance(participant_id, day, present), self.refresh)
        except TrainingError as error:
            self.refresh()
            self.show_error(error)
            return
        self.refresh()
        self.saved()

    @guarded
    def mark_everyone_present(self, day: int) -> None:
        if self.session_id is None or day < 0:
            return
        session_id = self.session_id
        self.context.undo_stack.record(_("Mark everyone present"),
                                       lambda: self.store.mark_everyone_present(session_id, day), self.refresh)
        self.refresh()
        self.saved()
