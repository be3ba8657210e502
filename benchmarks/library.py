"""Library benchmarks with 10,000 generated guides (budgets: DESIGN.md).

    python -m benchmarks library [--guides N] [--keep DIR] [--rounds N]

Prints: cold start to a usable main window (median of 5, with a bare-Qt baseline),
core search latency (p50/p95, accent-insensitive French), opening a 6,000-word guide,
and resident memory when idle. Every time is also given as a ratio to the bare Qt window
measured in the same round, with the machine's load average: absolute times move with the
machine and with what else runs on it. With several rounds, each round is printed, then the
medians over the rounds.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from companion.config import Paths, guides_dir  # noqa: E402
from companion.content.loader import load_guide_sources  # noqa: E402
from companion.content.render import render_markdown  # noqa: E402
from companion.session import import_bundled_content, open_data  # noqa: E402
from companion.storage.models import Guide, utcnow  # noqa: E402

SEARCHES = ["integration", "faisabilite", "prestations", "assure", "hebergement", "gouvernance", "formation",
            "pil", "etablissement de sante", "claims review", "feasibility", "catalytic fund", "communaute",
            "mobile", "verification des", "budget", "FHIR", "agent d'inscription", "scale", "migration"]
BIG_GUIDE = "benchmark-6000-words"  # BIG_GUIDE-1 ... BIG_GUIDE-5: each opened first once, then again
LONG_GUIDES = 5


def _blocks() -> list[tuple[str, str]]:
    """Every Markdown block of the bundled guides, rendered once: (html, text)."""
    blocks = []
    for source in load_guide_sources(guides_dir()):
        for block in re.split(r"\n\s*\n", source.body_markdown):
            if block.strip():
                rendered = render_markdown(block)
                blocks.append((rendered.html, rendered.text))
    return blocks


def build_library(paths: Paths, count: int) -> None:
    data = open_data(paths)
    import_bundled_content(data.library)
    blocks = _blocks()
    rng = random.Random(2026)
    categories = ["onboarding", "pilot", "feasibility", "training", "community"]
    rows = []
    for number in range(count):
        chosen = rng.sample(blocks, k=rng.randint(12, 40))
        body_html = "\n".join(h for h, _t in chosen)
        body_text = " ".join(t for _h, t in chosen)
        language = "fr" if number % 2 else "en"
        rows.append(dict(
            slug=f"generated-{number // 2}", language=language,
            title=f"{body_text.split('.')[0][:70]} ({number})", summary=body_text[:160],
            category=categories[number % 5], tags="generated benchmark", revision=1, sort_order=number,
            translation_of="en" if language == "fr" else None, source_revision=1 if language == "fr" else None,
            origin="generated", content_hash=str(number), body_markdown="(generated)", body_html=body_html,
            body_text=body_text, toc=[], word_count=len(body_text.split()), updated_at=utcnow()))
    # Long guides of about 6,000 words each, with headings, for the opening figure.
    for number in range(1, LONG_GUIDES + 1):
        parts, words, section = [], 0, 0
        while words < 6000:
            section += 1
            parts.append(f'<h2 id="section-{section}">Section {section}</h2>')
            for block_html, block_text in rng.sample(blocks, k=6):
                parts.append(block_html)
                words += len(block_text.split())
        big_html = "\n".join(parts)
        rows.append(dict(slug=f"{BIG_GUIDE}-{number}", language="en", title=f"A 6,000-word guide ({number})",
                         summary="Benchmark", category="training", tags="", revision=1, sort_order=0,
                         translation_of=None, source_revision=None, origin="generated", content_hash=f"big{number}",
                         body_markdown="(generated)", body_html=big_html, body_text=re.sub(r"<[^>]+>", " ", big_html),
                         toc=[[2, f"section-{n}", f"Section {n}"] for n in range(1, section + 1)],
                         word_count=words, updated_at=utcnow()))
    with data.library.sessions.begin() as session:
        session.execute(Guide.__table__.insert(), rows)
    data.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def compile_sources() -> None:
    """Byte-compile the app's own modules, as pip does when it installs the wheel: an installed
    Companion never compiles its sources at start (this machine sets PYTHONDONTWRITEBYTECODE, so
    a source checkout otherwise would, on every start)."""
    import compileall

    root = Path(__file__).resolve().parents[1]
    for package in ("companion", "ui", "sync"):
        compileall.compile_dir(str(root / package), quiet=1)


def _children_cpu() -> float:
    """CPU seconds (user + system) used so far by this process's finished children (0 where unknown)."""
    try:
        import resource
    except ImportError:  # Windows: only the wall-clock figures are printed
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed_lines(command: list[str], env: dict[str, str]) -> tuple[dict[str, float], float]:
    """Run ``command``: seconds from its start to each word it prints first on a line (READY,
    LOADED), and the CPU seconds it used."""
    cpu, started = _children_cpu(), time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    arrived = {}
    for line in process.stdout:
        if line.strip():
            arrived.setdefault(line.split()[0], time.perf_counter() - started)
    error = process.stderr.read()
    if process.wait() != 0 or "READY" not in arrived:
        raise RuntimeError(f"{command[-1][:60]} did not start: {error[-2000:]}")
    return arrived, _children_cpu() - cpu


