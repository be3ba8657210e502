"""What the API does, on database sessions: roles, pull, push with the merge rule, digest.

No HTTP here (the app maps the exceptions to problem responses), so the CLI's
``library publish`` writes through exactly the same push path as a client.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from companion.replication.digest import canonical_fields, canonical_json, record_hash_from_fields_json, xor_hex
from companion.replication.merge import (
    Change,
    ChangeRejected,
    FieldWrite,
    Record,
    check_change,
    merge_change,
    record_as_change,
)
from sync import wire
from sync.server import models
from sync.server.db import LIBRARY_ID, Database, driver_execute_many, driver_fetch, driver_sql, marks, now_ms
from sync.server.settings import ServerLimits

ROLE_ORDER = wire.ROLE_ORDER


class NotFound(LookupError):
    """The workspace does not exist or the caller may not see it (the two look the same)."""


class Forbidden(PermissionError):
    pass


class CursorGone(LookupError):
    def __init__(self, since: int, head: int) -> None:
        super().__init__(f"cursor {since} is beyond this workspace's head ({head})")
        self.since = since
        self.head = head


class BadRequest(ValueError):
    """The request body as a whole is unusable (individual bad changes are rejected, not this)."""


# -- roles ----------------------------------------------------------------------------------


@dataclass
class LockedWorkspace:
    """A workspace row as a push holds it, locked until its transaction ends: what the push reads and writes."""

    id: str
    kind: str
    owner_id: int | None
    head: int
    digest: str
    record_count: int


def role_in(session: Session, user: models.User | None, workspace: models.Workspace | LockedWorkspace,
            public_library: bool) -> str | None:
    if workspace.kind == "personal":
        # Nobody else, not even a server admin, sees someone's personal workspace.
        return "admin" if user is not None and user.id == workspace.owner_id else None
    if user is None:
        return "reader" if workspace.kind == "library" and public_library else None
    if user.is_admin:
        return "admin"
    membership = session.get(models.Membership, (workspace.id, user.id))
    if membership is not None:
        return membership.role
    return "reader" if workspace.kind == "library" else None


def workspace_for(
    session: Session, workspace_id: str, user: models.User | None, public_library: bool, need: str = "reader"
) -> tuple[models.Workspace, str]:
    workspace = session.get(models.Workspace, workspace_id) if len(workspace_id) <= 64 else None
    role = _role_needed(session, workspace_id, workspace, user, public_library, need)
    assert workspace is not None  # _role_needed raised NotFound otherwise
    return workspace, role


def _role_needed(session: Session, workspace_id: str, workspace: models.Workspace | LockedWorkspace | None,
                 user: models.User | None, public_library: bool, need: str) -> str:
    """The caller's role in the workspace; NotFound if none (or no workspace), Forbidden if below ``need``."""
    role = role_in(session, user, workspace, public_library) if workspace is not None else None
    if workspace is None or role is None:
        raise NotFound(workspace_id)
    if ROLE_ORDER[role] < ROLE_ORDER[need]:
        raise Forbidden(f"your role in {workspace_id!r} is {role}; this needs {need} or above")
    return role


def write_role_needed(workspace: models.Workspace | LockedWorkspace) -> str:
    return "editor" if workspace.kind == "library" else "member"


# The "nothing new" sync is this one query (with the token's): on the driver's cursor.
_WORKSPACES_WITH_ROLE_SQL = (
    f"SELECT w.id, w.name, w.kind, w.owner_id, w.head, m.role FROM {models.Workspace.__tablename__} w "
    f"LEFT OUTER JOIN {models.Membership.__tablename__} m ON m.workspace_id = w.id AND m.user_id = ?"
)
_VISIBLE_TO_MEMBER_SQL = f"{_WORKSPACES_WITH_ROLE_SQL} WHERE w.id = ? OR w.owner_id = ? OR m.role IS NOT NULL ORDER BY w.id"
_WORKSPACES_WITH_ROLE_SQL += " ORDER BY w.id"


def visible_workspaces(session: Session, user: models.User) -> list[wire.WorkspaceInfo]:
    """The workspaces a user sees, with their role in each (the same rules as ``role_in``)."""
    return workspaces_seen_by(session, user.id, user.is_admin)


