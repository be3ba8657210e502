"""Sync server benchmark: prints figures (no pass/fail) next to the DESIGN.md budgets.

    python -m benchmarks server [--records 10000] [--clients 50] [--skip-postgres]

Runs a real ``companion-server`` subprocess on loopback and measures through a
tiny TCP proxy that counts every byte both ways (request and response headers
included), so "bytes on the wire" is what a 2G link would really carry.
PostgreSQL is measured too when COMPANION_TEST_POSTGRES_URL is set (in a
throw-away schema). Bounded: a few minutes at most on a 2-core machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil

from companion.replication.hlc import Clock
from sync.client import SyncClient
from sync.server import cli

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark password"
WORKSPACE = "bench"
STATUSES = ["todo", "in progress", "done", "blocked"]


# -- measuring the wire -----------------------------------------------------------------------------


class CountingProxy:
    """Forwards loopback TCP to the server and counts bytes in each direction."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.up = 0
        self.down = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.up = self.down = 0

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._pump, args=(client, server, "up"), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, "down"), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, direction: str) -> None:
        try:
            while data := source.recv(65536):
                with self.lock:
                    if direction == "up":
                        self.up += len(data)
                    else:
                        self.down += len(data)
                target.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.listener.close()


# -- a server to measure ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _admin(data_dir: Path, url: str, *args: str, stdin: str = "") -> None:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli.main(["--data-dir", str(data_dir), "--database-url", url, *args])
    finally:
        sys.stdin = old
    if code != 0:
        raise RuntimeError(f"companion-server {' '.join(args)} failed")


@contextlib.contextmanager
def running_server(data_dir: Path, url: str) -> Iterator[tuple[str, psutil.Process]]:
    _admin(data_dir, url, "user", "add", "bench", "--password-stdin", stdin=PASSWORD + "\n")
    _admin(data_dir, url, "workspace", "add", WORKSPACE, "--name", "Benchmark team")
    _admin(data_dir, url, "member", "add", WORKSPACE, "bench", "--role", "editor")
    port = _free_port()
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "sync.server", "--data-dir", str(data_dir), "--database-url", url, "serve",
         "--port", str(port), "--log-level", "warning"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                SyncClient(base_url).status()
                break
            except Exception:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"server did not start: {(data_dir / 'server.log').read_text()}") from None
                time.sleep(0.1)
        yield base_url, psutil.Process(process.pid)
    finally:
        process.terminate()
        process.wait(15)
        log.close()


def _item(clock: Clock, n: int) -> dict[str, Any]:
    """A checklist item as a pilot team's laptop would write it."""
    def field(value: Any) -> dict[str, Any]:
        return {"v": value, "t": clock.now()}

    return {
        "change_id": str(uuid.uuid4()),
        "record_id": str(uuid.uuid4()),
        "type": "checklist_item",
        "fields": {
            "title": field(f"Check enrolment data for village {n % 317}, household batch {n}"),
            "status": field(STATUSES[n % 4]),
            "notes": field(f"Discussed with the district officer; follow up on {n % 29} missing photos."),
            "due": field(f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}"),
            "order": field(n),
            "done": field(n % 3 == 0),
        },
    }


def seed(client: SyncClient, records: int) -> list[dict[str, Any]]:
    clock = Clock(secrets.token_hex(8))
    pushed = []
    for start in range(0, records, 1000):
        batch = [_item(clock, n) for n in range(start, min(records, start + 1000))]
        client.push(WORKSPACE, batch)
        pushed.extend(batch)
    return pushed


# -- the figures ------------------------------------------------------------------------------------


def _kb(value: float) -> str:
    return f"{value / 1024:,.1f} KB" if value < 1024 * 1024 else f"{value / 1024 / 1024:,.2f} MB"


