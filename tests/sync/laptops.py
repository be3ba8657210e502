"""Laptops and a server for the transport tests: a real server on 127.0.0.1, real replicas."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sync.client import SyncClient
from sync.engine import SyncEngine
from tests.sync.conftest import PASSWORD, Backend, ServerProcess, admin
from companion.records import LocalReplica
from companion.replication import Record


@dataclass
class Person:
    name: str
    user_id: int
    token: str

    @property
    def personal(self) -> str:
        return f"personal-{self.user_id}"


@dataclass
class SyncServer:
    data_dir: Path
    database_url: str
    process: ServerProcess

    @property
    def url(self) -> str:
        return self.process.base_url

    @property
    def port(self) -> int:
        return self.process.port

    def admin(self, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
        return admin(self.data_dir, self.database_url, *args, stdin=stdin)

    def person(self, prefix: str = "user") -> Person:
        name = f"{prefix}-{secrets.token_hex(3)}"
        code, out, err = self.admin("user", "add", name, "--password-stdin", stdin=PASSWORD + "\n")
        assert code == 0, err
        user_id = int(out.split("(id ")[1].split(",")[0])
        token = SyncClient(self.url).sign_in(name, PASSWORD, "test laptop").token
        return Person(name, user_id, token)

    def team(self, *members: Person, role: str = "member") -> str:
        slug = f"team-{secrets.token_hex(3)}"
        assert self.admin("workspace", "add", slug, "--name", f"Team {slug}")[0] == 0
        for member in members:
            assert self.admin("member", "add", slug, member.name, "--role", role)[0] == 0
        return slug


@pytest.fixture(scope="module")
def sync_server(backend: Backend, tmp_path_factory) -> Iterator[SyncServer]:
    data_dir = tmp_path_factory.mktemp(f"sync-server-{backend.name}")
    url = backend.new_url(data_dir)
    assert admin(data_dir, url, "migrate")[0] == 0
    process = ServerProcess(data_dir, url, "--max-failed-logins-per-address", "100000").start()
    yield SyncServer(data_dir, url, process)
    process.stop()
    failures = server_failures(process.log.read_text(errors="replace"))
    assert not failures, "the server failed:\n" + "\n".join(failures)


def server_failures(log_text: str) -> list[str]:
    """The exceptions in a server log, except a client hanging up mid-body (the tests cut links on purpose;
    the server-hardening branch answers those with a 400 instead of logging them)."""
    lines = log_text.splitlines()
    failures, inside = [], False
    for line in lines:
        if line.startswith("Traceback"):
            inside = True
        elif inside and line and not line.startswith(" "):
            inside = False
            if "ClientDisconnect" not in line:
                failures.append(line)
    return failures


@dataclass
class Laptop:
    """One installation: its own data folder (SQLite database, blob store) with the real LocalReplica."""

    person: Person
    folder: Path
    replica: LocalReplica
    teams: list[str] = field(default_factory=list)

    def engine(self, url: str, **options: Any) -> SyncEngine:
        options.setdefault("teams", self.teams)
        options.setdefault("backoff_initial", 0.05)
        options.setdefault("backoff_max", 0.3)
        return SyncEngine(self.replica, url, self.person.token, **options)

    def write(self, workspace: str, record_id: str, record_type: str, values: dict[str, Any]) -> None:
        """An edit through the record writer, as the screens make it."""
        with self.replica.records.transaction() as writer:
            if writer.row(record_type, record_id) is None:
                values = {**CREATE_DEFAULTS.get(record_type, {}), **values}
                if record_type == "checklist_item":
                    values.setdefault("item_key", record_id[:8])
                writer.create(record_type, values, record_id=record_id, workspace=workspace)
            else:
                writer.update(record_type, record_id, values)

    def record(self, workspace: str, record_id: str) -> Record | None:
        return next((r for r in self.replica.records_of(workspace) if r.id == record_id), None)

    def value(self, workspace: str, record_id: str, name: str) -> Any:
        record = self.record(workspace, record_id)
        return record.fields[name]["v"] if record is not None and name in record.fields else None

    def close(self) -> None:
        self.replica.engine.dispose()


def open_replica(folder: Path) -> LocalReplica:
    from companion.config import Paths
    from companion.session import open_data

    data = open_data(Paths(folder.resolve()))
    return LocalReplica(data.library.engine, data.paths.blobs_dir)


def new_laptop(person: Person, folder: Path, teams: list[str] | None = None) -> Laptop:
    folder.mkdir(parents=True, exist_ok=True)
    return Laptop(person, folder, open_replica(folder), list(teams or []))


# Columns a new record of the type must have (what the screens fill in).
CHECKLIST_ID = "5c0e1b0e-8a35-4c53-9d8e-0b7a6d7f2a10"
CREATE_DEFAULTS = {"checklist_item": {"checklist_id": CHECKLIST_ID, "section_key": "preparation", "position": 0}}
BOOKMARK = {"guide_slug": "welcome-to-openimis", "created_at": dt.datetime(2026, 11, 30, 9, 15)}


def new_id() -> str:
    return str(uuid.uuid4())
