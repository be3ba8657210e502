"""Requests from anyone never harm the other clients (issue 11, "The server").

Each attack runs against a real ``companion-server serve`` subprocess while a
bystander keeps asking ``GET /status`` and a watcher samples the server's
memory: the test bounds both, and checks the server answered the attacker with
a 4xx (or cut it off), never a 5xx or a traceback storm in its log.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import secrets
import socket
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest
import requests

from companion.replication.hlc import Clock
from sync.client import ProblemError, SyncClient
from sync.server.blobs import BlobStore
from sync.server.db import Database
from sync.server.uploads import PartialUploads
from tests.sync.conftest import PASSWORD, Backend, ServerProcess, admin, change

HEADER_TIMEOUT = 2
STALL_TIMEOUT = 2
PER_ADDRESS = 20
FAILED_PER_ADDRESS = 8
# Bounds for the bystander while an attack runs: the issue measured 9 s before the fixes.
P95_BOUND_S = 0.5
MAX_BOUND_S = 2.0


@dataclass
class Target:
    server: ServerProcess
    data_dir: Path
    url: str
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def process(self) -> psutil.Process:
        assert self.server.process is not None
        return psutil.Process(self.server.process.pid)

    def client(self, who: str) -> SyncClient:
        return SyncClient(self.base_url, token=self.tokens[who])


@pytest.fixture(scope="module")
def target(backend: Backend, tmp_path_factory) -> Iterator[Target]:
    data_dir = tmp_path_factory.mktemp(f"hostile-{backend.name}")
    url = backend.new_url(data_dir)
    found = Target(ServerProcess(data_dir, url), data_dir, url)
    for name in ("owner", "filler", "uploader"):
        code, out, err = admin(data_dir, url, "user", "add", name, "--password-stdin", stdin=PASSWORD + "\n")
        assert code == 0, err
        found.user_ids[name] = int(out.split("(id ")[1].split(",")[0])
    found.server = ServerProcess(
        data_dir, url, "--header-timeout", str(HEADER_TIMEOUT), "--stall-timeout", str(STALL_TIMEOUT),
        "--connections-per-address", str(PER_ADDRESS), "--max-failed-logins-per-address", str(FAILED_PER_ADDRESS),
    ).start()
    for name in found.user_ids:
        found.tokens[name] = SyncClient(found.base_url).sign_in(name, PASSWORD, "test").token
    yield found
    found.server.stop()
    log = found.server.log.read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


@dataclass
class Watch:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    rss_before: int = 0
    rss_peak: int = 0

    @property
    def p95(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, int(len(ordered) * 0.95) - 1)]

    def check(self, memory_bound_mb: float) -> None:
        assert not self.failures, self.failures[:3]
        assert len(self.latencies) >= 5, "the bystander was not served during the attack"
        assert self.p95 < P95_BOUND_S and max(self.latencies) < MAX_BOUND_S, (
            f"bystander latency p95 {self.p95 * 1000:.0f} ms, max {max(self.latencies) * 1000:.0f} ms "
            f"(median {statistics.median(self.latencies) * 1000:.0f} ms)"
        )
        grown = (self.rss_peak - self.rss_before) / 2**20
        assert grown < memory_bound_mb, f"server memory grew by {grown:.0f} MB during the attack"


@contextlib.contextmanager
def bystander(target: Target) -> Iterator[Watch]:
    """Another client asking GET /status over and over, and the server's memory, while the block runs."""
    watch = Watch()
    process = target.process
    watch.rss_before = watch.rss_peak = process.memory_info().rss
    stop = threading.Event()

    def ask() -> None:
        session = requests.Session()
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = session.get(f"{target.base_url}/api/v1/status", timeout=10)
                if response.status_code != 200:
                    watch.failures.append(f"status {response.status_code}")
            except requests.RequestException as error:
                watch.failures.append(repr(error))
            watch.latencies.append(time.perf_counter() - started)
            time.sleep(0.02)

    def sample() -> None:
        while not stop.is_set():
            with contextlib.suppress(psutil.Error):
                watch.rss_peak = max(watch.rss_peak, process.memory_info().rss)
            time.sleep(0.02)

    threads = [threading.Thread(target=ask), threading.Thread(target=sample)]
    for thread in threads:
        thread.start()
    try:
        yield watch
    finally:
        stop.set()
        for thread in threads:
            thread.join(15)


