"""Many clients at once: no errors, unique ordered cursors, and a reader following the cursor misses nothing."""

from __future__ import annotations

import secrets
import threading
import uuid
from typing import Any

import requests
from sqlalchemy import text

from companion.replication import workspace_digest
from companion.replication.hlc import Clock
from sync.client import SyncClient
from tests.sync.conftest import World, change

WRITERS = 24
PUSHES_PER_WRITER = 5
CHANGES_PER_PUSH = 20


def test_concurrent_writers_and_a_cursor_following_reader(world: World) -> None:
    name, owner = world.new_user("crowd")
    workspace = world.personal(name)
    token = owner.token
    shared = [str(uuid.uuid4()) for _ in range(10)]  # records everybody edits: contention on the same rows
    errors: list[BaseException] = []
    applied_seqs: list[int] = []
    lock = threading.Lock()
    done = threading.Event()
    seen: dict[str, Any] = {}
    reader_cursor = [0]

    def writer() -> None:
        try:
            client = SyncClient(world.base_url, token=token)
            clock = Clock(secrets.token_hex(8))
            for round_number in range(PUSHES_PER_WRITER):
                batch = [change(str(uuid.uuid4()), {"n": {"v": n, "t": clock.now()}}) for n in range(CHANGES_PER_PUSH - 2)]
                batch += [change(record_id, {"who": {"v": clock.device, "t": clock.now()}}) for record_id in shared[round_number::5][:2]]
                result = client.push(workspace, batch)
                statuses = {r.status for r in result.results}
                assert statuses == {"applied"}, statuses
                with lock:
                    applied_seqs.extend(r.seq for r in result.results if r.seq)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    def reader() -> None:
        client = SyncClient(world.base_url, token=token)
        try:
            while True:
                finished = done.is_set()
                for page in client.pull(workspace, since=reader_cursor[0], limit=100):
                    for record in page.records:
                        seen[record.id] = record
                    reader_cursor[0] = page.next_since
                if finished:
                    return
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    following = threading.Thread(target=reader)
    following.start()
    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    done.set()
    following.join(60)
    assert not errors, errors[:3]

    everything = {r.id: r for page in owner.pull(workspace) for r in page.records}
    notes = [r for r in everything.values() if r.type == "note"]
    assert len(notes) == WRITERS * PUSHES_PER_WRITER * (CHANGES_PER_PUSH - 2) + len(shared)
    # Writers who never saw each other's "who" clashed on the shared records: the losers are kept.
    assert any(r.type == "conflict" for r in everything.values())
    # The reader, who only ever asked for "after my cursor" while writes were landing, holds the same state.
    assert {k: v.model_dump() for k, v in seen.items()} == {k: v.model_dump() for k, v in everything.items()}
    seqs = [record.seq for record in everything.values()]
    assert len(set(seqs)) == len(seqs) and max(seqs) == owner.digest(workspace).head
    recomputed = workspace_digest((r.id, r.type, {k: v.model_dump() for k, v in r.fields.items()}) for r in everything.values())
    assert owner.digest(workspace).digest == recomputed


def test_a_nothing_new_sync_is_answered_while_a_long_write_holds_the_database(backend, tmp_path) -> None:
    """The "nothing new" request is answered ahead of FastAPI, on SQLite on the event loop itself;
    the once-a-minute "token last used" write it triggers must not wait there for the write lock."""
    from sync.server.app import create_app
    from sync.server.db import Database
    from sync.server.settings import ServerSettings
    from tests.sync.conftest import PASSWORD, ThreadServer, admin

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    url = backend.new_url(data_dir)
    admin(data_dir, url, "user", "add", "ana", "--password-stdin", stdin=PASSWORD + "\n")
    db = Database(url)
    try:
        with ThreadServer(create_app(ServerSettings(data_dir=data_dir, database_url=url), db, migrate=False)) as server:
            client = SyncClient(server.base_url)
            client.sign_in("ana", PASSWORD, "laptop")
            listed: list[Any] = []
            with db.write() as session:  # a long push, an import, a backup: the write lock is taken
                session.execute(text("UPDATE workspaces SET name = name"))
                asking = threading.Thread(target=lambda: listed.extend(SyncClient(server.base_url, token=client.token).workspaces()))
                asking.start()
                asking.join(20)
                answered_while_held = not asking.is_alive()
            asking.join(20)
            assert answered_while_held, "GET /workspaces waited for the write lock"
            assert {w.kind for w in listed} == {"library", "personal"}
            # Refused tokens and other schemes still reach the app's precise problems.
            for header in ("Bearer not-a-token", "Basic YW5hOnB3"):
                response = requests.get(f"{server.base_url}/api/v1/workspaces", headers={"Authorization": header})
                assert response.status_code == 401 and response.headers["Companion-Protocol"] == "1"
                assert response.headers["Content-Type"].startswith("application/problem+json")
    finally:
        db.dispose()