def workspaces_seen_by(connection: Session | Connection, user_id: int, is_admin: bool) -> list[wire.WorkspaceInfo]:
    """``visible_workspaces`` on a session or a plain connection (the "nothing new" sync needs no ORM)."""
    if is_admin:
        rows = driver_fetch(connection, _WORKSPACES_WITH_ROLE_SQL, (user_id,))
    else:
        rows = driver_fetch(connection, _VISIBLE_TO_MEMBER_SQL, (user_id, LIBRARY_ID, user_id))
    result = []
    for workspace_id, name, kind, owner_id, head, member_role in rows:
        if kind == "personal":
            role = "admin" if owner_id == user_id else None
        elif is_admin:
            role = "admin"
        else:
            role = member_role or ("reader" if kind == "library" else None)
        if role is not None:
            result.append(wire.WorkspaceInfo(id=workspace_id, name=name, kind=kind, role=role, head=head))  # type: ignore[arg-type]
    return result


# -- pull -------------------------------------------------------------------------------------


@dataclass
class Page:
    """A pull page being read: ``parts`` yields its JSON; ``next_since`` and ``has_more`` are set once it is exhausted."""

    since: int
    next_since: int = 0
    has_more: bool = False
    parts: Iterator[bytes] = field(default_factory=lambda: iter(()))


# Rows PostgreSQL sends at a time (SQLite steps one by one): with records of up to
# 256 KiB, a pull holds at most 2 MiB of them, whatever the page size.
PULL_BATCH_ROWS = 8


def pull_page(session: Session, workspace: models.Workspace, since: int, limit: int, max_bytes: int) -> Page:
    """One page of ``GET changes``, read from the database a few records at a time while ``parts`` is iterated.

    The page ends after ``limit`` records, or before the record that would take
    it past ``max_bytes`` of JSON (a page always holds at least one record), so
    a workspace of large records is served in pages of bounded size and never
    held whole in memory. Records are written from their stored canonical
    fields, never re-parsed. Iterate ``parts`` inside the session.
    """
    if since > workspace.head:
        raise CursorGone(since, workspace.head)
    page = Page(since=since, next_since=since)
    page.parts = _page_parts(session, workspace, page, limit, max_bytes)
    return page


_PULL_SQL = f"SELECT id, type, fields_json, seq FROM {models.Record.__tablename__} WHERE workspace_id = ? AND seq > ? ORDER BY seq LIMIT ?"


def _page_rows(session: Session, workspace_id: str, since: int, limit: int) -> Iterator[Any]:
    """The rows of a page straight from the driver's cursor, as they are iterated.

    The hottest loop of the server (a first sync reads every record): the
    driver's own cursor costs a fifth of SQLAlchemy's result machinery.
    PostgreSQL gets a server-side cursor, so it too sends the rows in batches.
    """
    connection = session.connection()
    raw = connection.connection
    if connection.dialect.name == "sqlite":
        cursor = raw.cursor()  # sqlite3 steps one row at a time as it is iterated: nothing buffered
    else:
        cursor = raw.driver_connection.cursor(name=f"pull_{uuid.uuid4().hex}")
        cursor.itersize = PULL_BATCH_ROWS
    cursor.execute(driver_sql(connection, _PULL_SQL), (workspace_id, since, limit))
    try:
        yield from cursor
    finally:
        cursor.close()


def _page_parts(session: Session, workspace: models.Workspace, page: Page, limit: int, max_bytes: int) -> Iterator[bytes]:
    workspace_json = json.dumps(workspace.id)
    rows = _page_rows(session, workspace.id, page.since, limit + 1)
    yield b'{"records":['
    count = size = 0
    try:
        for record_id, record_type, fields_json, seq in rows:
            if count == limit:
                page.has_more = True
                break
            part = f'{"," if count else ""}{{"id":"{record_id}","type":"{record_type}","workspace":{workspace_json},"fields":{fields_json},"seq":{seq}}}'.encode("utf-8")
            if count and size + len(part) > max_bytes:
                page.has_more = True
                break
            count += 1
            size += len(part)
            page.next_since = seq
            yield part
    finally:
        rows.close()
    yield f'],"next_since":{page.next_since},"has_more":{"true" if page.has_more else "false"}}}'.encode()


# -- push -------------------------------------------------------------------------------------


# A push's statements go to the driver's cursor (see sync/server/db.py).
_LOCK_WORKSPACE_SQL = f"SELECT id, kind, owner_id, head, digest, record_count FROM {models.Workspace.__tablename__} WHERE id = ?"
_SAVE_WORKSPACE_SQL = f"UPDATE {models.Workspace.__tablename__} SET head = ?, digest = ?, record_count = ? WHERE id = ?"


