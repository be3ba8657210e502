"""Write the desktop and server locks from the development lock.

    python packaging/lock.py            rewrite requirements/desktop.lock and requirements/server.lock
    python packaging/lock.py --check    exit 1 if they disagree with requirements.lock

``requirements.lock`` pins everything a developer installs (both extras, the test and build
groups). Each side's lock is what pip resolves for ``.[desktop]`` or ``.[server]`` alone,
constrained to those same pins, so a laptop and a server get exactly the versions the tests ran
with and nothing of the other side (no Qt on a server, no FastAPI on a laptop).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV_LOCK = ROOT / "requirements.lock"
SIDES = ("desktop", "server")
PROJECT = "openimis-companion"


def lock_path(side: str) -> Path:
    return ROOT / "requirements" / f"{side}.lock"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lines(path: Path) -> dict[str, tuple[str, str]]:
    """``name==version [; marker]`` lines of a lock: (version, marker) by canonical name."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, rest = line.split("==", 1)
            version, _, marker = rest.partition(";")
            pins[canonical(name)] = (version.strip(), marker.strip())
    return pins


def read_pins(path: Path) -> dict[str, str]:
    return {name: version for name, (version, _marker) in read_lines(path).items()}


def resolve(side: str) -> dict[str, str]:
    """What pip would install for ``.[side]`` in an empty environment, within the dev pins."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
             "--disable-pip-version-check", "--report", str(report), "-c", str(DEV_LOCK), f"{ROOT}[{side}]"],
            check=True,
        )
        installed = json.loads(report.read_text(encoding="utf-8"))["install"]
    pins = {canonical(item["metadata"]["name"]): item["metadata"]["version"] for item in installed}
    pins.pop(PROJECT, None)
    return pins


def render(side: str, pins: dict[str, str]) -> str:
    markers = {name: marker for name, (_version, marker) in read_lines(DEV_LOCK).items() if marker}
    header = (f"# The {side} side alone: pip install -r requirements/{side}.lock \"openimis-companion[{side}]\"\n"
              "# Derived from requirements.lock by packaging/lock.py; do not edit by hand.\n")
    return header + "".join(f"{name}=={pins[name]}{' ; ' + markers[name] if name in markers else ''}\n"
                            for name in sorted(pins))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    dev = read_pins(DEV_LOCK)
    status = 0
    for side in SIDES:
        pins = resolve(side)
        strays = {name: version for name, version in pins.items() if dev.get(name) != version}
        if strays:
            print(f"{side}: not pinned in requirements.lock: {strays}; install them in .venv and refreeze it")
            status = 1
        text = render(side, pins)
        target = lock_path(side)
        if check:
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                print(f"{target.relative_to(ROOT)} is out of date: run python packaging/lock.py")
                status = 1
        else:
            target.parent.mkdir(exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)} ({len(pins)} packages)")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
