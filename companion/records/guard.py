"""Refuse any write to a synced table that does not go through the writer.

Installed by the test suite on every engine, so the whole suite (UI tests included) proves that
no screen, store or importer writes synced records behind the writer's back: such a write would
carry no clock and never reach the outbox, and so never sync.
"""

from __future__ import annotations

import re

from sqlalchemy import event
from sqlalchemy.engine import Engine

from companion.records.registry import SYNCED_TABLES
from companion.records.writer import writing_allowed

_WRITE = re.compile(r'^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
                    re.IGNORECASE)


class UnguardedWrite(AssertionError):
    pass


def written_table(statement: str) -> str | None:
    match = _WRITE.match(statement)
    return match.group(1).lower() if match else None


def _check(_conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    table = written_table(statement)
    if table in SYNCED_TABLES and not writing_allowed():
        raise UnguardedWrite(f"a write to the synced table {table!r} outside the record writer: {statement[:120]}")


def install() -> None:
    """Check every statement of every engine from now on (tests)."""
    if not event.contains(Engine, "before_cursor_execute", _check):
        event.listen(Engine, "before_cursor_execute", _check)
