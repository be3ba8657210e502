"""``.cbundle`` files: a workspace (or one pilot project) carried on a USB stick (docs/sync-protocol.md §4).

A bundle is a zip holding

- ``manifest.json``: ``{protocol: 1, workspace, created_by, created_at, entries: {path: sha256}}``;
- ``changes.ndjson``: one change per line, in the push format;
- ``blobs/<sha256>``: the files the changes reference (evidence, images, slides).

Reading validates everything before anything is used, and refuses the whole file with a
``BundleError`` whose ``code`` says what is wrong: not a zip or cut short, a path that
would escape (zip-slip), sizes or compression ratios no honest bundle has (zip bomb),
another protocol version, a file whose bytes do not hash to its manifest entry, a change
that is not well formed. Only then does an import preview (``replica.preview_remote``) and
apply (``replica.apply_remote``, blobs copied into the store first). The server imports
bundles with the same reader (``sync/server/bundle_import.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion.replication import Change, ChangeRejected, FieldWrite, check_change
from sync import wire

MANIFEST = "manifest.json"
CHANGES = "changes.ndjson"
BLOB_DIR = "blobs/"
SUFFIX = ".cbundle"
_BLOB_NAME = re.compile(r"^blobs/[0-9a-f]{64}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_WORKSPACE = re.compile(wire.WORKSPACE_ID_PATTERN)

# Limits no honest bundle reaches; past them the file is refused before it is unpacked.
MAX_ENTRIES = 100_000
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
MAX_CHANGES_BYTES = 1024 * 1024 * 1024
MAX_BLOB_BYTES = 200 * 1024 * 1024  # the server's blob limit
MAX_TOTAL_BYTES = 4 * 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed: text compresses ~10x, a bomb ~1000x
RATIO_FLOOR_BYTES = 1024 * 1024  # small entries may compress as they like


class BundleError(Exception):
    """A bundle that is refused; ``code`` is stable (tests, UI), the message says what is wrong."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Bundle:
    """A validated bundle, still inside its zip: changes parsed, blobs checked."""

    path: Path
    workspace: str
    created_by: str
    created_at: str
    changes: list[Change]
    blobs: list[str]  # sha256 of every blob carried

    def blob_bytes(self, sha256: str) -> Iterator[bytes]:
        with zipfile.ZipFile(self.path) as archive, archive.open(BLOB_DIR + sha256) as handle:
            yield from iter(lambda: handle.read(1024 * 1024), b"")

    def copy_blob(self, sha256: str, destination: Path) -> None:
        """Into ``destination`` through a temporary file, hash checked again: a store never holds a bad blob."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        descriptor, temporary = tempfile.mkstemp(dir=destination.parent, prefix=".import-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                for chunk in self.blob_bytes(sha256):
                    digest.update(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            if digest.hexdigest() != sha256:
                raise BundleError("hash-mismatch", f"blobs/{sha256} changed while it was being copied")
            os.replace(temporary, destination)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)


# --- writing --------------------------------------------------------------------------------------


def change_to_line(change: Change) -> str:
    fields: dict[str, Any] = {}
    for name, write in change.fields.items():
        item: dict[str, Any] = {"v": write.v, "t": write.t}
        if write.base is not None:
            item["base"] = write.base
        fields[name] = item
    body = {"change_id": change.change_id, "record_id": change.record_id, "type": change.type, "fields": fields}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=True)


def blob_refs(change: Change) -> list[str]:
    """The blobs a change references: an attachment's ``sha256``, and ``{"blob": sha}`` anywhere in a value."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("blob"), str) and _SHA256.fullmatch(value["blob"]):
                found.append(value["blob"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for name, write in change.fields.items():
        if change.type == "attachment" and name == "sha256" and isinstance(write.v, str) and _SHA256.fullmatch(write.v):
            found.append(write.v)
        walk(write.v)
    return found


@dataclass
class ExportReport:
    changes: int = 0
    blobs: int = 0
    missing_blobs: list[str] = field(default_factory=list)  # referenced, not on this laptop: not carried
    size: int = 0


def write_bundle(path: Path, workspace: str, changes: Iterable[Change], blob_path: Callable[[str], Path],
                 created_by: str = "", progress: Callable[[int, int], None] | None = None) -> ExportReport:
    """Write a bundle atomically (a ``.part`` file renamed at the end): a cut export leaves no half file."""
    if not _WORKSPACE.fullmatch(workspace):
        raise BundleError("bad-workspace", f"not a workspace id: {workspace!r}")
    report = ExportReport()
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    entries: dict[str, str] = {}
    blobs: list[str] = []
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            digest = hashlib.sha256()
            with archive.open(CHANGES, "w", force_zip64=True) as handle:
                for change in changes:
                    line = (change_to_line(change) + "\n").encode("utf-8")
                    digest.update(line)
                    handle.write(line)
                    report.changes += 1
                    blobs.extend(blob_refs(change))
            entries[CHANGES] = digest.hexdigest()
            wanted = list(dict.fromkeys(blobs))
            for index, sha256 in enumerate(wanted):
                if progress:
                    progress(index, len(wanted))
                source = blob_path(sha256)
                if not source.is_file():
                    report.missing_blobs.append(sha256)
                    continue
                # Media is already compressed: stored as is, never recompressed.
                archive.write(source, BLOB_DIR + sha256, compress_type=zipfile.ZIP_STORED)
                entries[BLOB_DIR + sha256] = sha256
                report.blobs += 1
            manifest = {"protocol": wire.PROTOCOL_VERSION, "workspace": workspace, "created_by": created_by,
                        "created_at": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "entries": entries}
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        if partial.exists():
            partial.unlink()
    report.size = path.stat().st_size
    return report


def export_workspace(replica: Any, workspace: str, path: Path, root_record_id: str | None = None,
                     created_by: str = "", progress: Callable[[int, int], None] | None = None) -> ExportReport:
    return write_bundle(path, workspace, replica.export_changes(workspace, root_record_id), replica.blob_path,
                        created_by, progress)


# --- reading --------------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name or ":" in name:
        return False
    parts = name.split("/")
    return all(part not in ("", ".", "..") for part in parts)


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int,
                  sink: Callable[[bytes], None] | None = None) -> str:
    """Stream one entry, hashing it, never more than ``limit`` bytes whatever the header claims."""
    digest = hashlib.sha256()
    total = 0
    try:
        with archive.open(info) as handle:
            while True:
                chunk = handle.read(1024 * 1024)
                if not chunk:
                    break
                total += len(chunk)
                if total > limit or total > info.file_size:
                    raise BundleError("too-large", f"{info.filename} unpacks to more than it declares: refused")
                digest.update(chunk)
                if sink is not None:
                    sink(chunk)
    except (zipfile.BadZipFile, EOFError, zlib.error, OSError) as error:
        raise BundleError("damaged", f"{info.filename} cannot be read ({error}): the file is damaged or cut short") from None
    if total != info.file_size:
        raise BundleError("damaged", f"{info.filename} is cut short")
    return digest.hexdigest()


def parse_change_line(line: str, number: int) -> Change:
    try:
        item = json.loads(line, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
        parsed = wire.ChangeIn.model_validate(item)
    except Exception as error:  # JSON or shape: one bad line refuses the bundle
        raise BundleError("bad-change", f"{CHANGES}, line {number}: not a valid change ({str(error)[:200]})") from None
    change = Change(parsed.change_id, parsed.record_id, parsed.type,
                    {name: FieldWrite(write.v, write.t, write.base) for name, write in parsed.fields.items()})
    try:
        check_change(change)
    except ChangeRejected as error:
        raise BundleError("bad-change", f"{CHANGES}, line {number}: {error.message}") from None
    return change


def read_bundle(path: Path) -> Bundle:
    """Open and validate a bundle completely; raises BundleError and leaves nothing behind."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise BundleError("unreadable", f"{path} cannot be read: {error.strerror}") from None
    if size == 0:
        raise BundleError("damaged", f"{path.name} is empty")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise BundleError("damaged", f"{path.name} is not a Companion bundle, or it was cut short ({error})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise BundleError("too-large", f"{len(infos)} files inside: more than any bundle holds")
        names: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            if not _safe_name(name) or info.is_dir():
                raise BundleError("unsafe-path", f"unsafe file name inside the bundle: {name!r}")
            if name in names:
                raise BundleError("unsafe-path", f"{name!r} appears twice")
            if name not in (MANIFEST, CHANGES) and not _BLOB_NAME.fullmatch(name):
                raise BundleError("unexpected-file", f"unexpected file inside the bundle: {name!r}")
            limit = {MANIFEST: MAX_MANIFEST_BYTES, CHANGES: MAX_CHANGES_BYTES}.get(name, MAX_BLOB_BYTES)
            if info.file_size > limit:
                raise BundleError("too-large", f"{name} would unpack to {info.file_size} bytes: refused")
            if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise BundleError("too-large", f"{name} is compressed {info.file_size // max(info.compress_size, 1)} times: "
                                               "a zip bomb, refused")
            if info.flag_bits & 0x1:
                raise BundleError("damaged", f"{name} is encrypted")
            total += info.file_size
            names[name] = info
        if total > MAX_TOTAL_BYTES:
            raise BundleError("too-large", f"the bundle would unpack to {total} bytes: refused")
        if MANIFEST not in names or CHANGES not in names:
            raise BundleError("damaged", "the bundle has no manifest.json or no changes.ndjson")

        manifest_bytes = io.BytesIO()
        _read_limited(archive, names[MANIFEST], MAX_MANIFEST_BYTES, manifest_bytes.write)
        try:
            manifest = json.loads(manifest_bytes.getvalue().decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise BundleError("damaged", "manifest.json is not JSON") from None
        if not isinstance(manifest, dict):
            raise BundleError("damaged", "manifest.json is not an object")
        protocol = manifest.get("protocol")
        if protocol != wire.PROTOCOL_VERSION:
            raise BundleError("wrong-version", f"the bundle uses protocol version {protocol!r}; this Companion reads "
                                               f"version {wire.PROTOCOL_VERSION}")
        workspace = manifest.get("workspace")
        if not isinstance(workspace, str) or not _WORKSPACE.fullmatch(workspace):
            raise BundleError("damaged", f"manifest.json names no valid workspace: {workspace!r}")
        entries = manifest.get("entries")
        if not isinstance(entries, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in entries.items()):
            raise BundleError("damaged", "manifest.json has no entries {path: sha256}")
        listed, present = set(entries), set(names) - {MANIFEST}
        if listed != present:
            extra = sorted(present - listed)[:3]
            lacking = sorted(listed - present)[:3]
            raise BundleError("hash-mismatch", f"the manifest and the files disagree (not listed: {extra}, missing: {lacking})")

        # Every byte hashed before any is used.
        changes_text = io.BytesIO()
        actual = _read_limited(archive, names[CHANGES], MAX_CHANGES_BYTES, changes_text.write)
        if actual != entries[CHANGES]:
            raise BundleError("hash-mismatch", f"{CHANGES} does not match its hash in the manifest")
        blobs = []
        for name in sorted(present - {CHANGES}):
            actual = _read_limited(archive, names[name], MAX_BLOB_BYTES)
            sha256 = name[len(BLOB_DIR):]
            if actual != entries[name] or actual != sha256:
                raise BundleError("hash-mismatch", f"{name} does not match its hash")
            blobs.append(sha256)

    try:
        text = changes_text.getvalue().decode("utf-8")
    except UnicodeDecodeError:
        raise BundleError("bad-change", f"{CHANGES} is not UTF-8 text") from None
    changes = [parse_change_line(line, number) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    created_by = manifest.get("created_by", "")
    created_at = manifest.get("created_at", "")
    return Bundle(path, workspace, str(created_by)[:200], str(created_at)[:40], changes, blobs)


# --- importing into a laptop ------------------------------------------------------------------------


@dataclass
class ImportPreview:
    bundle: Bundle
    applied: Any  # the replica's Applied: records created or changed, conflicts, by type, duplicates
    new_blobs: int


def preview_import(replica: Any, path: Path) -> ImportPreview:
    bundle = read_bundle(path)
    applied = replica.preview_remote(bundle.workspace, bundle.changes)
    new_blobs = sum(1 for sha in bundle.blobs if not replica.blob_path(sha).exists())
    return ImportPreview(bundle, applied, new_blobs)


def apply_import(replica: Any, bundle: Bundle, progress: Callable[[int, int], None] | None = None) -> Any:
    """Blobs first (so no record ever points at a file that is not there), then the changes, merged."""
    for index, sha256 in enumerate(bundle.blobs):
        if progress:
            progress(index, len(bundle.blobs))
        destination = replica.blob_path(sha256)
        if not destination.exists():
            bundle.copy_blob(sha256, destination)
    return replica.apply_remote(bundle.workspace, bundle.changes)


def import_bundle(replica: Any, path: Path) -> Any:
    return apply_import(replica, read_bundle(path))
