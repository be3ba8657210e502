"""Crashes are logged and reported; the first language follows the system; the CLI answers."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from PySide6.QtWidgets import QApplication

from companion import __version__
from ui.crash_dialog import CrashDialog, install_crash_hook
from tests.ui.dialogs import when_dialog_opens


def test_a_crash_writes_the_log_and_offers_a_report_to_copy(qtbot, paths):
    from companion.logs import setup_logging

    setup_logging(paths.log_file)
    install_crash_hook(paths.log_file, show_dialog=True)
    seen = {}

    def inspect_dialog():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, CrashDialog)
        dialog.copy_button.click()
        seen["clipboard"] = QApplication.clipboard().text()
        dialog.reject()

    when_dialog_opens(inspect_dialog)
    try:
        raise ValueError("a deliberate failure for the test")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = sys.__excepthook__
    assert "a deliberate failure for the test" in seen["clipboard"]
    assert f"openIMIS Companion {__version__}" in seen["clipboard"]
    assert "a deliberate failure for the test" in paths.log_file.read_text(encoding="utf-8")


def run_companion(args, **env):
    return subprocess.run([sys.executable, "-m", "ui", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env})


def test_version_and_quick_start(tmp_path):
    assert run_companion(["--version"]).stdout.strip() == f"openIMIS Companion {__version__}"
    result = run_companion(["--data-dir", str(tmp_path / "d"), "--quit-when-ready", "--no-crash-dialog"])
    assert result.returncode == 0 and "READY" in result.stdout
    assert (tmp_path / "d" / "companion.sqlite3").exists()


def test_data_dir_from_the_environment(tmp_path):
    result = run_companion(["--quit-when-ready", "--no-crash-dialog"], COMPANION_DATA_DIR=str(tmp_path / "env"))
    assert result.returncode == 0 and (tmp_path / "env" / "companion.sqlite3").exists()


def test_first_launch_follows_a_french_system(tmp_path):
    script = textwrap.dedent(f"""
        from pathlib import Path
        from companion.config import Paths
        from companion.i18n import current_language
        from ui.app import start
        running = start(Paths(Path({str(tmp_path / 'fr')!r})).ensure())
        print(current_language(), running.window.navigation.item(1).text())
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LC_ALL": "fr_FR.UTF-8", "LANG": "fr_FR.UTF-8",
           "LANGUAGE": "fr"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.stdout.split() == ["fr", "Bibliothèque"], result.stderr
