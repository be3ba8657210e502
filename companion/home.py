"""What Home shows (where to continue, what is due, what is coming, the welcome package, recent
guides, bookmarks), read from the data in one place, and kept as a small file beside it.

The file lets the next start draw Home at once, before the database layer (SQLAlchemy and the
models: half the start-up time) is even imported; the live data replaces it a moment later. It
holds plain text and dates only: Home escapes everything it shows, whatever the file says, and
a file that is damaged, too large or from another version is simply not used.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from companion.library import Library
    from companion.pilot.store import PilotStore

DUE_SOON_DAYS = 14
MAX_DUE_ITEMS = 20
START_VIEW_VERSION = 1
MAX_START_VIEW_BYTES = 256 * 1024  # a full Home is about 10 KB


@dataclass(frozen=True)
class ContinueEntry:
    slug: str
    language: str
    title: str
    position: float


@dataclass(frozen=True)
class DueItem:
    project_id: str
    project_name: str
    title: str
    due_date: dt.date


@dataclass(frozen=True)
class ComingSession:
    id: str
    module_title: str
    start_date: dt.date
    end_date: dt.date
    place: str


@dataclass(frozen=True)
class GuideLink:
    slug: str
    language: str
    title: str
    summary: str = ""
    opened_at: dt.datetime | None = None


@dataclass(frozen=True)
class HomeContent:
    language: str
    continue_entry: ContinueEntry | None = None
    due: list[DueItem] = field(default_factory=list)
    sessions: list[ComingSession] = field(default_factory=list)
    welcome: list[GuideLink] = field(default_factory=list)
    recent: list[GuideLink] = field(default_factory=list)
    bookmarks: list[GuideLink] = field(default_factory=list)
    # Shown in a language asked for on the command line (--language), not the user's own choice:
    # a start without --language then opens the data first rather than flip languages.
    language_asked: bool = False


def read_home(library: Library, pilot: PilotStore | None, language: str, today: dt.date) -> HomeContent:
    """Home's content in ``language``, from the data as it is now."""
    from companion.training.common import upcoming_sessions

    due = []
    if pilot is not None:
        for project_id, project_name, template_id, item_key, due_date in \
                pilot.due_items(today + dt.timedelta(days=DUE_SOON_DAYS))[:MAX_DUE_ITEMS]:
            template = pilot.templates.checklists.get(template_id)
            item = next((i for _s, i in template.items() if i.id == item_key), None) if template else None
            due.append(DueItem(project_id, project_name, item.title.get(language) if item else item_key, due_date))
    entry = library.continue_reading()
    return HomeContent(
        language=language,
        continue_entry=entry and ContinueEntry(entry.slug, entry.language, entry.title, entry.position),
        due=due,
        sessions=[ComingSession(s.id, s.module_title, s.start_date, s.end_date, s.place or "")
                  for s in upcoming_sessions(library.engine, today)],
        welcome=[GuideLink(g.slug, g.language, g.title, g.summary)
                 for g in library.guides("onboarding", language, origin="bundled")],
        recent=[GuideLink(r.slug, r.language, r.title, opened_at=r.last_opened_at) for r in library.recently_opened()],
        bookmarks=[GuideLink(slug, language, title) for slug, title in library.bookmarks(language)],
    )


# --- the file kept for the next start ----------------------------------------------------------


def start_view_file(data_dir: Path) -> Path:
    return data_dir / "home-view.json"


def save_start_view(data_dir: Path, content: HomeContent, app_version: str) -> None:
    """Write Home's content for the next start (whole or not at all; a failure only costs speed)."""
    body = json.dumps({"version": START_VIEW_VERSION, "app": app_version, "home": asdict(content)},
                      ensure_ascii=False, default=_iso)
    target = start_view_file(data_dir)
    temporary = target.with_name(target.name + ".tmp")
    try:
        temporary.write_text(body, encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        pass


def load_start_view(data_dir: Path, app_version: str) -> HomeContent | None:
    """Home as the last run left it, or None (no file, another version, damaged, too large)."""
    path = start_view_file(data_dir)
    try:
        if path.stat().st_size > MAX_START_VIEW_BYTES:
            return None
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved.get("version") != START_VIEW_VERSION or saved.get("app") != app_version:
            return None
        return _home_from(saved["home"])
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def forget_start_view(data_dir: Path) -> None:
    try:
        start_view_file(data_dir).unlink(missing_ok=True)
    except OSError:
        pass


def _iso(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not kept in the start view")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value[:1000]


def _link(row: dict) -> GuideLink:
    opened = row.get("opened_at")
    return GuideLink(_text(row["slug"]), _text(row["language"]), _text(row["title"]), _text(row.get("summary", "")),
                     dt.datetime.fromisoformat(_text(opened)) if opened else None)


def _fraction(value: Any) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("not a number")
    return min(max(number, 0.0), 1.0)


def _home_from(home: dict) -> HomeContent:
    from companion.i18n import SUPPORTED_LANGUAGES

    if home["language"] not in SUPPORTED_LANGUAGES:
        raise ValueError("language")
    entry = home.get("continue_entry")
    if entry is not None and not isinstance(entry, dict):
        raise TypeError("continue_entry")
    return HomeContent(
        language=_text(home["language"]),
        continue_entry=None if entry is None else ContinueEntry(
            _text(entry["slug"]), _text(entry["language"]), _text(entry["title"]), _fraction(entry["position"])),
        due=[DueItem(_text(d["project_id"]), _text(d["project_name"]), _text(d["title"]),
                     dt.date.fromisoformat(_text(d["due_date"]))) for d in home["due"][:MAX_DUE_ITEMS]],
        sessions=[ComingSession(_text(s["id"]), _text(s["module_title"]), dt.date.fromisoformat(_text(s["start_date"])),
                                dt.date.fromisoformat(_text(s["end_date"])), _text(s["place"]))
                  for s in home["sessions"][:MAX_DUE_ITEMS]],
        welcome=[_link(row) for row in home["welcome"][:100]],
        recent=[_link(row) for row in home["recent"][:100]],
        bookmarks=[_link(row) for row in home["bookmarks"][:500]],
        language_asked=home.get("language_asked") is True,
    )
