"""Training tables (migration 0004), apart from the other models so that start-up, which never
needs them, does not pay for declaring them; ``all_models()`` in models.py loads them when the
whole schema is wanted (creating a database, Alembic).

Modules, their lessons and quiz questions: bundled modules are refreshed by each release;
a trainer's own modules (origin "custom", perhaps a copy of a bundled one) are never touched
by that. Sessions, participants and attendance are the trainer's records. Every row carries a
UUID, a workspace and an updated_at so the sync engine can ship it to the team workspace.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from companion.storage.models import LOCAL_WORKSPACE, Base, new_uuid, utcnow


class TrainingModule(Base):
    __tablename__ = "training_module"
    __table_args__ = (Index("ix_training_module_slug_language", "slug", "language"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    slug: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8))
    origin: Mapped[str] = mapped_column(String(16), default="custom")  # "bundled" | "custom"
    based_on: Mapped[str | None] = mapped_column(String(128), nullable=True)  # slug of the copied module
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(300), default="")
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)  # percent
    revision: Mapped[int] = mapped_column(Integer, default=1)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    translation_of: Mapped[str | None] = mapped_column(String(8), nullable=True)
    source_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class TrainingLesson(Base):
    __tablename__ = "training_lesson"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    module_id: Mapped[str] = mapped_column(String(36), index=True)
    lesson_key: Mapped[str] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[int] = mapped_column(Integer, default=30)
    body_markdown: Mapped[str] = mapped_column(Text, default="")  # slides and notes
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class TrainingQuestion(Base):
    __tablename__ = "training_question"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    module_id: Mapped[str] = mapped_column(String(36), index=True)
    question_key: Mapped[str] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(Integer, default=0)
    question: Mapped[str] = mapped_column(Text)
    choices: Mapped[list] = mapped_column(JSON, default=list)
    answer: Mapped[int] = mapped_column(Integer, default=1)  # counted from 1
    explanation: Mapped[str] = mapped_column(Text, default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class TrainingSession(Base):
    """One run of a module: the module's quiz size and pass mark are copied in when the session
    is created, so later changes to the module never change a session's results."""

    __tablename__ = "training_session"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    module_slug: Mapped[str] = mapped_column(String(128))
    module_title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8))
    start_date: Mapped[dt.date] = mapped_column(Date)
    days: Mapped[int] = mapped_column(Integer, default=1)
    place: Mapped[str] = mapped_column(String(300), default="")
    trainer: Mapped[str] = mapped_column(String(300), default="")
    quiz_size: Mapped[int] = mapped_column(Integer, default=0)
    quiz_fingerprint: Mapped[str] = mapped_column(String(64), default="")  # the questions it started with
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)
    notes: Mapped[str] = mapped_column(Text, default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class TrainingParticipant(Base):
    __tablename__ = "training_participant"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    session_id: Mapped[str] = mapped_column(String(36), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    sex: Mapped[str] = mapped_column(String(16), default="")  # "" | "female" | "male"
    contact: Mapped[str] = mapped_column(String(200), default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    pre_score: Mapped[int | None] = mapped_column(Integer, nullable=True)  # right answers
    post_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pre_answers: Mapped[list | None] = mapped_column(JSON, nullable=True)  # when taken on the laptop
    post_answers: Mapped[list | None] = mapped_column(JSON, nullable=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1-5
    comment: Mapped[str] = mapped_column(Text, default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class TrainingAttendance(Base):
    __tablename__ = "training_attendance"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    workspace: Mapped[str] = mapped_column(String(64), default=LOCAL_WORKSPACE)
    participant_id: Mapped[str] = mapped_column(String(36), index=True)
    day: Mapped[int] = mapped_column(Integer)  # 0 = the session's first day
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
