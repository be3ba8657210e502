"""Cold start of the frozen app (PyInstaller one folder) against the same app from .venv.

    python packaging/desktop/build.py linux      # first: builds build/desktop/dist/openIMIS-Companion
    python3 dev.py bench frozen

Both start on the same data folder (created beforehand, bundled content imported), alternately,
and are timed from the process start to the first usable window (``--quit-when-ready`` prints
READY then), measured from outside, so the frozen bootloader's unpacking counts too. The file
cache is warm for both after the first pair; the first pair is shown apart.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FROZEN = ROOT / "build" / "desktop" / "dist" / "openIMIS-Companion" / ("openIMIS-Companion.exe" if os.name == "nt" else "openIMIS-Companion")


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or "READY" not in result.stdout:
        raise RuntimeError(f"{command[0]} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def folder_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink()) / 1024 / 1024


def main(argv: list[str]) -> int:
    if not FROZEN.exists():
        print(f"no frozen app at {FROZEN}: run python packaging/desktop/build.py linux first")
        return 1
    runs = int(argv[0]) if argv else 7
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        subprocess.run([str(FROZEN), "--data-dir", str(data), "--self-check"], env=env, check=True, capture_output=True)
        commands = {
            "frozen": [str(FROZEN), "--data-dir", str(data), "--quit-when-ready", "--no-crash-dialog"],
            "venv": [sys.executable, "-m", "ui", "--data-dir", str(data), "--quit-when-ready", "--no-crash-dialog"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, command in commands.items():  # alternately: a slow moment hits both
                times[name].append(timed(command, env))
    print(f"cold start to a usable window, {runs} runs each, seconds (first run, then median of the rest):")
    for name, values in times.items():
        print(f"  {name:7} first {values[0]:.2f}  median {statistics.median(values[1:]):.2f}  "
              f"min {min(values[1:]):.2f}  max {max(values[1:]):.2f}")
    ratio = statistics.median(times["frozen"][1:]) / statistics.median(times["venv"][1:])
    print(f"  frozen / venv: {ratio:.2f} (budget: no slower, <= 1.00)")
    print(f"bundle size: {folder_mib(FROZEN.parent):.1f} MiB (budget 250 MiB)")
    tarballs = sorted((ROOT / "build" / "desktop").glob("openIMIS-Companion-*-linux-*.tar.gz"))
    if tarballs:
        print(f"tarball: {tarballs[-1].stat().st_size / 1024 / 1024:.1f} MiB (budget 110 MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
