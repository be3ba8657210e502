"""What the training code shares, kept light to import (no Markdown, YAML or ORM models): the
window's start-up uses it to check the bundled modules and to list the sessions coming up."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Engine, text

BUNDLED, CUSTOM = "bundled", "custom"  # who owns a module: a release, or the trainer
MIN_CHOICES, MAX_CHOICES = 2, 6  # choices of a quiz question
FINGERPRINT_KEY = "bundled_training_fingerprint"


def lesson_guide_slug(module_slug: str, lesson_key: str) -> str:
    """Where a lesson lives in the guide table, for the reader and search."""
    return f"lesson/{module_slug}/{lesson_key}"


def training_fingerprint(training_dir: Path) -> str:
    """A cheap digest of the bundled module files, so start-up skips the import when nothing changed."""
    digest = hashlib.sha256()
    if training_dir.is_dir():
        for path in sorted(training_dir.rglob("*")):
            if path.is_file() and path.suffix in (".md", ".yaml"):
                digest.update(str(path.relative_to(training_dir)).encode("utf-8"))
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class UpcomingSession(NamedTuple):
    id: str
    module_title: str
    start_date: dt.date
    end_date: dt.date
    place: str


def upcoming_sessions(engine: Engine, today: dt.date, limit: int = 5) -> list[UpcomingSession]:
    """Sessions running today or starting later, the soonest first."""
    query = text("SELECT id, module_title, start_date, days, place FROM training_session"
                 " WHERE NOT deleted AND date(start_date, '+' || (days - 1) || ' days') >= :today"
                 " ORDER BY start_date, created_at LIMIT :limit")
    with engine.connect() as connection:
        rows = connection.execute(query, {"today": today.isoformat(), "limit": limit}).all()
    sessions = []
    for row in rows:
        start = dt.date.fromisoformat(str(row.start_date))
        sessions.append(UpcomingSession(row.id, row.module_title, start, start + dt.timedelta(days=row.days - 1),
                                        row.place))
    return sessions
