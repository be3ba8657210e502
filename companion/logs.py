"""A rotating log in the data folder, and the text of a crash report (no Qt)."""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
import traceback
from pathlib import Path

from companion import __version__


def setup_logging(log_file: Path) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)


def crash_report(exc_type, exc_value, exc_traceback, extra: dict[str, str] | None = None) -> str:
    """What a user pastes into a support ticket: versions, system, and the traceback."""
    lines = [
        f"openIMIS Companion {__version__}",
        f"Python {platform.python_version()} on {platform.platform()}",
    ]
    lines += [f"{key}: {value}" for key, value in (extra or {}).items()]
    lines.append("")
    lines += traceback.format_exception(exc_type, exc_value, exc_traceback)
    return "\n".join(line.rstrip("\n") for line in lines)


def log_crash(report: str) -> None:
    logging.getLogger("companion.crash").critical("Unexpected error\n%s", report)
    for handler in logging.getLogger().handlers:
        handler.flush()
    print(report, file=sys.stderr)
