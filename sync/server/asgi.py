"""The app for uvicorn's worker processes (``companion-server serve --workers N``).

Each worker builds its own app from the ``COMPANION_SERVER_*`` variables its parent set; the
parent has already upgraded the schema. Nothing that must be shared lives in a process: the
database holds the data and sign-in state, the data folder holds blobs and upload locks.
"""

from __future__ import annotations

from fastapi import FastAPI

from sync.server.app import create_app
from sync.server.db import Database, sqlite_url
from sync.server.environment import load


def create() -> FastAPI:
    settings = load()
    if settings.data_dir is None:
        raise RuntimeError("COMPANION_SERVER_DATA_DIR is not set")
    url = settings.database_url or sqlite_url(settings.data_dir)
    return create_app(settings.server_settings(settings.data_dir, url), Database(url), migrate=False)
