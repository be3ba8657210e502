"""Home: what a new member sees first. Where to start, and where they stopped."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QListWidgetItem, QProgressBar, QPushButton, QScrollArea,
                               QSizePolicy, QVBoxLayout, QWidget)

from companion import __version__
from companion.home import HomeContent, read_home, save_start_view
from companion.i18n import _, current_language, format_date, format_percent
from ui.icons import icon
from ui.screens.base import Screen
from ui.widgets.rich_list import KEY_ROLE, RichList
from ui.changes import PILOT_TYPES, TRAINING_TYPES, READING_TYPES

if TYPE_CHECKING:
    from companion.library import Library
    from companion.pilot.store import PilotStore

START_HERE = "start-here"


class FittedList(RichList):
    """A list as tall as its rows (no scroll bar of its own): Home scrolls as one page."""

    def __init__(self, object_name: str, parent=None) -> None:
        super().__init__(object_name, parent)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.model().rowsInserted.connect(self._fit)
        self.model().rowsRemoved.connect(self._fit)
        self.model().modelReset.connect(self._fit)

    def _fit(self, *_args) -> None:
        rows = sum(max(self.sizeHintForRow(row), 0) for row in range(self.count()))
        height = rows + 2 * self.frameWidth() + 2
        if height != self.height():
            self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()  # wrapped rows change height with the width


class EmptyState(QWidget):
    """What to do when a list is empty, and the button that does it."""

    def __init__(self, name: str, icon_name: str, action, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.message = QLabel()
        self.message.setObjectName(f"{name}Message")
        self.message.setWordWrap(True)
        self.button = QPushButton(icon(icon_name), "")
        self.button.setObjectName(f"{name}Button")
        self.button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.button.clicked.connect(action)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addWidget(self.message)
        layout.addWidget(self.button)

    def set_text(self, message: str, button: str) -> None:
        self.message.setText(message)
        self.button.setText(button)
        self.button.setAccessibleName(button)


class HomeScreen(Screen):
    record_types = PILOT_TYPES | TRAINING_TYPES | READING_TYPES
    open_guide_requested = Signal(str, str)
    open_project_requested = Signal(str)
    open_session_requested = Signal(str)
    library_requested = Signal()
    topics_requested = Signal()

    def __init__(self, start_view_dir: Path | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("homeScreen")
        self.library: Library | None = None  # until attach(): Home shows what the last run left
        self.pilot: PilotStore | None = None
        self.start_view_dir = start_view_dir  # where Home leaves its content for the next start
        self.language_asked = False  # the language came from --language (see companion/home.py)
        self._kept: HomeContent | None = None  # what the start view file holds, as this window wrote it
        self._continue_target: tuple[str, str] | None = None

        self.heading = QLabel()
        self.heading.setObjectName("homeHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.heading.setFont(font)
        self.intro = QLabel()
        self.intro.setObjectName("homeIntro")
        self.intro.setWordWrap(True)
        self.start_button = QPushButton(icon("guide"), "")
        self.start_button.setObjectName("startHereButton")
        self.start_button.clicked.connect(self.open_welcome_guide)
        self.library_button = QPushButton(icon("library"), "")
        self.library_button.setObjectName("browseLibraryButton")
        self.library_button.clicked.connect(self.library_requested.emit)
        # The knowledge base: a guide on each topic the community asked to learn about.
        self.topics_button = QPushButton(icon("contents"), "")
        self.topics_button.setObjectName("topicsButton")
        self.topics_button.clicked.connect(self.topics_requested.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.topics_button)
        buttons.addWidget(self.library_button)
        buttons.addStretch(1)

        # Continue reading: one line, the button as wide as its words.
        self.continue_box = QFrame()
        self.continue_box.setObjectName("continueReading")
        self.continue_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.continue_heading = QLabel()
        self.continue_title = QLabel()
        self.continue_title.setTextFormat(Qt.TextFormat.RichText)  # the title in it is escaped
        self.continue_title.setObjectName("continueTitle")
        self.continue_title.setWordWrap(True)
        self.continue_progress = QProgressBar()
        self.continue_progress.setObjectName("continueProgress")
        self.continue_progress.setRange(0, 100)
        self.continue_progress.setFixedWidth(160)
        self.continue_button = QPushButton(icon("guide"), "")
        self.continue_button.setObjectName("continueButton")
        self.continue_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.continue_button.clicked.connect(self._continue)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.continue_heading)
        words.addWidget(self.continue_title)
        box = QHBoxLayout(self.continue_box)
        box.addLayout(words, 1)
        box.addWidget(self.continue_progress, 0, Qt.AlignmentFlag.AlignVCenter)
        box.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignVCenter)

        # Checklist items due in the next two weeks (or late), across active pilot projects.
        self.due_heading, self.due_list = self._section("dueSoonList")
        self.due_list.itemActivated.connect(lambda item: self.open_project_requested.emit(item.data(KEY_ROLE)))
        # Training sessions running now or coming, the soonest first.
        self.sessions_heading, self.sessions_list = self._section("upcomingSessionsList")
        self.sessions_list.itemActivated.connect(lambda item: self.open_session_requested.emit(item.data(KEY_ROLE)))
        self.welcome_heading, self.welcome_list = self._section("welcomePackageList")
        self.recent_heading, self.recent_list = self._section("recentList")
        self.bookmarks_heading, self.bookmarks_list = self._section("bookmarkList")
        for listing in (self.welcome_list, self.recent_list, self.bookmarks_list):
            listing.itemActivated.connect(self._open)
        # Empty lists say what to do, beside the button that does it.
        self.recent_empty = EmptyState("recentEmpty", "guide", self.open_welcome_guide)
        self.bookmarks_empty = EmptyState("bookmarksEmpty", "library", self.library_requested.emit)

        # Two columns: the welcome package (with its summaries) on the left; what is coming up,
        # recently opened and bookmarks on the right. Lists are as tall as their rows: the page
        # scrolls as one, rather than five small lists each with a scroll bar.
        left = QVBoxLayout()
        left.addWidget(self.welcome_heading)
        left.addWidget(self.welcome_list)
        left.addStretch(1)
        right = QVBoxLayout()
        for widget in (self.due_heading, self.due_list, self.sessions_heading, self.sessions_list,
                       self.recent_heading, self.recent_list, self.recent_empty,
                       self.bookmarks_heading, self.bookmarks_list, self.bookmarks_empty):
            right.addWidget(widget)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        page = QWidget()
        page.setObjectName("homePage")
        layout = QVBoxLayout(page)
        layout.addWidget(self.heading)
        layout.addWidget(self.intro)
        layout.addLayout(buttons)
        layout.addWidget(self.continue_box)
        layout.addLayout(columns, 1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("homeScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to what is inside
        self.scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        self.retranslate()

    @staticmethod
    def _section(name: str) -> tuple[QLabel, "FittedList"]:
        heading = QLabel()
        bold = heading.font()
        bold.setBold(True)
        heading.setFont(bold)
        listing = FittedList(name)
        heading.setBuddy(listing)
        return heading, listing

    def retranslate(self) -> None:
        self.setAccessibleName(_("Home"))
        self.heading.setText(_("Welcome to the openIMIS Companion"))
        self.intro.setText(_("Guides, checklists and training for the people who implement openIMIS. "
                             "Everything here works without a network. New to the community? Start with "
                             "the welcome package."))
        self.start_button.setText(_("Start here"))
        self.start_button.setAccessibleName(_("Start here: open the welcome guide"))
        self.topics_button.setText(_("Topics"))
        self.topics_button.setAccessibleName(_("Topics: guides on what the community asked to learn"))
        self.topics_button.setToolTip(_("Capitation, fraud, integrations, reports, slowness and more, in English and French"))
        self.library_button.setText(_("Browse the library"))
        self.library_button.setAccessibleName(_("Browse the library"))
        self.continue_heading.setText(_("Continue reading"))
        self.scroll.setAccessibleName(_("Home"))
        self.recent_empty.set_text(_("No guide opened yet. The guides you read are listed here."),
                                   _("Start with the welcome guide"))
        self.bookmarks_empty.set_text(_("No bookmarks yet. While reading, press Ctrl+D (or Bookmark) to keep a "
                                        "guide here."), _("Browse the library"))
        self.continue_button.setText(_("Continue"))
        self.continue_button.setAccessibleName(_("Continue reading where you stopped"))
        self.due_heading.setText(_("Coming &up in your pilot projects"))
        self.due_list.setAccessibleName(_("Checklist items due soon"))
        self.sessions_heading.setText(_("Training &sessions coming up"))
        self.sessions_list.setAccessibleName(_("Training sessions coming up"))
        self.welcome_heading.setText(_("&Welcome package"))
        self.recent_heading.setText(_("&Recently opened"))
        self.bookmarks_heading.setText(_("&Bookmarks"))
        self.welcome_list.setAccessibleName(_("Welcome package"))
        self.recent_list.setAccessibleName(_("Recently opened"))
        self.bookmarks_list.setAccessibleName(_("Bookmarks"))

    def attach(self, library: Library, pilot: PilotStore | None) -> None:
        """The data is open: from now on Home shows it as it is."""
        self.library, self.pilot = library, pilot

    def refresh(self, content: HomeContent | None = None) -> None:
        """Show Home as the data is now (``content``: read already, say on the thread that opened the data)."""
        if self.library is None:
            return  # still the last run's Home, until attach()
        if content is None or content.language != current_language():
            content = read_home(self.library, self.pilot, current_language(), dt.date.today())
        self.show_content(content)
        kept = replace(content, language_asked=self.language_asked)
        if self.start_view_dir is not None and kept != self._kept:  # written when Home changed, not at each visit
            save_start_view(self.start_view_dir, kept, __version__)
            self._kept = kept

    def show_content(self, content: HomeContent) -> None:
        """Draw Home from ``content``; every text in it is escaped (it comes from users and servers)."""
        entry = content.continue_entry
        self.continue_box.setVisible(entry is not None)
        if entry is not None:
            self._continue_target = (entry.slug, entry.language)
            self.continue_title.setText(f"<b>{html.escape(entry.title)}</b>")
            self.continue_progress.setValue(round(entry.position * 100))
            self.continue_progress.setFormat(_("{percent} read").format(percent=format_percent(entry.position)))
        today = dt.date.today()
        self.due_list.clear()
        for due in content.due:
            when = (_("overdue since {date}") if due.due_date < today else _("due {date}")).format(
                date=format_date(due.due_date))
            self.due_list.add(due.project_id, f"{due.project_name}: {due.title}",
                              f"<b>{html.escape(due.project_name)}</b>: {html.escape(due.title)} — "
                              f"<i>{html.escape(when)}</i>")
        self.due_heading.setVisible(bool(content.due))
        self.due_list.setVisible(bool(content.due))
        self.sessions_list.clear()
        for session in content.sessions:
            when = format_date(session.start_date)
            if session.start_date <= today:
                when = _("running now, until {date}").format(date=format_date(session.end_date))
            details = " · ".join(part for part in (when, session.place) if part)
            self.sessions_list.add(session.id, session.module_title,
                                   f"<b>{html.escape(session.module_title)}</b> — <i>{html.escape(details)}</i>")
        self.sessions_heading.setVisible(bool(content.sessions))
        self.sessions_list.setVisible(bool(content.sessions))
        self.welcome_list.clear()
        for guide in content.welcome:
            self.welcome_list.add((guide.slug, guide.language), guide.title,
                                  f"<b>{html.escape(guide.title)}</b><br><small>{html.escape(guide.summary)}</small>")
        self.recent_list.clear()
        for recent in content.recent:
            opened = _("Opened {date}").format(date=format_date(recent.opened_at)) if recent.opened_at else ""
            self.recent_list.add((recent.slug, recent.language), recent.title,
                                 f"{html.escape(recent.title)}<br><small>{html.escape(opened)}</small>")
        self.recent_list.setVisible(self.recent_list.count() > 0)
        self.recent_empty.setVisible(self.recent_list.count() == 0)
        self.bookmarks_list.clear()
        for bookmark in content.bookmarks:
            self.bookmarks_list.add((bookmark.slug, bookmark.language), bookmark.title, html.escape(bookmark.title))
        self.bookmarks_list.setVisible(self.bookmarks_list.count() > 0)
        self.bookmarks_empty.setVisible(self.bookmarks_list.count() == 0)

    def open_welcome_guide(self) -> None:
        self.open_guide_requested.emit(START_HERE, current_language())

    def _continue(self) -> None:
        if self._continue_target:
            self.open_guide_requested.emit(*self._continue_target)

    def _open(self, item: QListWidgetItem) -> None:
        key = item.data(KEY_ROLE)
        if key:
            self.open_guide_requested.emit(*key)
