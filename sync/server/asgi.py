"""The app for uvicorn's worker processes (``companion-server serve --workers N``).

Each worker builds its own app from the ``COMPANION_SERVER_*`` variables its parent set; the
parent has already upgraded the schema. Nothing that must be shared lives in a process: the
database holds the data, sign-in throttling and upload reservations; the data folder holds
blobs, partial uploads and their locks.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from sync.server.app import create_app
from sync.server.db import Database, sqlite_url
from sync.server.environment import PREFIX, load
from sync.server.limits import ConnectionLimits, guarded_protocol, install_flood_filter

# uvicorn imports this by name in each worker ("sync.server.asgi:GuardedProtocol").
GuardedProtocol = guarded_protocol(
    ConnectionLimits(), [address.strip() for address in os.environ.get(PREFIX + "FORWARDED_ALLOW_IPS", "").split(",")])


def create() -> FastAPI:
    settings = load()
    if settings.data_dir is None:
        raise RuntimeError("COMPANION_SERVER_DATA_DIR is not set")
    url = settings.database_url or sqlite_url(settings.data_dir)
    app = create_app(settings.server_settings(settings.data_dir, url), Database(url), migrate=False)
    install_flood_filter()  # uvicorn has configured this worker's loggers by now
    return app
