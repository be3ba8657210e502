"""Help > About: the version, the licence (GNU AGPL v3 or later, its full text shipped with the app),
the credits and where the user's data is kept."""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, Qt, qVersion
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
                               QTabWidget, QTextBrowser, QVBoxLayout, QWidget)

from companion import __version__
from companion.config import license_file
from companion.i18n import _

# What the Companion is built with, and under which licence (names are not translated).
CREDITS = (
    ("Qt for Python (PySide6)", "LGPL-3.0"),
    ("SQLAlchemy, Alembic", "MIT"),
    ("Babel", "BSD-3-Clause"),
    ("Python-Markdown", "BSD-3-Clause"),
    ("nh3 (ammonia)", "MIT"),
    ("platformdirs", "MIT"),
    ("PyYAML", "MIT"),
    ("openpyxl", "MIT"),
    ("requests", "Apache-2.0"),
    ("keyring", "MIT"),
    ("tenacity", "Apache-2.0"),
    ("pydantic", "MIT"),
    ("Material Design Icons (Pictogrammers)", "Apache-2.0"),
)


def license_text() -> str:
    try:
        return license_file().read_text(encoding="utf-8")
    except OSError:  # a damaged install: say where the licence is published instead
        return "GNU Affero General Public License, version 3 or later: https://www.gnu.org/licenses/agpl-3.0.html"


class AboutDialog(QDialog):
    def __init__(self, data_dir: Path, open_data_folder: Callable[[], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.data_dir = Path(data_dir)

        self.logo = QLabel()
        self.logo.setObjectName("aboutLogo")
        self.logo.setPixmap(QApplication.windowIcon().pixmap(64, 64))
        self.title = QLabel()
        self.title.setObjectName("aboutTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.version = QLabel()
        self.version.setObjectName("aboutVersion")
        self.version.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        heading = QVBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.version)
        top = QHBoxLayout()
        top.addWidget(self.logo, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(heading, 1)

        # The "About" page: what it is, the licence in short, where the data is.
        self.summary = QLabel()
        self.summary.setObjectName("aboutSummary")
        self.summary.setWordWrap(True)
        self.license_notice = QLabel()
        self.license_notice.setObjectName("aboutLicenseNotice")
        self.license_notice.setWordWrap(True)
        self.data_heading = QLabel()
        self.data_heading.setObjectName("aboutDataHeading")
        bold = self.data_heading.font()
        bold.setBold(True)
        self.data_heading.setFont(bold)
        self.data_path = QLabel(str(self.data_dir))
        self.data_path.setObjectName("aboutDataFolder")
        self.data_path.setWordWrap(True)
        self.data_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_folder_button = QPushButton()
        self.open_folder_button.setObjectName("openDataFolderButton")
        self.open_folder_button.clicked.connect(lambda: open_data_folder())
        about_page = QWidget()
        about_page.setObjectName("aboutPage")
        about_layout = QVBoxLayout(about_page)
        about_layout.addWidget(self.summary)
        about_layout.addWidget(self.license_notice)
        about_layout.addSpacing(8)
        about_layout.addWidget(self.data_heading)
        about_layout.addWidget(self.data_path)
        about_layout.addWidget(self.open_folder_button, 0, Qt.AlignmentFlag.AlignLeft)
        about_layout.addStretch(1)

        # The licence, in full, as shipped (the binding English text).
        self.license_view = QPlainTextEdit(license_text())
        self.license_view.setObjectName("licenseText")
        self.license_view.setReadOnly(True)
        self.license_view.setTabChangesFocus(True)
        self.license_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)

        # Credits.
        self.credits_view = QTextBrowser()
        self.credits_view.setObjectName("creditsText")
        self.credits_view.setOpenLinks(False)
        self.credits_view.setTabChangesFocus(True)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("aboutTabs")
        self.tabs.addTab(about_page, "")
        self.tabs.addTab(self.license_view, "")
        self.tabs.addTab(self.credits_view, "")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.setObjectName("aboutButtons")
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("closeButton")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.resize(620, 520)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(_("About the openIMIS Companion"))
        self.logo.setAccessibleName(_("openIMIS Companion logo"))
        self.title.setText(_("openIMIS Implementer Companion"))
        self.version.setText(_("Version {version} · Python {python} · Qt {qt}").format(
            version=__version__, python=platform.python_version(), qt=qVersion()))
        self.summary.setText(_("A companion for the openIMIS community that works without a network: guides for "
                               "new members and implementers, pilot projects with their checklist, feasibility "
                               "study and business case, and training sessions, in English and French."))
        self.license_notice.setText(_("The Companion is free software: you can redistribute it and/or modify it "
                                      "under the terms of the GNU Affero General Public License as published by the "
                                      "Free Software Foundation, either version 3 of the License, or (at your option) "
                                      "any later version. It comes with no warranty. The full text of the licence "
                                      "is in the “Licence” tab (in English, the version that applies)."))
        self.data_heading.setText(_("Your data"))
        self.data_path.setAccessibleName(_("Data folder"))
        self.open_folder_button.setText(_("Open the data folder"))
        self.open_folder_button.setAccessibleName(_("Open the data folder"))
        self.tabs.setTabText(0, _("About"))
        self.tabs.setTabText(1, _("Licence"))
        self.tabs.setTabText(2, _("Credits"))
        self.tabs.setAccessibleName(_("About the openIMIS Companion"))
        self.license_view.setAccessibleName(_("Licence: GNU Affero General Public License, version 3"))
        self.credits_view.setAccessibleName(_("Credits"))
        rows = "".join(f"<li>{name} ({licence})</li>" for name, licence in CREDITS)
        self.credits_view.setHtml(
            "<p>" + _("Written by the openIMIS Implementer Companion contributors, for the openIMIS community of "
                      "practice: implementers, pilot teams and trainers.") + "</p>"
            + "<p>" + _("The guides are written from the openIMIS community's public documentation; each guide lists "
                        "its sources and the date its facts were checked.") + "</p>"
            + "<p>" + _("Built with these free software projects, whose authors we thank:") + "</p>"
            + f"<ul>{rows}</ul>")
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName(_("Close"))