def _lock_workspace(session: Session, workspace_id: str) -> LockedWorkspace | None:
    """The workspace row, locked until the transaction ends: SQLite's write transaction already
    holds the whole database; PostgreSQL locks the row, so a workspace's pushes take turns and
    its sequence numbers are committed in the order they are given."""
    sqlite = session.connection().dialect.name == "sqlite"
    rows = driver_fetch(session, _LOCK_WORKSPACE_SQL + ("" if sqlite else " FOR UPDATE"), (workspace_id,))
    return LockedWorkspace(*rows[0]) if rows else None


_APPLIED_SQL = f"SELECT change_id, seq FROM {models.AppliedChange.__tablename__} WHERE workspace_id = ? AND change_id IN ({{}})"
_RECORDS_BY_ID_SQL = f"SELECT id, workspace_id, type, fields_json, record_hash, seq FROM {models.Record.__tablename__} WHERE id IN ({{}})"
_UPDATE_RECORD_SQL = f"UPDATE {models.Record.__tablename__} SET fields_json = ?, record_hash = ?, seq = ? WHERE id = ?"
_INSERT_RECORD_SQL = (f"INSERT INTO {models.Record.__tablename__} (id, workspace_id, type, fields_json, record_hash, seq) "
                      "VALUES (?, ?, ?, ?, ?, ?)")
_INSERT_APPLIED_SQL = f"INSERT INTO {models.AppliedChange.__tablename__} (workspace_id, change_id, record_id, seq) VALUES (?, ?, ?, ?)"


@dataclass
class _Slot:
    """A record touched by this push: its state before (from the database) and now."""

    record: Record
    stored_hash: str | None
    in_database: bool
    seq: int = 0
    dirty: bool = False
    fields_json: str | None = None  # the canonical JSON of ``record.fields`` once merged (sized, then stored)


@dataclass
class PushOutcome:
    results: list[wire.ChangeResult] = field(default_factory=list)
    conflicts: int = 0
    head: int = 0


def _finite(value: Any, depth: int = 0) -> bool:
    if depth > 64:
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(item, depth + 1) for item in value.values())
    if isinstance(value, list):
        return all(_finite(item, depth + 1) for item in value)
    return True


def parse_change(item: Mapping[str, Any]) -> Change:
    """A raw change object → Change, or ChangeRejected saying what is wrong with it."""
    try:
        parsed = wire.ChangeIn.model_validate(item)
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        code = "invalid-record-id" if first["loc"][:1] == ("record_id",) else "invalid-change"
        raise ChangeRejected(code, f"{where}: {first['msg']}") from None
    try:
        record_id = str(uuid.UUID(parsed.record_id))
    except ValueError:
        raise ChangeRejected("invalid-record-id", f"record_id is not a UUID: {parsed.record_id!r}") from None
    if record_id != parsed.record_id:
        raise ChangeRejected("invalid-record-id", f"record_id must be a lowercase, hyphenated UUID: {parsed.record_id!r}")
    for name, write in parsed.fields.items():
        if not _finite(write.v):
            raise ChangeRejected("invalid-value", f"field {name!r}: value nested too deep or not finite")
        try:
            canonical_json(write.v).encode("utf-8")
        except (UnicodeEncodeError, ValueError):
            raise ChangeRejected("invalid-value", f"field {name!r}: text that is not valid Unicode (a lone surrogate)") from None
    return Change(
        change_id=parsed.change_id,
        record_id=record_id,
        type=parsed.type,
        fields={name: FieldWrite(write.v, write.t, write.base) for name, write in parsed.fields.items()},
    )


def canonical_uuid(value: object) -> str | None:
    if not isinstance(value, str) or len(value) != 36:
        return None
    try:
        parsed = str(uuid.UUID(value))
    except ValueError:
        return None
    return parsed if parsed == value else None


def check_push_envelope(payload: Any, limits: ServerLimits) -> list[dict[str, Any]]:
    """The request as a whole must be ``{"changes": [{change_id: UUID, ...}, ...]}``; each item is judged later."""
    if not isinstance(payload, dict) or not isinstance(payload.get("changes"), list):
        raise BadRequest('the body must be an object {"changes": [...]}')
    changes = payload["changes"]
    if len(changes) > limits.max_changes_per_push:
        raise BadRequest(f"{len(changes)} changes in one push; at most {limits.max_changes_per_push} allowed")
    for index, item in enumerate(changes):
        if not isinstance(item, dict):
            raise BadRequest(f"changes[{index}] is not an object")
        if canonical_uuid(item.get("change_id")) is None:
            raise BadRequest(f"changes[{index}].change_id must be a lowercase, hyphenated UUID")
    return changes


