"""The ``companion-server`` command: the server, or a clear word when this install has no server side."""

from __future__ import annotations

import sys
from importlib.util import find_spec


def main() -> int:
    missing = [name for name in ("fastapi", "uvicorn", "argon2", "psycopg", "pydantic_settings") if find_spec(name) is None]
    if missing:
        print(f"companion-server: {', '.join(missing)} not installed: this is not a server install. "
              "Install the server side: pip install \"openimis-companion[server]\"", file=sys.stderr)
        return 1
    from sync.server.cli import main as run

    return run()
