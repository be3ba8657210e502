"""Sync server benchmark: prints figures (no pass/fail) next to the DESIGN.md budgets and Anki's.

    python -m benchmarks server [--records 10000] [--clients 50] [--skip-postgres] [--skip-concurrency]
                                [--anki-venv DIR]

Runs a real ``companion-server`` subprocess on loopback and measures through a
tiny TCP proxy that counts every byte both ways (request and response headers
included), so "bytes on the wire" is what a 2G link would really carry. In the
same run it measures Anki's own sync server with the shared anchor scripts
(benchmarks/anki_anchor.py) and prints each of our figures with its ratio to
Anki's; when no Python environment with PyPI ``anki`` is found it says so and
prints ours alone. PostgreSQL is measured too when COMPANION_TEST_POSTGRES_URL
is set (in a throw-away schema). Bounded: a few minutes on a 2-core machine.
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

from benchmarks import anki_anchor

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
        self.requests = 0
        self.lock = threading.Lock()
        self.cut_at: dict[str, int | None] = {"up": None, "down": None}
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.up = self.down = self.requests = 0

    def cut_after(self, direction: str, more_bytes: int | None) -> None:
        """Drop every connection once ``more_bytes`` more have gone ``direction`` (a link that dies)."""
        with self.lock:
            self.cut_at[direction] = None if more_bytes is None else getattr(self, direction) + more_bytes

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self.sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, "up"), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, "down"), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, direction: str) -> None:
        try:
            while data := source.recv(65536):
                with self.lock:
                    cut = self.cut_at[direction]
                    if cut is not None and getattr(self, direction) + len(data) > cut:
                        data = data[:max(0, cut - getattr(self, direction))]
                        self.cut_at[direction] = None
                        doomed = list(self.sockets)
                    else:
                        doomed = []
                    if direction == "up":
                        self.up += len(data)
                        self.requests += data.startswith((b"GET ", b"POST ", b"PUT ", b"HEAD ", b"DELETE "))
                    else:
                        self.down += len(data)
                target.sendall(data)
                if doomed:
                    for sock in doomed:
                        with contextlib.suppress(OSError):
                            sock.shutdown(socket.SHUT_RDWR)
                    return
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self.listener.close()


def _serve_proxy(target_port: int, commands: Any) -> None:
    proxy = CountingProxy(target_port)
    commands.send(proxy.port)
    while True:
        name, *args = commands.recv()
        if name == "close":
            proxy.close()
            return
        if name == "reset":
            proxy.reset()
        elif name == "cut":
            proxy.cut_after(*args)
        with proxy.lock:
            commands.send((proxy.up, proxy.down, proxy.requests))


class ProxyProcess:
    """The counting proxy in a process of its own, as the Anki anchor's is: in the client's
    process its threads would compete with the client for the interpreter lock and slow it."""

    def __init__(self, target_port: int) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        self._commands, theirs = context.Pipe()
        self._process = context.Process(target=_serve_proxy, args=(target_port, theirs), daemon=True)
        self._process.start()
        self.port = self._commands.recv()

    def _ask(self, *command: Any) -> tuple[int, int, int]:
        self._commands.send(command)
        return self._commands.recv()

    def reset(self) -> None:
        self._ask("reset")

    def cut_after(self, direction: str, more_bytes: int | None) -> None:
        self._ask("cut", direction, more_bytes)

    @property
    def up(self) -> int:
        return self._ask("get")[0]

    @property
    def down(self) -> int:
        return self._ask("get")[1]

    @property
    def requests(self) -> int:
        return self._ask("get")[2]

    def close(self) -> None:
        self._commands.send(("close",))
        self._process.join(10)


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


def _ratio(ours: float, anki: float | None) -> str:
    if anki is None or anki != anki or anki == 0:  # no anchor in this run (or nothing to compare)
        return ""
    return f" | Anki {anki:,.3g} -> x{ours / anki:.2f}"


def _pull_all(client: SyncClient, since: int = 0, on_page: Any = None) -> tuple[int, int]:
    """Pull every page after ``since`` as a laptop does, parsed (not stored: Anki's figure includes its disk write)."""
    count = 0
    if not hasattr(client, "pull_dicts"):  # a client from before pull_dicts (to measure an older checkout)
        for model_page in client.pull(WORKSPACE, since=since, limit=1000):
            count += len(model_page.records)
            since = model_page.next_since
            if on_page is not None:
                on_page(since)
        return count, since
    for page in client.pull_dicts(WORKSPACE, since=since, limit=1000):
        count += len(page["records"])
        since = page["next_since"]
        if on_page is not None:
            on_page(since)
    return count, since


def single_client_figures(base_url: str, records: int, anki: Any = None) -> dict[str, float]:
    proxy = ProxyProcess(int(base_url.rsplit(":", 1)[1]))
    proxied = f"http://127.0.0.1:{proxy.port}"
    writer = SyncClient(base_url)
    token = writer.sign_in("bench", PASSWORD, "writer").token
    items = seed(writer, records)
    median = statistics.median
    anchor = (lambda name: getattr(anki, "median")(getattr(anki, name))) if anki is not None else (lambda name: None)
    figures: dict[str, float] = {}

    # First sync of everything, as a new laptop does: a new connection, cursor pages, each page parsed.
    timings, wire, requests = [], [], 0
    for _ in range(3):
        client = SyncClient(proxied, token=token)
        proxy.reset()
        started = time.perf_counter()
        count, _ = _pull_all(client)
        timings.append(time.perf_counter() - started)
        wire.append(proxy.up + proxy.down)
        requests = proxy.requests
        client.close()
        assert count >= records
    figures["first_sync_s"], figures["first_sync_bytes"] = median(timings), median(wire)
    print(f"  first sync of {records:,} records: {median(timings) * 1000:,.0f} ms"
          f"{_ratio(median(timings) * 1000, anchor('full_download_s') and anchor('full_download_s') * 1000)} ms full download; "
          f"{_kb(median(wire))} on the wire{_ratio(median(wire) / 1024, anchor('full_download_bytes') and anchor('full_download_bytes') / 1024)} KB; "
          f"{requests} requests (budget: <= Anki's time, <= 1.5 MB)")

    # A sync with nothing new: one GET /workspaces on the laptop's open connection; every head equals its cursor.
    client = SyncClient(proxied, token=token)
    heads = {w.id: w.head for w in client.workspaces()}
    latencies = []
    for _ in range(40):
        proxy.reset()
        started = time.perf_counter()
        again = {w.id: w.head for w in client.workspaces()}
        latencies.append(time.perf_counter() - started)
        assert again == heads
    noop_bytes, noop_requests = proxy.up + proxy.down, proxy.requests
    client.close()
    cold = SyncClient(proxied, token=token)
    proxy.reset()
    started = time.perf_counter()
    cold.workspaces()
    cold_ms = (time.perf_counter() - started) * 1000
    cold.close()
    figures["noop_s"], figures["noop_bytes"] = median(latencies), noop_bytes
    print(f"  sync with nothing new: {noop_requests} request, {noop_bytes} B on the wire ({proxy.up} up){_ratio(noop_bytes, anchor('noop_bytes'))} B, "
          f"{median(latencies) * 1000:.2f} ms{_ratio(median(latencies) * 1000, anchor('noop_s') and anchor('noop_s') * 1000)} ms "
          f"(median of 40 on an open connection; {cold_ms:.1f} ms with a new one) (budget: 1 request, <= 600 B, <= Anki's time)")

    # 100 edited records pushed by one laptop, then pulled by another.
    editor = SyncClient(proxied, token=token)
    reader = SyncClient(proxied, token=token)
    editor.workspaces()
    reader.workspaces()
    clock = Clock(secrets.token_hex(8))
    push_ms, push_up, push_down, pull_ms, pull_up, pull_down = [], [], [], [], [], []
    for round_number in range(5):
        cursor = {w.id: w.head for w in reader.workspaces()}[WORKSPACE]
        edits = _edits(items[round_number * 100:(round_number + 1) * 100], clock)
        proxy.reset()
        started = time.perf_counter()
        result = editor.push(WORKSPACE, edits)
        push_ms.append((time.perf_counter() - started) * 1000)
        push_up.append(proxy.up)
        push_down.append(proxy.down)
        assert all(r.status == "applied" for r in result.results)
        proxy.reset()
        started = time.perf_counter()
        pulled, _ = _pull_all(reader, since=cursor)
        pull_ms.append((time.perf_counter() - started) * 1000)
        pull_up.append(proxy.up)
        pull_down.append(proxy.down)
        assert pulled == 100
    figures.update(push_ms=median(push_ms), push_up=median(push_up), pull_ms=median(pull_ms), pull_down=median(pull_down))
    print(f"  100 edited records pushed: {median(push_ms):.1f} ms{_ratio(median(push_ms), anchor('edits_up_s') and anchor('edits_up_s') * 1000)} ms, "
          f"{_kb(median(push_up))} up{_ratio(median(push_up) / 1024, anchor('edits_up_bytes') and anchor('edits_up_bytes') / 1024)} KB, "
          f"{_kb(median(push_down))} down")
    print(f"  100 edited records pulled: {median(pull_ms):.1f} ms{_ratio(median(pull_ms), anchor('edits_down_s') and anchor('edits_down_s') * 1000)} ms, "
          f"{_kb(median(pull_down))} down{_ratio(median(pull_down) / 1024, anchor('edits_down_bytes') and anchor('edits_down_bytes') / 1024)} KB, "
          f"{_kb(median(pull_up))} up (whole records, not only the edited field)")

    # A sync cut half-way, then retried: 5,000 edits pushed 1,000 a time, the link dying during the third push.
    edits = _edits(items[:5000] if len(items) >= 5000 else items, clock)
    batches = [edits[start:start + 1000] for start in range(0, len(edits), 1000)]
    sender = SyncClient(proxied, token=token)
    sender.workspaces()
    proxy.reset()
    pending = list(batches)
    sizes = []
    try:
        while pending:
            before = proxy.up
            if len(sizes) == 2:
                proxy.cut_after("up", sizes[0] // 2)
            sender.push(WORKSPACE, pending[0])
            sizes.append(proxy.up - before)
            pending.pop(0)  # accepted: the laptop marks these changes as sent
    except Exception:  # noqa: BLE001 - the cut
        pass
    proxy.cut_after("up", None)
    cut_attempt = proxy.up
    sender.close()
    retry = SyncClient(proxied, token=token)
    proxy.reset()
    for batch in pending:
        retry.push(WORKSPACE, batch)
    retried = proxy.up
    clean = sum(sizes[:1]) * len(batches)  # every push of 1,000 edits is the same size
    resent = cut_attempt + retried - clean
    figures["cut_resent_bytes"], figures["page_bytes"] = resent, sizes[0]
    anki_resent = (anki.cut_then_retry_bytes - anki.sync_5000_bytes) if anki is not None else None
    print(f"  a sync of 5,000 edits cut during its third push, then retried: {_kb(max(0, resent))} sent twice "
          f"(one push of 1,000 is {_kb(sizes[0])}){_ratio(max(0, resent) / 1024, anki_resent and anki_resent / 1024)} KB "
          f"(budget: at most one page again; Anki sends everything again)")

    # The same on the way down: a first sync cut in its fifth page resumes from the last stored cursor.
    stored = [0]
    puller = SyncClient(proxied, token=token)
    proxy.reset()
    proxy.cut_after("down", int(figures["first_sync_bytes"] * 0.45))
    try:
        _pull_all(puller, on_page=lambda cursor: stored.__setitem__(0, cursor))
    except Exception:  # noqa: BLE001 - the cut
        pass
    proxy.cut_after("down", None)
    cut_down = proxy.down
    puller.close()
    resumed = SyncClient(proxied, token=token)
    proxy.reset()
    _pull_all(resumed, since=stored[0])
    wasted = cut_down + proxy.down - figures["first_sync_bytes"]
    print(f"  a first sync cut in its fifth page, then resumed: {_kb(max(0, wasted))} received twice "
          f"(a page is about {_kb(figures['first_sync_bytes'] / max(1, requests))})")
    proxy.close()
    return figures


def _edits(chosen: list[dict[str, Any]], clock: Clock) -> list[dict[str, Any]]:
    """One edit of the status of each item, as a laptop writes it (base = the value it saw)."""
    edits = []
    for item in chosen:
        old = item["fields"]["status"]
        new = {"v": STATUSES[(STATUSES.index(old["v"]) + 1) % 4], "t": clock.now(), "base": old["t"]}
        item["fields"]["status"] = {"v": new["v"], "t": new["t"]}
        edits.append({"change_id": str(uuid.uuid4()), "record_id": item["record_id"], "type": "checklist_item",
                      "fields": {"status": new}})
    return edits


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


# (what, our figure, Anki's figure, unit, scale): the figures compared round by round.
_COMPARED = [
    ("first sync of 10,000 records", "first_sync_s", "full_download_s", "ms", 1000),
    ("sync with nothing new", "noop_s", "noop_s", "ms", 1000),
    ("100 edits pushed", "push_ms", "edits_up_s", "ms", 1),
    ("100 edits pulled", "pull_ms", "edits_down_s", "ms", 1),
]


def alternate_rounds(python: Path, version: str, records: int, rounds: int) -> None:
    """Anki's run, then ours on a new server, ``rounds`` times; each round's ratio, then their median.
    Alternating puts both under the same drift of a shared machine (other guests, CPU frequency)."""
    ratios: dict[str, list[float]] = {name: [] for name, *_ in _COMPARED}
    print(f" Anki {version} and the Companion (SQLite) alternately, {rounds} rounds (ours / Anki's; below 1 is better):")
    for number in range(1, rounds + 1):
        anki = anki_anchor.run(python, version, runs=1)
        with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()):
            url = f"sqlite:///{Path(folder) / 'companion-server.sqlite3'}"
            with running_server(Path(folder), url) as (base_url, _server):
                ours = single_client_figures(base_url, records, anki)
        parts = []
        for name, our_key, anki_key, unit, scale in _COMPARED:
            mine = ours[our_key] * scale
            theirs = anki.median(getattr(anki, anki_key)) * 1000
            ratios[name].append(mine / theirs)
            parts.append(f"{name.split(' of ')[0]} {mine:.1f} vs {theirs:.1f} {unit} (x{mine / theirs:.2f})")
        print(f"  round {number}: " + "; ".join(parts), flush=True)
    print("  medians of the rounds' ratios: " + "; ".join(
        f"{name} x{statistics.median(values):.2f} (x{min(values):.2f} to x{max(values):.2f})"
        for name, values in ratios.items()))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks server", description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-concurrency", action="store_true", help="only the single-laptop figures")
    parser.add_argument("--anki-venv", help="a Python environment with PyPI 'anki' (default: $ANKI_VENV, ../notes/anki/venv)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="with more than 1: Anki and ours alternately, each round on a new server, then the "
                             "median of each round's ratio (SQLite, single laptop; on a shared machine one round's "
                             "figures move by a factor of two)")
    args = parser.parse_args(argv)
    print(f"Sync server (loopback, {psutil.cpu_count()} CPUs, gzip on)")
    python, found = anki_anchor.find_venv(args.anki_venv)
    if args.rounds > 1:
        if python is None:
            print(f" Anki anchor: NOT MEASURED: {found}. --rounds compares with Anki; nothing to do.")
            return 1
        alternate_rounds(python, found, args.records, args.rounds)
        return 0
    anki = None
    if python is None:
        print(f" Anki anchor: NOT MEASURED in this run: {found}. Figures below have no Anki ratio.")
    else:
        try:
            anki = anki_anchor.run(python, found)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            print(f" Anki anchor: NOT MEASURED in this run: {error}")
    if anki is not None:
        m = anki.median
        print(f" Anki {anki.version} (its own sync server, loopback, byte-counting proxy, median of {len(anki.full_download_s)} runs):")
        print(f"  full download of 10,000 notes: {m(anki.full_download_s) * 1000:,.0f} ms, {_kb(m(anki.full_download_bytes))}; "
              f"nothing new: {m(anki.noop_requests):.0f} request, {m(anki.noop_bytes):.0f} B, {m(anki.noop_s) * 1000:.2f} ms")
        print(f"  100 edits: {m(anki.edits_up_s) * 1000:.1f} ms, {_kb(m(anki.edits_up_bytes))} up; "
              f"{m(anki.edits_down_s) * 1000:.1f} ms, {_kb(m(anki.edits_down_bytes))} down; "
              f"5,000 edits cut half-way then retried: {_kb(anki.cut_then_retry_bytes - anki.sync_5000_bytes)} sent twice")
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder) / "sqlite"
        data_dir.mkdir()
        url = f"sqlite:///{data_dir / 'companion-server.sqlite3'}"
        print(" Companion, SQLite (ratios: ours / Anki's, same run; below 1 is better):")
        with running_server(data_dir, url) as (base_url, server):
            single_client_figures(base_url, args.records, anki)
            if not args.skip_concurrency:
                concurrent_figures(base_url, server, args.clients, "SQLite")
        postgres = None if args.skip_postgres else _postgres_url()
        if postgres is None:
            print(" PostgreSQL: skipped (set COMPANION_TEST_POSTGRES_URL to measure it)")
            return 0
        pg_url, schema = postgres
        data_dir = Path(folder) / "postgres"
        data_dir.mkdir()
        print(" Companion, PostgreSQL:")
        try:
            with running_server(data_dir, pg_url) as (base_url, server):
                single_client_figures(base_url, args.records, anki)
                if not args.skip_concurrency:
                    concurrent_figures(base_url, server, args.clients, "PostgreSQL")
        finally:
            _drop_schema(schema)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
