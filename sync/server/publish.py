"""``companion-server library publish``: the bundled content, as records and blobs of ``library``.

Each guide becomes a record of type ``guide`` whose id is derived from its slug
and language (so republishing updates the same record instead of adding one);
each image a guide shows becomes a blob, referenced from the guide's ``images``
field. Only fields whose value changed are written, through the same push path
as a client's, so republishing unchanged content assigns no new ``seq``.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion.replication.hlc import Clock
from companion.replication.merge import DELETED_FIELD, same_value
from sync.server import models, store
from sync.server.blobs import BlobStore
from sync.server.db import LIBRARY_ID, Database, now_ms
from sync.server.settings import ServerLimits

# uuid5(NAMESPACE_URL, "https://openimis.org/companion/library"), written out so it can never drift.
LIBRARY_NAMESPACE = uuid.UUID("025d5be8-6bdd-5d57-8f3c-4d0e6f08b085")
GUIDE_TYPE = "guide"
_IMAGE_RE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


class PublishError(ValueError):
    pass


def guide_record_id(slug: str, language: str) -> str:
    return str(uuid.uuid5(LIBRARY_NAMESPACE, f"guide:{slug}:{language}"))


@dataclass
class PublishReport:
    guides: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    blobs: int = 0
    rejected: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.guides} guides: {self.created} new, {self.updated} updated, {self.unchanged} unchanged"
            f"{f', {self.removed} withdrawn' if self.removed else ''}; {self.blobs} images"
        )
        return text + (f"; {len(self.rejected)} rejected" if self.rejected else "")


def _guides_dir(path: Path) -> Path:
    if (path / "guides").is_dir():
        return path / "guides"
    if any((path / language).is_dir() for language in ("en", "fr")):
        return path
    raise PublishError(f"{path} holds no guides (expected {path}/guides/<language>/*.md or {path}/<language>/*.md)")


def _image_refs(body: str, guides_dir: Path, where: Path | None) -> dict[str, Path]:
    """Local images a guide shows, by the reference written in its Markdown; remote ones are skipped."""
    found: dict[str, Path] = {}
    root = guides_dir.resolve()
    for reference in _IMAGE_RE.findall(body):
        if re.match(r"^[a-z][a-z0-9+.-]*:", reference, re.IGNORECASE) or reference.startswith("/"):
            continue  # remote or absolute: never fetched, never published
        for base in filter(None, (guides_dir, where.parent if where else None)):
            candidate = (base / reference).resolve()
            if candidate.is_file() and candidate.is_relative_to(root):
                found[reference] = candidate
                break
    return found


def guide_fields(source: Any, images: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "slug": source.slug,
        "language": source.language,
        "title": source.title,
        "summary": source.summary,
        "category": source.category,
        "tags": list(source.tags),
        "revision": source.revision,
        "order": source.order,
        "translation_of": source.translation_of,
        "source_revision": source.source_revision,
        "body_markdown": source.body_markdown,
        "images": images,
        DELETED_FIELD: False,
    }


def publish_library(
    db: Database, blob_store: BlobStore, source: Path, limits: ServerLimits = ServerLimits(), prune: bool = False
) -> PublishReport:
    from companion.content.loader import load_guide_sources  # the desktop app's own reader of the bundled format

    guides_dir = _guides_dir(source)
    sources = load_guide_sources(guides_dir)
    report = PublishReport(guides=len(sources))

    device = hashlib.sha256(f"{db.server_id()}:library-publish".encode()).hexdigest()[:16]
    clock = Clock(device)
    with db.read() as session:
        current = store.workspace_state(session, LIBRARY_ID)
    for record in current.values():
        for value in record.fields.values():
            clock.observe(value["t"])  # our stamps must sort after everything already there

    blob_rows: dict[str, int] = {}
    changes: list[dict[str, Any]] = []
    published_ids: set[str] = set()
    for guide in sources:
        images: dict[str, dict[str, Any]] = {}
        for reference, path in sorted(_image_refs(guide.body_markdown, guides_dir, guide.path).items()):
            data = path.read_bytes()
            sha256 = blob_store.put_bytes(data)
            blob_rows[sha256] = len(data)
            images[reference] = {
                "blob": sha256, "name": path.name, "size": len(data),
                "mime": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
            }
        record_id = guide_record_id(guide.slug, guide.language)
        published_ids.add(record_id)
        stored = current.get(record_id)
        writes: dict[str, dict[str, Any]] = {}
        for name, value in guide_fields(guide, images).items():
            old = stored.fields.get(name) if stored else None
            if old is None or not same_value(old["v"], value):
                writes[name] = {"v": value, "t": clock.now(), **({"base": old["t"]} if old else {})}
        if stored is not None and stored.type != GUIDE_TYPE:
            report.rejected.append(f"{guide.slug} ({guide.language}): id taken by a {stored.type!r} record")
            continue
        if not writes:
            report.unchanged += 1
            continue
        if stored is None:
            report.created += 1
        else:
            report.updated += 1
        changes.append({"change_id": str(uuid.uuid4()), "record_id": record_id, "type": GUIDE_TYPE, "fields": writes})

    if prune:
        for record_id, record in current.items():
            if record.type == GUIDE_TYPE and record_id not in published_ids and not record.deleted:
                old = record.fields.get(DELETED_FIELD)
                write = {"v": True, "t": clock.now(), **({"base": old["t"]} if old else {})}
                changes.append({"change_id": str(uuid.uuid4()), "record_id": record_id, "type": GUIDE_TYPE,
                                "fields": {DELETED_FIELD: write}})
                report.removed += 1

    with db.write() as session:
        for sha256, size in blob_rows.items():
            if session.get(models.Blob, (LIBRARY_ID, sha256)) is None:
                session.add(models.Blob(workspace_id=LIBRARY_ID, sha256=sha256, size=size, created_ms=now_ms()))
                report.blobs += 1
    for start in range(0, len(changes), limits.max_changes_per_push):
        batch = changes[start:start + limits.max_changes_per_push]
        outcome = store.push(db, LIBRARY_ID, None, batch, limits, check_role=False)
        for result in outcome.results:
            if result.status == "rejected" and result.error is not None:
                report.rejected.append(f"{result.change_id}: {result.error.detail}")
    return report
