"""Every control is named for screen readers, and French (even lengthened) labels fit."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import (QAbstractButton, QApplication, QAbstractItemView, QComboBox, QLabel, QLineEdit, QTextBrowser,
                               QWidget)

from ui.navigation import Location

INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QTextBrowser)


def visit_every_screen(window):
    yield "home"
    window.go(Location("library"))
    yield "library"
    window.open_guide("feasibility-study")
    yield "reader"
    window.search_field.setText("openimis")
    window.go(Location("search", ("openimis",)))
    yield "search"
    window.go(Location("projects"))
    project_id = window.pilot.create_project("Pilote de démonstration", "Cameroon", "Mutuelle", "XAF",
                                             team=["Awa"], usd_rate="600")
    window.projects_screen.refresh()
    yield "projects"
    window.open_project(project_id)
    for index in range(window.project_screen.tabs.count()):
        window.project_screen.tabs.setCurrentIndex(index)
        yield f"project tab {index}"
    window.go(Location("training"))
    yield "training"
    module = window.training.module_by_slug("openimis-for-managers", "fr")
    window.open_module(module.id)
    for index in range(window.module_screen.tabs.count()):
        window.module_screen.tabs.setCurrentIndex(index)
        yield f"module tab {index}"
    session_id = window.training.create_session(module.id, dt.date(2026, 12, 7), days=3, place="Yaoundé",
                                                trainer="Awa Ndiaye")
    for name in ("Jean-Baptiste Ekotto-Mbarga", "Awa Diop"):
        person = window.training.add_participant(session_id, name, "Mutuelle de santé de Bafoussam", "Agent", "female")
        window.training.update_participant(person, pre_score=3, post_score=7, rating=5, comment="Très utile")
    window.open_session(session_id)
    for index in range(window.session_screen.tabs.count()):
        window.session_screen.tabs.setCurrentIndex(index)
        yield f"session tab {index}"


def visible(window, kind):
    return [w for w in window.findChildren(QWidget) if isinstance(w, kind) and w.isVisible() and w.window() is window]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_interactive_widget_has_a_name_and_a_translated_accessible_name(launch, language):
    window = launch(language).window
    for screen in visit_every_screen(window):
        for widget in visible(window, INTERACTIVE):
            if widget.objectName().startswith("qt_") or not widget.focusPolicy():
                continue  # Qt's own inner parts (scroll bars, spin arrows)
            assert widget.objectName(), f"{screen}: {type(widget).__name__} has no objectName"
            assert widget.accessibleName(), f"{screen}: {widget.objectName()} has no accessibleName"
    if language == "fr":
        assert window.search_field.accessibleName() == "Rechercher dans la bibliothèque"


def cut_off(widget: QWidget) -> bool:
    if not widget.text() or (isinstance(widget, QLabel) and widget.wordWrap()):
        return False  # icon-only buttons and wrapping labels cannot be cut off
    needed = widget.minimumSizeHint().width() if isinstance(widget, QLabel) else widget.sizeHint().width()
    return widget.width() + 1 < needed


@pytest.mark.parametrize("scale", ["100", "140"])
def test_french_labels_fit_at_1366x768(launch, monkeypatch, scale):
    monkeypatch.setenv("COMPANION_TRANS_SCALE", scale)
    window = launch("fr", size=(1366, 768)).window
    assert window.width() <= 1366 and window.height() <= 768
    for screen in visit_every_screen(window):
        QApplication.processEvents()  # let layouts settle after the screen changed
        problems = [f"{w.objectName() or type(w).__name__}: {getattr(w, 'text', lambda: '')()!r}"
                    for w in visible(window, (QLabel, QAbstractButton)) if cut_off(w)]
        assert problems == [], f"cut off on the {screen} screen at scale {scale}%"
