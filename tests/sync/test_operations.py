"""What server operators do: settings from the environment and a file, the health check, backups
(on demand and before an upgrade), JSON logs, and several server processes on one database."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from alembic.script import ScriptDirectory
from sqlalchemy import text

from companion.replication.hlc import Clock
from sync.client import SyncClient
from sync.server import environment
from sync.server.app import create_app
from sync.server.backup import BackupError, migrate_with_backup, pending_upgrade
from sync.server.db import MIGRATIONS_DIR, Database, sqlite_url
from tests.sync.conftest import (PASSWORD, ROOT, Backend, ServerProcess, ThreadServer, admin, change, new_id)

# Today's head of the server's migrations, whatever it is.
HEAD = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def test_settings_come_from_the_command_line_then_environment_then_file(tmp_path, monkeypatch):
    settings_file = tmp_path / "companion-server.env"
    settings_file.write_text("COMPANION_SERVER_PORT=9000\nCOMPANION_SERVER_HOST=0.0.0.0\n"
                             "COMPANION_SERVER_LIMITS__MAX_BLOB_BYTES=1000000\n"
                             "COMPANION_SERVER_LOGIN_LIMITS__PER_PAIR=3\n", encoding="utf-8")
    monkeypatch.setenv("COMPANION_SERVER_PORT", "9100")
    loaded = environment.load(settings_file, host="127.0.0.1")
    assert (loaded.host, loaded.port) == ("127.0.0.1", 9100)
    server = loaded.server_settings(tmp_path, sqlite_url(tmp_path))
    assert server.limits.max_blob_bytes == 1_000_000 and server.limits.max_changes_per_push == 1000
    assert server.login_limits.per_pair == 3
    # The variables handed to worker processes give back the same settings.
    for name in list(os.environ):
        if name.startswith(environment.PREFIX):
            monkeypatch.delenv(name)
    for name, value in loaded.as_environment().items():
        monkeypatch.setenv(name, value)
    assert environment.load() == loaded


@pytest.mark.parametrize("line, complaint", [
    ("COMPANION_SERVER_DATABSE_URL=sqlite://", "databse_url"),  # a typo is refused, not ignored
    ("COMPANION_SERVER_PORT=0", "port"),
    ("COMPANION_SERVER_LIMITS__MAX_BLOBS=3", "unknown limit: max_blobs"),
    ("COMPANION_SERVER_LOG_FORMAT=xml", "log_format"),
])
def test_a_wrong_setting_stops_the_server_with_a_clear_message(tmp_path, line, complaint):
    settings_file = tmp_path / "server.env"
    settings_file.write_text(line + "\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sync.server", "--config", str(settings_file), "--data-dir",
                             str(tmp_path / "data"), "serve"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert complaint in result.stderr and "Traceback" not in result.stderr


def test_health_touches_the_database_and_says_when_it_is_gone(tmp_path):
    db = Database(sqlite_url(tmp_path))
    try:
        app = create_app(environment.load(data_dir=tmp_path).server_settings(tmp_path, db.url), db)
        with ThreadServer(app) as server:
            answer = requests.get(f"{server.base_url}/api/v1/health", timeout=10)
            assert answer.status_code == 200, answer.text
            health = answer.json()
            assert health["status"] == "ok" and health["schema_revision"] == health["expected_revision"] == HEAD
            assert abs(health["clock_offset_ms"]) < 2000 and health["process"] == os.getpid()
            with db.write() as session:  # another version of the server upgraded the schema
                session.execute(text("UPDATE alembic_version SET version_num = '0002_future'"))
            behind = requests.get(f"{server.base_url}/api/v1/health", timeout=10)
            assert behind.status_code == 503 and "0002_future" in behind.json()["detail"]
            with db.write() as session:
                session.execute(text("DROP TABLE alembic_version"))
            gone = requests.get(f"{server.base_url}/api/v1/health", timeout=10)
            assert gone.status_code == 503 and gone.json()["status"] == "unavailable"
    finally:
        db.dispose()


def test_backup_while_the_server_runs_keeps_every_row(tmp_path):
    data_dir = tmp_path / "data"
    url = sqlite_url(data_dir)
    assert admin(data_dir, url, "user", "add", "ada", "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    server = ServerProcess(data_dir, url).start()
    try:
        client = SyncClient(server.base_url)
        client.sign_in("ada", PASSWORD)
        [workspace] = [w.id for w in client.workspaces() if w.id.startswith("personal-")]
        clock = Clock("00000000000000b1")
        ids = [new_id() for _ in range(30)]
        client.push(workspace, [change(record_id, {"title": {"v": f"n{n}", "t": clock.now()}}) for n, record_id in enumerate(ids)])
        destination = tmp_path / "backups"
        destination.mkdir()
        code, out, err = admin(data_dir, url, "backup", str(destination))
        assert code == 0, err
        [copy] = destination.glob("companion-server-*.sqlite3")
        assert "rsync" in out and str(copy) in out
        with sqlite3.connect(copy) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("SELECT count(*) FROM users WHERE username = 'ada'").fetchone() == (1,)
        # The copy is a working server database: serve it and find the same records.
        restored_dir = tmp_path / "restored"
        restored_dir.mkdir()
        shutil.copy(copy, restored_dir / "companion-server.sqlite3")
        restored = ServerProcess(restored_dir, sqlite_url(restored_dir)).start()
        try:
            again = SyncClient(restored.base_url)
            again.sign_in("ada", PASSWORD)
            assert [record.id for page in again.pull(workspace) for record in page.records] == ids
        finally:
            restored.stop()
        code, _out, err = admin(data_dir, url, "backup", str(copy))
        assert code == 1 and "exists already" in err  # never overwrites
    finally:
        server.stop()


def test_backup_of_postgresql_says_what_to_run(tmp_path):
    url = "postgresql+psycopg://companion:s3cret@db.example.org:5432/companion"
    db = Database(url)
    try:
        from sync.server.backup import postgres_instructions

        instructions = postgres_instructions(db, tmp_path)
    finally:
        db.dispose()
    assert "pg_dump --format=custom" in instructions and "postgresql://companion@db.example.org:5432/companion" in instructions
    assert "s3cret" not in instructions and "pg_restore" in instructions


@pytest.fixture
def future_migrations(tmp_path) -> Path:
    """The real migrations plus one more, as a later release would ship."""
    folder = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9999_test_extra.py").write_text(
        f'import sqlalchemy as sa\nfrom alembic import op\n\nrevision = "9999"\ndown_revision = "{HEAD}"\n'
        'branch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n'
        '    op.add_column("meta", sa.Column("note", sa.Text(), nullable=True))\n', encoding="utf-8")
    return folder


class LaterDatabase(Database):
    def __init__(self, url: str, migrations: Path) -> None:
        super().__init__(url)
        self.migrations = migrations

    def alembic_config(self):  # type: ignore[no-untyped-def]
        config = super().alembic_config()
        config.set_main_option("script_location", str(self.migrations))
        return config


def test_an_upgrade_is_preceded_by_a_backup(tmp_path, future_migrations):
    data_dir = tmp_path / "data"
    url = sqlite_url(data_dir)
    assert admin(data_dir, url, "user", "add", "ada", "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    db = LaterDatabase(url, future_migrations)
    try:
        assert pending_upgrade(db) == HEAD
        action, backup = migrate_with_backup(db, data_dir / "backups")
        assert action == "upgraded" and backup is not None and f"before-upgrade-from-{HEAD}" in backup.name
        assert pending_upgrade(db) is None
        with sqlite3.connect(backup) as connection:
            assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
            assert connection.execute("SELECT username FROM users").fetchall() == [("ada",)]
        assert migrate_with_backup(db, data_dir / "backups") == ("upgraded", None)  # nothing to upgrade: no copy
        assert len(list((data_dir / "backups").iterdir())) == 1
    finally:
        db.dispose()


def test_no_backup_no_upgrade(tmp_path, future_migrations, monkeypatch):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    db = LaterDatabase(sqlite_url(tmp_path), future_migrations)
    try:
        Database(sqlite_url(tmp_path)).migrate()
        monkeypatch.setattr(db, "url", url)  # pg_dump cannot reach this one
        monkeypatch.setattr(db, "is_sqlite", False)
        with pytest.raises(BackupError, match="no upgrade without a backup"):
            migrate_with_backup(db, tmp_path / "backups")
        assert pending_upgrade(db) == HEAD  # untouched
    finally:
        db.dispose()


def test_json_logs_one_object_per_line(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    server = ServerProcess(data_dir, sqlite_url(data_dir), "--log-format", "json", "--log-level", "info")
    server.start()
    try:
        requests.get(f"{server.base_url}/api/v1/health", timeout=10).raise_for_status()
        requests.get(f"{server.base_url}/api/v1/nowhere", timeout=10)
    finally:
        server.stop()
    lines = [json.loads(line) for line in server.log.read_text().splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    assert {(line["method"], line["path"], line["status"]) for line in access} >= {
        ("GET", "/api/v1/health", 200), ("GET", "/api/v1/nowhere", 404)}


# -- several processes, one database -------------------------------------------------------------


@pytest.fixture
def shared_database(tmp_path) -> tuple[Path, str]:
    """One data folder (blobs) and one database, PostgreSQL when the tests have one."""
    data_dir = tmp_path / "shared"
    data_dir.mkdir()
    name = "postgres" if os.environ.get("COMPANION_TEST_POSTGRES_URL") else "sqlite"
    backend = Backend(name, tmp_path)
    yield data_dir, backend.new_url(data_dir)
    backend.cleanup()


def test_two_server_processes_on_one_database_sync_alternately(shared_database, tmp_path):
    data_dir, url = shared_database
    for person in ("ada", "bea"):
        assert admin(data_dir, url, "user", "add", person, "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    assert admin(data_dir, url, "workspace", "add", "team", "--name", "Team")[0] == 0
    for person in ("ada", "bea"):
        assert admin(data_dir, url, "member", "add", "team", person, "--role", "member")[0] == 0
    first, second = ServerProcess(data_dir, url).start(), ServerProcess(data_dir, url).start()
    try:
        pids = {requests.get(f"{server.base_url}/api/v1/health", timeout=10).json()["process"] for server in (first, second)}
        assert len(pids) == 2
        # A token made through one process works through the other (nothing kept in memory).
        token = SyncClient(first.base_url).sign_in("ada", PASSWORD, "laptop").token
        ada = {server: SyncClient(server.base_url, token=token) for server in (first, second)}
        bea = {server: SyncClient(server.base_url) for server in (first, second)}
        bea[second].sign_in("bea", PASSWORD)
        bea[first].token = bea[second].token
        ada_clock, bea_clock = Clock("00000000000000a1"), Clock("00000000000000b2")
        record = new_id()
        since = {"ada": 0, "bea": 0}
        expected: dict[str, str] = {}
        last_stamp = ""
        for turn in range(6):  # each edit through one process, each pull through the other
            server, other = (first, second) if turn % 2 == 0 else (second, first)
            writer, reader, clock = (("ada", "bea", ada_clock) if turn % 3 != 2 else ("bea", "ada", bea_clock))
            clients = ada if writer == "ada" else bea
            new = new_id()
            edit = {"v": f"turn {turn}", "t": clock.now()}
            if last_stamp:  # an edit of what the writer last pulled, not a conflict
                clock.observe(last_stamp)
                edit = {"v": f"turn {turn}", "t": clock.now(), "base": last_stamp}
            last_stamp = edit["t"]
            pushed = clients[server].push("team", [change(record, {"title": edit}),
                                                   change(new, {"title": {"v": f"new {turn}", "t": clock.now()}})])
            assert {result.status for result in pushed.results} == {"applied"}
            expected[record], expected[new] = f"turn {turn}", f"new {turn}"
            readers = bea if reader == "bea" else ada
            pages = list(readers[other].pull("team", since=since[reader]))
            since[reader] = pages[-1].next_since
            seen = {r.id: r.fields["title"].v for page in pages for r in page.records}
            assert seen[record] == f"turn {turn}" and seen[new] == f"new {turn}"
        heads = {server: SyncClient(server.base_url, token=token).digest("team") for server in (first, second)}
        assert heads[first] == heads[second] and heads[first].records == len(expected)

        # A blob upload cut on one process continues on the other: the upload state is on disk.
        blob = tmp_path / "slides.pdf"
        blob.write_bytes(os.urandom(300_000))
        sha256 = hashlib.sha256(blob.read_bytes()).hexdigest()
        chunk = blob.read_bytes()[:100_000]
        response = ada[first].request("PUT", f"/workspaces/team/blobs/{sha256}", data=chunk,
                                      headers={"Content-Range": f"bytes 0-{len(chunk) - 1}/300000",
                                               "Content-Type": "application/octet-stream"}, expect=(202,))
        assert response.headers["Upload-Offset"] == "100000"
        assert ada[second].blob_state("team", sha256) == (None, 100_000)
        assert ada[second].upload_blob("team", blob).complete
        downloaded = bea[first].download_blob("team", sha256, tmp_path / "downloaded.pdf")
        assert downloaded.read_bytes() == blob.read_bytes()
    finally:
        first.stop()
        second.stop()
    for server in (first, second):
        assert not server.server_errors(), server.log.read_text()


def test_an_upload_in_one_process_refuses_a_second_one_in_another(tmp_path):
    from sync.server.upload_lock import exclusive_upload

    partial = tmp_path / "partial" / "team" / ("ab" * 32 + ".part")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from sync.server.upload_lock import exclusive_upload\n"
        f"with exclusive_upload(Path({str(partial)!r})) as alone:\n"
        "    print(alone, flush=True); sys.stdin.readline()\n")],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "True"
        with exclusive_upload(partial) as alone:
            assert alone is False
    finally:
        holder.communicate("\n", timeout=10)
    with exclusive_upload(partial) as alone:  # released when the other process let go
        assert alone is True


def test_serve_with_several_workers(shared_database):
    data_dir, url = shared_database
    server = ServerProcess(data_dir, url, "--workers", "2")
    server.start()
    try:
        seen = set()
        for _ in range(40):
            with requests.Session() as fresh:  # a new connection each time: the kernel spreads them
                answer = fresh.get(f"{server.base_url}/api/v1/health", timeout=10)
                assert answer.status_code == 200, answer.text
                seen.add(answer.json()["process"])
            if len(seen) == 2:
                break
        assert server.process.pid not in seen and len(seen) >= 1
    finally:
        server.stop()
    assert not server.server_errors(), server.log.read_text()

