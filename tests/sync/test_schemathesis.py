"""Schemathesis against the server's own OpenAPI document: no 5xx, and every answer conforms to it.

A bounded number of examples per operation, with a valid admin token, and the
workspace path parameter pointed at real workspaces half of the time so the
authenticated paths (push, pull, blobs) are exercised, not only 404s.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
from pathlib import Path

import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.config._checks import PositiveDataAcceptanceConfig

from tests.sync.conftest import PASSWORD, World

MAX_EXAMPLES = 25


def _own_document() -> dict:
    """The document the server serves, built by the same app factory (on a throwaway SQLite)."""
    from sync.server.app import create_app
    from sync.server.db import Database, sqlite_url
    from sync.server.settings import ServerSettings

    with tempfile.TemporaryDirectory() as folder:
        db = Database(sqlite_url(Path(folder)))
        try:
            return create_app(ServerSettings(data_dir=Path(folder), database_url=db.url), db).openapi()
        finally:
            db.dispose()


DOCUMENT = _own_document()
schema = schemathesis.openapi.from_dict(DOCUMENT)
# Positive data: everything the document allows. (Per-change validation is deliberately
# lenient at the document level: one bad change is rejected alone inside a 200 answer.)
schema.config.generation.update(modes=[GenerationMode.POSITIVE], max_examples=MAX_EXAMPLES)
# Besides success, a valid request may meet states of the server the schema cannot know:
# a cursor beyond the head (410), a range beyond the blob (416), a partial upload elsewhere (409).
schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
    expected_statuses=["2xx", "401", "403", "404", "409", "410", "416", "429"]
)


def test_the_running_server_serves_this_document(world: World) -> None:
    assert requests.get(f"{world.base_url}/api/v1/openapi.json").json() == DOCUMENT


@schema.parametrize()
def test_openapi_conformance_and_no_server_errors(case, world: World) -> None:  # type: ignore[no-untyped-def]
    rnd = random.Random(str(case.path_parameters) + str(case.body)[:100])
    if case.path_parameters and "w" in case.path_parameters and rnd.random() < 0.6:
        case.path_parameters["w"] = rnd.choice(["team-a", "library", world.personal("root"), "team-b"])
    token = world.tokens["root"]
    if case.operation.method.upper() == "DELETE" and case.operation.path == "/api/v1/auth/token":
        token = requests.post(f"{world.base_url}/api/v1/auth/token",
                              json={"username": "root", "password": PASSWORD, "device_name": "schemathesis"}).json()["token"]
    body = getattr(case.body, "data", case.body)  # schemathesis wraps binary bodies
    if case.operation.method.upper() == "PUT" and isinstance(body, bytes):
        # Blobs are content-addressed: make the name the body's hash, as any client does.
        case.path_parameters["sha256"] = hashlib.sha256(body).hexdigest()
        headers = case.headers or {}
        headers.pop("Content-Range", None)
        if body and rnd.random() < 0.5:
            headers["Content-Range"] = f"bytes 0-{len(body) - 1}/{len(body)}"
        case.headers = headers
    response = case.call_and_validate(base_url=world.base_url, headers={"Authorization": f"Bearer {token}"})
    headers = {name.lower(): values[0] for name, values in response.headers.items()}
    assert response.status_code < 500
    assert headers.get("companion-protocol") == "1"
    if response.status_code >= 400 and case.operation.method.upper() != "HEAD":
        assert headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert {"type", "title", "status", "detail"} <= set(problem) and problem["status"] == response.status_code
