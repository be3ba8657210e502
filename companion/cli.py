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
    parser.add_argument("--bundle", metavar="FILE.cbundle",
                        help="a bundle to open (also given alone: `companion FILE.cbundle`); if the Companion is "
                             "already running, it opens it there")
    parser.add_argument("--quit-when-ready", action="store_true",
                        help="start, print the seconds to a usable main window, quit (used by the benchmarks)")
    _add_sync_commands(parser)
    return parser


SYNC_COMMANDS = ("sign-in", "sign-out", "sync", "bundle")


def _add_sync_commands(parser: argparse.ArgumentParser) -> None:
    """Sync without a window, for scripts and support staff (run by sync.commands, no Qt)."""
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     description="without a command, the Companion's window opens")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        # Also accepted after the command name: `companion sync --data-dir DIR`.
        sub.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help="as the global option")
        sub.add_argument("--language", choices=["en", "fr"], default=argparse.SUPPRESS, help="as the global option")
        return sub

    sign_in = command("sign-in", "sign in to a sync server; the password is read from standard input")
    sign_in.add_argument("url", help="the server's address, e.g. https://sync.example.org")
    sign_in.add_argument("username")
    sign_in.add_argument("--password-stdin", action="store_true", required=True,
                         help="read the password from the first line of standard input (never the command line)")
    sign_in.add_argument("--team", action="append", default=[], metavar="WORKSPACE",
                         help="a team workspace to keep on this laptop (repeat for several)")
    command("sign-out", "revoke this laptop's sign-in on the server and forget it here")
    sync = command("sync", "sync once; exit status 0 only when this laptop and the server agree")
    sync.add_argument("--quiet", action="store_true", help="print nothing when all is well")
    bundle = command("bundle", "carry a workspace on a file (.cbundle) where there is no network")
    actions = bundle.add_subparsers(dest="bundle_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="write a workspace (or one pilot project) to FILE")
    export.add_argument("workspace", help="library, personal-<id>, a team's id, or local")
    export.add_argument("file")
    export.add_argument("--project", metavar="ID", help="only this pilot project and everything in it")
    export.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    imported = actions.add_parser("import", help="check FILE, show what it changes, and merge it")
    imported.add_argument("file")
    imported.add_argument("--dry-run", action="store_true", help="only show what the import would change")
    imported.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """A file given on its own (a double-clicked .cbundle) is the bundle to open: taken aside first,
    so that it is never read as a command name such as ``sign-in``."""
    import sys

    argv = list(sys.argv[1:] if argv is None else argv)
    bundle = next((arg for arg in argv if arg.lower().endswith(".cbundle") and not arg.startswith("-")), None)
    if bundle is not None and not any(arg in SYNC_COMMANDS for arg in argv):
        argv.remove(bundle)
        argv += ["--bundle", bundle]
    return build_parser().parse_args(argv)
