"""Cuts anywhere: a server killed mid-push, an upload cut mid-chunk, a download cut half-way."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

import requests

from companion.replication import workspace_digest
from companion.replication.hlc import Clock
from sync.client import SyncClient
from tests.sync.conftest import PASSWORD, Backend, ServerProcess, World, admin, change, new_id


def _records(client: SyncClient, workspace: str) -> dict[str, Any]:
    return {record.id: record for page in client.pull(workspace) for record in page.records}


def test_a_push_killed_mid_way_leaves_all_or_nothing(backend: Backend, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    url = backend.new_url(data_dir)
    assert admin(data_dir, url, "user", "add", "kim", "--password-stdin", stdin=PASSWORD + "\n")[0] == 0
    server = ServerProcess(data_dir, url).start()
    clock = Clock("00000000000000d1")
    cut_during_request = 0
    try:
        for delay in (0.05, 0.15, 0.3, 0.5, 0.8):
            client = SyncClient(server.base_url)
            client.sign_in("kim", PASSWORD, "laptop")
            workspace = client.workspaces()[1].id
            assert workspace.startswith("personal-")
            batch = [change(new_id(), {"body": {"v": f"{n} " + os.urandom(1500).hex(), "t": clock.now()},
                                       "n": {"v": n, "t": clock.now()}}) for n in range(1000)]
            answer: dict[str, Any] = {}

            def send() -> None:
                try:
                    answer["result"] = client.push(workspace, batch)
                except requests.RequestException as error:
                    answer["error"] = error

            sender = threading.Thread(target=send)
            sender.start()
            time.sleep(delay)
            server.kill()
            sender.join(30)
            server.start()
            if "error" in answer:
                cut_during_request += 1
            reader = SyncClient(server.base_url)
            reader.sign_in("kim", PASSWORD, "reader")
            stored = _records(reader, workspace)
            ours = [c["record_id"] for c in batch]
            present = sum(1 for record_id in ours if record_id in stored)
            assert present in (0, len(ours)), f"a push cut after {delay}s left {present} of {len(ours)} records"
            if "result" in answer:
                assert present == len(ours)
            # The stored digest still describes the stored records exactly.
            recomputed = workspace_digest((r.id, r.type, {k: v.model_dump() for k, v in r.fields.items()}) for r in stored.values())
            assert reader.digest(workspace).digest == recomputed
            # Retrying the same push finishes the job, whatever happened.
            retry = reader.push(workspace, batch)
            statuses = {result.status for result in retry.results}
            assert statuses == ({"duplicate"} if present else {"applied"})
            assert len(_records(reader, workspace)) == len(stored) + (0 if present else len(ours))
    finally:
        server.stop()
    assert cut_during_request >= 1, "no attempt was cut during the request: the test proved nothing"


class RecordingClient(SyncClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent: list[tuple[str, dict[str, str], int]] = []

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        response = super().request(method, path, **kwargs)
        self.sent.append((method, dict(kwargs.get("headers") or {}), response.status_code))
        return response


def test_an_upload_cut_mid_chunk_resumes_from_upload_offset(world: World, tmp_path: Path) -> None:
    name, signed_in = world.new_user("upload-cut")
    workspace = world.personal(name)
    data = os.urandom(3_000_000)
    sha = hashlib.sha256(data).hexdigest()
    path = f"/api/v1/workspaces/{workspace}/blobs/{sha}"
    auth = {"Authorization": f"Bearer {signed_in.token}"}
    first = requests.put(world.base_url + path, data=data[:1_000_000], headers={**auth, "Content-Range": "bytes 0-999999/3000000"})
    assert first.status_code == 202
    # The second chunk: the connection drops after 400 kB of its 1 MB.
    with socket.create_connection(("127.0.0.1", int(world.base_url.rsplit(":", 1)[1]))) as raw:
        raw.sendall((f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {signed_in.token}\r\n"
                     f"Content-Range: bytes 1000000-1999999/3000000\r\nContent-Length: 1000000\r\n\r\n").encode())
        raw.sendall(data[1_000_000:1_400_000])
    # Closed with the bytes already sent: wait until the server has kept them (a busy machine is slower).
    deadline = time.monotonic() + 30
    while True:
        head = requests.head(world.base_url + path, headers=auth)
        offset = int(head.headers["Upload-Offset"])
        if offset > 1_000_000 or time.monotonic() > deadline:
            break
        time.sleep(0.05)  # the pace of polling, not a guess at how long the server takes
    assert head.status_code == 404 and 1_000_000 < offset <= 1_400_000, offset
    source = tmp_path / "video.mp4"
    source.write_bytes(data)
    client = RecordingClient(world.base_url, token=signed_in.token)
    result = client.upload_blob(workspace, source, chunk_bytes=1_000_000)
    assert result.complete and result.size == len(data)
    ranges = [headers["Content-Range"] for method, headers, _ in client.sent if method == "PUT"]
    # Resumed, not restarted: from where the server stood, which is at least what it had kept when
    # polled (the cut chunk's last bytes may still have been arriving then).
    resumed_from = int(ranges[0].removeprefix("bytes ").split("-")[0])
    assert offset <= resumed_from <= 1_400_000, ranges
    assert requests.get(world.base_url + path, headers=auth).content == data


def test_a_download_cut_half_way_resumes_with_range(world: World, tmp_path: Path) -> None:
    name, signed_in = world.new_user("download-cut")
    workspace = world.personal(name)
    data = os.urandom(2_000_000)
    sha = hashlib.sha256(data).hexdigest()
    source = tmp_path / "deck.pptx"
    source.write_bytes(data)
    signed_in.upload_blob(workspace, source)
    target = tmp_path / "downloaded.pptx"
    partial = tmp_path / "downloaded.pptx.part"
    # The first attempt dies after ~600 kB (the network dropped).
    with requests.get(f"{world.base_url}/api/v1/workspaces/{workspace}/blobs/{sha}",
                      headers={"Authorization": f"Bearer {signed_in.token}"}, stream=True) as response:
        with partial.open("wb") as handle:
            for chunk in response.iter_content(100_000):
                handle.write(chunk)
                if handle.tell() >= 600_000:
                    break
    kept = partial.stat().st_size
    assert 0 < kept < len(data)
    client = RecordingClient(world.base_url, token=signed_in.token)
    client.download_blob(workspace, sha, target)
    [(method, headers, status)] = client.sent
    assert headers["Range"] == f"bytes={kept}-" and status == 206
    assert target.read_bytes() == data and not partial.exists()