def single_client_figures(base_url: str, records: int) -> None:
    proxy = CountingProxy(int(base_url.rsplit(":", 1)[1]))
    proxied = f"http://127.0.0.1:{proxy.port}"
    writer = SyncClient(base_url)
    token = writer.sign_in("bench", PASSWORD, "writer").token
    items = seed(writer, records)

    # First pull of everything, as a new laptop does (gzip on, cursor pages of 1000).
    timings, wire, requests = [], [], 0
    for _ in range(3):
        client = SyncClient(proxied, token=token)
        proxy.reset()
        started = time.perf_counter()
        count = 0
        requests = 0
        for page in client.pull(WORKSPACE, since=0, limit=1000):
            count += len(page.records)
            requests += 1
        timings.append(time.perf_counter() - started)
        wire.append(proxy.up + proxy.down)
        client.close()
        assert count >= records
    print(f"  first pull of {records:,} records: {statistics.median(timings) * 1000:,.0f} ms, "
          f"{_kb(statistics.median(wire))} on the wire in {requests} requests "
          f"(budget <= 1 s and <= 1.5 MB; Anki full download: 150 ms, 1.44 MB)")

    # A sync with nothing new: one GET /workspaces; every head equals the stored cursor.
    client = SyncClient(proxied, token=token)
    heads = {w.id: w.head for w in client.workspaces()}  # warm the connection
    client.close()
    client = SyncClient(proxied, token=token)
    proxy.reset()
    started = time.perf_counter()
    again = {w.id: w.head for w in client.workspaces()}
    elapsed = time.perf_counter() - started
    assert again == heads
    print(f"  sync with nothing new: 1 request, {proxy.up + proxy.down} B on the wire "
          f"({proxy.up} up, {proxy.down} down), {elapsed * 1000:.1f} ms (budget <= 600 B; Anki: 1 request, 536 B)")

    # 100 edited records pushed by one laptop, then pulled by another.
    editor = SyncClient(proxied, token=token)
    reader = SyncClient(proxied, token=token)
    editor.workspaces()
    reader.workspaces()
    clock = Clock(secrets.token_hex(8))
    push_ms, push_up, push_down, pull_ms, pull_up, pull_down = [], [], [], [], [], []
    for round_number in range(5):
        cursor = {w.id: w.head for w in reader.workspaces()}[WORKSPACE]
        chosen = items[round_number * 100:(round_number + 1) * 100]
        edits = []
        for item in chosen:
            old = item["fields"]["status"]
            new = {"v": STATUSES[(STATUSES.index(old["v"]) + 1) % 4], "t": clock.now(), "base": old["t"]}
            item["fields"]["status"] = {"v": new["v"], "t": new["t"]}
            edits.append({"change_id": str(uuid.uuid4()), "record_id": item["record_id"], "type": "checklist_item",
                          "fields": {"status": new}})
        proxy.reset()
        started = time.perf_counter()
        result = editor.push(WORKSPACE, edits)
        push_ms.append((time.perf_counter() - started) * 1000)
        push_up.append(proxy.up)
        push_down.append(proxy.down)
        assert all(r.status == "applied" for r in result.results)
        proxy.reset()
        started = time.perf_counter()
        pulled = sum(len(page.records) for page in reader.pull(WORKSPACE, since=cursor))
        pull_ms.append((time.perf_counter() - started) * 1000)
        pull_up.append(proxy.up)
        pull_down.append(proxy.down)
        assert pulled == 100
    print(f"  100 edited records pushed: {statistics.median(push_ms):.1f} ms, {_kb(statistics.median(push_up))} up, "
          f"{_kb(statistics.median(push_down))} down (budget <= 50 ms and <= 12 KB each way; Anki: 16 ms, 16 KB)")
    print(f"  100 edited records pulled: {statistics.median(pull_ms):.1f} ms, {_kb(statistics.median(pull_up))} up, "
          f"{_kb(statistics.median(pull_down))} down (whole records, not only the edited field)")
    proxy.close()