def _rejected(change_id: str, error: ChangeRejected) -> wire.ChangeResult:
    return wire.ChangeResult(
        change_id=change_id,
        status="rejected",
        error=wire.ChangeError(type=wire.PROBLEM_TYPE_PREFIX + error.code, title=_CHANGE_TITLES.get(error.code, "Change rejected"), detail=error.message),
    )


_CHANGE_TITLES = {
    "clock-ahead": "The device clock is ahead of the server",
    "type-mismatch": "A record's type cannot change",
    "record-too-large": "Record too large",
    "record-in-other-workspace": "The record belongs to another workspace",
}


class _PushRun:
    """One push inside one transaction: the merge happens in memory, then the writes go out in bulk."""

    def __init__(self, session: Session, workspace: LockedWorkspace, limits: ServerLimits, now: int) -> None:
        self.session = session
        self.workspace = workspace
        self.limits = limits
        self.now = now
        self.slots: dict[str, _Slot] = {}
        self.known_absent: set[str] = set()  # looked up, not in the database: no second query
        self.head = workspace.head
        self.digest = workspace.digest
        self.new_records = 0

    def prefetch(self, record_ids: Iterable[str]) -> None:
        wanted = [record_id for record_id in set(record_ids) if record_id not in self.slots and record_id not in self.known_absent]
        self.known_absent.update(wanted)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for record_id, workspace_id, record_type, fields_json, stored_hash, seq in driver_fetch(
                self.session, _RECORDS_BY_ID_SQL.format(marks(len(chunk))), chunk
            ):
                self.known_absent.discard(record_id)
                if workspace_id != self.workspace.id:
                    self.slots[record_id] = _Slot(Record(record_id, record_type, {}), None, True, seq=-1)  # foreign: -1 marks it
                else:
                    self.slots[record_id] = _Slot(Record(record_id, record_type, json.loads(fields_json)), stored_hash, True, seq=seq)

    def slot(self, record_id: str) -> _Slot | None:
        if record_id not in self.slots:
            self.prefetch([record_id])
        return self.slots.get(record_id)

    def apply(self, change: Change) -> int:
        """Merge one change in memory; returns how many conflict records it wrote. Raises ChangeRejected."""
        check_change(change, self.now, self.limits.max_clock_ahead_ms)
        slot = self.slot(change.record_id)
        if slot is not None and slot.seq == -1:
            raise ChangeRejected("record-in-other-workspace", f"record {change.record_id} belongs to another workspace")
        outcome = merge_change(slot.record if slot is not None else None, change)
        staged: list[tuple[str, Record, str]] = []
        if outcome.changed:
            staged.append((change.record_id, outcome.record, self._sized_json(outcome.record)))
        conflicts = 0
        for conflict in outcome.conflicts:
            conflict_slot = self.slot(conflict.id)
            if conflict_slot is not None and conflict_slot.seq == -1:
                continue  # cannot happen short of a uuid5 collision; never write across workspaces
            merged = merge_change(conflict_slot.record if conflict_slot else None, record_as_change(conflict, "-"))
            if merged.changed:
                staged.append((conflict.id, merged.record, self._sized_json(merged.record)))
                conflicts += 1
        for record_id, record, fields_json in staged:  # only now: a rejected change leaves nothing behind
            existing = self.slots.get(record_id)
            self.head += 1
            if existing is None:
                self.slots[record_id] = _Slot(record, None, False, seq=self.head, dirty=True, fields_json=fields_json)
            else:
                existing.record, existing.seq, existing.dirty, existing.fields_json = record, self.head, True, fields_json
        return conflicts

    def _sized_json(self, record: Record) -> str:
        """The record's canonical fields JSON, kept for ``flush``; ChangeRejected when it is too large."""
        fields_json = canonical_fields(record.fields)
        size = len(fields_json.encode("utf-8"))
        if size > self.limits.max_record_bytes:
            raise ChangeRejected(
                "record-too-large", f"the record would be {size} bytes; at most {self.limits.max_record_bytes} allowed"
            )
        return fields_json

    def flush(self, applied: list[tuple[str, str]]) -> None:
        inserts, updates = [], []
        for record_id, slot in self.slots.items():
            if not slot.dirty:
                continue
            fields_json = slot.fields_json if slot.fields_json is not None else canonical_fields(slot.record.fields)
            new_hash = record_hash_from_fields_json(record_id, slot.record.type, fields_json)
            if slot.stored_hash is not None:
                self.digest = xor_hex(self.digest, slot.stored_hash)
            self.digest = xor_hex(self.digest, new_hash)
            if slot.in_database:
                updates.append((fields_json, new_hash, slot.seq, record_id))
            else:
                inserts.append((record_id, self.workspace.id, slot.record.type, fields_json, new_hash, slot.seq))
                self.new_records += 1
        if updates:
            driver_execute_many(self.session, _UPDATE_RECORD_SQL, updates)
        if inserts:
            driver_execute_many(self.session, _INSERT_RECORD_SQL, inserts)
        if applied:
            driver_execute_many(self.session, _INSERT_APPLIED_SQL, [
                (self.workspace.id, change_id, record_id, self.slots[record_id].seq if record_id in self.slots else 0)
                for change_id, record_id in applied
            ])
        driver_execute_many(self.session, _SAVE_WORKSPACE_SQL,
                            [(self.head, self.digest, self.workspace.record_count + self.new_records, self.workspace.id)])


