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
