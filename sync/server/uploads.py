"""Resumable uploads that were started and never finished: a per-user quota and an expiry sweep.

A chunked upload (docs/sync-protocol.md §3.7) keeps its bytes under
``blobs/partial/`` so that a client cut off on a 2G link resumes where it
stopped. Left alone, abandoned ones would stay for ever, so:

- the user who starts an upload reserves its declared size (``total`` in
  ``Content-Range``); the sizes of one user's unfinished uploads may not add up
  to more than ``per_user_bytes`` (``413 upload-quota-exceeded``);
- an upload that received nothing for ``expire_after_s`` is deleted, with its
  reservation, by a sweep the server runs at start and then every
  ``sweep_every_s``; leftovers of whole uploads cut by a crash (``blobs/tmp``)
  go the same way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from sync.server import models
from sync.server.blobs import BlobStore
from sync.server.db import Database, now_ms

MIB = 1024 * 1024


@dataclass(frozen=True)
class UploadLimits:
    per_user_bytes: int = 512 * MIB
    expire_after_s: float = 24 * 3600
    sweep_every_s: float = 3600


class QuotaExceeded(Exception):
    def __init__(self, reserved: int, wanted: int, quota: int) -> None:
        super().__init__(
            f"your unfinished uploads already reserve {reserved} bytes; this one needs {wanted} more and at most "
            f"{quota} may be under way at once: finish them, or wait until they expire"
        )
        self.quota = quota


class PartialUploads:
    """Blocking (database and files): call from worker threads."""

    def __init__(self, db: Database, blobs: BlobStore, limits: UploadLimits = UploadLimits()) -> None:
        self.db = db
        self.blobs = blobs
        self.limits = limits

    def claim(self, workspace_id: str, sha256: str, user_id: int | None, total: int) -> None:
        """Reserve room for an upload about to receive bytes; nothing to do when it is already reserved."""
        with self.db.write() as session:
            if session.get(models.PartialUpload, (workspace_id, sha256)) is not None:
                return  # resuming (perhaps by another member of the workspace): already counted
            if user_id is None:
                return
            reserved = session.scalar(
                select(func.coalesce(func.sum(models.PartialUpload.total), 0)).where(models.PartialUpload.user_id == user_id)
            ) or 0
            if reserved + total > self.limits.per_user_bytes:
                raise QuotaExceeded(int(reserved), total, self.limits.per_user_bytes)
            session.add(models.PartialUpload(workspace_id=workspace_id, sha256=sha256, user_id=user_id, total=total,
                                             started_ms=now_ms()))

    def release(self, workspace_id: str, sha256: str) -> None:
        """The upload finished or was discarded: its reservation goes."""
        with self.db.write() as session:
            session.execute(delete(models.PartialUpload).where(
                models.PartialUpload.workspace_id == workspace_id, models.PartialUpload.sha256 == sha256))

    def sweep(self, now: float | None = None) -> int:
        """Delete uploads idle for longer than the expiry; returns how many files went."""
        now = time.time() if now is None else now
        oldest = now - self.limits.expire_after_s
        removed = 0
        expired: list[tuple[str, str]] = []
        partial_root = self.blobs.root / "partial"
        for path in partial_root.glob("*/*.part"):
            try:
                if path.stat().st_mtime < oldest:
                    path.unlink()
                    removed += 1
                    expired.append((path.parent.name, path.name.removesuffix(".part")))
            except FileNotFoundError:
                continue  # finished or swept by another process meanwhile
        for path in (self.blobs.root / "tmp").glob("*.tmp"):
            try:
                if path.stat().st_mtime < oldest:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        with self.db.write() as session:
            for workspace_id, sha256 in expired:
                session.execute(delete(models.PartialUpload).where(
                    models.PartialUpload.workspace_id == workspace_id, models.PartialUpload.sha256 == sha256))
            # Reservations whose file never received a byte, or vanished.
            for row in session.scalars(select(models.PartialUpload).where(
                    models.PartialUpload.started_ms < int(oldest * 1000))).all():
                if self.blobs.upload_offset(row.workspace_id, row.sha256) is None:
                    session.delete(row)
        return removed