def push(
    db: Database,
    workspace_id: str,
    user: models.User | None,
    raw_changes: Sequence[Mapping[str, Any]],
    limits: ServerLimits,
    public_library: bool = True,
    check_role: bool = True,
) -> PushOutcome:
    """Apply a push in one transaction; each bad change is rejected alone. Retries once on a write race."""
    # Parsing and validation need no database: done before the workspace is locked.
    parsed: list[tuple[str, Change | ChangeRejected]] = []
    for item in raw_changes:
        try:
            parsed.append((item["change_id"], parse_change(item)))
        except ChangeRejected as error:
            parsed.append((item["change_id"], error))
    for attempt in range(3):
        try:
            return _push_once(db, workspace_id, user, parsed, limits, public_library, check_role)
        except (IntegrityError, OperationalError):
            # Two pushes created the same record id in two workspaces at once, or
            # PostgreSQL picked this transaction as a deadlock victim: the whole
            # transaction rolled back, so running it again is safe.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _push_once(
    db: Database,
    workspace_id: str,
    user: models.User | None,
    parsed: Sequence[tuple[str, Change | ChangeRejected]],
    limits: ServerLimits,
    public_library: bool,
    check_role: bool,
) -> PushOutcome:
    with db.write() as session:
        workspace = _lock_workspace(session, workspace_id)
        if workspace is None:
            raise NotFound(workspace_id)
        if check_role:
            _role_needed(session, workspace_id, workspace, user, public_library, write_role_needed(workspace))
        run = _PushRun(session, workspace, limits, now_ms())
        change_ids = [change_id for change_id, _ in parsed]
        seen: dict[str, int] = {}
        for start in range(0, len(change_ids), 500):
            chunk = change_ids[start:start + 500]
            seen.update(driver_fetch(session, _APPLIED_SQL.format(marks(len(chunk))), [workspace.id, *chunk]))
        run.prefetch(change.record_id for _, change in parsed if isinstance(change, Change))
        outcome = PushOutcome()
        applied: list[tuple[str, str]] = []
        results: list[tuple[str, str, str | None, ChangeRejected | None]] = []
        for change_id, change in parsed:
            if change_id in seen:
                results.append((change_id, "duplicate", None, None))
                continue
            seen[change_id] = 0
            try:
                if isinstance(change, ChangeRejected):
                    raise change
                outcome.conflicts += run.apply(change)
            except ChangeRejected as error:
                results.append((change_id, "rejected", None, error))
                del seen[change_id]  # a corrected change may come back with the same id
                continue
            applied.append((change_id, change.record_id))
            results.append((change_id, "applied", change.record_id, None))
        run.flush(applied)
        applied_seq = {change_id: run.slots[record_id].seq for change_id, record_id in applied if record_id in run.slots}
        for change_id, status, record_id, error in results:
            if status == "rejected":
                assert error is not None
                outcome.results.append(_rejected(change_id, error))
            elif status == "applied":
                outcome.results.append(wire.ChangeResult(change_id=change_id, status="applied", seq=applied_seq.get(change_id)))
            else:
                outcome.results.append(wire.ChangeResult(change_id=change_id, status="duplicate", seq=seen.get(change_id) or None))
        outcome.head = run.head
        return outcome


def workspace_state(session: Session, workspace_id: str) -> dict[str, Record]:
    """Every record of a workspace (the CLI's publish compares against it)."""
    rows = session.execute(
        select(models.Record.id, models.Record.type, models.Record.fields_json).where(models.Record.workspace_id == workspace_id)
    ).all()
    return {row.id: Record(row.id, row.type, json.loads(row.fields_json)) for row in rows}


def digest_of(workspace: models.Workspace) -> wire.DigestOut:
    return wire.DigestOut(digest=workspace.digest, records=workspace.record_count, head=workspace.head)
