"""The protocol end to end over real HTTP on 127.0.0.1, against SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
import random
import time
import uuid

import pytest
import requests

from companion.replication import CONFLICT_TYPE, Replica, workspace_digest
from companion.replication.hlc import Clock, format_hlc
from companion.replication.merge import Change
from sync.client import ProblemError, ProtocolError, SyncClient
from tests.sync.conftest import PASSWORD, World, change, new_id
from tests.sync.histories import run_history

API = "/api/v1"
PROBLEM_KEYS = {"type", "title", "status", "detail"}


def assert_problem(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Companion-Protocol"] == "1"
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert PROBLEM_KEYS <= set(body) and body["status"] == status
    assert body["type"].startswith("urn:openimis-companion:problem:")
    return body


def auth(world: World, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[who]}"}


# -- status, header, errors ----------------------------------------------------------------------


def test_status_advertises_protocol_limits_and_time(world: World) -> None:
    status = world.client().status()
    assert status.protocol == 1 and uuid.UUID(status.server_id)
    assert abs(status.server_time_ms - time.time() * 1000) < 60_000
    limits = status.limits
    assert (limits.max_changes_per_push, limits.max_body_bytes, limits.max_record_bytes, limits.max_blob_bytes,
            limits.max_pull_limit, limits.max_clock_ahead_ms) == (1000, 8 * 2**20, 256 * 2**10, 200 * 2**20, 1000, 600_000)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/nowhere", 404),
        ("GET", "/", 404),
        ("DELETE", "/api/v1/status", 405),
        ("PATCH", "/api/v1/workspaces/library/changes", 405),
        ("GET", "/api/v1/workspaces/library/changes?since=-1", 422),
        ("GET", "/api/v1/workspaces/library/changes?limit=5000", 422),
        ("GET", "/api/v1/workspaces/library/changes?since=abc", 422),
        ("GET", "/api/v1/workspaces/no-such-team/changes", 404),
        ("GET", "/api/v1/workspaces/library/blobs/not-a-hash", 422),
        ("GET", "/api/v1/workspaces/library/blobs/..%2F..%2Fetc%2Fpasswd", 404),
        ("GET", "/api/v1/workspaces/library/blobs/" + "A" * 64, 422),
        ("GET", "/api/v1/workspaces", 401),
    ],
)
def test_every_error_is_a_problem_with_the_protocol_header(world: World, method: str, path: str, status: int) -> None:
    response = requests.request(method, world.base_url + path, headers=auth(world, "root") if "workspaces/" in path else {})
    assert_problem(response, status)


def test_every_success_carries_the_protocol_header(world: World) -> None:
    for path in ("/status", "/workspaces", "/workspaces/library/changes", "/workspaces/library/digest", "/openapi.json"):
        response = requests.get(world.base_url + API + path, headers=auth(world, "root"))
        assert response.status_code == 200 and response.headers["Companion-Protocol"] == "1"


def test_client_refuses_answers_without_the_protocol_header(world: World) -> None:
    # Something that is not our server (here: a plain HTTP server) answering 200.
    import http.server
    import threading

    class Portal(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>Please sign in to the hotel wifi</html>")

        def log_message(self, *args: object) -> None:
            pass

    portal = http.server.HTTPServer(("127.0.0.1", 0), Portal)
    thread = threading.Thread(target=portal.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(ProtocolError):
            SyncClient(f"http://127.0.0.1:{portal.server_address[1]}").status()
    finally:
        portal.shutdown()


# -- auth ---------------------------------------------------------------------------------------------


def test_sign_in_returns_token_user_and_workspaces(world: World) -> None:
    client = SyncClient(world.base_url)
    result = client.sign_in("mia", PASSWORD, "Mia's laptop")
    assert result.user.username == "mia" and result.token.startswith("cst_")
    by_id = {workspace.id: workspace for workspace in result.workspaces}
    assert set(by_id) == {"library", world.personal("mia"), "team-a"}
    assert by_id["team-a"].role == "member" and by_id["library"].role == "reader"
    assert by_id[world.personal("mia")].kind == "personal"


def test_wrong_password_is_401_and_tokens_are_revocable(world: World) -> None:
    with pytest.raises(ProblemError) as caught:
        SyncClient(world.base_url).sign_in("mia", "not the password")
    assert caught.value.status == 401
    name, client = world.new_user("revoke")
    assert client.workspaces()
    token = client.token
    client.sign_out()
    stale = SyncClient(world.base_url, token=token)
    with pytest.raises(ProblemError) as caught:
        stale.workspaces()
    assert caught.value.status == 401
    # A bad token is refused even where anonymous reading is allowed: the client must learn it is signed out.
    with pytest.raises(ProblemError):
        stale.pull_page("library")


def test_repeated_failed_sign_ins_get_429_with_retry_after(world: World) -> None:
    name, _ = world.new_user("limited")
    client = SyncClient(world.base_url)
    for _ in range(5):
        with pytest.raises(ProblemError) as caught:
            client.sign_in(name, "wrong password")
        assert caught.value.status == 401
    with pytest.raises(ProblemError) as caught:
        client.sign_in(name, PASSWORD)  # even the right password waits now
    assert caught.value.status == 429
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 15 * 60


def test_disabled_user_cannot_sign_in_and_tokens_stop(world: World) -> None:
    name, client = world.new_user("disabled")
    assert world.admin("user", "disable", name)[0] == 0
    with pytest.raises(ProblemError) as caught:
        client.workspaces()
    assert caught.value.status == 401
    with pytest.raises(ProblemError):
        SyncClient(world.base_url).sign_in(name, PASSWORD)


# -- push and pull --------------------------------------------------------------------------------


def test_push_then_pull_with_cursor_and_pages(world: World, clock: Clock) -> None:
    name, client = world.new_user("pager")
    workspace = world.personal(name)
    ids = [new_id() for _ in range(25)]
    result = client.push(workspace, [change(record_id, {"title": {"v": f"item {n}", "t": clock.now()}}) for n, record_id in enumerate(ids)])
    assert [r.status for r in result.results] == ["applied"] * 25
    seqs = [r.seq for r in result.results]
    assert seqs == sorted(seqs) and len(set(seqs)) == 25 and result.head == max(seqs)
    pages = list(client.pull(workspace, since=0, limit=10))
    assert [len(page.records) for page in pages] == [10, 10, 5]
    assert [page.has_more for page in pages] == [True, True, False]
    pulled = [record for page in pages for record in page.records]
    assert [record.id for record in pulled] == ids
    assert all(record.workspace == workspace and record.type == "note" for record in pulled)
    assert pages[-1].next_since == result.head
    # A cut sync resumes from the last stored page, not from zero.
    resumed = client.pull_page(workspace, since=pages[0].next_since, limit=1000)
    assert [record.id for record in resumed.records] == ids[10:]
    # Nothing new: an empty page, same cursor; the head in GET /workspaces says so without pulling.
    empty = client.pull_page(workspace, since=result.head)
    assert empty.records == [] and empty.next_since == result.head and not empty.has_more
    assert {w.id: w.head for w in client.workspaces()}[workspace] == result.head


def test_an_edited_record_moves_to_the_end_of_the_cursor_with_its_whole_state(world: World, clock: Clock) -> None:
    name, client = world.new_user("editor")
    workspace = world.personal(name)
    first, second = new_id(), new_id()
    t1 = clock.now()
    client.push(workspace, [change(first, {"title": {"v": "a", "t": t1}, "body": {"v": "x", "t": t1}}),
                            change(second, {"title": {"v": "b", "t": clock.now()}})])
    head = client.workspaces()
    t2 = clock.now()
    pushed = client.push(workspace, [change(first, {"title": {"v": "a2", "t": t2, "base": t1}})])
    page = client.pull_page(workspace, since=pushed.head - 1)
    [record] = page.records
    assert record.id == first and record.seq == pushed.head
    assert {name: (value.v, value.t) for name, value in record.fields.items()} == {"title": ("a2", t2), "body": ("x", t1)}
    assert head  # listing worked


def test_concurrent_edits_make_a_conflict_record_in_the_same_workspace(world: World) -> None:
    mia = world.client("mia")
    eddie = world.client("eddie")
    laptop_a, laptop_b = Clock("00000000000000a1"), Clock("00000000000000b2")
    record_id = new_id()
    t0 = laptop_a.now()
    mia.push("team-a", [change(record_id, {"status": {"v": "draft", "t": t0}}, "checklist_item")])
    ta = laptop_a.now()
    tb = laptop_b.now()
    first = mia.push("team-a", [change(record_id, {"status": {"v": "done", "t": ta, "base": t0}}, "checklist_item")])
    second = eddie.push("team-a", [change(record_id, {"status": {"v": "blocked", "t": tb, "base": t0}}, "checklist_item")])
    assert first.conflicts == 0 and second.conflicts == 1
    records = {r.id: r for page in world.client("rita").pull("team-a") for r in page.records}
    winner, loser = sorted([(ta, "done"), (tb, "blocked")], reverse=True)
    assert records[record_id].fields["status"].v == winner[1]
    conflicts = [r for r in records.values() if r.type == CONFLICT_TYPE and r.fields["record"].v == record_id]
    [conflict] = conflicts
    assert conflict.workspace == "team-a"
    assert conflict.id == str(uuid.uuid5(uuid.UUID(record_id), f"status\n{min(ta, tb)}\n{max(ta, tb)}"))
    assert conflict.fields["kept"].v == {"v": winner[1], "t": winner[0]}
    assert conflict.fields["other"].v == {"v": loser[1], "t": loser[0]}
    assert conflict.fields["resolved"].v is False and conflict.fields["resolved"].t == max(ta, tb)
    # Resolving is an ordinary edit: the chosen value with base = current t, and resolved = true.
    now = laptop_a.now()
    resolved = mia.push("team-a", [
        change(record_id, {"status": {"v": loser[1], "t": now, "base": winner[0]}}, "checklist_item"),
        change(conflict.id, {"resolved": {"v": True, "t": laptop_a.now(), "base": conflict.fields["resolved"].t}}, CONFLICT_TYPE),
    ])
    assert [r.status for r in resolved.results] == ["applied", "applied"] and resolved.conflicts == 0


def test_resending_a_push_is_answered_duplicate_and_changes_nothing(world: World, clock: Clock) -> None:
    name, client = world.new_user("dup")
    workspace = world.personal(name)
    batch = [change(new_id(), {"title": {"v": n, "t": clock.now()}}) for n in range(5)]
    first = client.push(workspace, batch)
    digest = client.digest(workspace)
    again = client.push(workspace, batch)
    assert [r.status for r in again.results] == ["duplicate"] * 5
    assert [r.seq for r in again.results] == [r.seq for r in first.results]
    assert client.digest(workspace) == digest
    # Same change twice in one push: the second is a duplicate.
    one = change(new_id(), {"title": {"v": 1, "t": clock.now()}})
    result = client.push(workspace, [one, one])
    assert [r.status for r in result.results] == ["applied", "duplicate"]


def test_one_bad_change_is_rejected_alone(world: World, clock: Clock) -> None:
    name, client = world.new_user("mixed")
    workspace = world.personal(name)
    existing = new_id()
    client.push(workspace, [change(existing, {"title": {"v": "x", "t": clock.now()}}, "note")])
    future = format_hlc(int(time.time() * 1000) + 11 * 60_000, 0, "00000000000000ff")
    good1, good2 = new_id(), new_id()
    batch = [
        change(good1, {"title": {"v": "fine", "t": clock.now()}}),
        change(new_id(), {"title": {"v": "from the future", "t": future}}),
        change(existing, {"title": {"v": "now a task?", "t": clock.now()}}, "task"),
        change("not-a-uuid", {"title": {"v": 1, "t": clock.now()}}),
        change(new_id(), {"title": {"v": 1, "t": "yesterday"}}),
        change(new_id(), {"_deleted": {"v": "yes", "t": clock.now()}}),
        change(new_id(), {}),
        change(new_id(), {"big": {"v": "x" * 300_000, "t": clock.now()}}),
        change(new_id(), {"title": {"v": 1, "t": clock.now()}}, "Bad Type"),
        change(new_id(), {"title": {"t": clock.now()}}),
        change(good2, {"title": {"v": "also fine", "t": clock.now()}}),
    ]
    result = client.push(workspace, batch)
    statuses = [r.status for r in result.results]
    assert statuses == ["applied"] + ["rejected"] * 9 + ["applied"]
    errors = [r.error for r in result.results if r.error]
    assert errors[0].type.endswith(":clock-ahead") and "clock" in errors[0].detail
    assert errors[1].type.endswith(":type-mismatch")
    assert errors[2].type.endswith(":invalid-record-id")
    assert errors[6].type.endswith(":record-too-large")
    ids = {r.id for page in client.pull(workspace) for r in page.records}
    assert {good1, good2, existing} == ids


def test_deletion_is_a_field_that_can_be_undone(world: World, clock: Clock) -> None:
    name, client = world.new_user("deleter")
    workspace = world.personal(name)
    record_id = new_id()
    t1 = clock.now()
    client.push(workspace, [change(record_id, {"title": {"v": "x", "t": t1}})])
    t2 = clock.now()
    client.push(workspace, [change(record_id, {"_deleted": {"v": True, "t": t2}})])
    [record] = client.pull_page(workspace).records
    assert record.fields["_deleted"].v is True and record.fields["title"].v == "x"
    client.push(workspace, [change(record_id, {"_deleted": {"v": False, "t": clock.now(), "base": t2}})])
    [record] = client.pull_page(workspace).records
    assert record.fields["_deleted"].v is False


def test_a_record_stays_in_its_workspace(world: World, clock: Clock) -> None:
    record_id = new_id()
    mia = world.client("mia")
    assert mia.push("team-a", [change(record_id, {"t": {"v": 1, "t": clock.now()}})]).results[0].status == "applied"
    moved = mia.push(world.personal("mia"), [change(record_id, {"t": {"v": 2, "t": clock.now()}})])
    assert moved.results[0].status == "rejected" and moved.results[0].error.type.endswith(":record-in-other-workspace")


def test_unknown_types_and_fields_are_stored_and_forwarded(world: World, clock: Clock) -> None:
    name, client = world.new_user("future")
    workspace = world.personal(name)
    record_id = new_id()
    value = {"nested": [1, 2.5, None, True, {"é": "ü"}], "empty": {}}
    client.push(workspace, [change(record_id, {"x_from_v9": {"v": value, "t": clock.now()}}, "type_from_the_future")])
    [record] = client.pull_page(workspace).records
    assert record.type == "type_from_the_future" and record.fields["x_from_v9"].v == value


# -- malformed input: 4xx problems, never 5xx, never a partial write --------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"", "application/json", 400),
        (b'{"changes": NaN}', "application/json", 400),
        (b'{"changes": [{"change_id": "' + str(uuid.uuid4()).encode() + b'", "fields": {"a": {"v": 1e999, "t": "x"}}}]}', "application/json", 400),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
        (b'{"changes": "all of them"}', "application/json", 422),
        (b'{"changes": [1, 2]}', "application/json", 422),
        (b'{"changes": [{"change_id": "nope"}]}', "application/json", 422),
        (b'{"changes": [{"change_id": "6F1C1A8E-2B61-4D5F-9A57-0C9D3F1E2A10"}]}', "application/json", 422),
        (b'{"changes": []}', "text/plain", 415),
        (b"\x1f\x8b garbage", "application/json", 400),
    ],
)
def test_malformed_pushes_are_4xx_problems(world: World, body: bytes, content_type: str, status: int) -> None:
    before = requests.get(f"{world.base_url}{API}/workspaces/team-a/digest", headers=auth(world, "root")).json()
    response = requests.post(f"{world.base_url}{API}/workspaces/team-a/changes", data=body,
                             headers={**auth(world, "root"), "Content-Type": content_type})
    assert_problem(response, status)
    after = requests.get(f"{world.base_url}{API}/workspaces/team-a/digest", headers=auth(world, "root")).json()
    assert before == after


def test_too_many_changes_and_oversize_bodies_are_refused(world: World, clock: Clock) -> None:
    url = f"{world.base_url}{API}/workspaces/team-a/changes"
    many = {"changes": [change(new_id(), {"a": {"v": 1, "t": clock.now()}}) for _ in range(1001)]}
    assert_problem(requests.post(url, json=many, headers=auth(world, "root")), 422)
    big = json.dumps({"changes": [], "padding": "x" * (8 * 2**20)}).encode()
    assert_problem(requests.post(url, data=big, headers={**auth(world, "root"), "Content-Type": "application/json"}), 413)
    # The limit holds after decompression too (a small gzip body that inflates past 8 MiB).
    bomb = gzip.compress(b'{"changes": [], "padding": "' + b"0" * (9 * 2**20) + b'"}')
    assert len(bomb) < 100_000
    response = requests.post(url, data=bomb, headers={**auth(world, "root"), "Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert_problem(response, 413)
    # And when the client sends no Content-Length at all (chunked).
    response = requests.post(url, data=iter([b'{"changes": [], "p": "', b"x" * (9 * 2**20), b'"}']),
                             headers={**auth(world, "root"), "Content-Type": "application/json"})
    assert_problem(response, 413)
    response = requests.post(url, data=b"{}", headers={**auth(world, "root"), "Content-Type": "application/json", "Content-Encoding": "br"})
    assert_problem(response, 415)


def test_gzip_both_ways(world: World, clock: Clock) -> None:
    name, client = world.new_user("gzip")
    workspace = world.personal(name)
    batch = {"changes": [change(new_id(), {"body": {"v": "lorem openIMIS " * 20, "t": clock.now()}}) for _ in range(50)]}
    raw = json.dumps(batch).encode()
    response = requests.post(f"{world.base_url}{API}/workspaces/{workspace}/changes", data=gzip.compress(raw),
                             headers={"Authorization": f"Bearer {client.token}", "Content-Type": "application/json",
                                      "Content-Encoding": "gzip", "Accept-Encoding": "gzip"})
    assert response.status_code == 200 and all(r["status"] == "applied" for r in response.json()["results"])
    pulled = requests.get(f"{world.base_url}{API}/workspaces/{workspace}/changes",
                          headers={"Authorization": f"Bearer {client.token}", "Accept-Encoding": "gzip"}, stream=True)
    assert pulled.headers["Content-Encoding"] == "gzip"
    compressed = pulled.raw.read()
    assert int(pulled.headers["Content-Length"]) == len(compressed)
    assert len(json.loads(gzip.decompress(compressed))["records"]) == 50
    plain = requests.get(f"{world.base_url}{API}/workspaces/{workspace}/changes",
                         headers={"Authorization": f"Bearer {client.token}", "Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and len(plain.json()["records"]) == 50


@pytest.mark.parametrize(("accept", "expected"), [
    ("zstd, gzip", "zstd"), ("gzip, zstd", "zstd"), ("zstd;q=0, gzip", "gzip"), ("gzip", "gzip"), ("*", "zstd"),
    ("identity", None), ("br", None),
])
def test_answers_come_in_the_best_coding_the_client_reads(world: World, clock: Clock, accept: str, expected: str | None) -> None:
    from sync import coding

    name, client = world.new_user("coding")
    workspace = world.personal(name)
    # A push answer and a page, both well past the size below which answers go as they are.
    batch = {"changes": [change(new_id(), {"body": {"v": "openIMIS enrolment " * 10, "t": clock.now()}}) for _ in range(30)]}
    headers = {"Authorization": f"Bearer {client.token}", "Accept-Encoding": accept}
    for answer in (requests.post(f"{world.base_url}{API}/workspaces/{workspace}/changes", json=batch, headers=headers, stream=True),
                   requests.get(f"{world.base_url}{API}/workspaces/{workspace}/changes", headers=headers, stream=True)):
        assert answer.status_code == 200
        assert answer.headers.get("Content-Encoding") == expected
        body = answer.raw.read(decode_content=False)
        assert int(answer.headers["Content-Length"]) == len(body)
        document = json.loads(coding.decompress(expected, body, 2**20) if expected else body)
        assert len(document.get("results") or document["records"]) == 30
    # The app's own client asks for zstd first, and reads what it gets.
    assert client.session.headers["Accept-Encoding"].startswith("zstd")
    assert len(client.pull_page_dicts(workspace)["records"]) == 30


def test_410_for_a_cursor_the_server_cannot_serve(world: World) -> None:
    head = world.client("root").pull_page("team-b").next_since
    response = requests.get(f"{world.base_url}{API}/workspaces/team-b/changes?since={head + 1000}", headers=auth(world, "root"))
    body = assert_problem(response, 410)
    assert body["type"].endswith(":cursor-gone")


# -- digest and convergence with the shared merge code -------------------------------------------


def test_digest_matches_the_clients_own_computation(world: World, clock: Clock) -> None:
    name, client = world.new_user("digest")
    workspace = world.personal(name)
    client.push(workspace, [change(new_id(), {"title": {"v": "Étude ✓", "t": clock.now()}, "n": {"v": [1, {"b": 2}], "t": clock.now()}})
                            for _ in range(7)])
    records = [r for page in client.pull(workspace) for r in page.records]
    mine = workspace_digest((r.id, r.type, {k: v.model_dump() for k, v in r.fields.items()}) for r in records)
    server = client.digest(workspace)
    assert server.digest == mine and server.records == 7


def test_server_and_reference_replica_agree_on_random_histories(world: World) -> None:
    """The server runs the same merge as companion/replication: same changes, same order → same digest."""
    rnd = random.Random(20251127)
    for round_number in range(3):
        operations = [(rnd.choice(["edit", "edit", "sync"]), rnd.randrange(3), rnd.randrange(3), rnd.randrange(3), rnd.randrange(3))
                      for _ in range(60)]
        _, log = run_history(operations, 3, [rnd.randrange(-40, 40) for _ in range(4)])
        # Fresh record ids per round (and per backend run), so the history lands in an empty workspace.
        mapping: dict[str, str] = {}
        remapped = [Change(str(uuid.uuid4()), mapping.setdefault(c.record_id, new_id()), c.type, dict(c.fields)) for c in log]
        # Stamps from the simulation are in the past, which is fine; send in random-size pushes.
        name, client = world.new_user(f"replay{round_number}")
        workspace = world.personal(name)
        reference = Replica()
        position = 0
        while position < len(remapped):
            size = rnd.randint(1, 15)
            batch = remapped[position:position + size]
            position += size
            wire_batch = [{"change_id": c.change_id, "record_id": c.record_id, "type": c.type,
                           "fields": {n: {"v": w.v, "t": w.t, **({"base": w.base} if w.base else {})} for n, w in c.fields.items()}}
                          for c in batch]
            result = client.push(workspace, wire_batch)
            assert {r.status for r in result.results} == {"applied"}
            reference.apply_all(batch)
        assert client.digest(workspace).digest == reference.digest()
        served = {r.id: (r.type, {k: v.model_dump() for k, v in r.fields.items()}) for p in client.pull(workspace) for r in p.records}
        assert served == reference.state()


# -- workspaces and the library ------------------------------------------------------------------------


def test_workspaces_listing_has_heads_and_roles(world: World) -> None:
    listing = {w.id: w for w in world.client("eddie").workspaces()}
    assert set(listing) == {"library", "team-a", world.personal("eddie")}
    assert listing["library"].role == "editor" and listing["team-a"].role == "editor"
    assert all(w.head >= 0 for w in listing.values())
    admin = {w.id: w.role for w in world.client("root").workspaces()}
    assert admin["team-a"] == admin["team-b"] == admin["library"] == "admin"
    assert world.personal("mia") not in admin  # a server admin does not see others' personal workspaces


def test_anonymous_reads_the_public_library(world: World, clock: Clock) -> None:
    eddie = world.client("eddie")
    record_id = new_id()
    eddie.push("library", [change(record_id, {"title": {"v": "Welcome", "t": clock.now()}}, "guide")])
    anonymous = SyncClient(world.base_url)
    records = {r.id for page in anonymous.pull("library") for r in page.records}
    assert record_id in records
    assert anonymous.digest("library").records >= 1
    with pytest.raises(ProblemError) as caught:
        anonymous.push("library", [change(new_id(), {"title": {"v": "spam", "t": clock.now()}}, "guide")])
    assert caught.value.status == 401


def test_awkward_text_is_stored_exactly_or_refused_cleanly(world: World, clock: Clock) -> None:
    name, client = world.new_user("text")
    workspace = world.personal(name)
    kept, refused = new_id(), new_id()
    body = ('{"changes":[{"change_id":"%s","record_id":"%s","type":"note","fields":{"a":{"v":"nul\\u0000, \\u00e9t\\u00e9, \\ud83d\\ude00","t":"%s"}}},'
            '{"change_id":"%s","record_id":"%s","type":"note","fields":{"b":{"v":"lone \\ud800","t":"%s"}}}]}'
            % (new_id(), kept, clock.now(), new_id(), refused, clock.now()))
    response = requests.post(f"{world.base_url}{API}/workspaces/{workspace}/changes", data=body.encode(),
                             headers={"Authorization": f"Bearer {client.token}", "Content-Type": "application/json"})
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected"]
    assert results[1]["error"]["type"].endswith(":invalid-value")
    [record] = client.pull_page(workspace).records
    assert record.fields["a"].v == "nul\x00, été, 😀"
    for username in ("nul\x00name", "x" * 65):
        answer = requests.post(f"{world.base_url}{API}/auth/token", json={"username": username, "password": "whatever"})
        assert_problem(answer, 422)


def test_405_names_the_allowed_methods(world: World) -> None:
    response = requests.delete(f"{world.base_url}{API}/status")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]
