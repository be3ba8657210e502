"""Shared test set-up: Qt runs headless; every test gets its own data folder."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("COMPANION_TRANS_SCALE", None)

import pytest  # noqa: E402

from companion.config import Paths  # noqa: E402


@pytest.fixture
def paths(tmp_path) -> Paths:
    return Paths(tmp_path / "data").ensure()
