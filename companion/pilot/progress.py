"""Checklist progress and due dates (pure functions over the store's rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from companion.pilot.store import ItemRow
from companion.pilot.templates import ChecklistTemplate

DONE, NOT_APPLICABLE = "done", "na"


@dataclass(frozen=True)
class Progress:
    key: str  # section id, or "" for the whole checklist
    done: int
    applicable: int  # items not marked "not applicable"
    total: int

    @property
    def fraction(self) -> float:
        return self.done / self.applicable if self.applicable else 1.0


def _progress(key: str, items: list[ItemRow]) -> Progress:
    applicable = [i for i in items if i.status != NOT_APPLICABLE]
    return Progress(key, sum(1 for i in applicable if i.status == DONE), len(applicable), len(items))


def checklist_progress(template: ChecklistTemplate | None, items: list[ItemRow]) -> tuple[Progress, list[Progress]]:
    """Overall progress, then progress per section in the template's order."""
    order = [s.id for s in template.sections] if template else []
    keys = order + sorted({i.section_key for i in items} - set(order))
    sections = [_progress(key, [i for i in items if i.section_key == key]) for key in keys]
    return _progress("", items), [s for s in sections if s.total]


def is_overdue(item: ItemRow, today: dt.date) -> bool:
    return item.due_date is not None and item.due_date < today and item.status not in (DONE, NOT_APPLICABLE)


def overdue(items: list[ItemRow], today: dt.date) -> list[ItemRow]:
    return sorted((i for i in items if is_overdue(i, today)), key=lambda i: i.due_date)


def due_soon(items: list[ItemRow], today: dt.date, days: int = 14) -> list[ItemRow]:
    limit = today + dt.timedelta(days=days)
    return sorted((i for i in items if i.due_date and today <= i.due_date <= limit
                   and i.status not in (DONE, NOT_APPLICABLE)), key=lambda i: i.due_date)
