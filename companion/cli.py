"""The ``companion`` command line: parsed here (no Qt), launched by ``ui.app``."""

from __future__ import annotations

import argparse

from companion import __version__
from companion.config import DATA_DIR_ENV


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="companion",
        description="openIMIS Implementer Companion: guides, pilot tools and training, offline, in English and French.",
    )
    parser.add_argument("--version", action="version", version=f"openIMIS Companion {__version__}")
    parser.add_argument("--data-dir", metavar="DIR",
                        help=f"keep the Companion's data in DIR (default: ${DATA_DIR_ENV}, "
                             "else the user data folder of this system)")
    parser.add_argument("--language", choices=["en", "fr"],
                        help="interface language for this run (default: the saved choice, else the system's)")
    parser.add_argument("--no-crash-dialog", action="store_true",
                        help="on an unexpected error, write the log and exit instead of showing a dialog (for scripts)")
    parser.add_argument("--self-check", action="store_true",
                        help="check that the database, bundled content and translations are usable, print a report, exit")
    parser.add_argument("bundle", nargs="?", metavar="FILE.cbundle",
                        help="a bundle to open; if the Companion is already running, it opens it there")
    parser.add_argument("--quit-when-ready", action="store_true",
                        help="start, print the seconds to a usable main window, quit (used by the benchmarks)")
    return parser


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)
