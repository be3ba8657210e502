"""Keep the bundled guides in the database in step with the release that is installed.

Runs on first launch and after an upgrade. Only rows that came from the bundle
(``origin == "bundled"``) are ever changed; bookmarks, reading positions and guides
of other origins (written by the user, or received by sync) are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from companion.content.fingerprint import FINGERPRINT_KEY, bundle_fingerprint, bundled_content_is_current  # noqa: F401
from companion.content.limits import ShapeError, check_html
from companion.content.loader import ContentError, GuideSource, load_guide_sources
from companion.content.render import RenderedGuide, render_markdown
from companion.records import allow_writes
from companion.storage.models import Guide, Setting, utcnow

BUNDLED = "bundled"


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    kept_user_owned: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def render_guide(source: GuideSource) -> RenderedGuide:
    """The guide's HTML, measured against the reader's limits; a ContentError names the file."""
    try:
        rendered = render_markdown(source.body_markdown)
        check_html(rendered.html)
    except ShapeError as error:
        raise ContentError(f"{source.path or f'{source.language}/{source.slug}.md'}: {error}") from None
    return rendered


def _apply(guide: Guide, source: GuideSource) -> None:
    rendered = render_guide(source)
    guide.title = source.title
    guide.summary = source.summary
    guide.category = source.category
    guide.tags = " ".join(source.tags)
    guide.revision = source.revision
    guide.sort_order = source.order
    guide.translation_of = source.translation_of
    guide.source_revision = source.source_revision
    guide.content_hash = source.content_hash
    guide.body_markdown = source.body_markdown
    guide.body_html = rendered.html
    guide.body_text = rendered.text
    guide.toc = [[entry.level, entry.anchor, entry.title] for entry in rendered.toc]
    guide.word_count = rendered.word_count
    guide.updated_at = utcnow()


def import_guides(
    session: Session,
    sources: list[GuideSource],
    progress: Callable[[int, int], None] | None = None,
    remove_missing: bool = True,
) -> ImportReport:
    # Bundled guides are local rows (each release brings its own, they never sync): the record
    # writer vouches for them. Only rows of the bundle are read and written here, so a guide of
    # another origin (the library workspace, a lesson) is never replaced, whatever its slug.
    with allow_writes():
        report = _import(session, sources, progress, remove_missing)
        session.flush()
    return report


def _import(session: Session, sources: list[GuideSource], progress, remove_missing: bool) -> ImportReport:
    report = ImportReport()
    existing = {(g.slug, g.language): g for g in session.scalars(select(Guide).where(Guide.origin == BUNDLED))}
    others = {(slug, language) for slug, language in session.execute(
        select(Guide.slug, Guide.language).where(Guide.origin != BUNDLED, Guide.deleted.is_(False)))}
    for index, source in enumerate(sources, start=1):
        guide = existing.pop((source.slug, source.language), None)
        if (source.slug, source.language) in others:
            report.kept_user_owned += 1
        if guide is None:
            guide = Guide(slug=source.slug, language=source.language, origin=BUNDLED, deleted=False)
            _apply(guide, source)
            session.add(guide)
            report.added += 1
        elif guide.content_hash == source.content_hash:
            report.unchanged += 1
        elif source.revision < guide.revision:
            report.unchanged += 1  # never go back to an older text
        else:
            _apply(guide, source)
            report.updated += 1
        if progress:
            progress(index, len(sources))
    if remove_missing:
        for guide in existing.values():
            if guide.origin == BUNDLED:
                session.delete(guide)
                report.removed += 1
    return report


def import_bundled_guides(
    session: Session, guides_dir: Path, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Import or update the bundle in one transaction, and remember its fingerprint."""
    fingerprint = bundle_fingerprint(guides_dir)
    report = import_guides(session, load_guide_sources(guides_dir), progress)
    session.merge(Setting(key=FINGERPRINT_KEY, value=fingerprint))  # a local setting, not a record
    session.commit()
    return report
