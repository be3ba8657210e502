"""Anki's own sync server measured in the same run as ours (the anchor of DESIGN.md's sync budgets).

Runs the shared anchor scripts (``../shared/anchors/anki``: bench.py, interrupt.py,
proxy.py) with a Python environment that has PyPI ``anki`` installed, found in
this order: ``--anki-venv``, ``$ANKI_VENV``, ``../notes/anki/venv`` next to the
checkout (the scripts: ``$ANKI_ANCHOR_SCRIPTS`` or ``../shared/anchors/anki``). Nothing is installed here; without such an environment the benchmark
says so and prints our figures alone.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANCHOR_SCRIPTS = Path(os.environ.get("ANKI_ANCHOR_SCRIPTS", ROOT.parent / "shared" / "anchors" / "anki"))
DEFAULT_VENV = ROOT.parent / "notes" / "anki" / "venv"
USERS = ("user1", "user2", "user3", "user4")


@dataclass
class AnkiFigures:
    version: str = ""
    full_download_s: list[float] = field(default_factory=list)
    full_download_bytes: list[int] = field(default_factory=list)
    noop_s: list[float] = field(default_factory=list)
    noop_bytes: list[int] = field(default_factory=list)
    noop_requests: list[int] = field(default_factory=list)
    edits_up_s: list[float] = field(default_factory=list)
    edits_up_bytes: list[int] = field(default_factory=list)
    edits_down_s: list[float] = field(default_factory=list)
    edits_down_bytes: list[int] = field(default_factory=list)
    sync_5000_bytes: int = 0
    cut_then_retry_bytes: int = 0  # what the interrupted sync sent, plus its retry

    @staticmethod
    def median(values: list[float] | list[int]) -> float:
        return statistics.median(values) if values else float("nan")


def find_venv(chosen: str | None = None) -> tuple[Path | None, str]:
    """(python of an environment with anki, how it was found) or (None, why not)."""
    candidates = [Path(chosen)] if chosen else []
    if os.environ.get("ANKI_VENV"):
        candidates.append(Path(os.environ["ANKI_VENV"]))
    candidates.append(DEFAULT_VENV)
    if not ANCHOR_SCRIPTS.is_dir():
        return None, f"the anchor scripts are not at {ANCHOR_SCRIPTS}"
    for venv in candidates:
        python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        if python.exists():
            probe = subprocess.run([str(python), "-c", "import anki.buildinfo as b; print(b.version)"],
                                   capture_output=True, text=True, timeout=60)
            if probe.returncode == 0:
                return python, probe.stdout.strip()
    tried = ", ".join(str(path) for path in candidates)
    return None, (f"no Python environment with PyPI 'anki' (looked in {tried}); create one with "
                  f"'python3 -m venv {DEFAULT_VENV} && {DEFAULT_VENV}/bin/pip install anki' or pass --anki-venv")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


def run(python: Path, version: str, runs: int = 3) -> AnkiFigures:
    """Anki's server, the counting proxy, bench.py ``runs`` times and interrupt.py once; returns the figures."""
    figures = AnkiFigures(version=version)
    with tempfile.TemporaryDirectory(prefix="anki-anchor-") as folder:
        anchor = Path(folder)
        for name in ("bench.py", "interrupt.py", "proxy.py"):
            shutil.copy(ANCHOR_SCRIPTS / name, anchor / name)
        for sub in ("logs", "server", "work"):
            (anchor / sub).mkdir()
        # The scripts talk to fixed ports (27701-27703): check they are free rather than collide.
        for port in (27701, 27702, 27703):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    raise RuntimeError(f"port {port} is in use (another Anki anchor running?)")
        env = {**os.environ, "ANKI_ANCHOR_DIR": str(anchor), "SYNC_HOST": "127.0.0.1", "SYNC_PORT": "27701",
               "SYNC_BASE": str(anchor / "server"), "RUST_LOG": "anki=info"}
        env.update({f"SYNC_USER{n}": f"{user}:pass" for n, user in enumerate(USERS, start=1)})
        with (anchor / "logs" / "server.log").open("wb") as server_log, (anchor / "logs" / "proxy.log").open("wb") as proxy_log:
            server = subprocess.Popen([str(python), "-m", "anki.syncserver"], env=env, cwd=anchor,
                                      stdout=server_log, stderr=subprocess.STDOUT)
            proxy = subprocess.Popen([str(python), "proxy.py", "27702", "27701", "27703"], env=env, cwd=anchor,
                                     stdout=proxy_log, stderr=subprocess.STDOUT)
            try:
                _wait_for_port(27701, server, "anki.syncserver")
                _wait_for_port(27702, proxy, "the anchor's proxy")
                for number in range(1, runs + 1):
                    _collect(figures, _steps(python, env, anchor, "bench.py", str(number), USERS[number - 1]))
                _collect(figures, _steps(python, env, anchor, "interrupt.py", USERS[3]))
            finally:
                for process in (proxy, server):
                    process.terminate()
                    try:
                        process.wait(10)
                    except subprocess.TimeoutExpired:
                        process.kill()
    return figures


def _steps(python: Path, env: dict[str, str], anchor: Path, script: str, *args: str) -> list[dict]:
    done = subprocess.run([str(python), script, *args], env=env, cwd=anchor, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed: {done.stderr[-2000:]}")
    steps = []
    for line in done.stdout.splitlines():
        if line.startswith('{"'):  # the scripts also print Python dicts and plain lines
            with_step = json.loads(line)
            if "step" in with_step:
                steps.append(with_step)
    return steps


def _collect(figures: AnkiFigures, steps: list[dict]) -> None:
    for step in steps:
        name, wall = step["step"], step.get("wall_s", 0.0)
        total = (step.get("c2s") or 0) + (step.get("s2c") or 0)
        if name == "b_full_download":
            figures.full_download_s.append(wall)
            figures.full_download_bytes.append(total)
        elif name.startswith("e_sync_B_noop"):
            figures.noop_s.append(wall)
            figures.noop_bytes.append(total)
            figures.noop_requests.append(step.get("proxy_requests") or 0)
        elif name == "c_sync_A_100_edits":
            figures.edits_up_s.append(wall)
            figures.edits_up_bytes.append(step.get("c2s") or 0)
        elif name == "d_sync_B_receive_100":
            figures.edits_down_s.append(wall)
            figures.edits_down_bytes.append(step.get("s2c") or 0)
        elif name == "g_sync_A_5000_edits":
            figures.sync_5000_bytes = step.get("c2s") or 0
        elif name in ("g_interrupted_sync_A", "g_retry_sync_A"):
            figures.cut_then_retry_bytes += step.get("c2s") or 0
