"""A fast start: Home as the last run left it shows at once, the data layer loads behind it.

The database layer (SQLAlchemy and the models) is half the start-up time. When the file needs no
upgrade and the last run left Home's content beside it (companion/home.py), the window shows that
Home first; the live data replaces it a moment later, and what the user asked meanwhile is done then.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from companion.config import Paths
from companion.home import load_start_view, start_view_file
from ui.app import start
from ui.navigation import Location
from ui.widgets.rich_list import KEY_ROLE

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


@pytest.fixture
def used_folder(qtbot, paths: Paths) -> Paths:
    """A data folder a first run has used: the library imported, a guide bookmarked, Home seen
    (in the user's language: English, chosen in the data)."""
    running = start(paths, "en")
    from ui.main_window import LANGUAGE_SETTING

    running.data.library.set_setting(LANGUAGE_SETTING, "en")
    running.window.home.language_asked = False  # as if it had been chosen with the buttons
    qtbot.addWidget(running.window)
    from ui.runner import pending_operations

    qtbot.waitUntil(lambda: pending_operations() == 0, timeout=30_000)
    running.data.library.set_bookmark("glossary", True)
    running.window.go(Location("home"))
    running.close()
    return paths


def test_a_restart_shows_the_last_home_before_the_data_layer_is_imported(used_folder, tmp_path):
    # In a process of its own: the test process has SQLAlchemy imported already.
    script = textwrap.dedent(f"""
        import sys
        from ui import app

        opening = app.RunningApp.open_data_behind

        def open_data_behind(self, *args, **kwargs):  # the window is shown; the data is not open yet
            home = self.window.home
            print("SHOWN", "sqlalchemy" in sys.modules, self.window.isVisible(),
                  home.welcome_list.count(), home.bookmarks_list.count(), flush=True)
            return opening(self, *args, **kwargs)

        app.RunningApp.open_data_behind = open_data_behind
        sys.exit(app.main(["--data-dir", {str(used_folder.data_dir)!r}, "--quit-when-ready", "--no-crash-dialog"]))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=ENV, timeout=180)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    shown = next(line for line in lines if line.startswith("SHOWN")).split()
    assert shown[1:3] == ["False", "True"]  # no SQLAlchemy yet, the window on screen
    assert int(shown[3]) >= 4 and shown[4] == "1"  # the welcome package and the bookmark, as last shown
    assert [line.split()[0] for line in lines if line] == ["SHOWN", "READY", "LOADED"]


def test_what_the_user_asks_before_the_data_is_open_is_done_once_it_is(qtbot, used_folder):
    running = start(used_folder, fast=True)
    qtbot.addWidget(running.window)
    window = running.window
    assert not running.ready and window.library is None
    glossary = next(i for i in range(window.home.bookmarks_list.count())
                    if window.home.bookmarks_list.item(i).data(KEY_ROLE) == ("glossary", "en"))
    window.home.bookmarks_list.itemActivated.emit(window.home.bookmarks_list.item(glossary))
    assert window.stack.currentWidget() is window.home  # nothing to read it with yet
    qtbot.waitUntil(lambda: running.ready, timeout=30_000)
    assert window.reader.view.slug == "glossary" and window.stack.currentWidget() is window.reader
    assert running.sync is not None  # sync is installed once the data is open
    window.go_back()
    assert window.stack.currentWidget() is window.home and window.home.bookmarks_list.count() == 1
    running.close()


def test_a_later_edit_shows_up_in_the_next_fast_start(qtbot, used_folder):
    running = start(used_folder, fast=True)
    qtbot.addWidget(running.window)
    qtbot.waitUntil(lambda: running.ready, timeout=30_000)
    running.data.library.set_bookmark("glossary", False)
    running.window.go(Location("home"))
    assert running.window.home.bookmarks_list.count() == 0
    running.close()
    again = start(used_folder, fast=True)
    qtbot.addWidget(again.window)
    assert not again.ready and again.window.home.bookmarks_list.count() == 0
    qtbot.waitUntil(lambda: again.ready, timeout=30_000)
    again.close()


def _home(**fields) -> str:
    home = {"language": "en", "continue_entry": None, "due": [], "sessions": [], "welcome": [], "recent": [],
            "bookmarks": [], **fields}
    return json.dumps({"version": 1, "app": "0.1.0", "home": home})


@pytest.mark.parametrize("damage", [
    "not json", _home(language=3), _home(language="xx"), "x" * 300_000, '{"version": 99}',
    _home(continue_entry={}), _home(continue_entry=""), _home(due="abc"),
    _home(continue_entry={"slug": "glossary", "language": "en", "title": "Glossary", "position": float("nan")}),
])
def test_a_damaged_or_foreign_start_view_is_not_used(qtbot, used_folder, damage):
    start_view_file(used_folder.data_dir).write_text(damage, encoding="utf-8")
    running = start(used_folder, fast=True)
    qtbot.addWidget(running.window)
    assert running.ready  # opened as on a first start, and Home drawn from the data
    assert running.window.home.bookmarks_list.count() == 1
    running.close()
    assert load_start_view(used_folder.data_dir, "0.1.0") is not None  # and written again, whole


def test_another_language_asked_for_opens_the_data_first(qtbot, used_folder):
    running = start(used_folder, "fr", fast=True)
    qtbot.addWidget(running.window)
    assert running.ready and running.window.home.welcome_list.item(0).text().startswith("Bienvenue")
    running.close()
    assert json.loads(start_view_file(used_folder.data_dir).read_text(encoding="utf-8"))["home"]["language"] == "fr"


def test_closing_while_the_data_opens_closes_it_cleanly(qtbot, used_folder):
    from companion.storage.migrate import needs_check

    running = start(used_folder, fast=True)
    qtbot.addWidget(running.window)
    qtbot.waitUntil(lambda: running._opening, timeout=30_000)  # the pool thread is opening it
    running.close()
    assert not needs_check(used_folder.database)  # marked as closed cleanly: the next start skips the check


def test_data_that_cannot_be_opened_behind_the_window_ends_the_app_with_a_report(used_folder):
    script = textwrap.dedent(f"""
        import sys
        import companion.session
        from ui import app

        def connect_data(paths, outcome):
            raise OSError("a deliberate failure for the test: the disk went away")

        companion.session.connect_data = connect_data
        sys.exit(app.main(["--data-dir", {str(used_folder.data_dir)!r}, "--quit-when-ready", "--no-crash-dialog"]))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=ENV, timeout=180)
    assert result.returncode == 70, result.stderr  # EXIT_CRASHED, not a window left without its data
    assert "READY" in result.stdout and "LOADED" not in result.stdout
    assert "the disk went away" in used_folder.log_file.read_text(encoding="utf-8")


def test_a_language_chosen_while_the_data_opens_is_kept(qtbot, used_folder):
    from companion.i18n import current_language
    from ui.main_window import LANGUAGE_SETTING

    running = start(used_folder, fast=True)
    qtbot.addWidget(running.window)
    assert not running.ready and current_language() == "en"
    running.window.findChild(type(running.window.back_button), "language_fr").click()
    qtbot.waitUntil(lambda: running.ready, timeout=30_000)
    assert current_language() == "fr"  # not put back to the setting the data was opened with
    assert running.data.library.setting(LANGUAGE_SETTING) == "fr"
    assert running.window.home.welcome_list.item(0).text().startswith("Bienvenue")  # Home read again in French
    running.languages.apply("en")
    running.close()


def test_going_home_before_the_data_opens_cancels_the_screen_asked_for_before(qtbot, used_folder):
    running = start(used_folder, fast=True)
    qtbot.addWidget(running.window)
    window = running.window
    window.go(Location("library"))
    window.go(Location("home"))
    qtbot.waitUntil(lambda: running.ready, timeout=30_000)
    assert window.stack.currentWidget() is window.home and window.navigation.currentRow() == 0
    running.close()


def test_bundle_files_asked_for_before_the_data_opens_open_once_it_is(qtbot, used_folder):
    from PySide6.QtWidgets import QApplication

    running = start(used_folder, fast=True)
    qtbot.addWidget(running.window)
    running.window.menus.bundles_action.trigger()
    assert not running.ready and QApplication.activeModalWidget() is None
    qtbot.waitUntil(lambda: running.ready, timeout=30_000)
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.objectName() == "bundleDialog"
    dialog.close()
    running.close()


def test_a_language_asked_on_the_command_line_is_not_taken_for_the_users_own(qtbot, used_folder):
    from companion.i18n import current_language

    running = start(used_folder, "fr", fast=True)  # as `companion --language fr`
    qtbot.addWidget(running.window)
    running.close()
    assert load_start_view(used_folder.data_dir, "0.1.0").language_asked
    again = start(used_folder, fast=True)  # no --language: the setting the user chose (English)
    qtbot.addWidget(again.window)
    assert again.ready and current_language() == "en"  # opened first, not French then English
    again.close()
    assert not load_start_view(used_folder.data_dir, "0.1.0").language_asked
