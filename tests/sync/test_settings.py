"""Server settings that the shared test server does not use: private library, login limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.client import ProblemError, SyncClient
from sync.server.app import create_app
from sync.server.db import Database, sqlite_url
from sync.server.settings import ServerSettings
from sync.server.throttle import LoginLimits, SignInThrottle
from tests.sync.conftest import PASSWORD, Backend, ThreadServer, admin


def test_library_reading_can_require_a_token(tmp_path: Path) -> None:
    assert admin(tmp_path, sqlite_url(tmp_path), "user", "add", "reader", "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    db = Database(sqlite_url(tmp_path))
    try:
        app = create_app(ServerSettings(data_dir=tmp_path, database_url=db.url, public_library=False), db)
        with ThreadServer(app) as server:
            anonymous = SyncClient(server.base_url)
            assert anonymous.status().public_library is False
            with pytest.raises(ProblemError) as caught:
                anonymous.pull_page("library")
            assert caught.value.status == 401
            signed_in = SyncClient(server.base_url)
            signed_in.sign_in("reader", PASSWORD)
            assert signed_in.pull_page("library").records == []
    finally:
        db.dispose()


def test_failed_sign_ins_per_address_per_pair_and_the_window(backend: Backend, tmp_path: Path) -> None:
    db = Database(backend.new_url(tmp_path))
    db.migrate()
    now = [1_000_000]
    throttle = SignInThrottle(db, LoginLimits(per_pair=3, per_address=5, window_s=60), clock=lambda: now[0])
    try:
        for name in ("a", "b", "c", "d", "e"):
            assert throttle.retry_after(name, "10.0.0.1") is None
            throttle.failed(name, "10.0.0.1")
            now[0] += 1000
        # Five different names from one address: the address is now limited, another address is not.
        wait = throttle.retry_after("f", "10.0.0.1")
        assert wait is not None and 0 < wait <= 60
        assert throttle.retry_after("f", "10.0.0.2") is None
        now[0] += 60_000
        assert throttle.retry_after("f", "10.0.0.1") is None  # the window moved on
        for _ in range(3):
            throttle.failed("G", "10.0.0.3")
        assert throttle.retry_after("g", "10.0.0.3") is not None  # this name from this address: limited
        assert throttle.retry_after("g", "10.0.0.4") is None  # the owner, from their own laptop, is not
        throttle.succeeded("g", "10.0.0.3")
        assert throttle.retry_after("g", "10.0.0.3") is None
        # A second server process on the same database sees the same counts.
        other_process = SignInThrottle(Database(db.url), throttle.limits, clock=lambda: now[0])
        for _ in range(3):
            throttle.failed("h", "10.0.0.5")
        assert other_process.retry_after("h", "10.0.0.5") is not None
        other_process.db.dispose()
        # Failures that left the window are swept from the table.
        now[0] += 120_000
        throttle.failed("i", "10.0.0.6")
        assert throttle.rows() == 2
    finally:
        db.dispose()
