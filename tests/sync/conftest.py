"""Fixtures of the sync server suite: real servers on 127.0.0.1, on SQLite and on PostgreSQL.

Every server-backed test runs once per backend. PostgreSQL comes from
COMPANION_TEST_POSTGRES_URL; each test session works in fresh schemas of that
database (dropped at the end). Without the variable the PostgreSQL half is
skipped, unless COMPANION_REQUIRE_POSTGRES=1 (CI), where that is a failure.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from companion.replication.hlc import Clock
from sync.client import SyncClient
from sync.server import cli

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_ENV = "COMPANION_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "COMPANION_REQUIRE_POSTGRES"
PASSWORD = "correct horse battery"

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Backend:
    """Hands out fresh, empty databases of one kind."""

    def __init__(self, name: str, base_dir: Path) -> None:
        self.name = name
        self.base_dir = base_dir
        self._schemas: list[str] = []
        self._postgres_url = os.environ.get(POSTGRES_ENV, "")

    def new_url(self, data_dir: Path) -> str:
        if self.name == "sqlite":
            return f"sqlite:///{data_dir / 'companion-server.sqlite3'}"
        import sqlalchemy

        schema = f"cs_test_{os.getpid()}_{secrets.token_hex(4)}"
        engine = sqlalchemy.create_engine(self._postgres_url)
        with engine.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        engine.dispose()
        self._schemas.append(schema)
        separator = "&" if "?" in self._postgres_url else "?"
        return f"{self._postgres_url}{separator}options={quote(f'-csearch_path={schema}')}"

    def cleanup(self) -> None:
        if not self._schemas:
            return
        import sqlalchemy

        engine = sqlalchemy.create_engine(self._postgres_url)
        with engine.begin() as connection:
            for schema in self._schemas:
                connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_path_factory) -> Iterator[Backend]:
    name = request.param
    if name == "postgres" and not os.environ.get(POSTGRES_ENV):
        message = f"set {POSTGRES_ENV} to run against PostgreSQL (packaging/server/ci-postgres.sh prints one)"
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(f"{REQUIRE_POSTGRES_ENV}=1 but {POSTGRES_ENV} is not set: {message}")
        pytest.skip(message)
    chosen = Backend(name, tmp_path_factory.mktemp(f"backend-{name}"))
    yield chosen
    chosen.cleanup()


def admin(data_dir: Path, url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """Run a companion-server admin command in-process; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin or "")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["--data-dir", str(data_dir), "--database-url", url, *args])
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


class ServerProcess:
    """``python -m sync.server ... serve`` in a subprocess on a free port."""

    def __init__(self, data_dir: Path, url: str, *extra: str) -> None:
        self.data_dir = data_dir
        self.database_url = url
        self.extra = extra
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir / f"server-{self.port}.log"

    def start(self) -> "ServerProcess":
        command = [sys.executable, "-m", "sync.server", "--data-dir", str(self.data_dir), "--database-url", self.database_url,
                   "serve", "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning", *self.extra]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}):\n{self.log.read_text()}")
            try:
                if requests.get(f"{self.base_url}/api/v1/status", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def server_errors(self) -> str:
        text = self.log.read_text(errors="replace")
        return "\n".join(line for line in text.splitlines() if "Traceback" in line or " 500" in line or "ERROR" in line)


class ThreadServer:
    """The app in uvicorn on a thread of this process, for variants of the settings (real HTTP still)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                server_header=False, date_header=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "ThreadServer":
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@dataclass
class World:
    """A running server with known users, workspaces and roles."""

    backend: str
    base_url: str
    data_dir: Path
    database_url: str
    server: ServerProcess
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)

    def client(self, who: str | None = None) -> SyncClient:
        return SyncClient(self.base_url, token=self.tokens[who] if who else None)

    def personal(self, who: str) -> str:
        return f"personal-{self.user_ids[who]}"

    def admin(self, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
        return admin(self.data_dir, self.database_url, *args, stdin=stdin)

    def new_user(self, prefix: str = "user") -> tuple[str, SyncClient]:
        name = f"{prefix}-{secrets.token_hex(4)}"
        code, out, err = self.admin("user", "add", name, "--password-stdin", stdin=PASSWORD + "\n")
        assert code == 0, err
        self.user_ids[name] = int(out.split("(id ")[1].split(",")[0])
        client = SyncClient(self.base_url)
        client.sign_in(name, PASSWORD, "test")
        return name, client


# Who is who in the shared world: role in team-a, and in the library.
PEOPLE = {
    "root": {"admin": True},
    "ada": {"team-a": "admin"},
    "eddie": {"team-a": "editor", "library": "editor"},
    "mia": {"team-a": "member"},
    "rita": {"team-a": "reader"},
    "otto": {},  # signed in, member of nothing (but team-b)
}


@pytest.fixture(scope="session")
def world(backend: Backend, tmp_path_factory) -> Iterator[World]:
    data_dir = tmp_path_factory.mktemp(f"server-{backend.name}")
    url = backend.new_url(data_dir)
    for slug, name in (("team-a", "Team A"), ("team-b", "Team B")):
        assert admin(data_dir, url, "workspace", "add", slug, "--name", name)[0] == 0
    user_ids = {}
    for person, roles in PEOPLE.items():
        extra = ["--admin"] if roles.get("admin") else []
        code, out, err = admin(data_dir, url, "user", "add", person, "--password-stdin", *extra, stdin=PASSWORD + "\n")
        assert code == 0, err
        user_ids[person] = int(out.split("(id ")[1].split(",")[0])
        for workspace, role in roles.items():
            if workspace != "admin":
                assert admin(data_dir, url, "member", "add", workspace, person, "--role", role)[0] == 0
    assert admin(data_dir, url, "member", "add", "team-b", "otto", "--role", "admin")[0] == 0
    server = ServerProcess(data_dir, url, "--max-failed-logins-per-address", "100000").start()
    tokens = {}
    for person in PEOPLE:
        client = SyncClient(server.base_url)
        tokens[person] = client.sign_in(person, PASSWORD, f"{person}'s laptop").token
    world = World(backend.name, server.base_url, data_dir, url, server, tokens, user_ids)
    yield world
    server.stop()
    errors = server.server_errors()
    assert not errors, f"the server logged errors:\n{errors}"


@pytest.fixture
def clock() -> Clock:
    return Clock(secrets.token_hex(8))


def new_id() -> str:
    return str(uuid.uuid4())


def change(record_id: str, fields: dict[str, Any], record_type: str = "note", change_id: str | None = None) -> dict[str, Any]:
    return {"change_id": change_id or new_id(), "record_id": record_id, "type": record_type, "fields": fields}
