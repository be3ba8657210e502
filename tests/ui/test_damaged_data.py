"""The desktop app started on damaged data folders, as a user would (a subprocess each): a garbage,
truncated or partly overwritten database, a data folder that cannot be written, a log that
cannot be opened, a full disk, failed launches on a broken schema."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from contextlib import closing
from pathlib import Path

import pytest

from companion.library import Library
from companion.storage.database import create_sqlite_engine
from companion.storage.migrate import KEEP_BACKUPS

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
NEVER = ("Traceback", "Your work is saved", "Votre travail est enregistré")


def run_companion(data_dir: Path, *extra: str, language: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ui", "--data-dir", str(data_dir), "--language", language,
                           "--quit-when-ready", *extra], capture_output=True, text=True, timeout=180, env=ENV)


def run_script(script: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args], capture_output=True, text=True,
                          timeout=180, env=ENV)


@pytest.fixture(scope="module")
def sound_folder(tmp_path_factory) -> Path:
    """A data folder made by the app itself, with one bookmark, and a backup of it."""
    folder = tmp_path_factory.mktemp("sound") / "data"
    result = run_companion(folder, "--no-crash-dialog")
    assert result.returncode == 0, result.stderr
    engine = create_sqlite_engine(folder / "companion.sqlite3")
    Library(engine).set_bookmark("glossary", True)
    engine.dispose()
    with closing(sqlite3.connect(folder / "companion.sqlite3")) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")  # one file, to damage it as a disk would
    (folder / "backups").mkdir(exist_ok=True)
    shutil.copy(folder / "companion.sqlite3", folder / "backups" / "companion-20261201-090000-0005_records.sqlite3")
    return folder


def damaged(sound_folder: Path, tmp_path: Path, how: str) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(sound_folder, folder)
    database = folder / "companion.sqlite3"
    data = database.read_bytes()
    middle = len(data) // 2 // 4096 * 4096
    database.write_bytes({
        "garbage": os.urandom(len(data)),
        "truncated": data[: len(data) // 2],
        "a damaged page in the middle": data[:middle] + os.urandom(4096) + data[middle + 4096:],
    }[how])
    return folder


def bookmarked(folder: Path) -> bool:
    with closing(sqlite3.connect(folder / "companion.sqlite3")) as connection:
        return connection.execute(
            "SELECT count(*) FROM bookmark WHERE guide_slug='glossary' AND deleted=0").fetchone()[0] == 1


@pytest.mark.parametrize("how", ["garbage", "truncated", "a damaged page in the middle"])
def test_a_damaged_database_is_found_at_start_and_explained(how, sound_folder, tmp_path):
    folder = damaged(sound_folder, tmp_path, how)
    before = (folder / "companion.sqlite3").read_bytes()
    result = run_companion(folder, "--no-crash-dialog")
    assert result.returncode == 1
    assert "The Companion could not open your data file: it is damaged" in result.stderr
    assert "go back to the copy made on" in result.stderr
    assert not any(text in result.stderr + result.stdout for text in NEVER), result.stderr
    assert (folder / "companion.sqlite3").read_bytes() == before  # nothing touched without asking


DRIVE_THE_DIALOG = """
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from ui.app import ensure_qt_application, main

    ensure_qt_application()  # the timer below needs it; main() uses this same application
    button_name, language = sys.argv[1], sys.argv[3]
    seen = {}

    def answer():
        box = QApplication.activeModalWidget()
        if box is None or box.objectName() != "damagedDataDialog":
            QTimer.singleShot(50, answer)
            return
        seen["text"] = box.text()
        seen["buttons"] = [button.text() for button in box.buttons()]
        box.findChild(type(box.buttons()[0]), button_name).click()

    QTimer.singleShot(50, answer)
    code = main(["--data-dir", sys.argv[2], "--language", language, "--quit-when-ready"])
    print(repr(seen))
    sys.exit(code)
