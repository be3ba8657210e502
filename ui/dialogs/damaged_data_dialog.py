"""When the data file is damaged: say what happened, and let the user restore the newest sound
backup or start afresh; either way the damaged file is kept aside."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from companion.i18n import _, format_date
from companion.storage.migrate import DamagedDatabaseError

RESTORE, AFRESH, QUIT = "restore", "afresh", "quit"


def backup_date(backup: Path) -> str:
    return format_date(dt.datetime.fromtimestamp(backup.stat().st_mtime).date())


def damaged_data_text(error: DamagedDatabaseError) -> str:
    text = _("The Companion could not open your data file: it is damaged, for example by a power cut or a disk "
             "fault. Nothing has been changed yet.")
    if error.backup is not None:
        text += "\n\n" + _("You can go back to the copy made on {date} (what you did after that is lost), or "
                           "start afresh with an empty library (the guides that come with the Companion are added "
                           "again).").format(date=backup_date(error.backup))
    else:
        text += "\n\n" + _("There is no sound copy to go back to. You can start afresh with an empty library (the "
                           "guides that come with the Companion are added again).")
    text += "\n\n" + _("Either way, the damaged file is kept, renamed, in {folder}, so that someone can try to "
                       "recover it.").format(folder=error.database.parent)
    return text


class DamagedDataDialog(QMessageBox):
    def __init__(self, error: DamagedDatabaseError, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("damagedDataDialog")
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(_("Your data file is damaged"))
        self.setTextFormat(Qt.TextFormat.PlainText)  # it names a folder, which may hold any character
        self.setText(damaged_data_text(error))
        self.setDetailedText(_("What SQLite found: {problem}").format(problem=error.problem))
        self.choices = {}
        if error.backup is not None:
            restore = self.addButton(_("Restore the copy of {date}").format(date=backup_date(error.backup)),
                                     QMessageBox.ButtonRole.AcceptRole)
            restore.setObjectName("restoreBackupButton")
            self.choices[restore] = RESTORE
        afresh = self.addButton(_("Start afresh"), QMessageBox.ButtonRole.DestructiveRole)
        afresh.setObjectName("startAfreshButton")
        self.choices[afresh] = AFRESH
        quit_button = self.addButton(_("Quit"), QMessageBox.ButtonRole.RejectRole)
        quit_button.setObjectName("quitButton")
        self.choices[quit_button] = QUIT
        self.setDefaultButton(next(iter(self.choices)))
        self.setEscapeButton(quit_button)

    def choose(self) -> str:
        self.exec()
        return self.choices.get(self.clickedButton(), QUIT)
