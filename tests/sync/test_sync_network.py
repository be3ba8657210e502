"""Bad networks between a laptop and a real server: cuts, a restarting server, captive portals, wrong clocks.

Everything goes through tests/sync/faulty_proxy.py, a TCP proxy that adds latency, limits
bandwidth and cuts connections after a chosen number of bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from sync.engine import SyncError
from tests.sync.faulty_proxy import FaultyProxy
from tests.sync.laptops import BOOKMARK, SyncServer, new_id, new_laptop, sync_server  # noqa: F401 (fixture)

SEED = int(os.environ.get("COMPANION_SYNC_TEST_SEED", "20261203"))


class RecordingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        self.sent.append((request.method, request.url))
        return super().send(request, **kwargs)

    def pull_cursors(self) -> list[int]:
        return [int(parse_qs(urlparse(url).query)["since"][0]) for method, url in self.sent
                if method == "GET" and "/changes" in url]


def server_records(sync_server: SyncServer, token: str, workspace: str) -> dict[str, dict]:
    from sync.client import SyncClient

    with SyncClient(sync_server.url, token=token) as client:
        return {record.id: record.model_dump() for page in client.pull(workspace) for record in page.records}


def server_digest(sync_server: SyncServer, token: str, workspace: str) -> str:
    from sync.client import SyncClient

    with SyncClient(sync_server.url, token=token) as client:
        return client.digest(workspace).digest


def _fill(laptop, workspace: str, count: int) -> list[str]:
    ids = [new_id() for _ in range(count)]
    for n, record_id in enumerate(ids):
        laptop.write(workspace, record_id, "checklist_item",
                     {"notes": f"Item {n} " + os.urandom(200).hex(), "owner": "Amina", "status": "todo"})
    return ids


def test_a_pull_cut_anywhere_resumes_from_the_last_stored_page(sync_server: SyncServer, tmp_path: Path) -> None:
    person = sync_server.person()
    source = new_laptop(person, tmp_path / "source")
    _fill(source, person.personal, 60)
    source.engine(sync_server.url).sync()
    rng = random.Random(SEED)
    with FaultyProxy(("127.0.0.1", sync_server.port), seed=SEED) as proxy:
        clean = new_laptop(person, tmp_path / "clean")
        clean.engine(proxy.url, page_limit=10).sync()
        total = proxy.bytes_relayed
        for attempt in range(4):
            laptop = new_laptop(person, tmp_path / f"cut-{attempt}")
            proxy.cut_next_at(rng.randint(300, total - 300))
            session = RecordingSession()
            with pytest.raises(SyncError) as raised:
                laptop.engine(proxy.url, page_limit=10, max_attempts=1, session=session).sync()
            assert raised.value.code == "unreachable"
            stored = laptop.replica.cursor(person.personal)
            cut_sync = session.pull_cursors()
            session.sent.clear()
            # The next sync continues from the last stored page, and finishes in agreement.
            report = laptop.engine(proxy.url, page_limit=10, session=session).sync()
            assert report.workspaces[person.personal].agreed is True
            resumed = session.pull_cursors()
            assert resumed == sorted(set(resumed))
            if resumed:
                assert resumed[0] == stored  # from the last stored page: at most the cut page again
                assert set(cut_sync) & set(resumed) <= {stored}
            assert laptop.replica.digest(person.personal) == source.replica.digest(person.personal)


def test_a_push_cut_anywhere_loses_nothing_and_duplicates_nothing(sync_server: SyncServer, tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    with FaultyProxy(("127.0.0.1", sync_server.port), seed=SEED) as proxy:
        for attempt in range(4):
            person = sync_server.person()
            laptop = new_laptop(person, tmp_path / f"push-{attempt}")
            ids = _fill(laptop, person.personal, 45)
            proxy.cut_next_at(rng.randint(500, 45 * 600))
            try:
                laptop.engine(proxy.url, page_limit=10, max_attempts=1).sync()
            except SyncError as error:
                assert error.code == "unreachable"
            report = laptop.engine(proxy.url, page_limit=10).sync(verify=True)
            assert report.workspaces[person.personal].agreed is True
            assert laptop.replica.pending_count() == 0
            stored = server_records(sync_server, person.token, person.personal)
            assert sorted(stored) == sorted(ids)  # each once: nothing lost, nothing doubled
            assert server_digest(sync_server, person.token, person.personal) == laptop.replica.digest(person.personal)


def _blob(laptop, size: int) -> tuple[str, bytes]:
    data = os.urandom(size)
    sha = hashlib.sha256(data).hexdigest()
    path = laptop.replica.blob_path(sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return sha, data


def test_blob_transfers_cut_half_way_resume_from_the_last_byte(sync_server: SyncServer, tmp_path: Path) -> None:
    person = sync_server.person()
    sender, receiver = new_laptop(person, tmp_path / "sender"), new_laptop(person, tmp_path / "receiver")
    sha, data = _blob(sender, 1_500_000)
    sender.write(person.personal, new_id(), "attachment",
                 {"item_id": new_id(), "sha256": sha, "name": "slides.pdf", "size": len(data), "mime": "application/pdf"})
    # What a cut connection still had in its socket buffers is lost (hundreds of KB on a busy
    # machine): each side is checked against what was really kept, not against where the cut fell.
    with FaultyProxy(("127.0.0.1", sync_server.port)) as proxy:
        proxy.cut_next_at(900_000)
        with pytest.raises(SyncError):
            sender.engine(proxy.url, max_attempts=1).sync()
        from sync.client import SyncClient

        with SyncClient(sync_server.url, token=person.token) as client:
            kept_on_server = client.blob_state(person.personal, sha)[1] or 0
        assert 0 < kept_on_server < len(data)
        before = proxy.bytes_relayed
        sender.engine(proxy.url).sync()
        resent = proxy.bytes_relayed - before
        assert resent < len(data) - kept_on_server + 100_000, f"the upload restarted: {resent} bytes sent again"

        proxy.cut_next_at(1_000_000)
        with pytest.raises(SyncError):
            receiver.engine(proxy.url, max_attempts=1).sync()
        part = receiver.replica.blob_path(sha).with_name(sha + ".part")
        assert part.exists() and 0 < part.stat().st_size < len(data)
        kept_here = part.stat().st_size
        before = proxy.bytes_relayed
        receiver.engine(proxy.url).sync()
        fetched = proxy.bytes_relayed - before
        assert fetched < len(data) - kept_here + 100_000, f"the download restarted: {fetched} bytes fetched again"
    assert receiver.replica.blob_path(sha).read_bytes() == data and not part.exists()


def test_a_blob_comes_down_a_link_that_never_carries_more_than_40_kb_at_once(sync_server: SyncServer,
                                                                              tmp_path: Path) -> None:
    """Every connection is cut after 15-40 KB: the download still finishes, because each attempt keeps
    what it received (a download written in 64 KiB reads lost everything on every cut)."""
    person = sync_server.person()
    sender, receiver = new_laptop(person, tmp_path / "sender"), new_laptop(person, tmp_path / "receiver")
    sha, data = _blob(sender, 200_000)
    sender.write(person.personal, new_id(), "attachment",
                 {"item_id": new_id(), "sha256": sha, "name": "photo.jpg", "size": len(data), "mime": "image/jpeg"})
    sender.engine(sync_server.url).sync()
    with FaultyProxy(("127.0.0.1", sync_server.port), seed=SEED) as proxy:
        proxy.cut_after(15_000, 40_000)
        receiver.engine(proxy.url, max_attempts=5, backoff_max=0.05).sync()
        assert proxy.cuts >= 5, "the link was never cut: the test proved nothing"
    assert receiver.replica.blob_path(sha).read_bytes() == data


def test_a_flaky_link_with_latency_and_random_cuts_still_finishes(sync_server: SyncServer, tmp_path: Path) -> None:
    person = sync_server.person()
    first, second = new_laptop(person, tmp_path / "a"), new_laptop(person, tmp_path / "b")
    ids = _fill(first, person.personal, 40)
    sha, data = _blob(first, 300_000)
    first.write(person.personal, new_id(), "attachment", {"item_id": new_id(), "sha256": sha, "name": "a.png", "size": len(data), "mime": "image/png"})
    with FaultyProxy(("127.0.0.1", sync_server.port), seed=SEED) as proxy:
        proxy.latency_s = 0.02
        proxy.cut_after(20_000, 120_000)
        first.engine(proxy.url, page_limit=10, max_attempts=20).sync()
        second.engine(proxy.url, page_limit=10, max_attempts=20).sync()
        assert proxy.cuts >= 2, "the link was never cut: the test proved nothing"
    assert second.replica.digest(person.personal) == first.replica.digest(person.personal)
    assert second.value(person.personal, ids[-1], "notes").startswith("Item 39 ")
    assert second.replica.blob_path(sha).read_bytes() == data


def test_the_server_restarted_mid_sync(sync_server: SyncServer, tmp_path: Path) -> None:
    person = sync_server.person()
    laptop = new_laptop(person, tmp_path / "a")
    ids = _fill(laptop, person.personal, 400)
    restarted = threading.Event()

    def restart_mid_sync() -> None:
        # Once the sync is under way (its first pushes relayed), not after a guessed delay.
        deadline = time.monotonic() + 30
        while proxy.bytes_relayed < 10_000 and time.monotonic() < deadline:
            time.sleep(0.01)  # the pace of polling
        sync_server.process.kill()
        time.sleep(0.5)
        sync_server.process.start()
        restarted.set()

    with FaultyProxy(("127.0.0.1", sync_server.port)) as proxy:
        proxy.latency_s = 0.03  # slow enough that the restart falls inside the sync
        restarter = threading.Thread(target=restart_mid_sync)
        restarter.start()
        report = laptop.engine(proxy.url, page_limit=20, max_attempts=40, backoff_max=0.5).sync()
        restarter.join()
    assert restarted.is_set()
    assert report.workspaces[person.personal].agreed is True
    assert sorted(server_records(sync_server, person.token, person.personal)) == sorted(ids)



def test_edits_made_offline_on_a_clock_a_year_ahead_are_stamped_again_and_do_not_win_forever(
        sync_server: SyncServer, tmp_path: Path) -> None:
    from companion.replication import Clock

    amina, bakary = sync_server.person("amina"), sync_server.person("bakary")
    team = sync_server.team(amina, bakary)
    year = 365 * 24 * 3600.0
    skewed_wall = lambda: time.time() + year  # noqa: E731
    right = new_laptop(bakary, tmp_path / "right", [team])
    record = new_id()
    right.write(team, record, "checklist_item", {"status": "todo", "notes": "Enrol households"})
    right.engine(sync_server.url).sync()
    wrong = new_laptop(amina, tmp_path / "wrong", [team])
    wrong.engine(sync_server.url).sync()
    # Offline, before the laptop has learnt the server's time: two edits of one field, one of another.
    wrong.replica.records._clock = Clock(wrong.replica.device_id, wall=skewed_wall)
    wrong.write(team, record, "checklist_item", {"status": "doing"})
    wrong.write(team, record, "checklist_item", {"status": "done", "notes": "Enrolled 480 households"})
    report = wrong.engine(sync_server.url, wall=skewed_wall).sync()
    assert report.notices and any(n.startswith("restamped:") for n in report.notices)
    assert wrong.replica.set_aside_entries() == [] and wrong.replica.pending_count(team) == 0
    right.engine(sync_server.url).sync()
    assert right.value(team, record, "status") == "done" and right.value(team, record, "notes") == "Enrolled 480 households"
    # A later edit on the laptop with the right time wins: the year-ahead stamps are gone.
    right.write(team, record, "checklist_item", {"status": "blocked"})
    right.engine(sync_server.url).sync()
    wrong.engine(sync_server.url, wall=skewed_wall).sync()
    assert wrong.value(team, record, "status") == right.value(team, record, "status") == "blocked"
    assert wrong.replica.digest(team) == right.replica.digest(team)


class _Impostor(BaseHTTPRequestHandler):
    """A captive portal (HTML), a portal that answers JSON, or a Companion server of another version."""

    mode = "portal"

    def do_GET(self) -> None:  # noqa: N802
        if self.mode == "portal":
            body, kind = b"<html><body>Please sign in to the hotel Wi-Fi</body></html>", "text/html"
        else:
            body = json.dumps({"protocol": 1, "server_id": "x", "server_time_ms": int(time.time() * 1000),
                               "public_library": True, "limits": {k: 1000 for k in (
                                   "max_changes_per_push", "max_body_bytes", "max_record_bytes", "max_blob_bytes",
                                   "max_pull_limit", "max_clock_ahead_ms")},
                               "records": [], "next_since": 5, "has_more": False}).encode()
            kind = "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if self.mode == "newer":
            self.send_header("Companion-Protocol", "2")
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.mark.parametrize(("mode", "code"), [("portal", "captive-portal"), ("json", "captive-portal"),
                                            ("newer", "server-too-new")])
def test_an_answer_without_the_protocol_header_is_never_success(mode: str, code: str, tmp_path: Path,
                                                                sync_server: SyncServer) -> None:
    person = sync_server.person()
    laptop = new_laptop(person, tmp_path / "a")
    laptop.write(person.personal, new_id(), "bookmark", BOOKMARK)
    handler = type("Handler", (_Impostor,), {"mode": mode})
    impostor = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=impostor.serve_forever, daemon=True).start()
    try:
        with pytest.raises(SyncError) as raised:
            laptop.engine(f"http://127.0.0.1:{impostor.server_address[1]}").sync()
    finally:
        impostor.shutdown()
    assert raised.value.code == code
    assert laptop.replica.pending_count() == 1 and laptop.replica.cursor(person.personal) == 0


def test_a_laptop_clock_a_year_wrong_is_corrected_by_the_server_offset(sync_server: SyncServer, tmp_path: Path) -> None:
    from companion.replication import Clock

    amina, bakary = sync_server.person("amina"), sync_server.person("bakary")
    team = sync_server.team(amina, bakary)
    year = 365 * 24 * 3600.0
    skewed_wall = lambda: time.time() + year  # noqa: E731
    wrong = new_laptop(amina, tmp_path / "wrong", [team])
    wrong.replica.records._clock = Clock(wrong.replica.device_id, wall=skewed_wall)  # the laptop's wrong wall clock
    right = new_laptop(bakary, tmp_path / "right", [team])
    record = new_id()
    right.write(team, record, "checklist_item", {"status": "todo"})
    right.engine(sync_server.url).sync()
    report = wrong.engine(sync_server.url, wall=skewed_wall).sync()
    assert abs(report.clock_offset_ms + year * 1000) < 60_000
    wrong.write(team, record, "checklist_item", {"status": "done"})
    wrong.engine(sync_server.url, wall=skewed_wall).sync()  # accepted: the stamp is in server time
    time.sleep(0.01)
    right.engine(sync_server.url).sync()
    right.write(team, record, "checklist_item", {"status": "blocked"})  # later, on a laptop with the right time
    right.engine(sync_server.url).sync()
    wrong.engine(sync_server.url, wall=skewed_wall).sync()
    assert wrong.value(team, record, "status") == right.value(team, record, "status") == "blocked"


class _Redirector(BaseHTTPRequestHandler):
    """What a reverse proxy in front of the server may do: send every request on, with a 308."""
    target = ""

    def _redirect(self) -> None:
        self.send_response(308)
        self.send_header("Location", self.target + self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_HEAD = _redirect

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


def test_a_server_behind_a_redirect_still_answers(sync_server: SyncServer) -> None:
    """Requests go straight to the connection (the fast path); a redirect is still followed, as
    requests follows it (which drops the token when the host or port changes: sign in again)."""
    from sync.client import SyncClient

    handler = type("Handler", (_Redirector,), {"target": sync_server.url})
    redirector = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=redirector.serve_forever, daemon=True).start()
    try:
        with SyncClient(f"http://127.0.0.1:{redirector.server_address[1]}") as client:
            status = client.status()
    finally:
        redirector.shutdown()
    assert status.protocol == 1 and status.server_id