def cold_start(paths: Paths, runs: int = 5) -> dict[str, list[float]]:
    """The app and a bare Qt window, alternately: seconds from the process's start to its window on
    screen (READY), for the app also to its data open and sync installed (LOADED), and the CPU
    seconds each used (CPU time hardly moves when other processes share the cores). The app is
    started once first, as every start but the very first one is: the last run's Home is there."""
    compile_sources()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    baseline = ("from PySide6.QtWidgets import QApplication, QMainWindow; from PySide6.QtCore import QTimer; "
                "a = QApplication([]); w = QMainWindow(); w.show(); "
                "QTimer.singleShot(0, lambda: (print('READY', flush=True), a.quit())); a.exec()")
    app = [sys.executable, "-m", "ui", "--data-dir", str(paths.data_dir), "--quit-when-ready", "--no-crash-dialog",
           "--language", "fr"]
    _timed_lines(app, env)
    times: dict[str, list[float]] = {key: [] for key in ("app", "loaded", "app_cpu", "bare", "bare_cpu")}
    for _ in range(runs):
        arrived, cpu = _timed_lines([sys.executable, "-c", baseline], env)
        times["bare"].append(arrived["READY"])
        times["bare_cpu"].append(cpu)
        arrived, cpu = _timed_lines(app, env)
        times["app"].append(arrived["READY"])
        times["loaded"].append(arrived["LOADED"])
        times["app_cpu"].append(cpu)
    return times


def search_latency(paths: Paths, rounds: int = 25) -> tuple[list[float], list[float]]:
    """Milliseconds per query, wall-clock and CPU (the CPU time shows what waiting for a busy core adds)."""
    data = open_data(paths)
    library = data.library
    timings, cpu = [], []
    for query in SEARCHES:  # warm the page cache as a user's session would
        library.search(query)
    for _ in range(rounds):
        for query in SEARCHES:
            started, cpu_started = time.perf_counter(), time.process_time()
            library.search(query, language="fr" if len(query) % 2 else None)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
    data.close()
    return timings, cpu


def idle_memory_and_open_times(paths: Paths) -> dict:
    """Run in a child process so the memory figure is the app's alone."""
    code = f"""
import os, time, json, psutil
os.environ['QT_QPA_PLATFORM'] = 'offscreen'
from companion.config import Paths
from pathlib import Path
from ui.app import start
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication
running = start(Paths(Path({str(paths.data_dir)!r})), 'en', fast=True)  # as the app starts
app = QApplication.instance()
end = time.time() + 2
while time.time() < end:
    app.processEvents()
rss = psutil.Process().memory_info().rss
opens, opens_cpu, first_opens, first_laid_out, laid_out = [], [], [], [], []
browser = running.window.reader.browser
# Each long guide opened for the first time (parsed), then the last one opened again and again
# (back from the list to the guide just read: kept parsed). "On screen": the first screenful
# drawn, the guide readable (Qt lays out the rest in steps while idle); "laid out": all of it.
for number in [*range(1, {LONG_GUIDES} + 1), *[{LONG_GUIDES}] * 15]:
    started, cpu_started = time.perf_counter(), time.process_time()
    running.window.open_guide(f"{BIG_GUIDE}-{{number}}", 'en')
    if browser.loading:  # a very long guide is parsed on a pool thread: wait idle, as the app does
        waiting = QEventLoop()
        browser.document_ready.connect(waiting.quit)
        waiting.exec()
        browser.document_ready.disconnect(waiting.quit)
    browser.viewport().repaint()  # drawn now, not at the next event loop turn
    on_screen = (time.perf_counter() - started) * 1000
    cpu = (time.process_time() - cpu_started) * 1000
    browser.document().size()  # the rest of the layout, at once
    app.processEvents()
    whole = (time.perf_counter() - started) * 1000
    if len(first_opens) < {LONG_GUIDES}:
        first_opens.append(on_screen)
        first_laid_out.append(whole)
    else:
        opens.append(on_screen)
        opens_cpu.append(cpu)
        laid_out.append(whole)
    running.window.go_back()
screen = []
for query in {SEARCHES!r}:
    started = time.perf_counter()
    running.window.search_field.setText(query)
    running.window._run_search_now()  # what the typing pause triggers
    running.window.search_screen.results.viewport().repaint()
    app.processEvents()
    screen.append((time.perf_counter() - started) * 1000)
print(json.dumps({{"rss": rss, "opens": opens, "opens_cpu": opens_cpu, "first_opens": first_opens,
                  "first_laid_out": first_laid_out, "laid_out": laid_out, "words": running.window.reader.view.word_count,
                  "screen": screen}}))
"""
    import json

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def measure_round(paths: Paths) -> dict[str, float]:
    """One round of every figure, times in seconds, with the bare-window baseline and the load."""
    load_before = os.getloadavg()[0]
    started = cold_start(paths)
    starts, baselines, start_cpu, baseline_cpu = started["app"], started["bare"], started["app_cpu"], started["bare_cpu"]
    searches, search_cpu = search_latency(paths)
    child = idle_memory_and_open_times(paths)
    opens, first_opens, on_screen = child["opens"], child["first_opens"], child["screen"]
    return {
        "load_before": load_before, "load_after": os.getloadavg()[0],
        "bare": statistics.median(baselines), "bare_cpu": statistics.median(baseline_cpu),
        "start": statistics.median(starts), "start_max": max(starts), "start_cpu": statistics.median(start_cpu),
        "loaded": statistics.median(started["loaded"]),
        "search_p50": percentile(searches, .5) / 1000, "search_p95": percentile(searches, .95) / 1000,
        "search_cpu_p95": percentile(search_cpu, .95) / 1000,
        "screen_p50": percentile(on_screen, .5) / 1000, "screen_p95": percentile(on_screen, .95) / 1000,
        "first_open": statistics.median(first_opens) / 1000, "first_open_max": max(first_opens) / 1000,
        "first_laid_out": statistics.median(child["first_laid_out"]) / 1000,
        "open": statistics.median(opens) / 1000, "open_cpu": statistics.median(child["opens_cpu"]) / 1000,
        "open_p95": percentile(opens, .95) / 1000, "laid_out": statistics.median(child["laid_out"]) / 1000,
        "words": child["words"], "rss": child["rss"] / 2**20,
    }


