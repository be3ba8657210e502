"""SQLAlchemy 2 typed models of the Companion's local database.

User-made rows (bookmarks, reading state) carry a UUID and a workspace so that the
sync engine can ship them later without reshaping the data (see docs/sync-protocol.md).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (DDL, JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, event)
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
        UniqueConstraint("slug", "language", name="uq_guide_slug_language"),
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
    __table_args__ = (UniqueConstraint("guide_slug", name="uq_bookmark_guide"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    guide_slug: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ReadingState(Base):
    """Where the reader stopped in one language of a guide, and when it was last opened."""

    __tablename__ = "reading_state"
    __table_args__ = (
        UniqueConstraint("guide_slug", "language", name="uq_reading_state_guide"),
        Index("ix_reading_state_opened", "last_opened_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    guide_slug: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8))
    position: Mapped[float] = mapped_column(Float, default=0.0)  # 0.0 top .. 1.0 end
    last_opened_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


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


# --- Pilot projects (migration 0003) -----------------------------------------------------------
# Every row carries a UUID and a workspace (local until the team joins a shared workspace) and
# an updated_at, so the sync engine can ship them as records without reshaping anything.
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
    team: Mapped[list] = mapped_column(JSON, default=list)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Checklist(Base):
    __tablename__ = "checklist"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[str] = mapped_column(String(100))
    template_version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ChecklistItem(Base):
    __tablename__ = "checklist_item"
    __table_args__ = (UniqueConstraint("checklist_id", "item_key", name="uq_checklist_item_key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    checklist_id: Mapped[str] = mapped_column(ForeignKey("checklist.id", ondelete="CASCADE"), index=True)
    section_key: Mapped[str] = mapped_column(String(100))
    item_key: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="todo")
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class Attachment(Base):
    """Evidence for a checklist item: the file lives in the content-addressed blob store."""

    __tablename__ = "attachment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    item_id: Mapped[str] = mapped_column(ForeignKey("checklist_item.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Feasibility(Base):
    __tablename__ = "feasibility"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[str] = mapped_column(String(100))
    template_version: Mapped[int] = mapped_column(Integer)
    weights: Mapped[dict] = mapped_column(JSON, default=dict)  # dimension id → weight, where changed
    recommendation: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class FeasibilityScore(Base):
    __tablename__ = "feasibility_score"
    __table_args__ = (UniqueConstraint("feasibility_id", "criterion_key", name="uq_feasibility_criterion"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    feasibility_id: Mapped[str] = mapped_column(ForeignKey("feasibility.id", ondelete="CASCADE"), index=True)
    dimension_key: Mapped[str] = mapped_column(String(100))
    criterion_key: Mapped[str] = mapped_column(String(100))
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    risk: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class BusinessCase(Base):
    __tablename__ = "business_case"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    horizon_years: Mapped[int] = mapped_column(Integer, default=5)
    discount_rate: Mapped[str] = mapped_column(String(40), default="0.08")
    insurees: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class BusinessLine(Base):
    __tablename__ = "business_line"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    business_case_id: Mapped[str] = mapped_column(ForeignKey("business_case.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(8))  # "cost" | "benefit"
    category: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16), default="recurring")
    description: Mapped[str] = mapped_column(Text, default="")
    unit_cost: Mapped[str] = mapped_column(String(40), default="0")
    quantity: Mapped[str] = mapped_column(String(40), default="1")
    years: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)



def all_models() -> type[Base]:
    """Base, with every table registered on its metadata (the training tables load on demand)."""
    import companion.storage.training_models  # noqa: F401 - registers the tables

    return Base
