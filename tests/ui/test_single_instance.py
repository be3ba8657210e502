"""One Companion per data folder: a second launch brings the window to the front and hands over
its bundle; launches at once on a new folder never corrupt it; a dead owner never locks anyone out."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from companion.storage.migrate import SCHEMA_HEAD, current_revision
from ui.app import hand_requests_to
from ui.single_instance import LOCK_NAME, SingleInstance

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def companion(*args: str, cwd=None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "ui", "--no-crash-dialog", *args], cwd=cwd, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_launch_brings_the_window_forward_with_its_bundle(qtbot, launch, paths, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="companion")
    instance = SingleInstance(paths.data_dir)
    assert instance.claim_or_hand_over([])
    running = launch()
    hand_requests_to(running.window, instance)
    try:
        running.window.showMinimized()
        qtbot.waitUntil(running.window.isMinimized)
        (tmp_path / "from-amina.cbundle").write_bytes(b"a team's bundle")
        with qtbot.waitSignal(running.window.bundle_open_requested, timeout=60_000) as opened:
            second = companion("--data-dir", str(paths.data_dir), "from-amina.cbundle", cwd=tmp_path)
        assert opened.args == [str((tmp_path / "from-amina.cbundle").resolve())]  # made absolute by the sender
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0, out + err
        assert "READY" not in out  # it started no window of its own
        assert not running.window.isMinimized() and running.window.isVisible()
        assert not running.window.windowState() & Qt.WindowState.WindowMinimized
        assert "bundle to open: " + str(tmp_path / "from-amina.cbundle") in caplog.text
    finally:
        instance.release()


def test_launches_at_once_on_a_new_data_folder_never_collide(tmp_path):
    for attempt in range(3):
        data_dir = tmp_path / f"new-{attempt}"
        launches = [companion("--data-dir", str(data_dir), "--quit-when-ready") for _ in range(3)]
        results = [launch.communicate(timeout=180) for launch in launches]
        for launch, (out, err) in zip(launches, results):
            assert launch.returncode == 0, out + err
            assert "Traceback" not in err
        # At least one of them started the window; the others handed over or started after it.
        assert any("READY" in out for out, _err in results)
        database = data_dir / "companion.sqlite3"
        assert current_revision(database) == SCHEMA_HEAD
        with sqlite3.connect(database) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        log = (data_dir / "logs" / "companion.log").read_text(encoding="utf-8")
        assert "Traceback" not in log and "CRITICAL" not in log


def _wait_for_lock(qtbot, owner, data_dir) -> None:
    """Until the Companion started in ``owner`` holds the folder's lock (failing at once if it died)."""
    qtbot.waitUntil(lambda: owner.poll() is not None or (data_dir / LOCK_NAME).exists(), timeout=60_000)
    assert owner.poll() is None, owner.communicate(timeout=30)


def test_a_companion_that_died_does_not_lock_the_folder(tmp_path, qtbot):
    data_dir = tmp_path / "data"
    owner = companion("--data-dir", str(data_dir))
    _wait_for_lock(qtbot, owner, data_dir)
    owner.kill()  # a power cut, or the task manager
    owner.communicate(timeout=30)
    assert (data_dir / LOCK_NAME).exists()  # left behind
    again = companion("--data-dir", str(data_dir), "--quit-when-ready")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0 and "READY" in out, out + err


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_a_live_owner_that_never_answers_gives_a_clear_message(tmp_path, monkeypatch, qtbot):
    import signal

    import ui.single_instance as single_instance

    data_dir = tmp_path / "data"
    owner = companion("--data-dir", str(data_dir))
    try:
        _wait_for_lock(qtbot, owner, data_dir)
        owner.send_signal(signal.SIGSTOP)  # alive, holding the lock, answering nothing
        monkeypatch.setattr(single_instance, "WAIT_FOR_OWNER_S", 2.0)
        with pytest.raises(TimeoutError, match="does not answer"):
            SingleInstance(data_dir).claim_or_hand_over([])
    finally:
        owner.send_signal(signal.SIGCONT)
        owner.kill()
        owner.communicate(timeout=30)


def test_a_file_opened_from_the_finder_reaches_the_window(qtbot, launch, paths, tmp_path):
    from PySide6.QtGui import QFileOpenEvent
    from PySide6.QtWidgets import QApplication

    instance = SingleInstance(paths.data_dir)
    running = launch()
    hand_requests_to(running.window, instance)
    with qtbot.waitSignal(running.window.bundle_open_requested, timeout=10_000) as opened:
        QApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(tmp_path / "team.cbundle")))
    assert opened.args == [str((tmp_path / "team.cbundle").resolve())]
