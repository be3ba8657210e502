"""Blobs: content-addressed, verified, resumable both ways."""

from __future__ import annotations

import hashlib
import os
import secrets

import pytest
import requests

from sync.client import BlobHashMismatch, ProblemError
from tests.sync.conftest import World

API = "/api/v1"


def blob_url(world: World, workspace: str, sha: str) -> str:
    return f"{world.base_url}{API}/workspaces/{workspace}/blobs/{sha}"


@pytest.fixture
def mine(world: World) -> tuple[str, dict[str, str], object]:
    name, client = world.new_user("blobs")
    return world.personal(name), {"Authorization": f"Bearer {client.token}"}, client


def test_whole_upload_head_get_and_range(world: World, mine) -> None:
    workspace, headers, _ = mine
    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    url = blob_url(world, workspace, sha)
    missing = requests.head(url, headers=headers)
    assert missing.status_code == 404 and "Upload-Offset" not in missing.headers
    assert requests.put(url, data=data, headers=headers).status_code == 201
    assert requests.put(url, data=data, headers=headers).status_code == 200  # already there: idempotent
    head = requests.head(url, headers=headers)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(data)
    full = requests.get(url, headers=headers)
    assert full.status_code == 200 and full.content == data
    assert "Content-Encoding" not in full.headers  # media is never recompressed
    tail = requests.get(url, headers={**headers, "Range": "bytes=100000-"})
    assert tail.status_code == 206 and tail.content == data[100000:]
    assert tail.headers["Content-Range"] == f"bytes 100000-{len(data) - 1}/{len(data)}"
    middle = requests.get(url, headers={**headers, "Range": "bytes=10-19"})
    assert middle.status_code == 206 and middle.content == data[10:20]
    suffix = requests.get(url, headers={**headers, "Range": "bytes=-5"})
    assert suffix.status_code == 206 and suffix.content == data[-5:]
    beyond = requests.get(url, headers={**headers, "Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(data)}"


def test_a_wrong_hash_is_refused_and_nothing_kept(world: World, mine) -> None:
    workspace, headers, _ = mine
    data = b"what the client thinks it sends"
    wrong = hashlib.sha256(b"something else").hexdigest()
    response = requests.put(blob_url(world, workspace, wrong), data=data, headers=headers)
    assert response.status_code == 422 and response.json()["type"].endswith(":blob-hash-mismatch")
    assert requests.head(blob_url(world, workspace, wrong), headers=headers).status_code == 404
    # Chunked: the check happens when the last chunk completes it.
    url = blob_url(world, workspace, wrong)
    assert requests.put(url, data=data[:10], headers={**headers, "Content-Range": f"bytes 0-9/{len(data)}"}).status_code == 202
    last = requests.put(url, data=data[10:], headers={**headers, "Content-Range": f"bytes 10-{len(data) - 1}/{len(data)}"})
    assert last.status_code == 422
    head = requests.head(url, headers=headers)
    assert head.status_code == 404 and "Upload-Offset" not in head.headers


def test_chunked_upload_offsets(world: World, mine) -> None:
    workspace, headers, _ = mine
    data = os.urandom(50_000)
    sha = hashlib.sha256(data).hexdigest()
    url = blob_url(world, workspace, sha)
    first = requests.put(url, data=data[:20_000], headers={**headers, "Content-Range": f"bytes 0-19999/{len(data)}"})
    assert first.status_code == 202 and first.headers["Upload-Offset"] == "20000"
    head = requests.head(url, headers=headers)
    assert head.status_code == 404 and head.headers["Upload-Offset"] == "20000"
    skipped = requests.put(url, data=data[30_000:], headers={**headers, "Content-Range": f"bytes 30000-49999/{len(data)}"})
    assert skipped.status_code == 409 and skipped.headers["Upload-Offset"] == "20000"
    rest = requests.put(url, data=data[20_000:], headers={**headers, "Content-Range": f"bytes 20000-49999/{len(data)}"})
    assert rest.status_code == 201 and rest.json() == {"sha256": sha, "complete": True, "size": len(data)}
    assert requests.get(url, headers=headers).content == data


@pytest.mark.parametrize(
    "content_range", ["bytes 0-9", "bytes 9-0/10", "bytes 0-10/10", "items 0-9/10", "bytes -1-9/10", "bytes 0-9/999999999999"]
)
def test_bad_content_ranges_are_4xx(world: World, mine, content_range: str) -> None:
    workspace, headers, _ = mine
    sha = hashlib.sha256(b"x").hexdigest()
    response = requests.put(blob_url(world, workspace, sha), data=b"0123456789", headers={**headers, "Content-Range": content_range})
    assert 400 <= response.status_code < 500
    assert response.headers["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("name", ["abc", "G" * 64, "A" * 64, "0" * 63, "0" * 65, "..", "..%2F..%2Fsecrets", "%2e%2e", "0" * 64 + ".part"])
def test_blob_names_are_64_lowercase_hex_only(world: World, mine, name: str) -> None:
    workspace, headers, _ = mine
    for method in ("GET", "PUT", "HEAD"):
        response = requests.request(method, f"{world.base_url}{API}/workspaces/{workspace}/blobs/{name}", data=b"x", headers=headers)
        assert 400 <= response.status_code < 500, (method, name, response.status_code)
        assert response.headers["Companion-Protocol"] == "1"


def test_blobs_are_per_workspace_and_gzip_uploads_are_refused(world: World, mine) -> None:
    workspace, headers, _ = mine
    data = secrets.token_bytes(1000)
    sha = hashlib.sha256(data).hexdigest()
    assert requests.put(blob_url(world, workspace, sha), data=data, headers=headers).status_code == 201
    # Knowing a hash is not enough to see the blob from another workspace.
    other = {"Authorization": f"Bearer {world.tokens['mia']}"}
    assert requests.head(blob_url(world, world.personal("mia"), sha), headers=other).status_code == 404
    gz = requests.put(blob_url(world, workspace, sha), data=data, headers={**headers, "Content-Encoding": "gzip"})
    assert gz.status_code == 415


def test_client_upload_and_download_with_verification(world: World, mine, tmp_path) -> None:
    workspace, _, client = mine
    source = tmp_path / "slides.pdf"
    source.write_bytes(os.urandom(700_000))
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    result = client.upload_blob(workspace, source, chunk_bytes=256 * 1024)
    assert result.complete and result.size == 700_000
    target = tmp_path / "copy.pdf"
    client.download_blob(workspace, sha, target)
    assert target.read_bytes() == source.read_bytes()
    assert not (tmp_path / "copy.pdf.part").exists()
    # A .part that does not belong to this blob is caught by the hash and thrown away.
    bad = tmp_path / "bad.pdf"
    (tmp_path / "bad.pdf.part").write_bytes(b"garbage from somewhere else")
    with pytest.raises(BlobHashMismatch):
        client.download_blob(workspace, sha, bad)
    assert not bad.exists() and not (tmp_path / "bad.pdf.part").exists()
    with pytest.raises(ProblemError) as caught:
        client.download_blob(workspace, "0" * 64, tmp_path / "none")
    assert caught.value.status == 404
