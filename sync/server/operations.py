"""What operators and load balancers ask the server: ``GET /api/v1/health``.

The answer touches the database every time (a load balancer must take a server out when its
database is gone), says which schema revision the database has against the one this process
was built for (a process left behind by a rolling upgrade answers 503), and compares this
machine's clock with the database's: when several machines share one PostgreSQL their clocks
must agree, because the check that refuses edits "from the future" uses the local clock.
"""

from __future__ import annotations

import logging
import os
from typing import Literal

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import text
from starlette.responses import Response

from sync import wire
from sync.server.db import Database, now_ms

log = logging.getLogger("companion.server.health")

# Past this the health answer carries a warning (the clock-ahead guard allows minutes, not hours).
CLOCK_WARNING_MS = 5_000

_DATABASE_NOW_MS = {
    "sqlite": "SELECT CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)",
    "postgresql": "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
}


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    detail: str = Field("", description="why the server is unavailable, or a warning")
    schema_revision: str | None = Field(None, description="the database's schema revision")
    expected_revision: str = Field(description="the revision this server process was built for")
    clock_offset_ms: int | None = Field(None, description="database clock minus this machine's clock")
    process: int = Field(description="the id of the process that answered (several may serve one port)")


def expected_revision(db: Database) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(db.alembic_config()).get_current_head() or ""


def check(db: Database, expected: str) -> Health:
    try:
        with db.engine.connect() as connection:
            revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            before = now_ms()
            database_ms = connection.execute(text(_DATABASE_NOW_MS[db.engine.dialect.name])).scalar()
            offset = int(database_ms) - (before + now_ms()) // 2
    except Exception as error:  # any failure to reach or read the database makes the server unusable
        log.warning("health check: database unreachable: %s", error)
        return Health(status="unavailable", detail=f"database unreachable: {type(error).__name__}",
                      expected_revision=expected, process=os.getpid())
    if revision != expected:
        return Health(status="unavailable", schema_revision=revision, expected_revision=expected,
                      clock_offset_ms=offset, process=os.getpid(),
                      detail=f"the database schema is {revision}, this server expects {expected}: restart it "
                             "with the same version as the others")
    detail = ""
    if abs(offset) > CLOCK_WARNING_MS:
        detail = f"this machine's clock is {abs(offset) / 1000:.1f} s off the database's: synchronise it (NTP)"
        log.warning("health check: %s", detail)
    return Health(status="ok", detail=detail, schema_revision=revision, expected_revision=expected,
                  clock_offset_ms=offset, process=os.getpid())


def install(app: FastAPI, db: Database) -> None:
    expected = expected_revision(db)

    @app.get(f"{wire.API_PREFIX}/health", response_model=Health, tags=["server"],
             responses={503: {"description": "the database cannot be used", "model": Health}})
    async def health() -> Response:
        answer = await run_in_threadpool(check, db, expected)
        return Response(answer.model_dump_json(exclude_none=True), status_code=200 if answer.status == "ok" else 503,
                        media_type="application/json", headers={"Cache-Control": "no-store"})
