"""The library's operations: what the screens ask of the core (Anki-style, no SQL in widgets).

Every method opens its own short session, so it can run on a worker thread too.
Results are plain frozen dataclasses: screens never hold ORM objects.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import Engine, func, select, text

from companion.content.categories import CATEGORY_KEYS
from companion.content.highlight import extract, mark, word_pattern
from companion.records import LOCAL_WORKSPACE, named_id, records_for
from companion.storage.models import Bookmark, Guide, ReadingState, Setting, utcnow

PERSONAL_WORKSPACE_KEY = "sync.personal_workspace"  # where bookmarks and reading positions go
# When one guide exists in several origins, which text the library shows: the library
# workspace publishes updates of the bundled guides; lessons are mirrors of training modules.
ORIGIN_RANK = {"user": 0, "library": 1, "bundled": 2, "training": 3}

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class GuideSummary:
    slug: str
    language: str
    title: str
    summary: str
    category: str
    word_count: int
    updated_at: dt.datetime
    is_translation: bool


@dataclass(frozen=True)
class TranslationState:
    """How this text relates to the guide's other languages."""

    original_language: str
    available: tuple[str, ...]  # languages this guide exists in
    outdated: bool  # a translation made from an older revision of the original
    requested_missing: str | None  # the language asked for, when it does not exist


@dataclass(frozen=True)
class GuideView:
    slug: str
    language: str
    title: str
    category: str
    html: str
    toc: tuple[tuple[int, str, str], ...]
    revision: int
    word_count: int
    updated_at: dt.datetime
    translation: TranslationState
    position: float
    bookmarked: bool
    origin: str = "bundled"  # where this text came from: bundled, library (synced), training, user


@dataclass(frozen=True)
class SearchHit:
    slug: str
    language: str
    title: str  # with highlight markers
    snippet: str  # with highlight markers
    category: str
    score: float


@dataclass(frozen=True)
class ReadingEntry:
    slug: str
    language: str
    title: str
    position: float
    last_opened_at: dt.datetime


def fts_query(user_text: str) -> str | None:
    """Turn what the user typed into a safe FTS5 query: every word must appear, the last
    one as a prefix (search as you type). Punctuation and FTS operators are never passed on."""
    words = _WORD.findall(user_text)
    if not words:
        return None
    quoted = [f'"{word}"' for word in words]
    quoted[-1] += "*"
    return " ".join(quoted)


class Library:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.records = records_for(engine)
        self.sessions = self.records.sessions

    # --- browsing ---------------------------------------------------------------------------

    def guide_count(self) -> int:
        with self.sessions() as session:
            return session.scalar(select(func.count(func.distinct(Guide.slug))).where(Guide.deleted.is_(False))) or 0

    def category_counts(self) -> dict[str, int]:
        """Number of guides (counted once whatever their languages) in each category."""
        with self.sessions() as session:
            rows = session.execute(
                select(Guide.category, func.count(func.distinct(Guide.slug))).where(Guide.deleted.is_(False))
                .group_by(Guide.category)
            ).all()
        counts = {key: 0 for key in CATEGORY_KEYS}
        counts.update({category: count for category, count in rows})
        return counts

    def guides(self, category: str | None, ui_language: str, language_filter: str | None = None,
               origin: str | None = None) -> list[GuideSummary]:
        """Guides of a category. With no language filter, one entry per guide: the UI
        language's text where it exists, otherwise the original."""
        columns = (Guide.slug, Guide.language, Guide.title, Guide.summary, Guide.category,
                   Guide.word_count, Guide.updated_at, Guide.translation_of, Guide.sort_order, Guide.origin)
        query = select(*columns).where(Guide.deleted.is_(False)).order_by(Guide.sort_order, Guide.title)
        if category:
            query = query.where(Guide.category == category)
        if language_filter:
            query = query.where(Guide.language == language_filter)
        if origin:
            query = query.where(Guide.origin == origin)
        with self.sessions() as session:
            rows = session.execute(query).all()
        chosen: dict[str, tuple] = {}
        for row in rows:
            current = chosen.get(row.slug)
            if current is None or _preference(row, ui_language) < _preference(current, ui_language):
                chosen[row.slug] = row
        ordered = sorted(chosen.values(), key=lambda r: (r.sort_order, r.title.casefold()))
        return [
            GuideSummary(r.slug, r.language, r.title, r.summary, r.category, r.word_count, r.updated_at,
                         r.translation_of is not None)
            for r in ordered
        ]

    def open_guide(self, slug: str, language: str) -> GuideView | None:
        """The guide in ``language``; where that text does not exist, the original."""
        with self.sessions() as session:
            versions = session.execute(
                select(Guide.id, Guide.language, Guide.translation_of, Guide.revision, Guide.source_revision,
                       Guide.origin)
                .where(Guide.slug == slug, Guide.deleted.is_(False))
            ).all()
            if not versions:
                return None
            by_language = {}
            for version in sorted(versions, key=lambda v: ORIGIN_RANK.get(v.origin, 9), reverse=True):
                by_language[version.language] = version  # the preferred origin is written last
            original = next((v for v in versions if v.translation_of is None), versions[0])
            picked = by_language.get(language, original)
            guide = session.get(Guide, picked.id)
            assert guide is not None
            outdated = (
                guide.translation_of is not None
                and guide.translation_of in by_language
                and (guide.source_revision or 0) < by_language[guide.translation_of].revision
            )
            state = session.scalar(
                select(ReadingState.position).where(
                    ReadingState.guide_slug == slug, ReadingState.language == guide.language,
                    ReadingState.deleted.is_(False)
                ).order_by(ReadingState.last_opened_at.desc())
            )
            bookmarked = session.scalar(select(Bookmark.id).where(Bookmark.guide_slug == slug,
                                                                  Bookmark.deleted.is_(False))) is not None
            return GuideView(
                slug=guide.slug,
                language=guide.language,
                title=guide.title,
                category=guide.category,
                html=guide.body_html,
                toc=tuple(tuple(entry) for entry in guide.toc),
                revision=guide.revision,
                word_count=guide.word_count,
                updated_at=guide.updated_at,
                translation=TranslationState(
                    original_language=original.language,
                    available=tuple(sorted(by_language)),
                    outdated=outdated,
                    requested_missing=None if language in by_language else language,
                ),
                position=state or 0.0,
                bookmarked=bookmarked,
                origin=guide.origin,
            )

    def titles(self, slugs: Iterable[str], ui_language: str) -> dict[str, str]:
        """Display titles for guide slugs, in the UI language where available."""
        slugs = list(slugs)
        if not slugs:
            return {}
        with self.sessions() as session:
            rows = session.execute(
                select(Guide.slug, Guide.language, Guide.title, Guide.translation_of, Guide.origin)
                .where(Guide.slug.in_(slugs), Guide.deleted.is_(False))
            ).all()
        best: dict[str, tuple] = {}
        for row in rows:
            if row.slug not in best or _preference(row, ui_language) < _preference(best[row.slug], ui_language):
                best[row.slug] = row
        return {slug: row.title for slug, row in best.items()}

    # --- search -----------------------------------------------------------------------------

    def search(self, user_text: str, category: str | None = None, language: str | None = None,
               limit: int = 20) -> list[SearchHit]:
        """Guides containing every word typed, best first: guides whose title, summary or tags
        hold all the words come first, then those where the words are in the text."""
        words = _WORD.findall(user_text)
        quoted = fts_query(user_text)
        if quoted is None:
            return []
        filters = ""
        if category:
            filters += f' AND category : "{_token(category)}"'
        if language:
            filters += f' AND language : "{_token(language)}"'
        rank = text("SELECT rowid, bm25(guide_fts, 10.0, 4.0, 3.0, 1.0, 0.0, 0.0) AS score FROM guide_fts"
                    " WHERE guide_fts MATCH :q ORDER BY score LIMIT :limit")
        with self.engine.connect() as connection:
            # The heading columns are small, so ranking them is cheap even for a word in
            # every guide; the costlier ranking over whole texts runs only to fill the page.
            ranked = connection.execute(
                rank, {"q": f"{{title summary tags}} : ({quoted}){filters}", "limit": limit}).all()
            if len(ranked) < limit:
                seen = {rowid for rowid, _score in ranked}
                more = connection.execute(
                    rank, {"q": f"{{title summary tags body_text}} : ({quoted}){filters}",
                           "limit": limit + len(ranked)}).all()
                ranked += [row for row in more if row[0] not in seen][: limit - len(ranked)]
            if not ranked:
                return []
            ids = ",".join(str(int(rowid)) for rowid, _score in ranked)
            rows = {row.id: row for row in connection.execute(text(
                "SELECT id, slug, language, category, title, summary, body_text"
                f" FROM guide WHERE id IN ({ids}) AND NOT deleted"))}
        pattern = word_pattern(words)
        hits = []
        for rowid, score in ranked:
            row = rows.get(rowid)
            if row is None:  # a withdrawn (tombstoned) guide
                continue
            snippet = (extract(row.body_text, pattern) or extract(row.summary, pattern)
                       or row.summary or row.body_text[:200])
            hits.append(SearchHit(row.slug, row.language, row.title and mark(row.title, pattern), snippet,
                                  row.category, score))
        return hits

    # --- bookmarks and reading: personal records, carried to the person's other laptops -------

    def personal_workspace(self) -> str:
        """The signed-in person's workspace, or "local" before anyone signs in."""
        return self.setting(PERSONAL_WORKSPACE_KEY, LOCAL_WORKSPACE)

    def is_bookmarked(self, slug: str) -> bool:
        with self.sessions() as session:
            return session.scalar(select(Bookmark.id).where(Bookmark.guide_slug == slug,
                                                            Bookmark.deleted.is_(False))) is not None

    def set_bookmark(self, slug: str, on: bool) -> bool:
        workspace = self.personal_workspace()
        with self.records.transaction() as writer:
            if on:
                if writer.session.scalar(select(Bookmark.id).where(Bookmark.guide_slug == slug,
                                                                   Bookmark.deleted.is_(False))) is None:
                    # The same id on each of the person's laptops: bookmarking there too is one record.
                    writer.create("bookmark", {"guide_slug": slug, "created_at": utcnow()},
                                  named_id("bookmark", workspace, slug), workspace)
            else:
                for bookmark_id in writer.session.scalars(select(Bookmark.id).where(
                        Bookmark.guide_slug == slug, Bookmark.deleted.is_(False))):
                    writer.delete("bookmark", bookmark_id)
        return on

    def bookmarks(self, ui_language: str) -> list[tuple[str, str]]:
        """(slug, title) of bookmarked guides, newest first."""
        with self.sessions() as session:
            slugs = list(dict.fromkeys(session.scalars(select(Bookmark.guide_slug).where(Bookmark.deleted.is_(False))
                                                       .order_by(Bookmark.created_at.desc()))))
        titles = self.titles(slugs, ui_language)
        return [(slug, titles[slug]) for slug in slugs if slug in titles]

    def mark_opened(self, slug: str, language: str) -> None:
        self._set_state(slug, language, last_opened_at=utcnow())

    def save_position(self, slug: str, language: str, position: float) -> None:
        self._set_state(slug, language, position=min(max(float(position), 0.0), 1.0))

    def _set_state(self, slug: str, language: str, **values) -> None:
        workspace = self.personal_workspace()
        state_id = named_id("reading", workspace, slug, language)
        with self.records.transaction() as writer:
            if writer.row("reading_state", state_id) is None:
                writer.create("reading_state", {"guide_slug": slug, "language": language, "position": 0.0,
                                                "last_opened_at": utcnow(), **values}, state_id, workspace)
            else:
                writer.update("reading_state", state_id, {**values, "_deleted": False})

    def recently_opened(self, limit: int = 8) -> list[ReadingEntry]:
        query = (
            select(ReadingState.guide_slug, ReadingState.language, Guide.title, ReadingState.position,
                   ReadingState.last_opened_at)
            .join(Guide, (Guide.slug == ReadingState.guide_slug) & (Guide.language == ReadingState.language))
            .where(ReadingState.deleted.is_(False), Guide.deleted.is_(False))
            .group_by(ReadingState.guide_slug, ReadingState.language)
            .order_by(ReadingState.last_opened_at.desc())
            .limit(limit)
        )
        with self.sessions() as session:
            return [ReadingEntry(*row) for row in session.execute(query).all()]

    def continue_reading(self) -> ReadingEntry | None:
        """The most recently opened guide the reader has not finished."""
        for entry in self.recently_opened(limit=20):
            if entry.position < 0.98:
                return entry
        return None

    # --- settings ---------------------------------------------------------------------------

    def setting(self, key: str, default=None):
        with self.sessions() as session:
            row = session.get(Setting, key)
            return default if row is None else row.value

    def set_setting(self, key: str, value) -> None:
        with self.sessions.begin() as session:
            session.merge(Setting(key=key, value=value))


def _token(value: str) -> str:
    """A filter value as a safe FTS5 string (they are plain keys such as "fr" or "pilot")."""
    return value.replace('"', "")


def _preference(row, ui_language: str) -> tuple[int, int]:
    """Lower is better: the UI language, else the original, else a translation; then the origin."""
    rank = ORIGIN_RANK.get(getattr(row, "origin", "bundled"), 9)
    if row.language == ui_language:
        return 0, rank
    if row.translation_of is None:
        return 1, rank
    return 2, rank

