"""Server settings that the shared test server does not use: private library, login limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.client import ProblemError, SyncClient
from sync.server.app import create_app
from sync.server.auth import LoginLimiter, LoginLimits
from sync.server.db import Database, sqlite_url
from sync.server.settings import ServerSettings
from tests.sync.conftest import PASSWORD, ThreadServer, admin


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


def test_failed_logins_per_address_and_the_window() -> None:
    now = [1000.0]
    limiter = LoginLimiter(LoginLimits(per_username=3, per_address=5, window_s=60), clock=lambda: now[0])
    for name in ("a", "b", "c", "d", "e"):
        assert limiter.retry_after(name, "10.0.0.1") is None
        limiter.failed(name, "10.0.0.1")
        now[0] += 1
    # Five different names from one address: the address is now limited, another address is not.
    wait = limiter.retry_after("f", "10.0.0.1")
    assert wait is not None and 0 < wait <= 60
    assert limiter.retry_after("f", "10.0.0.2") is None
    now[0] += 60
    assert limiter.retry_after("f", "10.0.0.1") is None  # the window moved on
    for _ in range(3):
        limiter.failed("g", "10.0.0.3")
    assert limiter.retry_after("g", "10.0.0.4") is not None  # per user name, from anywhere
    limiter.succeeded("g")
    assert limiter.retry_after("g", "10.0.0.4") is None
