"""Shared test set-up: Qt runs headless; every test gets its own data folder."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("COMPANION_TRANS_SCALE", None)

import pytest  # noqa: E402

from companion.config import Paths  # noqa: E402
from companion.records import guard  # noqa: E402

# Every statement of every engine, in every test (UI tests included), is checked: a write to a
# synced table that bypasses the record writer fails the test that made it.
guard.install()


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(tmp_path / "data").ensure()


def pytest_sessionfinish(session, exitstatus):
    """No pool thread may still run Python when the interpreter ends: Qt's global pool waits for it
    while finalisation holds the interpreter lock, and the run would never end."""
    import sys

    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(60_000)


def pytest_unconfigure(config):
    """If the process is still alive five minutes after the tests ended, print every thread's stack
    and end it: CI then shows what held it instead of running out its time."""
    import faulthandler
    import sys

    faulthandler.dump_traceback_later(300, exit=True, file=sys.__stderr__)
