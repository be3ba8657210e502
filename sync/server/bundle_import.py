"""``companion-server --data-dir DIR bundle import FILE``: a ``.cbundle`` merged into its workspace.

A team that worked with no network hands its bundle to the administrator. The file is
read and checked completely by the desktop app's own reader (``sync.bundle.read_bundle``:
hashes, paths, sizes, protocol version, every change) before anything is stored; then the
blobs go into the store, visible in the bundle's workspace, and the changes go through the
server's own push path (``store.push``), so the merge rule, conflict records, ``seq`` and
the digest are exactly those of a client's push. Importing the same bundle twice changes
nothing the second time (every change is a duplicate).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sync.bundle import Bundle, change_to_line, read_bundle
from sync.server import models, store
from sync.server.blobs import BlobStore
from sync.server.db import Database, now_ms
from sync.server.settings import ServerLimits


class BundleImportError(Exception):
    pass


@dataclass
class ServerImportReport:
    workspace: str
    applied: int = 0
    duplicates: int = 0
    conflicts: int = 0
    blobs: int = 0
    rejected: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.workspace}: {self.applied} changes applied, {self.duplicates} already there, "
                f"{self.conflicts} conflicts, {self.blobs} files added"
                + (f", {len(self.rejected)} rejected" if self.rejected else ""))


def import_bundle_file(db: Database, blob_store: BlobStore, path: Path,
                       limits: ServerLimits = ServerLimits()) -> ServerImportReport:
    """Raises sync.bundle.BundleError for a bad file (nothing stored), BundleImportError for an unknown workspace."""
    bundle = read_bundle(path)
    with db.read() as session:
        if session.get(models.Workspace, bundle.workspace) is None:
            raise BundleImportError(f"the bundle is for workspace {bundle.workspace!r}, which this server does not have "
                                    "(create it first: companion-server workspace add)")
    report = ServerImportReport(bundle.workspace)
    _store_blobs(db, blob_store, bundle, report)
    import json

    raw = [json.loads(change_to_line(change)) for change in bundle.changes]
    for start in range(0, len(raw), limits.max_changes_per_push):
        outcome = store.push(db, bundle.workspace, None, raw[start:start + limits.max_changes_per_push], limits,
                             check_role=False)
        report.conflicts += outcome.conflicts
        for result in outcome.results:
            if result.status == "applied":
                report.applied += 1
            elif result.status == "duplicate":
                report.duplicates += 1
            else:
                report.rejected.append(f"{result.change_id}: {result.error.detail if result.error else ''}")
    return report


def _store_blobs(db: Database, blob_store: BlobStore, bundle: Bundle, report: ServerImportReport) -> None:
    sizes: dict[str, int] = {}
    for sha256 in bundle.blobs:
        if not blob_store.has_bytes(sha256):
            temporary = blob_store.temp_path()
            bundle.copy_blob(sha256, temporary)  # hash checked again while copying
            blob_store.adopt(temporary, sha256)
        sizes[sha256] = blob_store.path(sha256).stat().st_size
    with db.write() as session:
        for sha256, size in sizes.items():
            if session.get(models.Blob, (bundle.workspace, sha256)) is None:
                session.add(models.Blob(workspace_id=bundle.workspace, sha256=sha256, size=size, created_ms=now_ms()))
                report.blobs += 1
