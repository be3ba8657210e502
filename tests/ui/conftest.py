"""Drive the real main window, offscreen, on a data folder of the test's own."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from ui.app import start
from ui.runner import pending_operations


@pytest.fixture
def launch(qtbot, paths):
    """launch(language=None) starts the Companion as a user would and waits until the
    bundled library is imported. Several launches on the same folder = restarts."""
    running = []

    def _launch(language: str | None = None, size=(1366, 768)):
        if running:
            running[-1].close()
        app = start(paths, language)
        if size:  # None: the size and place the window remembered
            app.window.resize(*size)
        qtbot.addWidget(app.window)
        qtbot.waitUntil(lambda: pending_operations() == 0, timeout=30_000)
        qtbot.waitExposed(app.window)
        app.window.activateWindow()  # keyboard shortcuts go to the active window
        qtbot.waitUntil(lambda: QApplication.activeWindow() is app.window)
        running.append(app)
        return app

    yield _launch
    if running:
        running[-1].languages.apply("en")
        running[-1].close()
        from ui.theme import SYSTEM, appearance

        appearance().set_theme(SYSTEM, remember=False)  # the next test starts as a new user would
        appearance().set_zoom(100, remember=False)