def in_threads(count: int, work: Callable[[int], None]) -> None:
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            work(index)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors[:3]


def source_socket(address: str, port: int) -> socket.socket:
    """A TCP connection to the server from another loopback address (a client that is not a trusted proxy)."""
    sock = socket.socket()
    sock.bind((address, 0))
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    return sock


# -- unauthenticated bodies ---------------------------------------------------------------------------


def test_a_gzip_bomb_sent_to_sign_in_is_refused_without_stalling_others(target: Target) -> None:
    bomb = gzip.compress(b'{"username":' + b"[" * 10 + b"[]," * 2_800_000 + b"[]" + b"]" * 10 + b"}", 9)
    assert len(bomb) < 16 * 1024
    answers: list[int] = []
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    with bystander(target) as watch:
        def attack(_: int) -> None:
            session = requests.Session()
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                answers.append(session.post(f"{target.base_url}/api/v1/auth/token", data=bomb, headers=headers, timeout=30).status_code)

        in_threads(4, attack)
    watch.check(memory_bound_mb=40)
    assert answers and set(answers) == {413}


def test_an_anonymous_body_is_capped_at_a_few_kib_before_and_after_gzip(target: Target) -> None:
    url = f"{target.base_url}/api/v1/auth/token"
    padded = b'{"username":"owner","password":"' + b"x" * 5000 + b'"}'
    plain = requests.post(url, data=padded, headers={"Content-Type": "application/json"}, timeout=10)
    assert plain.status_code == 413 and plain.headers["Companion-Protocol"] == "1"
    squeezed = requests.post(url, data=gzip.compress(padded), timeout=10,
                             headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert len(gzip.compress(padded)) < 4096 and squeezed.status_code == 413
    # A real sign-in is far smaller and goes through.
    assert SyncClient(target.base_url).sign_in("owner", PASSWORD, "laptop").token


def test_a_signed_in_body_of_millions_of_values_is_refused_quickly(target: Target) -> None:
    body = b'{"changes":[' + b"[]," * 2_700_000 + b"[]]}"
    assert len(body) < 8 * 1024 * 1024
    client = target.client("owner")
    with bystander(target) as watch:
        for _ in range(3):
            started = time.perf_counter()
            response = client.session.post(f"{target.base_url}/api/v1/workspaces/personal-{target.user_ids['owner']}/changes",
                                           data=gzip.compress(body), timeout=30,
                                           headers={"Authorization": f"Bearer {target.tokens['owner']}",
                                                    "Content-Type": "application/json", "Content-Encoding": "gzip"})
            assert response.status_code == 400 and "objects and arrays" in response.json()["detail"]
            assert time.perf_counter() - started < 2
    watch.check(memory_bound_mb=60)


# -- pull pages ------------------------------------------------------------------------------------------


def test_pages_of_large_records_are_capped_by_bytes_and_pulls_stay_small(target: Target) -> None:
    filler = target.client("filler")
    workspace = f"personal-{target.user_ids['filler']}"
    clock = Clock(secrets.token_hex(8))
    text = secrets.token_hex(127 * 1024)  # 254 KiB of incompressible text: just under the record limit
    for _ in range(6):
        result = filler.push(workspace, [change(str(uuid.uuid4()), {"body": {"v": text, "t": clock.now()}}) for _ in range(20)])
        assert {r.status for r in result.results} == {"applied"}
    limits = filler.status().limits
    assert limits.max_page_bytes == 1024 * 1024

    with bystander(target) as watch:
        def pull_everything(_: int) -> None:
            client = target.client("filler")
            pages = list(client.pull(workspace, since=0, limit=1000))
            assert sum(len(page.records) for page in pages) == 120
            assert all(len(page.records) <= 4 for page in pages)  # 4 × 254 KiB fit in 1 MiB, 1000 never
            assert all(page.has_more for page in pages[:-1])

        in_threads(8, pull_everything)
    # Eight pulls of 30 MB each: whole pages in memory would take hundreds of megabytes.
    watch.check(memory_bound_mb=60)


# -- Range headers ---------------------------------------------------------------------------------------


def test_range_and_content_length_with_thousands_of_digits_are_4xx_or_ranges_never_500(target: Target) -> None:
    client = target.client("owner")
    workspace = f"personal-{target.user_ids['owner']}"
    data = b"0123456789" * 100
    sha256 = hashlib.sha256(data).hexdigest()
    path = target.data_dir / "blob.bin"
    path.write_bytes(data)
    client.upload_blob(workspace, path)
    url = f"{target.base_url}/api/v1/workspaces/{workspace}/blobs/{sha256}"
    auth = {"Authorization": f"Bearer {target.tokens['owner']}"}
    huge = "9" * 5000

    def get(range_value: str) -> requests.Response:
        return requests.get(url, headers={**auth, "Range": range_value}, timeout=10)

    first_huge = get(f"bytes={huge}-")
    assert first_huge.status_code == 416 and first_huge.headers["Content-Range"] == "bytes */1000"
    assert get(f"bytes={huge}-{huge}").status_code == 416
    last_huge = get(f"bytes=10-{huge}")
    assert last_huge.status_code == 206 and last_huge.content == data[10:]
    suffix_huge = get(f"bytes=-{huge}")
    assert suffix_huge.status_code == 206 and suffix_huge.content == data
    with socket.create_connection(("127.0.0.1", target.server.port)) as sock:
        sock.sendall(f"PUT /api/v1/workspaces/{workspace}/blobs/{sha256} HTTP/1.1\r\nHost: x\r\n"
                     f"Authorization: Bearer {target.tokens['owner']}\r\nContent-Length: {huge}\r\n\r\n".encode())
        answer = sock.recv(4096).split(b"\r\n", 1)[0]
    assert answer.split()[1] in (b"400", b"413"), answer


# -- abandoned uploads --------------------------------------------------------------------------------------


def test_unfinished_uploads_have_a_per_user_quota_and_expire(target: Target) -> None:
    client = target.client("uploader")
    workspace = f"personal-{target.user_ids['uploader']}"
    total = 200 * 1024 * 1024  # each declares the largest blob and sends one byte, then is abandoned
    names = [hashlib.sha256(secrets.token_bytes(8)).hexdigest() for _ in range(3)]

    def start(sha256: str) -> requests.Response:
        return client.session.put(f"{target.base_url}/api/v1/workspaces/{workspace}/blobs/{sha256}", data=b"x", timeout=10,
                                  headers={"Authorization": f"Bearer {target.tokens['uploader']}",
                                           "Content-Range": f"bytes 0-0/{total}"})

    assert start(names[0]).status_code == 202
    assert start(names[1]).status_code == 202
    refused = start(names[2])
    assert refused.status_code == 413 and refused.json()["type"].endswith(":upload-quota-exceeded")
    # Another user is not affected by this one's abandoned uploads.
    other = target.client("owner")
    other_workspace = f"personal-{target.user_ids['owner']}"
    response = other.session.put(f"{target.base_url}/api/v1/workspaces/{other_workspace}/blobs/{names[2]}", data=b"x",
                                 timeout=10, headers={"Authorization": f"Bearer {target.tokens['owner']}",
                                                      "Content-Range": f"bytes 0-0/{total}"})
    assert response.status_code == 202

    # A day later the sweep (which the server runs every hour) removes them, files and reservations.
    db = Database(target.url)
    try:
        uploads = PartialUploads(db, BlobStore(target.data_dir / "blobs"))
        assert uploads.sweep() == 0  # nothing is old yet
        assert uploads.sweep(now=time.time() + 25 * 3600) == 3
    finally:
        db.dispose()
    assert list((target.data_dir / "blobs" / "partial").glob("*/*.part")) == []
    assert client.blob_state(workspace, names[0]) == (None, None)
    assert start(names[2]).status_code == 202


# -- slow and half-open clients -------------------------------------------------------------------------------


def test_half_open_and_slow_clients_are_cut_off_and_the_log_stays_small(target: Target) -> None:
    log_before = target.server.log.stat().st_size
    port = target.server.port
    attackers: list[socket.socket] = []
    with bystander(target) as watch:
        # 1,100 connections from one address, most of them sending half a request line and nothing more.
        for index in range(1100):
            try:
                sock = source_socket("127.0.0.2", port)
                sock.sendall(b"GET /api/v1/status HT")
                attackers.append(sock)
            except OSError:
                pass
        # One sends its headers, then a body that stops; one asks for a page and never reads it.
        slow_body = source_socket("127.0.0.3", port)
        slow_body.sendall(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 100\r\n\r\n{\"user")
        time.sleep(HEADER_TIMEOUT + 2.5)
    watch.check(memory_bound_mb=80)

    # Past the per-address cap the server answered 503 at once; the rest were cut after the header timeout.
    answered = closed = 0
    for sock in attackers:
        try:
            data = sock.recv(200)
        except OSError:
            data = b""
        if data.startswith(b"HTTP/1.1 503"):
            answered += 1
        else:
            closed += 1
        sock.close()
    assert answered >= 1100 - PER_ADDRESS - 5 and closed >= 1
    slow_body.settimeout(STALL_TIMEOUT + 5)
    with contextlib.suppress(OSError):
        assert slow_body.recv(100) == b""  # cut, with nothing owed to it
    slow_body.close()
    assert SyncClient(target.base_url).status().protocol == 1
    grown = target.server.log.stat().st_size - log_before
    assert grown < 20_000, target.server.log.read_text(errors="replace")[-3000:]


# -- sign-in throttling ------------------------------------------------------------------------------------------


def _sign_in(target: Target, username: str, password: str, address: str) -> requests.Response:
    # The test server trusts X-Forwarded-For from 127.0.0.1, as behind a reverse proxy.
    return requests.post(f"{target.base_url}/api/v1/auth/token", json={"username": username, "password": password},
                         headers={"X-Forwarded-For": address}, timeout=30)


def test_someone_hammering_a_name_does_not_lock_its_owner_out(target: Target) -> None:
    with bystander(target) as watch:
        answers = [_sign_in(target, "owner", f"guess {n}", "203.0.113.9").status_code for n in range(7)]
    assert answers[:5] == [401] * 5 and answers[5:] == [429, 429]
    watch.check(memory_bound_mb=150)  # Argon2 takes 64 MiB per check while it runs
    refused = _sign_in(target, "owner", PASSWORD, "203.0.113.9")
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    # The owner, from their own laptop's address, signs in at once.
    assert _sign_in(target, "owner", PASSWORD, "198.51.100.20").status_code == 201


def test_one_address_trying_many_names_is_throttled_as_an_address(target: Target) -> None:
    answers = [_sign_in(target, f"nobody-{n}", "guess", "203.0.113.50").status_code for n in range(FAILED_PER_ADDRESS + 1)]
    assert answers[:FAILED_PER_ADDRESS] == [401] * FAILED_PER_ADDRESS and answers[-1] == 429
    assert _sign_in(target, "owner", PASSWORD, "203.0.113.50").status_code == 429  # everyone behind that address waits
    assert _sign_in(target, "owner", PASSWORD, "203.0.113.51").status_code == 201


def test_a_crowd_of_sign_ins_keeps_memory_bounded(target: Target) -> None:
    with bystander(target) as watch:
        def attempt(index: int) -> None:
            response = _sign_in(target, f"crowd-{index}", "wrong password", f"198.18.0.{index}")
            assert response.status_code == 401

        in_threads(30, attempt)
    # Thirty Argon2 checks at once would take 1.9 GB; they queue, a few at a time.
    watch.check(memory_bound_mb=600)


def test_clients_errors_stay_client_errors(target: Target) -> None:
    """What the attacks above send never produced a 5xx (the module's teardown checks the log has no traceback)."""
    with pytest.raises(ProblemError) as caught:
        target.client("owner").pull_page("personal-999999")
    assert caught.value.status == 404


def test_a_repeating_log_message_is_written_a_few_times_a_minute_then_counted() -> None:
    import logging

    from sync.server.limits import FloodFilter

    now = [0.0]
    flood = FloodFilter(burst=3, period_s=60, clock=lambda: now[0])

    def record(message: str, level: int = logging.ERROR) -> logging.LogRecord:
        return logging.LogRecord("uvicorn.error", level, __file__, 1, message, (), None)

    passed = [flood.filter(record("Exception in ASGI application")) for _ in range(1000)]
    assert passed.count(True) == 3
    assert flood.filter(record("another message"))  # counted apart
    assert flood.filter(record("GET /status 200", logging.INFO))  # below warnings: never limited
    now[0] += 61
    summary = record("Exception in ASGI application")
    assert flood.filter(summary) and "997 more like this" in summary.getMessage()
