"""Record-layer benchmarks (budgets: DESIGN.md), each beside a baseline measured in the same run.

    python -m benchmarks records [--edits N] [--records N] [--baseline-commit REV] [--starts N]

Prints:
- an edit through the record writer (one field, with its clock and outbox row), p50/p95, beside
  the same UPDATE committed with plain sqlite3 on the same database (the floor any write pays);
- applying 10,000 remote records (a first pull page by page, and bundle-style merging);
- cold start of this checkout beside an earlier commit (default: the last commit before the
  record writer), alternating runs on their own data folders.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from companion.config import Paths  # noqa: E402
from companion.pilot.store import PilotStore  # noqa: E402
from companion.records import LocalReplica  # noqa: E402
from companion.replication import Clock, Record, record_as_change  # noqa: E402
from companion.session import open_data  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BEFORE_RECORD_WRITER = "5ae2cdc"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def edit_latency(folder: Path, edits: int) -> tuple[list[float], list[float]]:
    data = open_data(Paths(folder / "edits").ensure())
    store = PilotStore(data.library.engine, None, folder / "blobs")
    project_id = store.create_project("Benchmark")
    items = store.items(store.checklists(project_id)[0][0])
    writer_ms = []
    for number in range(edits):
        item = items[number % len(items)]
        started = time.perf_counter()
        store.update_item(item.id, owner=f"Owner {number}")
        writer_ms.append((time.perf_counter() - started) * 1000)
    data.close()
    # The floor: the same one-field UPDATE, committed by plain sqlite3 with the app's pragmas.
    connection = sqlite3.connect(data.paths.database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    raw_ms = []
    for number in range(edits):
        item = items[number % len(items)]
        started = time.perf_counter()
        connection.execute("BEGIN")
        connection.execute("UPDATE checklist_item SET owner = ? WHERE id = ?", (f"Raw {number}", item.id))
        connection.execute("COMMIT")
        raw_ms.append((time.perf_counter() - started) * 1000)
    connection.close()
    return writer_ms, raw_ms


def remote_records(count: int) -> list[Record]:
    clock = Clock("b0b0b0b0b0b0b0b0")
    checklist = str(uuid.uuid4())
    records = []
    for number in range(count):
        t = clock.now()
        fields = {"checklist_id": checklist, "section_key": f"s{number % 7}", "item_key": f"item-{number}",
                  "position": number, "status": "todo", "owner": "", "due_date": None,
                  "notes": f"Generated note {number}", "_deleted": False}
        records.append(Record(str(uuid.uuid4()), "checklist_item", {k: {"v": v, "t": t} for k, v in fields.items()}))
    return records


def apply_times(folder: Path, count: int) -> tuple[float, float, int]:
    records = remote_records(count)
    pulled = open_data(Paths(folder / "pulled").ensure())
    replica = LocalReplica(pulled.library.engine, folder / "blobs")
    started = time.perf_counter()
    for start in range(0, count, 1000):  # pages of 1,000, each with its cursor
        replica.apply_pulled("pilot", records[start:start + 1000], next_since=start + 1000)
    pull_s = time.perf_counter() - started
    pulled.close()
    merged = open_data(Paths(folder / "merged").ensure())
    replica = LocalReplica(merged.library.engine, folder / "blobs")
    changes = [record_as_change(r) for r in records]
    started = time.perf_counter()
    applied = replica.apply_remote("pilot", changes)
    merge_s = time.perf_counter() - started
    merged.close()
    return pull_s, merge_s, applied.records


def cold_starts(folder: Path, commit: str, runs: int) -> tuple[list[float], list[float]] | None:
    """Alternate cold starts of this checkout and of ``commit`` (its code on PYTHONPATH, ahead of
    the installed one), each on a data folder it made itself."""
    earlier = folder / "earlier"
    made = subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(earlier), commit],
                          capture_output=True, text=True)
    if made.returncode != 0:
        print(f"  (cold start beside {commit} skipped: {made.stderr.strip()})")
        return None
    try:
        import compileall

        for tree in (ROOT, earlier):
            for package in ("companion", "ui", "sync"):
                compileall.compile_dir(str(tree / package), quiet=1)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        trees = {"now": (ROOT, folder / "start-now"), "earlier": (earlier, folder / "start-earlier")}
        times: dict[str, list[float]] = {"now": [], "earlier": []}
        for run in range(runs + 1):  # the first run of each imports the bundled content: not timed
            for name, (tree, data_dir) in trees.items():
                started = time.perf_counter()
                result = subprocess.run(
                    [sys.executable, "-m", "ui", "--data-dir", str(data_dir), "--quit-when-ready", "--no-crash-dialog",
                     "--language", "fr"], env=dict(env, PYTHONPATH=str(tree)), cwd=tree, capture_output=True, text=True)
                if "READY" not in result.stdout:
                    raise RuntimeError(f"{name} did not start: {result.stderr[-1500:]}")
                if run:
                    times[name].append(time.perf_counter() - started)
        return times["now"], times["earlier"]
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(earlier)], capture_output=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks records")
    parser.add_argument("--edits", type=int, default=500)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--baseline-commit", default=BEFORE_RECORD_WRITER)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="companion-records-bench-"))
    writer_ms, raw_ms = edit_latency(folder, args.edits)
    pull_s, merge_s, applied = apply_times(folder, args.records)
    starts = cold_starts(folder, args.baseline_commit, args.starts)
    print("\nRecord layer benchmarks (budget in brackets)")
    print(f"  an edit through the writer (one field + clock + outbox row, {args.edits} edits): "
          f"p50 {percentile(writer_ms, .5):.2f} ms, p95 {percentile(writer_ms, .95):.2f} ms   [p95 <= 2 ms]"
          f"   (plain sqlite3 UPDATE + COMMIT: p95 {percentile(raw_ms, .95):.2f} ms, "
          f"ratio {percentile(writer_ms, .95) / percentile(raw_ms, .95):.1f}x)")
    print(f"  apply {applied:,} remote records: pulled in pages of 1,000 {pull_s:.2f} s, "
          f"merged as a bundle {merge_s:.2f} s   [<= 1 s]")
    if starts:
        now, earlier = starts
        print(f"  cold start, bundled content: this checkout median {statistics.median(now):.3f} s, "
              f"{args.baseline_commit} median {statistics.median(earlier):.3f} s, "
              f"ratio {statistics.median(now) / statistics.median(earlier):.2f}   [<= 1.0, alternating runs]")
    return 0
