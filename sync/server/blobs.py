"""Blob bytes on disk, content-addressed by SHA-256.

Complete blobs live once under ``blobs/<2 hex>/<sha256>`` whatever the number of
workspaces that hold them (the database says which workspaces may see them).
Resumable uploads grow ``blobs/partial/<workspace>/<sha256>.part``; the file's
size is the ``Upload-Offset`` a client resumes from. Nothing is kept under a
blob's name until its hash has been checked.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
WORKSPACE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
CHUNK = 256 * 1024


class BlobNameError(ValueError):
    pass


def _check(workspace_id: str, sha256: str) -> None:
    # Both end up in file paths: only these exact shapes are ever joined to a path.
    if not SHA256_RE.fullmatch(sha256):
        raise BlobNameError("a blob name is 64 lowercase hexadecimal digits (its SHA-256)")
    if not WORKSPACE_RE.fullmatch(workspace_id):
        raise BlobNameError("invalid workspace id")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "partial").mkdir(parents=True, exist_ok=True)
        (root / "tmp").mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if not SHA256_RE.fullmatch(sha256):
            raise BlobNameError("a blob name is 64 lowercase hexadecimal digits (its SHA-256)")
        return self.root / sha256[:2] / sha256

    def has_bytes(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def partial_path(self, workspace_id: str, sha256: str) -> Path:
        _check(workspace_id, sha256)
        return self.root / "partial" / workspace_id / f"{sha256}.part"

    def upload_offset(self, workspace_id: str, sha256: str) -> int | None:
        partial = self.partial_path(workspace_id, sha256)
        try:
            return partial.stat().st_size
        except FileNotFoundError:
            return None

    def temp_path(self) -> Path:
        return self.root / "tmp" / f"{secrets.token_hex(16)}.tmp"

    def adopt(self, source: Path, sha256: str) -> None:
        """Move a verified file into the store (atomic rename; same filesystem)."""
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(source, target)

    def discard_partial(self, workspace_id: str, sha256: str) -> None:
        self.partial_path(workspace_id, sha256).unlink(missing_ok=True)

    def put_bytes(self, data: bytes) -> str:
        """Store bytes known in full (the CLI's publish); returns their SHA-256."""
        sha256 = hashlib.sha256(data).hexdigest()
        if not self.has_bytes(sha256):
            temp = self.temp_path()
            temp.write_bytes(data)
            self.adopt(temp, sha256)
        return sha256


# Larger than any blob, small enough for int(): positions with more digits mean "past any end".
_BEYOND_ANY_BLOB = 10**18


def _position(digits: str) -> int:
    # int() refuses more than 4,300 digits (and is slow long before): never parse what cannot matter.
    return _BEYOND_ANY_BLOB if len(digits) > 18 else int(digits)


def parse_range(header: str | None, size: int) -> tuple[int, int] | None | str:
    """``Range: bytes=a-b | a- | -n`` → (first, last); None to serve everything; "unsatisfiable".

    Follows RFC 9110 §14.1.2: a last position past the end means "to the end", a
    suffix longer than the blob means all of it, a first position past the end
    is unsatisfiable (416); however many digits the numbers have.
    """
    if not header:
        return None
    match = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if match is None or (match.group(1) == "" and match.group(2) == ""):
        return None  # malformed or multi-range: RFC 9110 lets us ignore it and send the whole blob
    first_text, last_text = match.groups()
    if first_text == "":
        suffix = _position(last_text)
        if suffix == 0:
            return "unsatisfiable"
        return max(0, size - suffix), size - 1
    first = _position(first_text)
    last = _position(last_text) if last_text else size - 1
    if first >= size or last < first:
        return "unsatisfiable"
    return first, min(last, size - 1)


def parse_content_range(header: str) -> tuple[int, int, int] | None:
    """``Content-Range: bytes a-b/total`` → (a, b, total), or None if malformed."""
    match = re.fullmatch(r"\s*bytes\s+(\d{1,15})-(\d{1,15})/(\d{1,15})\s*", header)
    if match is None:
        return None
    first, last, total = (int(part) for part in match.groups())
    if last < first or last >= total:
        return None
    return first, last, total
