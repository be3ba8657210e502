"""``companion sign-in / sync / sign-out`` as a support person types them, and ``companion sync`` killed
with SIGKILL at random points: the database stays intact and the next run completes."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sync.client import SyncClient
from tests.sync.conftest import PASSWORD, ROOT
from tests.sync.faulty_proxy import FaultyProxy
from tests.sync.laptops import SyncServer, new_id, new_laptop, open_replica, sync_server  # noqa: F401

SEED = int(os.environ.get("COMPANION_SYNC_TEST_SEED", "20261203"))


def companion(*args: str, stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ui", *args], cwd=ROOT, input=stdin, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})


def test_sign_in_sync_and_sign_out_from_the_command_line(sync_server: SyncServer, tmp_path: Path) -> None:
    person = sync_server.person("support")
    team = sync_server.team(person)
    data = tmp_path / "laptop"
    wrong = companion("sign-in", sync_server.url, person.name, "--password-stdin", "--data-dir", str(data),
                      stdin="not the password\n")
    assert wrong.returncode == 1 and "password is wrong" in wrong.stderr
    right = companion("sign-in", sync_server.url, person.name, "--password-stdin", "--team", team,
                      "--data-dir", str(data), stdin=PASSWORD + "\n")
    assert right.returncode == 0, right.stderr
    token_file = data / "sync-token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600  # no keyring here: a file only the user can read
    token = token_file.read_text()
    assert SyncClient(sync_server.url, token=token).workspaces()

    laptop = open_replica(data)
    with laptop.records.transaction() as writer:
        writer.create("checklist_item", {"checklist_id": new_id(), "section_key": "s", "item_key": "k",
                                         "position": 1, "notes": "Sensitise the community"}, workspace=team)
    laptop.engine.dispose()
    synced = companion("--data-dir", str(data), "sync")
    assert synced.returncode == 0, synced.stderr
    assert f"{team}: 1 sent" in synced.stdout and "same as the server" in synced.stdout

    out = companion("sign-out", "--data-dir", str(data))
    assert out.returncode == 0 and not token_file.exists()
    with pytest.raises(Exception) as raised:
        SyncClient(sync_server.url, token=token).workspaces()
    assert getattr(raised.value, "status", None) == 401  # revoked on the server, not only forgotten here
    again = companion("sync", "--data-dir", str(data), "--language", "fr")
    assert again.returncode == 1 and "connecté" in again.stderr


def test_the_token_goes_to_the_system_keyring_when_there_is_one(tmp_path: Path) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    from sync.credentials import TokenStore

    class SessionKeyring(KeyringBackend):
        """A keyring that lives as long as the test (the real ones need a desktop session)."""

        priority = 1
        saved: dict[tuple[str, str], str] = {}

        def get_password(self, service, username):  # type: ignore[no-untyped-def]
            return self.saved.get((service, username))

        def set_password(self, service, username, password):  # type: ignore[no-untyped-def]
            self.saved[(service, username)] = password

        def delete_password(self, service, username):  # type: ignore[no-untyped-def]
            self.saved.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(SessionKeyring())
    try:
        store = TokenStore(tmp_path, "0123456789abcdef")
        assert store.save("cst_secret") == "keyring"
        assert not (tmp_path / "sync-token").exists() and store.load() == "cst_secret"
        other = TokenStore(tmp_path / "other", "fedcba9876543210")
        assert other.load() is None  # another installation never sees this one's token
        store.forget()
        assert store.load() is None and not SessionKeyring.saved
    finally:
        keyring.set_keyring(previous)


def _integrity(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.mark.slow
def test_companion_sync_killed_at_random_points_restarts_intact_and_completes(sync_server: SyncServer,
                                                                               tmp_path: Path) -> None:
    person = sync_server.person("killed")
    author = new_laptop(person, tmp_path / "author")
    for n in range(1500):
        author.write(person.personal, new_id(), "checklist_item", {"notes": f"Received {n} " + "x" * 120})
    author.engine(sync_server.url).sync()
    rng = random.Random(SEED)
    with FaultyProxy(("127.0.0.1", sync_server.port)) as proxy:
        proxy.bandwidth_bps = 150_000  # slow enough that a kill falls inside the sync, on a fast machine too
        data = tmp_path / "victim"
        signed = companion("sign-in", proxy.url, person.name, "--password-stdin", "--data-dir", str(data),
                           stdin=PASSWORD + "\n")
        assert signed.returncode == 0, signed.stderr
        victim = open_replica(data)
        mine = [new_id() for _ in range(300)]
        for n, record_id in enumerate(mine):
            with victim.records.transaction() as writer:
                writer.create("checklist_item", {"checklist_id": new_id(), "section_key": "s", "item_key": f"k{n}",
                                                 "position": n, "notes": f"Sent {n}"}, record_id=record_id,
                                 workspace=person.personal)
        victim.engine.dispose()
        kills = 0
        for _ in range(4):
            process = subprocess.Popen([sys.executable, "-m", "ui", "--data-dir", str(data), "sync"], cwd=ROOT,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
            time.sleep(rng.uniform(1.2, 3.5))  # start-up takes about a second; then the sync runs
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                kills += 1
            process.wait(30)
            assert _integrity(data / "companion.sqlite3") == "ok"
        assert kills >= 2, "the syncs finished before any kill: the test proved nothing"
        finished = companion("--data-dir", str(data), "sync", timeout=300)
        assert finished.returncode == 0, finished.stderr
    replica = open_replica(data)
    with SyncClient(sync_server.url, token=person.token) as client:
        server = {record.id for page in client.pull(person.personal) for record in page.records}
        assert client.digest(person.personal).digest == replica.digest(person.personal)
    assert set(mine) <= server and len(server) == 1500 + 300  # nothing lost, nothing doubled
    assert replica.pending_count() == 0
