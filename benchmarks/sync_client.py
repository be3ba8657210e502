"""Client-side sync benchmark: prints figures (no pass/fail) next to the DESIGN.md budgets.

    python -m benchmarks sync-client [--records 10000] [--edits 100]

1. 100 edited checklist items over a simulated 2G link (250 kbit/s each way, 400 ms round
   trip, the link dropped every 4-9 kB of traffic): one laptop pushes them, another pulls
   them; time for each, cuts survived, and whether anything was lost (digests, counts).
2. The window's event loop during a first sync of 10,000 records: a 10 ms timer on the UI
   thread records how late each tick fires while the sync runs on a worker thread (the
   real SyncController); the worst gap is the longest the window could not respond.

Runs a real companion-server subprocess (SQLite) on loopback, real laptop data folders.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _server(base: Path):  # type: ignore[no-untyped-def]
    from tests.sync.conftest import ServerProcess, admin
    from tests.sync.laptops import SyncServer

    data_dir = base / "server"
    data_dir.mkdir()
    url = f"sqlite:///{data_dir / 'companion-server.sqlite3'}"
    admin(data_dir, url, "migrate")
    process = ServerProcess(data_dir, url, "--max-failed-logins-per-address", "100000").start()
    return SyncServer(data_dir, url, process)


def two_g(base: Path, server, edits: int) -> None:  # type: ignore[no-untyped-def]
    from tests.sync.faulty_proxy import FaultyProxy
    from tests.sync.laptops import new_id, new_laptop

    person = server.person("field")
    first, second = new_laptop(person, base / "2g-a"), new_laptop(person, base / "2g-b")
    ids = [new_id() for _ in range(edits)]
    for n, record_id in enumerate(ids):
        first.write(person.personal, record_id, "checklist_item", {"notes": f"Item {n}", "status": "todo"})
    first.engine(server.url).sync()
    second.engine(server.url).sync()
    for n, record_id in enumerate(ids):  # the edits under test: 100 items changed offline
        first.write(person.personal, record_id, "checklist_item",
                    {"status": "done", "notes": f"Item {n}: done, checked with the district officer"})
    with FaultyProxy(("127.0.0.1", server.port), seed=7) as proxy:
        proxy.latency_s = 0.2
        proxy.bandwidth_bps = 250_000
        # Drops: the link goes down every 4-9 kB of traffic (a few seconds at 250 kbit/s),
        # whichever request is on it at the time.
        dropping = threading.Event()

        def drop_now_and_then() -> None:
            rng = random.Random(11)
            while not dropping.is_set():
                cuts = proxy.cuts
                proxy.cut_next_at(rng.randint(4_000, 9_000))
                while proxy.cuts == cuts and not dropping.is_set():
                    time.sleep(0.05)

        threading.Thread(target=drop_now_and_then, daemon=True).start()
        started = time.perf_counter()
        push = first.engine(proxy.url, max_attempts=20, backoff_initial=0.2, backoff_max=2).sync()
        pushed = time.perf_counter() - started
        up_bytes, up_cuts = proxy.bytes_relayed, proxy.cuts
        started = time.perf_counter()
        pull = second.engine(proxy.url, max_attempts=20, backoff_initial=0.2, backoff_max=2).sync()
        pulled = time.perf_counter() - started
        down_bytes, down_cuts = proxy.bytes_relayed - up_bytes, proxy.cuts - up_cuts
        dropping.set()
    same = first.replica.digest(person.personal) == second.replica.digest(person.personal)
    done = sum(1 for record_id in ids if second.value(person.personal, record_id, "status") == "done")
    print(f"\n2G link (250 kbit/s, 400 ms RTT, a drop every 4-9 kB of traffic), {edits} edited items:")
    print(f"  push: {pushed:6.2f} s, {push.requests} requests, {up_bytes / 1024:6.1f} KiB relayed, {up_cuts} cuts survived")
    print(f"  pull: {pulled:6.2f} s, {pull.requests} requests, {down_bytes / 1024:6.1f} KiB relayed, {down_cuts} cuts survived")
    print(f"  budget: each way <= 15 s, nothing lost -> {'OK' if max(pushed, pulled) <= 15 else 'OVER'}; "
          f"received {done}/{edits}, digests {'equal' if same else 'DIFFERENT'}")
    first.close()
    second.close()


def ui_stall(base: Path, server, records: int) -> None:  # type: ignore[no-untyped-def]
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from companion.config import Paths
    from tests.sync.laptops import CHECKLIST_ID, new_laptop
    from ui.app import start

    person = server.person("stall")
    author = new_laptop(person, base / "stall-author")
    started = time.perf_counter()
    with author.replica.records.transaction() as writer:
        for n in range(records):
            writer.create("checklist_item", {"checklist_id": CHECKLIST_ID, "section_key": "s", "item_key": f"k{n}",
                                             "position": n, "notes": f"Record {n} " + "x" * 60}, workspace=person.personal)
    author.engine(server.url).sync()
    prepared = time.perf_counter() - started
    # The real app on a new laptop's data folder, signed in; the sync runs from its controller.
    folder = base / "stall-laptop"
    laptop = new_laptop(person, folder)
    laptop.replica.set_sync_state("sync.account", {"server_url": server.url, "username": person.name,
                                                   "user_id": person.user_id, "token_store": "file"})
    (folder / "sync-token").write_text(person.token)
    laptop.close()
    running = start(Paths(folder.resolve()).ensure(), "en")
    app = QApplication.instance()
    controller = running.sync.controller
    controller.start_timer.stop()
    settle_until = time.perf_counter() + 2
    while time.perf_counter() < settle_until:  # the bundled library import and first paint
        app.processEvents()
        time.sleep(0.001)
    gaps: list[float] = []
    clock = QElapsedTimer()
    ticker = QTimer(interval=10)

    def tick() -> None:
        gaps.append(clock.restart())

    ticker.timeout.connect(tick)
    # The noise floor: the same timer with nothing running (a shared, loaded machine stalls too).
    clock.start()
    ticker.start()
    idle_until = time.perf_counter() + 3
    while time.perf_counter() < idle_until:
        app.processEvents()
        time.sleep(0.001)
    ticker.stop()
    idle = sorted(gaps)
    gaps.clear()
    done = []
    controller.finished.connect(lambda report: done.append(report))
    controller.status_changed.connect(lambda status: done.append(status) if status.state in ("error", "offline") else None)
    import gc

    collections: list[float] = []
    marks: dict[str, float] = {}

    def watch_gc(phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                marks["start"] = time.perf_counter()
            else:
                collections.append((time.perf_counter() - marks.get("start", time.perf_counter())) * 1000)

    gc.callbacks.append(watch_gc)
    clock.start()
    ticker.start()
    started = time.perf_counter()
    controller.sync_now()
    while not done and time.perf_counter() - started < 600:
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - started
    ticker.stop()
    gc.callbacks.remove(watch_gc)
    late = sorted(gaps)
    count = running.sync.replica.record_count(person.personal)
    running.close()
    print(f"\nUI event loop during a first sync of {records} records in the app's window (prepared in {prepared:.1f} s):")
    print(f"  sync took {elapsed:.2f} s on a worker thread; {len(gaps)} ticks of a 10 ms timer on the window's thread")
    print(f"  longest gap between ticks: {late[-1]:.0f} ms; p99 {late[int(len(late) * 0.99) - 1]:.0f} ms; "
          f"median {statistics.median(late):.0f} ms")
    print(f"  the same timer with nothing running, same run: longest gap {idle[-1]:.0f} ms, "
          f"p99 {idle[int(len(idle) * 0.99) - 1]:.0f} ms (machine load: {os.getloadavg()[0]:.1f})")
    print(f"  full garbage collections during the sync: {len(collections)}, longest {max(collections, default=0):.0f} ms")
    print(f"  budget: no stall over 100 ms -> {'OK' if late[-1] <= 100 else 'OVER'}; local records {count}")
    author.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks sync-client")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--only", choices=["2g", "ui"], help="run one of the two measurements")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="companion-sync-bench-") as folder:
        base = Path(folder)
        server = _server(base)
        try:
            if args.only in (None, "2g"):
                two_g(base, server, args.edits)
            if args.only in (None, "ui"):
                ui_stall(base, server, args.records)
        finally:
            server.process.stop()
    return 0
