"""The sync engine against a real server: push before pull, pages, cursors, blobs, digests."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import requests

from sync.engine import SyncError
from tests.sync.laptops import BOOKMARK, SyncServer, new_id, new_laptop, sync_server  # noqa: F401 (fixture)


class CountingSession(requests.Session):
    """Counts requests and the bytes on the wire (requests' own view: headers and bodies)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        self.sent.append((request.method, request.url))
        return super().send(request, **kwargs)


def test_two_laptops_share_a_team_workspace_and_agree(sync_server: SyncServer, tmp_path: Path) -> None:
    amina, bakary = sync_server.person("amina"), sync_server.person("bakary")
    team = sync_server.team(amina, bakary)
    first = new_laptop(amina, tmp_path / "a", [team])
    second = new_laptop(bakary, tmp_path / "b", [team])
    ids = [new_id() for _ in range(25)]
    for n, record_id in enumerate(ids):
        first.write(team, record_id, "checklist_item", {"notes": f"Item {n}", "status": "todo"})
    first.write(amina.personal, new_id(), "bookmark", BOOKMARK)

    report = first.engine(sync_server.url, page_limit=10).sync()
    assert report.workspaces[team].pushed == 25 and report.workspaces[team].agreed is True
    assert report.workspaces[amina.personal].agreed is True
    assert first.replica.pending_count() == 0

    report = second.engine(sync_server.url, page_limit=10).sync()
    assert report.workspaces[team].pulled == 25
    assert second.value(team, ids[7], "notes") == "Item 7"
    assert second.replica.record_count(bakary.personal) == 0  # never amina's personal workspace
    assert second.replica.digest(team) == first.replica.digest(team)


def test_a_sync_with_nothing_new_is_one_request(sync_server: SyncServer, tmp_path: Path) -> None:
    person = sync_server.person()
    laptop = new_laptop(person, tmp_path / "a")
    laptop.write(person.personal, new_id(), "bookmark", BOOKMARK)
    session = CountingSession()
    engine = laptop.engine(sync_server.url, session=session)
    engine.sync()
    session.sent.clear()
    report = engine.sync()
    assert report.nothing_new
    assert [method for method, _ in session.sent] == ["GET"] and session.sent[0][1].endswith("/workspaces")


def test_edits_on_both_laptops_meet_in_a_conflict_record(sync_server: SyncServer, tmp_path: Path) -> None:
    amina, bakary = sync_server.person("amina"), sync_server.person("bakary")
    team = sync_server.team(amina, bakary)
    first, second = new_laptop(amina, tmp_path / "a", [team]), new_laptop(bakary, tmp_path / "b", [team])
    record = new_id()
    first.write(team, record, "checklist_item", {"notes": "Train enrolment officers", "status": "todo"})
    first.engine(sync_server.url).sync()
    second.engine(sync_server.url).sync()
    first.write(team, record, "checklist_item", {"status": "done"})
    # Later for sure, even within the same millisecond on a busy machine (HLCs then order by device id).
    second.replica.observe(first.replica.clock.now())
    second.write(team, record, "checklist_item", {"status": "blocked"})
    first.engine(sync_server.url).sync()
    report = second.engine(sync_server.url).sync()
    assert report.conflicts == 1
    first.engine(sync_server.url).sync()
    assert first.replica.digest(team) == second.replica.digest(team)
    winner = first.value(team, record, "status")
    assert winner == "blocked"  # the later edit wins; the other is kept in the conflict record
    conflicts = first.replica.conflicts()
    assert [(c["record"], c["field"], c["other"]["v"]) for c in conflicts] == [(record, "status", "done")]


def test_blobs_go_up_before_the_changes_and_come_down_verified(sync_server: SyncServer, tmp_path: Path) -> None:
    amina, bakary = sync_server.person("amina"), sync_server.person("bakary")
    team = sync_server.team(amina, bakary)
    first, second = new_laptop(amina, tmp_path / "a", [team]), new_laptop(bakary, tmp_path / "b", [team])
    data = os.urandom(700_000)
    sha = hashlib.sha256(data).hexdigest()
    stored = first.replica.blob_path(sha)
    stored.parent.mkdir(parents=True)
    stored.write_bytes(data)
    first.write(team, new_id(), "attachment", {"item_id": new_id(), "sha256": sha, "name": "minutes.pdf",
                                               "size": len(data), "mime": "application/pdf"})
    report = first.engine(sync_server.url).sync()
    assert report.workspaces[team].blobs_up == 1
    report = second.engine(sync_server.url).sync()
    assert report.workspaces[team].blobs_down == 1
    assert second.replica.blob_path(sha).read_bytes() == data
    assert not second.replica.missing_blobs(team)


def test_a_refused_token_reads_as_signed_out(sync_server: SyncServer, tmp_path: Path) -> None:
    person = sync_server.person()
    laptop = new_laptop(person, tmp_path / "a")
    person.token = "cst_" + "A" * 43
    with pytest.raises(SyncError) as raised:
        laptop.engine(sync_server.url).sync()
    assert raised.value.code == "signed-out"
    assert laptop.replica.get_sync_state("sync.last_error")["code"] == "signed-out"


def test_an_unreachable_server_gives_up_politely(tmp_path: Path, sync_server: SyncServer) -> None:
    from tests.sync.conftest import free_port

    person = sync_server.person()
    laptop = new_laptop(person, tmp_path / "a")
    with pytest.raises(SyncError) as raised:
        laptop.engine(f"http://127.0.0.1:{free_port()}", max_attempts=3).sync()
    assert raised.value.code == "unreachable"


def test_edits_are_sent_without_pulling_them_back(sync_server: SyncServer, tmp_path: Path) -> None:
    person = sync_server.person()
    laptop = new_laptop(person, tmp_path / "a")
    engine = laptop.engine(sync_server.url, session=(session := CountingSession()))
    laptop.write(person.personal, new_id(), "bookmark", BOOKMARK)
    engine.sync()
    items = [new_id() for _ in range(5)]
    for record_id in items:
        laptop.write(person.personal, record_id, "checklist_item", {"notes": "Visit the health centre"})
    session.sent.clear()
    report = engine.sync()
    assert report.workspaces[person.personal].agreed is True  # proved by the digests, not assumed
    sent = [(method, url.split("/api/v1")[1].split("?")[0]) for method, url in session.sent]
    assert ("POST", f"/workspaces/{person.personal}/changes") in sent
    assert ("GET", f"/workspaces/{person.personal}/changes") not in sent  # nothing to pull back: all ours
    assert engine.sync().nothing_new
