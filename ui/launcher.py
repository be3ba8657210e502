"""The ``companion`` command: the desktop app, or a clear word when this install has no desktop side."""

from __future__ import annotations

import sys
from importlib.util import find_spec


def main() -> int:
    missing = [name for name in ("PySide6", "openpyxl") if find_spec(name) is None]
    if missing and not any(arg in ("--version", "-h", "--help") for arg in sys.argv[1:]):
        print(f"companion: {', '.join(missing)} not installed: this is not a desktop install. "
              "Install the desktop side: pip install \"openimis-companion[desktop]\"", file=sys.stderr)
        return 1
    from ui.app import main as run

    return run()