def concurrent_figures(base_url: str, server: psutil.Process, clients: int, label: str) -> None:
    signer = SyncClient(base_url)
    token = signer.sign_in("bench", PASSWORD, "concurrency").token
    latencies: dict[str, list[float]] = {"pull": [], "push": []}
    lock = threading.Lock()
    rss_peak = [server.memory_info().rss]
    stop = threading.Event()

    def watch_memory() -> None:
        while not stop.is_set():
            with contextlib.suppress(psutil.Error):
                rss_peak[0] = max(rss_peak[0], server.memory_info().rss)
            time.sleep(0.05)

    def puller(pages: int) -> None:
        client = SyncClient(base_url, token=token)
        since = 0
        for _ in range(pages):
            started = time.perf_counter()
            page = client.pull_page(WORKSPACE, since=since, limit=1000)
            with lock:
                latencies["pull"].append(time.perf_counter() - started)
            since = page.next_since
            if not page.has_more:
                since = 0
        client.close()

    def pusher(batches: int) -> None:
        client = SyncClient(base_url, token=token)
        clock = Clock(secrets.token_hex(8))
        for n in range(batches):
            batch = [_item(clock, n * 100 + k) for k in range(100)]
            started = time.perf_counter()
            client.push(WORKSPACE, batch)
            with lock:
                latencies["push"].append(time.perf_counter() - started)
        client.close()

    threading.Thread(target=watch_memory, daemon=True).start()
    idle_rss = server.memory_info().rss

    def run(kind: str, worker: Any, per_client: int, records_per_call: int) -> None:
        threads = [threading.Thread(target=worker, args=(per_client,)) for _ in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        calls = sorted(latencies[kind])
        p95 = calls[int(len(calls) * 0.95) - 1] * 1000
        total = clients * per_client * records_per_call
        print(f"  {label}, {clients} clients, {kind}: {total / elapsed:,.0f} records/s "
              f"({clients * per_client} requests of {records_per_call} records in {elapsed:.1f} s), p95 {p95:,.0f} ms")

    run("pull", puller, 4, 1000)
    run("push", pusher, 4, 100)
    stop.set()
    print(f"  {label}, server memory: {idle_rss / 2**20:,.0f} MB before, {rss_peak[0] / 2**20:,.0f} MB peak under load")


def _postgres_url() -> tuple[str, str] | None:
    base = os.environ.get("COMPANION_TEST_POSTGRES_URL")
    if not base:
        return None
    import sqlalchemy

    schema = f"cs_bench_{secrets.token_hex(4)}"
    engine = sqlalchemy.create_engine(base)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options={quote(f'-csearch_path={schema}')}", schema


def _drop_schema(schema: str) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(os.environ["COMPANION_TEST_POSTGRES_URL"])
    with engine.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    engine.dispose()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks server", description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args(argv)
    print(f"Sync server (loopback, {psutil.cpu_count()} CPUs, gzip on)")
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "sqlite"
        data_dir.mkdir()
        url = f"sqlite:///{data_dir / 'companion-server.sqlite3'}"
        print(" SQLite:")
        with running_server(data_dir, url) as (base_url, server):
            single_client_figures(base_url, args.records)
            concurrent_figures(base_url, server, args.clients, "SQLite")
        postgres = None if args.skip_postgres else _postgres_url()
        if postgres is None:
            print(" PostgreSQL: skipped (set COMPANION_TEST_POSTGRES_URL to measure it)")
            return 0
        pg_url, schema = postgres
        data_dir = Path(folder) / "postgres"
        data_dir.mkdir()
        print(" PostgreSQL:")
        try:
            with running_server(data_dir, pg_url) as (base_url, server):
                writer = SyncClient(base_url)
                writer.sign_in("bench", PASSWORD, "seed")
                started = time.perf_counter()
                seed(writer, args.records)
                print(f"  seeding {args.records:,} records in pushes of 1000: {time.perf_counter() - started:.1f} s")
                concurrent_figures(base_url, server, args.clients, "PostgreSQL")
        finally:
            _drop_schema(schema)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
