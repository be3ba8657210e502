#!/usr/bin/env python3
"""One entry point for the README's commands, on Windows, macOS and Linux alike.

    python dev.py app     create .venv, install the pinned dependencies, launch the Companion
    python dev.py test    create .venv, install the pinned dependencies, run the whole test suite
    python dev.py bench   run the performance benchmarks and print the figures
    python dev.py build linux|windows|macos [--check]   build the installable app (packaging/desktop/build.py)

Installs are pinned by requirements.lock, so every machine gets the same versions.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("COMPANION_VENV", ROOT / ".venv"))
LOCK = ROOT / "requirements.lock"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_environment() -> Path:
    python = venv_python()
    if not python.exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".companion-installed"
    wanted = LOCK.read_text(encoding="utf-8") + (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != wanted:
        print("Installing the pinned dependencies (requirements.lock) ...", flush=True)
        pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "install", "-r", str(LOCK)], check=True)
        subprocess.run([*pip, "install", "--no-deps", "-e", str(ROOT)], check=True)
        stamp.write_text(wanted, encoding="utf-8")
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"app", "test", "bench", "build"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    python = str(ensure_environment())
    if command == "app":
        return subprocess.call([python, "-m", "ui", *rest])
    if command == "test":
        return subprocess.call([python, "-m", "pytest", *rest], cwd=ROOT)
    if command == "build":
        return subprocess.call([python, str(ROOT / "packaging" / "desktop" / "build.py"), *rest], cwd=ROOT)
    return subprocess.call([python, "-m", "benchmarks", *rest], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
