"""Training: the modules a trainer can present and the sessions they have run or will run."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QBoxLayout, QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QMessageBox,
                               QSizePolicy, QVBoxLayout)

from companion.i18n import SUPPORTED_LANGUAGES, _, current_language, format_date, ngettext
from companion.training.store import ModuleSummary, SessionInfo
from ui.dialogs.module_dialog import ModuleDialog
from ui.dialogs.session_dialog import SessionDialog
from ui.screens.base import Screen
from ui.screens.training.base import TrainingContext, language_name, make_button
from ui.widgets.rich_list import KEY_ROLE, RichList
from ui.changes import TRAINING_TYPES

ALL_LANGUAGES = ""


def module_details(module: ModuleSummary) -> str:
    parts = [module.audience] if module.audience else []
    parts.append(ngettext("{count} lesson", "{count} lessons", module.lessons).format(count=module.lessons))
    parts.append(ngettext("{count} quiz question", "{count} quiz questions", module.questions)
                 .format(count=module.questions))
    parts.append(language_name(module.language))
    return " · ".join(parts)


def session_dates(session: SessionInfo) -> str:
    if session.days == 1:
        return format_date(session.start_date)
    return _("{start} to {end}").format(start=format_date(session.start_date), end=format_date(session.end_date))


class TrainingScreen(Screen):
    record_types = TRAINING_TYPES
    open_module_requested = Signal(str)
    open_session_requested = Signal(str)
    message = Signal(str)

    def __init__(self, context: TrainingContext, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingScreen")
        self.context = context
        self.heading = QLabel()
        self.heading.setObjectName("trainingHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.intro = QLabel()
        self.intro.setWordWrap(True)

        self.modules_box = QGroupBox()
        self.language_filter = QComboBox()
        self.language_filter.setObjectName("moduleLanguageFilter")
        self.language_filter.currentIndexChanged.connect(lambda _index: self.refresh())
        # The list follows the interface language until the trainer picks a language here.
        self._language_picked = False
        self.language_filter.activated.connect(lambda _index: setattr(self, "_language_picked", True))
        self.modules = RichList("moduleList")
        self.modules.itemActivated.connect(lambda item: self._open_module())
        self.modules.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.open_module_button = make_button("openModuleButton", self._open_module, "training")
        self.new_module_button = make_button("newModuleButton", self.new_module, "add")
        self.copy_module_button = make_button("copyModuleButton", self.copy_module, "copy")
        self.delete_module_button = make_button("deleteModuleButton", self.delete_module)
        # Two rows of two: four buttons with French labels do not fit in half of a 1366-pixel window.
        module_buttons = QGridLayout()
        for index, button in enumerate((self.open_module_button, self.new_module_button, self.copy_module_button,
                                        self.delete_module_button)):
            module_buttons.addWidget(button, index // 2, index % 2)
        module_buttons.setColumnStretch(2, 1)
        filter_row = QHBoxLayout()
        self.language_label = QLabel()
        filter_row.addWidget(self.language_label)
        filter_row.addWidget(self.language_filter)
        filter_row.addStretch(1)
        modules_layout = QVBoxLayout(self.modules_box)
        modules_layout.addLayout(filter_row)
        modules_layout.addWidget(self.modules, 1)
        modules_layout.addLayout(module_buttons)

        self.sessions_box = QGroupBox()
        self.sessions = RichList("sessionList")
        self.sessions.itemActivated.connect(lambda item: self._open_session())
        self.sessions.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.sessions_empty = QLabel()
        self.sessions_empty.setObjectName("sessionsEmpty")
        self.sessions_empty.setWordWrap(True)
        self.sessions_empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.new_session_button = make_button("newSessionButton", self.new_session, "add")
        self.open_session_button = make_button("openSessionButton", self._open_session, "people")
        self.delete_session_button = make_button("deleteSessionButton", self.delete_session)
        session_buttons = QHBoxLayout()
        for button in (self.new_session_button, self.open_session_button, self.delete_session_button):
            session_buttons.addWidget(button)
        session_buttons.addStretch(1)
        sessions_layout = QVBoxLayout(self.sessions_box)
        sessions_layout.addWidget(self.sessions_empty)
        sessions_layout.addWidget(self.sessions, 1)
        sessions_layout.addLayout(session_buttons)

        for button in (self.open_module_button, self.new_module_button, self.copy_module_button,
                       self.delete_module_button, self.new_session_button, self.open_session_button,
                       self.delete_session_button):
            # Never narrower than their words ("Copier et adapter…" was cut off at 1024 pixels).
            button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        # Modules and sessions side by side where both rows of buttons fit, one above the other
        # otherwise (a 1024-pixel screen in French).
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.addWidget(self.modules_box, 1)
        self.columns.addWidget(self.sessions_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(self.columns, 1)
        self.retranslate()

    @property
    def store(self):
        return self.context.store

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self) -> None:
        needed = (self.modules_box.minimumSizeHint().width() + self.sessions_box.minimumSizeHint().width()
                  + self.columns.spacing() + self.layout().contentsMargins().left()
                  + self.layout().contentsMargins().right())
        direction = (QBoxLayout.Direction.LeftToRight if self.width() >= needed
                     else QBoxLayout.Direction.TopToBottom)
        if self.columns.direction() != direction:
            self.columns.setDirection(direction)

    def retranslate(self) -> None:
        self.setAccessibleName(_("Training"))
        self.heading.setText(_("Training"))
        self.intro.setText(_("Present a module full screen, run a session with its register, attendance and "
                             "quizzes, and print handouts, sheets and certificates. Everything works without "
                             "a network and is saved as you type."))
        self.modules_box.setTitle(_("Modules"))
        self.sessions_box.setTitle(_("Sessions"))
        self.language_label.setText(_("Modules in:"))
        self.language_filter.setAccessibleName(_("Language of the modules shown"))
        self.language_filter.blockSignals(True)
        chosen = self.language_filter.currentData() if self._language_picked else current_language()
        self.language_filter.clear()
        for code in SUPPORTED_LANGUAGES:
            self.language_filter.addItem(language_name(code), code)
        self.language_filter.addItem(_("All languages"), ALL_LANGUAGES)
        self.language_filter.setCurrentIndex(max(0, self.language_filter.findData(chosen)))
        self.language_filter.blockSignals(False)
        self.modules.setAccessibleName(_("Training modules"))
        self.sessions.setAccessibleName(_("Training sessions"))
        for button, text in ((self.open_module_button, _("Open")), (self.new_module_button, _("New module…")),
                             (self.copy_module_button, _("Copy to adapt…")),
                             (self.delete_module_button, _("Delete…")),
                             (self.new_session_button, _("New session…")), (self.open_session_button, _("Open")),
                             (self.delete_session_button, _("Delete…"))):
            button.setText(text)
        self.open_module_button.setAccessibleName(_("Open module"))
        self.new_module_button.setAccessibleName(_("New module"))
        self.copy_module_button.setAccessibleName(_("Copy the module to adapt it"))
        self.delete_module_button.setAccessibleName(_("Delete module"))
        self.new_session_button.setAccessibleName(_("New session"))
        self.open_session_button.setAccessibleName(_("Open session"))
        self.delete_session_button.setAccessibleName(_("Delete session"))
        self.sessions_empty.setText(_("No session yet. Create one to keep the register, attendance and quiz "
                                      "scores."))
        self._arrange()  # the words changed, and with them the width the buttons need

    def refresh(self) -> None:
        chosen_module, chosen_session = self.current_module_id(), self.current_session_id()
        self.modules.clear()
        language = self.language_filter.currentData() or None
        self._modules = {m.id: m for m in self.store.modules(language)}
        for module in self._modules.values():
            badge = ""
            if module.editable:
                own = _("your own module")
                badge = f" <small>— {html.escape(own)}</small>"
            self.modules.add(module.id, module.title, f"<b>{html.escape(module.title)}</b>{badge}<br>"
                             f"<small>{html.escape(module_details(module))}</small>")
        self.modules.select_key(chosen_module)
        self.sessions.clear()
        today = dt.date.today()
        for session in self.store.training_sessions():
            state = _("now") if session.start_date <= today <= session.end_date else (
                _("coming") if session.start_date > today else "")
            details = [session_dates(session), session.place,
                       ngettext("{count} participant", "{count} participants", session.participants)
                       .format(count=session.participants), language_name(session.language)]
            head = html.escape(session.module_title) + (f" <small>({html.escape(state)})</small>" if state else "")
            self.sessions.add(session.id, session.module_title,
                              f"<b>{head}</b><br><small>{html.escape(' · '.join(p for p in details if p))}</small>")
        self.sessions.select_key(chosen_session)
        empty = self.sessions.count() == 0
        self.sessions_empty.setVisible(empty)
        self.sessions.setVisible(not empty)  # an empty list is no use: the message and its button say it all
        self.columns.setStretchFactor(self.sessions_box, 0 if empty else 1)
        self._update_buttons()

    def current_module_id(self) -> str | None:
        item = self.modules.currentItem()
        return item.data(KEY_ROLE) if item else None

    def current_session_id(self) -> str | None:
        item = self.sessions.currentItem()
        return item.data(KEY_ROLE) if item else None

    def _update_buttons(self) -> None:
        module = getattr(self, "_modules", {}).get(self.current_module_id())
        self.open_module_button.setEnabled(module is not None)
        self.copy_module_button.setEnabled(module is not None)
        self.delete_module_button.setEnabled(module is not None and module.editable)
        self.open_session_button.setEnabled(self.current_session_id() is not None)
        self.delete_session_button.setEnabled(self.current_session_id() is not None)

    def _open_module(self) -> None:
        if self.current_module_id():
            self.open_module_requested.emit(self.current_module_id())

    def _open_session(self) -> None:
        if self.current_session_id():
            self.open_session_requested.emit(self.current_session_id())

    # --- modules ---------------------------------------------------------------------------------

    def new_module(self) -> str | None:
        dialog, created = ModuleDialog(parent=self), []
        if not dialog.run_until_saved(lambda: created.append(self.context.undo_stack.record(
                _("New module"), lambda: self.store.create_module(
                    dialog.language.currentData(), dialog.title.text(), dialog.summary.toPlainText(),
                    dialog.audience.text(), first_lesson=_("Introduction")), self.refresh))):
            return None
        module_id = created[0]
        self.refresh()
        self.open_module_requested.emit(module_id)
        return module_id

    def copy_module(self, module_id: str | None = None) -> str | None:
        module_id = module_id or self.current_module_id()
        if not module_id:
            return None
        dialog, copied = ModuleDialog(copy_of=self.store.module(module_id), parent=self), []
        if not dialog.run_until_saved(lambda: copied.append(self.context.undo_stack.record(
                _("Copy module"), lambda: self.store.copy_module(module_id, dialog.title.text()), self.refresh))):
            return None
        copy_id = copied[0]
        self.refresh()
        self.message.emit(_("Your copy is ready to change; the original is unchanged."))
        self.open_module_requested.emit(copy_id)
        return copy_id

    def delete_module(self) -> None:
        module = self._modules.get(self.current_module_id() or "")
        if module is None or not module.editable:
            return
        if not self._confirm(_("Delete module"), _("Delete the module “{title}” and its lessons?")
                             .format(title=module.title)):
            return
        self.context.undo_stack.record(_("Delete module"), lambda: self.store.set_module_deleted(module.id, True),
                                       self.refresh)
        self.message.emit(_("“{name}” deleted. Press Ctrl+Z to undo.").format(name=module.title))
        self.refresh()

    # --- sessions --------------------------------------------------------------------------------

    def new_session(self, module_id: str | None = None) -> str | None:
        dialog = SessionDialog(self.store.modules(), chosen_module=module_id or self.current_module_id(), parent=self)
        created = []
        if not dialog.run_until_saved(lambda: created.append(self.context.undo_stack.record(
                _("New session"), lambda: self.store.create_session(dialog.module_id(), **dialog.values()),
                self.refresh))):
            return None
        session_id = created[0]
        self.refresh()
        self.open_session_requested.emit(session_id)
        return session_id

    def delete_session(self) -> None:
        session_id = self.current_session_id()
        if not session_id:
            return
        session = self.store.training_session(session_id)
        if not self._confirm(_("Delete session"),
                             _("Delete the session “{title}” of {date} with its register and scores?")
                             .format(title=session.module_title, date=format_date(session.start_date))):
            return
        self.context.undo_stack.record(_("Delete session"), lambda: self.store.set_session_deleted(session_id, True),
                                       self.refresh)
        self.message.emit(_("“{name}” deleted. Press Ctrl+Z to undo.").format(name=session.module_title))
        self.refresh()

    def _confirm(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmDelete")
        box.setTextFormat(Qt.TextFormat.PlainText)  # names in it are text, never markup
        box.setInformativeText(_("You can undo this (Ctrl+Z) until you close the Companion."))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes
