"""SQLAlchemy 2 typed models of the Companion's local database.

User-made rows (bookmarks, reading state) carry a UUID and a workspace so that the
sync engine can ship them later without reshaping the data (see docs/sync-protocol.md).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import DDL, JSON, Boolean, Date, DateTime, Float, Index, Integer, String, Text, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

LOCAL_WORKSPACE = "local"


def new_uuid() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Guide(Base):
    """A guide in one language. ``origin`` tells who owns it: bundled guides are
    updated by new releases; guides of other origins are never touched by that."""

    __tablename__ = "guide"
    __table_args__ = (
        Index("ix_guide_slug_language", "slug", "language"),
        Index("ix_guide_category_order", "category", "sort_order"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(32))
    tags: Mapped[str] = mapped_column(Text, default="")  # space separated, searchable
    revision: Mapped[int] = mapped_column(Integer, default=1)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    translation_of: Mapped[str | None] = mapped_column(String(8), nullable=True)
    source_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    origin: Mapped[str] = mapped_column(String(16), default="bundled")
    # Guides received from the library workspace carry the record id the server knows them by;
    # bundled guides and lesson mirrors are local (no record id, no workspace).
    record_id: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True, index=True)
    workspace: Mapped[str | None] = mapped_column(String(64), nullable=True)
    images: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # image path -> blob reference
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64))
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    toc: Mapped[list] = mapped_column(JSON, default=list)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Setting(Base):
    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)


class Bookmark(Base):
    """A bookmarked guide (all its languages: the reader opens it in the UI language)."""

    __tablename__ = "bookmark"
    __table_args__ = (Index("ix_bookmark_guide", "guide_slug"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    guide_slug: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class ReadingState(Base):
    """Where the reader stopped in one language of a guide, and when it was last opened."""

    __tablename__ = "reading_state"
    __table_args__ = (
        Index("ix_reading_state_guide", "guide_slug", "language"),
        Index("ix_reading_state_opened", "last_opened_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    guide_slug: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8))
    position: Mapped[float] = mapped_column(Float, default=0.0)  # 0.0 top .. 1.0 end
    last_opened_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


# Full-text search: an FTS5 index over the guide table, kept in step by triggers.
# remove_diacritics 2 makes "integration" find "intégration"; unicode61 folds case.
# Language and category are indexed too, so filters are applied inside the index
# (a join back onto the guide table would read thousands of rows per search).
FTS_COLUMNS = "title, summary, tags, body_text, language, category"
FTS_DDL = [
    f"""CREATE VIRTUAL TABLE guide_fts USING fts5(
        {FTS_COLUMNS},
        content='guide', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    f"""CREATE TRIGGER guide_fts_insert AFTER INSERT ON guide BEGIN
        INSERT INTO guide_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.title, new.summary, new.tags, new.body_text, new.language, new.category);
    END""",
    f"""CREATE TRIGGER guide_fts_delete AFTER DELETE ON guide BEGIN
        INSERT INTO guide_fts(guide_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.title, old.summary, old.tags, old.body_text, old.language, old.category);
    END""",
    f"""CREATE TRIGGER guide_fts_update AFTER UPDATE ON guide BEGIN
        INSERT INTO guide_fts(guide_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.title, old.summary, old.tags, old.body_text, old.language, old.category);
        INSERT INTO guide_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.title, new.summary, new.tags, new.body_text, new.language, new.category);
    END""",
]

for _statement in FTS_DDL:
    event.listen(Guide.__table__, "after_create", DDL(_statement))


# --- Pilot projects (migrations 0003, 0005) ----------------------------------------------------
# Every row is a synced record (companion/records/registry.py): a UUID, a workspace (local until
# the team shares it), a `deleted` tombstone, and a parent referenced by id only, with no foreign
# key, so a child that arrives before its parent is kept and appears when the parent does.
# Money and rates are exact decimals stored as text.


class Project(Base):
    __tablename__ = "project"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(100), default="")
    scheme: Mapped[str] = mapped_column(String(200), default="")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    usd_rate: Mapped[str | None] = mapped_column(String(40), nullable=True)
    start_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ProjectMember(Base):
    """One person of a project's team: a register of its own, so two people adding names on two
    laptops both keep theirs."""

    __tablename__ = "project_member"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Checklist(Base):
    __tablename__ = "checklist"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    template_id: Mapped[str] = mapped_column(String(100))
    template_version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class ChecklistItem(Base):
    __tablename__ = "checklist_item"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    checklist_id: Mapped[str] = mapped_column(String(36), index=True)
    section_key: Mapped[str] = mapped_column(String(100))
    item_key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="todo")
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Attachment(Base):
    """Evidence for a checklist item: the file lives in the content-addressed blob store."""

    __tablename__ = "attachment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    item_id: Mapped[str] = mapped_column(String(36), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class Feasibility(Base):
    __tablename__ = "feasibility"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    template_id: Mapped[str] = mapped_column(String(100))
    template_version: Mapped[int] = mapped_column(Integer)
    recommendation: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class FeasibilityWeight(Base):
    """The weight a team gives one dimension (where it differs from the template's)."""

    __tablename__ = "feasibility_weight"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    feasibility_id: Mapped[str] = mapped_column(String(36), index=True)
    dimension_key: Mapped[str] = mapped_column(String(100))
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class FeasibilityScore(Base):
    __tablename__ = "feasibility_score"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    feasibility_id: Mapped[str] = mapped_column(String(36), index=True)
    dimension_key: Mapped[str] = mapped_column(String(100))
    criterion_key: Mapped[str] = mapped_column(String(100))
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    risk: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class BusinessCase(Base):
    __tablename__ = "business_case"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    project_id: Mapped[str] = mapped_column(String(36), index=True)
    template_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    horizon_years: Mapped[int] = mapped_column(Integer, default=5)
    discount_rate: Mapped[str] = mapped_column(String(40), default="0.08")
    insurees: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


class BusinessLine(Base):
    __tablename__ = "business_line"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    business_case_id: Mapped[str] = mapped_column(String(36), index=True)
    side: Mapped[str] = mapped_column(String(8))  # "cost" | "benefit"
    category: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16), default="recurring")
    description: Mapped[str] = mapped_column(Text, default="")
    unit_cost: Mapped[str] = mapped_column(String(40), default="0")
    quantity: Mapped[str] = mapped_column(String(40), default="1")
    years: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)



# --- Sync bookkeeping (migration 0005): local only, never synced themselves ---------------------


class RecordField(Base):
    """The HLC of every field of every synced record (the protocol's per-field clock). ``extra``
    holds the JSON value of a field this version keeps no column for (a newer app's field, or a
    value of the wrong type from elsewhere), so nothing received is lost or changed."""

    __tablename__ = "record_field"

    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    t: Mapped[str] = mapped_column(String(40))
    extra: Mapped[str | None] = mapped_column(Text, nullable=True)


class OutboxEntry(Base):
    """A local change waiting to be pushed: the protocol's push format, in the order it was made."""

    __tablename__ = "outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[str] = mapped_column(String(36), unique=True)
    workspace: Mapped[str] = mapped_column(String(64), index=True)
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    type: Mapped[str] = mapped_column(String(64))
    fields: Mapped[str] = mapped_column(Text)  # JSON {name: {v, t, base?}}
    error: Mapped[str | None] = mapped_column(Text, nullable=True)  # set aside: the server refused it


class AppliedChange(Base):
    """Changes from elsewhere already merged here (by change id): a change seen again is a
    duplicate, never a new write, even when later writes of the same record came in between."""

    __tablename__ = "applied_change"

    change_id: Mapped[str] = mapped_column(String(36), primary_key=True)


class ConflictRecord(Base):
    """Two writes of one field that clashed: the kept one and the other, until someone resolves it."""

    __tablename__ = "conflict"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    workspace: Mapped[str] = mapped_column(String(64), index=True)
    record: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(64))
    kept: Mapped[object] = mapped_column(JSON)
    other: Mapped[object] = mapped_column(JSON)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


class ForeignRecord(Base):
    """A record of a type this version does not know (a newer app's): kept whole, in record_field,
    so it survives and syncs on."""

    __tablename__ = "foreign_record"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    workspace: Mapped[str] = mapped_column(String(64), index=True)


def all_models() -> type[Base]:
    """Base, with every table registered on its metadata (the training tables load on demand)."""
    import companion.storage.training_models  # noqa: F401 - registers the tables

    return Base
