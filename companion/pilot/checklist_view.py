"""What the checklist screen shows: filters and checks on the store's rows (pure functions, no Qt)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from companion.pilot.progress import is_overdue
from companion.pilot.store import MAX_NOTES_LENGTH, MAX_OWNER_LENGTH, ItemRow  # noqa: F401 - the screen's limits

ANY = None  # a filter that lets everything through
NOT_DONE = "not_done"  # status filter: to do or in progress
NO_OWNER = ""  # owner filter: items nobody owns yet


@dataclass(frozen=True)
class ItemFilter:
    status: str | None = ANY  # a status, NOT_DONE, or ANY
    owner: str | None = ANY  # a name, NO_OWNER, or ANY
    overdue_only: bool = False

    @property
    def active(self) -> bool:
        return self.status is not ANY or self.owner is not ANY or self.overdue_only

    def matches(self, item: ItemRow, today: dt.date) -> bool:
        if self.status == NOT_DONE:
            if item.status not in ("todo", "in_progress"):
                return False
        elif self.status is not ANY and item.status != self.status:
            return False
        if self.owner is not ANY and item.owner.strip().casefold() != self.owner.strip().casefold():
            return False
        return not self.overdue_only or is_overdue(item, today)


def owners(items: list[ItemRow], team: tuple[str, ...] | list[str]) -> list[str]:
    """The team first (in its order), then anyone else named as an owner, without duplicates."""
    seen, names = set(), []
    for name in [*team, *sorted((i.owner for i in items), key=str.casefold)]:
        name = name.strip()
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return names


def clean_owner(text: str) -> tuple[str, str | None]:
    """The owner's name as stored, and an error key if it cannot be stored."""
    name = " ".join(text.split())
    if len(name) > MAX_OWNER_LENGTH:
        return name, "owner_too_long"
    return name, None


def notes_error(text: str) -> str | None:
    return "notes_too_long" if len(text) > MAX_NOTES_LENGTH else None
