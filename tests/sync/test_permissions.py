"""Who may do what: every role (anonymous and non-member included) × every endpoint × own / other workspace."""

from __future__ import annotations

import hashlib
import secrets
import uuid

import pytest
import requests

from companion.replication.hlc import Clock
from tests.sync.conftest import World

API = "/api/v1"
PEOPLE = ["anonymous", "otto", "rita", "mia", "eddie", "ada", "root"]
TARGETS = ["team-a", "library", "own-personal", "other-personal"]
OPERATIONS = ["pull", "digest", "blob-head", "blob-get", "push", "blob-put"]
OK = "ok"

# Role of each person per target ("other-personal" is never visible but to its owner).
ROLES = {
    "team-a": {"otto": None, "rita": "reader", "mia": "member", "eddie": "editor", "ada": "admin", "root": "admin"},
    "library": {"otto": "reader", "rita": "reader", "mia": "reader", "eddie": "editor", "ada": "reader", "root": "admin"},
}


def expected(person: str, target: str, operation: str) -> int | str:
    writing = operation in ("push", "blob-put")
    if person == "anonymous":
        return OK if target == "library" and not writing else 401
    if target == "own-personal":
        return OK
    if target == "other-personal":
        return 404
    role = ROLES[target][person]
    if role is None:
        return 404
    if not writing:
        return OK
    needed = {"library": ("editor", "admin"), "team-a": ("member", "editor", "admin")}[target]
    return OK if role in needed else 403


@pytest.fixture(scope="module")
def blob_bytes() -> bytes:
    return b"a shared attachment " * 50


@pytest.fixture(scope="module")
def seeded(world: World, blob_bytes: bytes) -> World:
    """One record and one blob in every workspace the matrix looks at."""
    sha = hashlib.sha256(blob_bytes).hexdigest()
    clock = Clock("00000000000000cc")
    targets = {"team-a": "root", "library": "root", **{world.personal(p): p for p in PEOPLE if p != "anonymous"}}
    for workspace, owner in targets.items():
        headers = {"Authorization": f"Bearer {world.tokens[owner]}"}
        change = {"change_id": str(uuid.uuid4()), "record_id": str(uuid.uuid4()), "type": "note",
                  "fields": {"title": {"v": "seed", "t": clock.now()}}}
        assert requests.post(f"{world.base_url}{API}/workspaces/{workspace}/changes", json={"changes": [change]}, headers=headers).ok
        put = requests.put(f"{world.base_url}{API}/workspaces/{workspace}/blobs/{sha}", data=blob_bytes, headers=headers)
        assert put.status_code in (200, 201), put.text
    return world


def workspace_of(world: World, person: str, target: str) -> str:
    if target in ("team-a", "library"):
        return target
    if target == "own-personal":
        return world.personal("mia" if person == "anonymous" else person)
    return world.personal("ada" if person != "ada" else "mia")


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("person", PEOPLE)
def test_permission_matrix(seeded: World, blob_bytes: bytes, person: str, target: str, operation: str) -> None:
    world = seeded
    workspace = workspace_of(world, person, target)
    headers = {} if person == "anonymous" else {"Authorization": f"Bearer {world.tokens[person]}"}
    base = f"{world.base_url}{API}/workspaces/{workspace}"
    sha = hashlib.sha256(blob_bytes).hexdigest()
    if operation == "pull":
        response = requests.get(f"{base}/changes", headers=headers)
    elif operation == "digest":
        response = requests.get(f"{base}/digest", headers=headers)
    elif operation == "blob-head":
        response = requests.head(f"{base}/blobs/{sha}", headers=headers)
    elif operation == "blob-get":
        response = requests.get(f"{base}/blobs/{sha}", headers=headers)
    elif operation == "push":
        change = {"change_id": str(uuid.uuid4()), "record_id": str(uuid.uuid4()), "type": "note",
                  "fields": {"title": {"v": person, "t": Clock(secrets.token_hex(8)).now()}}}
        response = requests.post(f"{base}/changes", json={"changes": [change]}, headers=headers)
    else:
        fresh = secrets.token_bytes(64)
        response = requests.put(f"{base}/blobs/{hashlib.sha256(fresh).hexdigest()}", data=fresh, headers=headers)
    want = expected(person, target, operation)
    assert response.headers.get("Companion-Protocol") == "1"
    if want == OK:
        assert response.status_code in (200, 201), f"{person} {operation} {workspace}: {response.status_code} {response.text}"
        if operation == "push":
            assert response.json()["results"][0]["status"] == "applied"
        if operation == "blob-get":
            assert response.content == blob_bytes
    else:
        assert response.status_code == want, f"{person} {operation} {workspace}: {response.status_code} {response.text}"
        if operation != "blob-head":
            assert response.headers["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("person", PEOPLE)
def test_workspace_listing_shows_only_what_each_may_see(seeded: World, person: str) -> None:
    world = seeded
    headers = {} if person == "anonymous" else {"Authorization": f"Bearer {world.tokens[person]}"}
    response = requests.get(f"{world.base_url}{API}/workspaces", headers=headers)
    if person == "anonymous":
        assert response.status_code == 401
        return
    seen = {item["id"] for item in response.json()}
    personal = {w for w in seen if w.startswith("personal-")}
    assert personal == {world.personal(person)}
    assert "library" in seen
    assert ("team-a" in seen) == (ROLES["team-a"][person] is not None)
    assert ("team-b" in seen) == (person in ("otto", "root"))


def test_unknown_workspace_and_hidden_workspace_look_the_same(seeded: World) -> None:
    world = seeded
    headers = {"Authorization": f"Bearer {world.tokens['otto']}"}
    hidden = requests.get(f"{world.base_url}{API}/workspaces/team-a/changes", headers=headers)
    missing = requests.get(f"{world.base_url}{API}/workspaces/no-such-team/changes", headers=headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
