"""The participant register of a session: only what is needed, with the participant's consent."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QGridLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from companion.i18n import N_, _, translated
from companion.training.store import ParticipantRow, TrainingError
from ui.icons import icon
from ui.screens.training.base import guarded
from ui.screens.training.session_base import SessionTab, refilling
from ui.undo import save_edit

SEX_LABELS = {"": N_("Not stated"), "female": N_("Female"), "male": N_("Male")}
NAME, ORGANISATION, ROLE, SEX, CONTACT, CONSENT = range(6)
TEXT_FIELDS = {NAME: "name", ORGANISATION: "organisation", ROLE: "role", CONTACT: "contact"}
ID_ROLE = Qt.ItemDataRole.UserRole


class RegisterTab(SessionTab):
    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self.setObjectName("registerTab")
        self.consent_note = QLabel()
        self.consent_note.setObjectName("consentNote")
        self.consent_note.setWordWrap(True)
        # The quick-add row: Enter in any field adds the participant, ready for the next one.
        self.new_name = QLineEdit()
        self.new_name.setObjectName("newParticipantName")
        self.new_organisation = QLineEdit()
        self.new_organisation.setObjectName("newParticipantOrganisation")
        self.new_role = QLineEdit()
        self.new_role.setObjectName("newParticipantRole")
        self.new_sex = QComboBox()
        self.new_sex.setObjectName("newParticipantSex")
        self.new_contact = QLineEdit()
        self.new_contact.setObjectName("newParticipantContact")
        self.new_consent = QCheckBox()
        self.new_consent.setObjectName("newParticipantConsent")
        self.add_button = QPushButton()
        self.add_button.setObjectName("addParticipantButton")
        self.add_button.setIcon(icon("add"))
        self.add_button.clicked.connect(self.add_participant)
        for field in (self.new_name, self.new_organisation, self.new_role, self.new_contact):
            field.returnPressed.connect(self.add_participant)
        self.new_labels = [QLabel() for _ in range(5)]
        add_row = QGridLayout()
        fields = (self.new_name, self.new_organisation, self.new_role, self.new_sex, self.new_contact)
        for column, (label, field) in enumerate(zip(self.new_labels, fields)):
            label.setBuddy(field)
            add_row.addWidget(label, 0, column)
            add_row.addWidget(field, 1, column)
        add_row.addWidget(self.new_consent, 1, 5)
        add_row.addWidget(self.add_button, 1, 6)
        add_row.setColumnStretch(0, 3)
        add_row.setColumnStretch(1, 3)
        add_row.setColumnStretch(2, 2)
        add_row.setColumnStretch(4, 2)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("registerTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed
                                   | QAbstractItemView.EditTrigger.AnyKeyPressed)
        header = self.table.horizontalHeader()
        for column in (NAME, ORGANISATION):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        for column in (ROLE, SEX, CONTACT, CONSENT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._item_changed)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.count_label = QLabel()
        self.count_label.setObjectName("participantCount")
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("removeParticipantButton")
        self.remove_button.setIcon(icon("remove"))
        self.remove_button.clicked.connect(self.remove_participant)
        bottom = QGridLayout()
        bottom.addWidget(self.count_label, 0, 0)
        bottom.addWidget(self.remove_button, 0, 1, Qt.AlignmentFlag.AlignRight)

        layout = QVBoxLayout(self)
        layout.addWidget(self.consent_note)
        layout.addLayout(add_row)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.retranslate()

    def tab_title(self) -> str:
        return _("Register")

    def retranslate(self) -> None:
        self.setAccessibleName(_("Participant register"))
        self.consent_note.setText(_("Write down only what the training needs. Tell each participant why their "
                                    "details are kept (the register, the report and the certificates) and tick "
                                    "“Agrees” when they accept."))
        for label, text in zip(self.new_labels, (_("&Name"), _("&Organisation"), _("&Role"), _("&Sex"),
                                                 _("&Contact (phone or e-mail)"))):
            label.setText(text)
        for field, name in ((self.new_name, _("Name")), (self.new_organisation, _("Organisation")),
                            (self.new_role, _("Role")), (self.new_sex, _("Sex")),
                            (self.new_contact, _("Contact"))):
            field.setAccessibleName(_("New participant: {field}").format(field=name))
        self.new_sex.clear()
        for key, label in SEX_LABELS.items():
            self.new_sex.addItem(translated(label), key)
        self.new_consent.setText(_("Agrees"))
        self.new_consent.setAccessibleName(_("New participant agrees to their details being kept"))
        self.add_button.setText(_("Add"))
        self.add_button.setAccessibleName(_("Add participant"))
        self.remove_button.setText(_("Remove participant"))
        self.remove_button.setAccessibleName(_("Remove participant"))
        self.table.setAccessibleName(_("Participants"))
        self.table.setHorizontalHeaderLabels([_("Name"), _("Organisation"), _("Role"), _("Sex"), _("Contact"),
                                              _("Agrees")])

    def refresh(self) -> None:
        if self.load_info() is None:
            return
        participants = self.store.participants(self.session_id)
        with refilling(self.table, ID_ROLE, NAME):
            self.table.setRowCount(len(participants))
            for row, person in enumerate(participants):
                self._fill_row(row, person)
        self.count_label.setText(_("Participants: {count}").format(count=len(participants)))
        self._update_buttons()

    def _fill_row(self, row: int, person: ParticipantRow) -> None:
        for column, field in TEXT_FIELDS.items():
            item = QTableWidgetItem(getattr(person, field))
            item.setData(ID_ROLE, person.id)
            self.table.setItem(row, column, item)
        sex = QComboBox()
        sex.setObjectName(f"participantSex{row}")
        sex.setAccessibleName(_("Sex of {name}").format(name=person.name))
        for key, label in SEX_LABELS.items():
            sex.addItem(translated(label), key)
        sex.setCurrentIndex(max(0, sex.findData(person.sex)))
        sex.currentIndexChanged.connect(lambda _i, pid=person.id, box=sex: self._save(pid, {"sex": box.currentData()}))
        self.table.setCellWidget(row, SEX, sex)
        consent = QTableWidgetItem()
        consent.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
        consent.setCheckState(Qt.CheckState.Checked if person.consent else Qt.CheckState.Unchecked)
        consent.setData(ID_ROLE, person.id)
        self.table.setItem(row, CONSENT, consent)

    def current_participant_id(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, NAME) if row >= 0 else None
        return item.data(ID_ROLE) if item else None

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.current_participant_id() is not None)

    def _item_changed(self, item: QTableWidgetItem) -> None:
        participant_id = item.data(ID_ROLE)
        if item.column() == CONSENT:
            self._save(participant_id, {"consent": item.checkState() == Qt.CheckState.Checked})
        elif item.column() in TEXT_FIELDS:
            self._save(participant_id, {TEXT_FIELDS[item.column()]: item.text()})

    def _save(self, participant_id: str, values: dict) -> None:
        try:
            save_edit(self.context.undo_stack, _("Edit participant"),
                      lambda changed: self.store.update_participant(participant_id, **changed), values, self.refresh)
        except TrainingError as error:
            self.show_error(error)
            QTimer.singleShot(0, self, self.refresh)  # puts back what is stored, once the cell editor has closed
            return
        self.saved()

    @guarded
    def add_participant(self) -> str | None:
        if self.session_id is None:
            return None
        try:
            participant_id = self.context.undo_stack.record(_("Add participant"), lambda: self.store.add_participant(
                self.session_id, self.new_name.text(), self.new_organisation.text(), self.new_role.text(),
                self.new_sex.currentData() or "", self.new_contact.text(), self.new_consent.isChecked()),
                self.refresh)
        except TrainingError as error:
            self.show_error(error)
            self.new_name.setFocus()
            return None
        for field in (self.new_name, self.new_role, self.new_contact):
            field.clear()  # the organisation is often the same for the next person
        self.new_sex.setCurrentIndex(0)
        self.new_consent.setChecked(False)
        self.new_name.setFocus()
        self.refresh()
        self.saved()
        return participant_id

    @guarded
    def remove_participant(self) -> None:
        participant_id = self.current_participant_id()
        if participant_id is None:
            return
        name = self.table.item(self.table.currentRow(), NAME).text()
        self.context.undo_stack.record(_("Remove participant"),
                                       lambda: self.store.set_participant_deleted(participant_id, True), self.refresh)
        self.message.emit(_("“{name}” deleted. Press Ctrl+Z to undo.").format(name=name))
        self.refresh()
        self.saved()