def report(figures: dict[str, float], guides: int, title: str) -> None:
    bare = figures["bare"]

    def ratio(seconds: float) -> str:
        return f"{seconds / bare:.2f} x bare window"

    print(f"\n{title}, {guides:,} generated guides (budget in brackets; load average "
          f"{figures['load_before']:.1f} before, {figures['load_after']:.1f} after, on {os.cpu_count()} cores)")
    print(f"  bare Qt window (the baseline): {bare:.3f} s" + (f", CPU {figures['bare_cpu']:.3f} s" if figures["bare_cpu"] else ""))
    cpu = (f"   (CPU {figures['start_cpu']:.3f} s, {figures['start_cpu'] / figures['bare_cpu']:.2f} x the bare window's)"
           if figures["bare_cpu"] else "")
    print(f"  cold start to usable main window (Home on screen, input taken): median {figures['start']:.3f} s "
          f"({ratio(figures['start'])}), max {figures['start_max']:.3f} s   [<= 3 x bare window; <= 0.8 s]")
    print(f"  ... to the data open and sync installed (every screen at once): median {figures['loaded']:.3f} s "
          f"({ratio(figures['loaded'])}){cpu}")
    print(f"  core search ({len(SEARCHES) * 25} queries): p50 {figures['search_p50'] * 1000:.2f} ms, "
          f"p95 {figures['search_p95'] * 1000:.2f} ms ({ratio(figures['search_p95'])})   [p95 <= 10 ms]   "
          f"(CPU p95 {figures['search_cpu_p95'] * 1000:.2f} ms)")
    print(f"  search results on screen after typing stops: p50 {figures['screen_p50'] * 1000:.1f} ms, "
          f"p95 {figures['screen_p95'] * 1000:.1f} ms ({ratio(figures['screen_p95'])})   [<= 50 ms]")
    print(f"  open a {figures['words']:,.0f}-word guide for the first time (parsed), on screen: median of "
          f"{LONG_GUIDES} guides {figures['first_open'] * 1000:.1f} ms ({ratio(figures['first_open'])}), "
          f"max {figures['first_open_max'] * 1000:.1f} ms   [<= 50 ms]   "
          f"(all of it laid out: {figures['first_laid_out'] * 1000:.1f} ms)")
    print(f"  ... and again, back from the list (kept parsed), on screen: median {figures['open'] * 1000:.1f} ms "
          f"({ratio(figures['open'])}), p95 {figures['open_p95'] * 1000:.1f} ms   [<= 50 ms]   "
          f"(CPU median {figures['open_cpu'] * 1000:.1f} ms; all of it laid out: {figures['laid_out'] * 1000:.1f} ms)")
    print(f"  resident memory, idle: {figures['rss']:.0f} MB   [<= 200 MB]")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks library")
    parser.add_argument("--guides", type=int, default=10_000)
    parser.add_argument("--keep", help="build (or reuse) the generated library in this folder")
    parser.add_argument("--rounds", type=int, default=3, help="measure everything this many times (default 3)")
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="companion-bench-"))
    paths = Paths(folder).ensure()
    if not paths.database.exists():
        started = time.perf_counter()
        build_library(paths, args.guides)
        print(f"built a library of {args.guides:,} generated guides in {time.perf_counter() - started:.1f} s")
    rounds = []
    for number in range(1, args.rounds + 1):
        rounds.append(measure_round(paths))
        report(rounds[-1], args.guides, f"Library benchmarks, round {number} of {args.rounds}"
               if args.rounds > 1 else "Library benchmarks")
    if len(rounds) > 1:
        medians = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
        report(medians, args.guides, f"Library benchmarks, medians of the {len(rounds)} rounds")
    return 0