"""


def test_restoring_the_last_backup_keeps_the_damaged_file_aside(sound_folder, tmp_path):
    folder = damaged(sound_folder, tmp_path, "truncated")
    damaged_bytes = (folder / "companion.sqlite3").read_bytes()
    result = run_script(DRIVE_THE_DIALOG, "restoreBackupButton", str(folder), "fr")
    assert result.returncode == 0, result.stderr
    assert "READY" in result.stdout
    seen = eval(result.stdout.strip().splitlines()[-1])  # noqa: S307 - our own repr() just above
    assert "Le Companion n'a pas pu ouvrir votre fichier de données" in seen["text"]
    assert any(text.startswith("Restaurer la copie du") for text in seen["buttons"])
    aside = list(folder.glob("companion-damaged-*.sqlite3"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged_bytes
    assert bookmarked(folder)  # the backup's bookmark is back
    assert not any(text in result.stderr for text in NEVER), result.stderr


def test_starting_afresh_keeps_the_damaged_file_aside(sound_folder, tmp_path):
    folder = damaged(sound_folder, tmp_path, "garbage")
    result = run_script(DRIVE_THE_DIALOG, "startAfreshButton", str(folder), "en")
    assert result.returncode == 0 and "READY" in result.stdout, result.stderr
    assert len(list(folder.glob("companion-damaged-*.sqlite3"))) == 1
    assert not bookmarked(folder)
    with closing(sqlite3.connect(folder / "companion.sqlite3")) as connection:
        assert connection.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert connection.execute("SELECT count(*) FROM guide").fetchone()[0] > 10  # the bundle imported again


def test_quitting_changes_nothing(sound_folder, tmp_path):
    folder = damaged(sound_folder, tmp_path, "garbage")
    before = (folder / "companion.sqlite3").read_bytes()
    result = run_script(DRIVE_THE_DIALOG, "quitButton", str(folder), "en")
    assert result.returncode == 1 and "READY" not in result.stdout
    assert (folder / "companion.sqlite3").read_bytes() == before
    assert not list(folder.glob("companion-damaged-*"))


def test_a_data_folder_that_cannot_be_written_gets_a_readable_message(tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder should be")
    result = run_companion(blocked / "data", "--no-crash-dialog", language="fr")
    assert result.returncode == 1
    assert "Le Companion ne peut pas écrire dans son dossier de données" in result.stderr
    assert not any(text in result.stderr for text in NEVER), result.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes in read-only folders")
def test_a_read_only_data_folder_gets_a_readable_message(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        result = run_companion(folder, "--no-crash-dialog")
    finally:
        folder.chmod(0o755)
    assert result.returncode == 1 and "cannot write in its data folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_log_that_cannot_be_opened_does_not_stop_the_app(tmp_path):
    folder = tmp_path / "data"
    (folder / "logs" / "companion.log").mkdir(parents=True)  # a folder where the log file should be
    result = run_companion(folder, "--no-crash-dialog")
    assert result.returncode == 0 and "READY" in result.stdout
    assert "no log file" in result.stderr and "Traceback" not in result.stderr


def test_failed_launches_keep_a_bounded_number_of_backups(sound_folder, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(sound_folder, folder)
    with closing(sqlite3.connect(folder / "companion.sqlite3")) as connection:
        connection.execute("UPDATE alembic_version SET version_num='0004_training'")  # a schema that cannot upgrade
        connection.commit()
    for _launch in range(5):
        result = run_companion(folder, "--no-crash-dialog")
        assert result.returncode == 1 and "Your data could not be opened" in result.stderr
        assert "Traceback" not in result.stderr
    assert len(list((folder / "backups").glob("*.sqlite3"))) == KEEP_BACKUPS


FULL_DISK = """
    import json, sqlite3, sys
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import event
    from companion.config import Paths
    from ui.app import start

    running = start(Paths(Path(sys.argv[1])), sys.argv[2])
    window, library = running.window, running.data.library
    reader = window.reader

    def disk_full(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            raise sqlite3.OperationalError("database or disk is full")  # what SQLite raises on SQLITE_FULL

    def answer(seen):
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(50, lambda: answer(seen))
            return
        seen["title"], seen["text"] = box.windowTitle(), box.text()
        box.accept()

    results = []
    for slug in ("start-here", "glossary"):  # not bookmarked yet; bookmarked
        window.open_guide(slug, sys.argv[2])
        seen = {"before": reader.bookmark_button.isChecked()}
        event.listen(library.engine, "before_cursor_execute", disk_full)
        QTimer.singleShot(50, lambda: answer(seen))
        reader.bookmark_button.click()
        event.remove(library.engine, "before_cursor_execute", disk_full)
        seen.update(checked=reader.bookmark_button.isChecked(), button=reader.bookmark_button.text(),
                    stored=library.is_bookmarked(slug))
        results.append(seen)
    print(json.dumps(results))
    running.close()
"""


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_full_disk_says_the_bookmark_was_not_saved_and_shows_what_is_stored(language, sound_folder, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(sound_folder, folder)
    result = run_script(FULL_DISK, str(folder), language)
    assert result.returncode == 0, result.stderr
    adding, removing = json.loads(result.stdout.strip().splitlines()[-1])
    words = {"en": {"not saved": "The bookmark was not saved.", "not removed": "The bookmark was not removed.",
                    "full": "The disk is full", "off": "Bookmark", "on": "Bookmarked"},
             "fr": {"not saved": "Le favori n'a pas été enregistré.", "not removed": "Le favori n'a pas été retiré.",
                    "full": "Le disque est plein", "off": "Ajouter aux favoris", "on": "Dans les favoris"}}[language]
    # Adding fails: the button stays off, as stored.
    assert not adding["before"] and not adding["stored"] and not adding["checked"]
    assert adding["button"] == words["off"]
    assert words["not saved"] in adding["text"] and words["full"] in adding["text"]
    # Removing fails: the button stays on, as stored.
    assert removing["before"] and removing["stored"] and removing["checked"]
    assert removing["button"] == words["on"]
    assert words["not removed"] in removing["text"] and words["full"] in removing["text"]
    assert not any(text in adding["text"] + removing["text"] for text in NEVER)


def test_the_crash_dialog_never_claims_the_work_is_saved(qtbot, paths):
    from PySide6.QtWidgets import QLabel
    from sqlalchemy.exc import OperationalError

    from ui.crash_dialog import CrashDialog

    full = OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))
    for error, expected in ((full, "could not read or write its data"), (ValueError("a bug"), "may not have been saved")):
        dialog = CrashDialog("report", paths.log_file, error=error)
        qtbot.addWidget(dialog)
        text = dialog.findChild(QLabel, "crashIntro").text()
        assert expected in text and "Your work is saved" not in text


def test_self_check_reports_a_damaged_database(sound_folder, tmp_path):
    folder = damaged(sound_folder, tmp_path, "garbage")
    result = subprocess.run([sys.executable, "-m", "ui", "--data-dir", str(folder), "--self-check"],
                            capture_output=True, text=True, timeout=120, env=ENV)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "FAIL database" in result.stdout and "is damaged: file is not a database" in result.stdout


FULL_DISK_ATTENDANCE = """
    import datetime as dt, json, sqlite3, sys
    from pathlib import Path
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import event
    from companion.config import Paths
    from ui.app import start
    from ui.crash_dialog import install_crash_hook

    running = start(Paths(Path(sys.argv[1])), sys.argv[2])
    install_crash_hook(Path(sys.argv[1]) / "crash.log", show_dialog=True)
    window, training = running.window, running.window.training
    session_id = training.create_session(training.modules("en")[0].id, dt.date.today(), days=1)
    training.add_participant(session_id, "Awa")
    window.open_session(session_id)
    screen = window.session_screen
    screen.tabs.setCurrentWidget(screen.attendance)
    cell = screen.attendance.table.item(0, 1)

    def disk_full(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            raise sqlite3.OperationalError("database or disk is full")

    seen = {}

    def answer():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(50, answer)
            return
        seen["text"] = " ".join(label.text() for label in dialog.findChildren(type(screen.title)))
        dialog.accept()

    event.listen(running.data.library.engine, "before_cursor_execute", disk_full)
    QTimer.singleShot(50, answer)
    cell.setCheckState(Qt.CheckState.Checked)  # the trainer ticks Awa present
    event.remove(running.data.library.engine, "before_cursor_execute", disk_full)
    cell = screen.attendance.table.item(0, 1)
    print(json.dumps({"text": seen.get("text", ""), "stored": training.participants(session_id)[0].present[0],
                      "shown": cell.checkState() == Qt.CheckState.Checked}))
    running.close()
"""


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_full_disk_while_ticking_attendance_says_so_and_the_register_shows_what_is_stored(language, sound_folder,
                                                                                            tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(sound_folder, folder)
    result = run_script(FULL_DISK_ATTENDANCE, str(folder), language)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    full = {"en": "the disk may be full", "fr": "le disque est peut-être plein"}[language]
    assert full in seen["text"] and not any(never in seen["text"] for never in NEVER)
    assert seen["stored"] is False and seen["shown"] is False  # not ticked, as stored
