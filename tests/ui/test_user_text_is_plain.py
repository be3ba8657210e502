"""Names and texts typed by users (a project, a module, a lesson, a session, a participant) show as
the characters typed on every screen: no label, message or tooltip takes them for markup."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ui.navigation import Location

MARKUP = '<img src="file:///etc/passwd"><b>x</b>'


def labels_showing_markup(window) -> list[str]:
    """Labels whose text holds MARKUP and would render it (anything but plain text)."""
    return [label.objectName() or label.text()[:40] for label in window.findChildren(QLabel)
            if MARKUP in label.text() and label.textFormat() != Qt.TextFormat.PlainText]


def test_user_text_is_plain_on_every_screen(launch, qtbot):
    window = launch("en").window
    project_id = window.pilot.create_project(f"Pilot {MARKUP}", country="Cameroon", scheme=MARKUP,
                                             team=[MARKUP], currency="XAF", usd_rate="600")
    training = window.training
    module_id = training.create_module("en", f"Module {MARKUP}", summary=MARKUP, audience=MARKUP)
    training.add_lesson(module_id, f"Lesson {MARKUP}", f"## Slide {MARKUP}\n\nText.\n")
    session_id = training.create_session(module_id, dt.date.today(), place=MARKUP, trainer=MARKUP)
    training.add_participant(session_id, f"Participant {MARKUP}", consent=True)
    for location in (Location("home"), Location("projects"), Location("project", (project_id,)),
                     Location("training"), Location("module", (module_id,)), Location("session", (session_id,))):
        window.go(location)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.screens[location.screen])
        window.grab()
        assert labels_showing_markup(window) == [], location
    # The project screen's tabs and the session's tabs, each shown once.
    window.go(Location("project", (project_id,)))
    for index in range(window.project_screen.tabs.count()):
        window.project_screen.tabs.setCurrentIndex(index)
        assert labels_showing_markup(window) == [], window.project_screen.tabs.tabText(index)
    window.go(Location("session", (session_id,)))
    for index in range(window.session_screen.tabs.count()):
        window.session_screen.tabs.setCurrentIndex(index)
        assert labels_showing_markup(window) == [], window.session_screen.tabs.tabText(index)
    assert MARKUP in window.project_screen.title.text()  # shown, as typed
