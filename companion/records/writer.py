"""The one write path for synced records: create, set fields, delete, inside the store's transaction.

In the same commit as the user's edit, the writer stamps each changed field with the device's
HLC, remembers the stamp it replaced (``base``) and appends the change to the outbox, so every
edit is ready to sync the moment it is saved. It also records what it did as an ``Edit``, which
undo and redo turn back into new edits (never blind writes of old values), and tells the change
bus which records changed once the transaction has committed.
"""

from __future__ import annotations

import contextvars
import json
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from companion.records.bus import ChangeBus
from companion.records.registry import BUNDLED_WORKSPACE, RecordType, record_type
from companion.replication import DELETED_FIELD, Clock, same_value
from companion.replication.digest import canonical_json
from companion.storage.database import session_factory

DEVICE_KEY = "sync.device_id"
OFFSET_KEY = "sync.server_offset_ms"

# Set while the writer (or code it vouches for) writes: the write guard allows synced tables then.
_writing: contextvars.ContextVar[bool] = contextvars.ContextVar("companion_records_writing", default=False)


def writing_allowed() -> bool:
    return _writing.get()


@contextmanager
def allow_writes() -> Iterator[None]:
    """For the writer itself, migrations, and rows it vouches for (derived caches, bundled content)."""
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


@dataclass(frozen=True)
class FieldChange:
    type: str
    record_id: str
    field: str
    before: Any  # JSON value on the wire; None with before_t None: the field did not exist
    before_t: str | None
    after: Any
    after_t: str | None  # None for local-only rows (bundled content is never stamped)


@dataclass(frozen=True)
class Edit:
    """What one user action wrote, field by field, in the order it wrote it."""

    changes: tuple[FieldChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changes)

    @property
    def types(self) -> set[str]:
        return {change.type for change in self.changes}

    @property
    def record_ids(self) -> set[str]:
        return {change.record_id for change in self.changes}

    def __add__(self, other: "Edit") -> "Edit":
        return Edit(self.changes + other.changes)


class ChangedElsewhere(Exception):
    """Undo refused: since this edit, the field was changed by someone else (or by a sync)."""

    def __init__(self, changes: list[FieldChange]) -> None:
        super().__init__(", ".join(f"{c.type}.{c.field}" for c in changes))
        self.changes = changes


class RecordMissing(LookupError):
    def __init__(self, type_name: str, record_id: str) -> None:
        super().__init__(f"no {type_name} {record_id}")
        self.type = type_name
        self.record_id = record_id


class Writer:
    """Writes synced records inside one transaction (``Records.transaction``)."""

    def __init__(self, session: Session, records: "Records") -> None:
        self.session = session
        self._records = records
        self.changes: list[FieldChange] = []

    # --- reading what is stored -------------------------------------------------------------

    def row(self, type_name: str, record_id: str) -> dict[str, Any] | None:
        """The record's current column values by wire field name (plus ``workspace``), or None."""
        spec = _spec(type_name)
        table = spec.table
        columns = [table.c[f.column] for f in spec.fields] + [table.c.workspace]
        found = self.session.execute(select(*columns).where(table.c[spec.id_column] == record_id)).first()
        if found is None:
            return None
        values = {f.name: found[i] for i, f in enumerate(spec.fields)}
        values["workspace"] = found[-1]
        return values

    def stamps(self, record_id: str) -> dict[str, tuple[str, str | None]]:
        rows = self.session.execute(text("SELECT field, t, extra FROM record_field WHERE record_id = :id"),
                                    {"id": record_id})
        return {name: (t, extra) for name, t, extra in rows}

    # --- writing ----------------------------------------------------------------------------

    def create(self, type_name: str, values: Mapping[str, Any], record_id: str | None = None,
               workspace: str | None = None) -> str:
        """A new record (or, when ``record_id`` names one that exists, those fields set on it: ids
        derived from keys make 'create' of the same thing on two laptops the same record)."""
        spec = _spec(type_name)
        record_id = record_id or str(uuid.uuid4())
        if self.row(type_name, record_id) is not None:
            self.update(type_name, record_id, {**values, DELETED_FIELD: False})
            return record_id
        workspace = workspace or spec.default_workspace
        table = spec.table
        row = {spec.id_column: record_id, "workspace": workspace}
        for name, value in values.items():
            row[_field(spec, name).column] = _column_value(value)
        if "deleted" in table.c:
            row["deleted"] = False
        now = _utcnow()
        for stamp_column in ("created_at", "updated_at"):
            if stamp_column in table.c and stamp_column not in row:
                row[stamp_column] = now
        with allow_writes():
            self.session.execute(table.insert().values(**row))  # Core fills the model's defaults
        written = {name: value for name, value in values.items()}
        if "deleted" in table.c:
            written[DELETED_FIELD] = False
        self._stamp(spec, record_id, workspace, written, {})
        return record_id

    def update(self, type_name: str, record_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Set fields; only those whose value changes are written and stamped. Returns their
        previous values (column form) by field name."""
        spec = _spec(type_name)
        current = self.row(type_name, record_id)
        if current is None:
            raise RecordMissing(type_name, record_id)
        stamps = self.stamps(record_id)
        changed: dict[str, Any] = {}
        previous: dict[str, Any] = {}
        for name, value in values.items():
            spec_field = _field(spec, name)
            value = _column_value(value)
            has_extra = stamps.get(name, (None, None))[1] is not None
            if not has_extra and _same_column(current[name], value, spec_field):
                continue
            changed[name] = value
            previous[name] = current[name]
        if not changed:
            return {}
        table = spec.table
        columns = {_field(spec, name).column: value for name, value in changed.items()}
        if "updated_at" in table.c:
            columns["updated_at"] = _utcnow()
        with allow_writes():
            self.session.execute(table.update().where(table.c[spec.id_column] == record_id).values(**columns))
        self._stamp(spec, record_id, current["workspace"], changed, stamps, previous)
        return previous

    def delete(self, type_name: str, record_id: str) -> bool:
        """A tombstone: the record is hidden everywhere, kept so the deletion syncs and can be undone."""
        return bool(self.update(type_name, record_id, {DELETED_FIELD: True}))

    def restore(self, type_name: str, record_id: str) -> bool:
        return bool(self.update(type_name, record_id, {DELETED_FIELD: False}))

    @contextmanager
    def local_rows(self) -> Iterator[Session]:
        """Rows that never sync (bundled content, derived caches such as rendered lessons), written
        in this transaction with the writer's blessing."""
        with allow_writes():
            yield self.session

    # --- stamping ---------------------------------------------------------------------------

    def _stamp(self, spec: RecordType, record_id: str, workspace: str, written: Mapping[str, Any],
               stamps: Mapping[str, tuple[str, str | None]], previous: Mapping[str, Any] | None = None) -> None:
        if workspace == BUNDLED_WORKSPACE:  # shipped content: nothing to sync, nothing to stamp
            for name, value in written.items():
                self.changes.append(FieldChange(spec.name, record_id, name, None, None, _encode(spec, name, value), None))
            return
        clock = self._records.clock_in(self.session)
        fields: dict[str, dict[str, Any]] = {}
        clock_rows = []
        for name, value in written.items():
            t = clock.now()
            wire = _encode(spec, name, value)
            base = stamps.get(name, (None, None))[0]
            write = {"v": wire, "t": t}
            if base is not None:
                write["base"] = base
            fields[name] = write
            clock_rows.append({"id": record_id, "field": name, "t": t})
            before = _encode(spec, name, previous[name]) if previous and name in previous else None
            self.changes.append(FieldChange(spec.name, record_id, name, before, base, wire, t))
        with allow_writes():
            self.session.execute(text(
                "INSERT INTO record_field (record_id, field, t, extra) VALUES (:id, :field, :t, NULL)"
                " ON CONFLICT (record_id, field) DO UPDATE SET t = excluded.t, extra = NULL"), clock_rows)
            self.session.execute(text(
                "INSERT INTO outbox (change_id, workspace, record_id, type, fields)"
                " VALUES (:change_id, :workspace, :record_id, :type, :fields)"),
                {"change_id": str(uuid.uuid4()), "workspace": workspace, "record_id": record_id,
                 "type": spec.name, "fields": canonical_json(fields)})


class Records:
    """The records of one database: its clock, its change bus, and transactions with a writer.
    One per engine (``records_for``), so every store on a database shares one clock."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.bus = ChangeBus()
        self._clock: Clock | None = None
        self._clock_lock = threading.Lock()
        self._recorders = threading.local()

    @property
    def clock(self) -> Clock:
        if self._clock is None:
            with self.sessions.begin() as session:
                return self.clock_in(session)
        return self._clock

    def clock_in(self, session: Session) -> Clock:
        """The device clock, read on first use through the caller's transaction (a second
        connection would wait for the write lock that transaction holds)."""
        if self._clock is None:
            with self._clock_lock:
                if self._clock is None:
                    self._clock = self._load_clock(session)
        return self._clock

    @staticmethod
    def _load_clock(session: Session) -> Clock:
        setting = text("SELECT value FROM setting WHERE key = :k")
        device = session.execute(setting, {"k": DEVICE_KEY}).scalar()
        device = json.loads(device) if isinstance(device, str) else None
        if not device:
            device = uuid.uuid4().hex[:16]
            with allow_writes():
                session.execute(text("INSERT INTO setting (key, value) VALUES (:k, :v)"),
                                {"k": DEVICE_KEY, "v": json.dumps(device)})
        offset = session.execute(setting, {"k": OFFSET_KEY}).scalar()
        # Never go back behind a stamp already given out, whatever the wall clock says now.
        last = session.execute(text("SELECT max(t) FROM record_field")).scalar()
        if isinstance(offset, str):  # numbers come back as numbers (numeric affinity), older rows as text
            offset = json.loads(offset)
        clock = Clock(device, offset_ms=int(offset or 0))
        if last:
            clock.observe(last)
        return clock

    @property
    def device_id(self) -> str:
        return self.clock.device

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        """One transaction with a writer; on commit the edit is recorded and the bus told."""
        with self.sessions.begin() as session:
            writer = Writer(session, self)
            yield writer
        edit = Edit(tuple(writer.changes))
        if edit:
            for recorder in getattr(self._recorders, "stack", ()):
                recorder.append(edit)
            self.bus.publish(edit.types, edit.record_ids, local=True)

    @contextmanager
    def recording(self) -> Iterator[list[Edit]]:
        """Collect the edits committed on this thread inside the block (for undo)."""
        stack = self._recorders.__dict__.setdefault("stack", [])
        collected: list[Edit] = []
        stack.append(collected)
        try:
            yield collected
        finally:
            stack.remove(collected)

    def capture(self, action) -> tuple[Any, Edit]:
        """Run ``action`` and return (its result, everything it wrote as one edit)."""
        with self.recording() as edits:
            result = action()
        total = Edit()
        for edit in edits:
            total = total + edit
        return result, total

    def revert(self, edit: Edit) -> Edit:
        """Undo ``edit`` as a new edit, in one transaction. Refused (ChangedElsewhere, nothing
        written) when a field it wrote no longer holds the value it wrote."""
        with self.transaction() as writer:
            changed: list[FieldChange] = []
            plan: dict[tuple[str, str], dict[str, Any]] = {}
            for change in reversed(edit.changes):
                if change.before_t is None and change.field != DELETED_FIELD:
                    continue  # a field the edit created: undoing the creation hides the record instead
                spec = _spec(change.type)
                current = writer.row(change.type, change.record_id)
                if current is None:
                    raise RecordMissing(change.type, change.record_id)
                now = _encode(spec, change.field, current[change.field])
                if not same_value(now, change.after):
                    changed.append(change)
                    continue
                before = change.before if change.before_t is not None else True  # created: hide it
                plan.setdefault((change.type, change.record_id), {})[change.field] = \
                    _field(spec, change.field).codec.decode(before)
            if changed:
                raise ChangedElsewhere(changed)
            for (type_name, record_id), values in plan.items():
                writer.update(type_name, record_id, values)
        return Edit(tuple(writer.changes))


_REGISTRY: "WeakKeyDictionary[Engine, Records]" = WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def records_for(engine: Engine) -> Records:
    """The one Records of a database (a single clock per device, a single bus per database)."""
    with _REGISTRY_LOCK:
        records = _REGISTRY.get(engine)
        if records is None:
            records = _REGISTRY[engine] = Records(engine)
        return records


# --- helpers ------------------------------------------------------------------------------------


def _spec(type_name: str) -> RecordType:
    spec = record_type(type_name)
    if spec is None:
        raise KeyError(f"not a synced record type: {type_name}")
    return spec


def _field(spec: RecordType, name: str):
    found = spec.field(name)
    if found is None:
        raise KeyError(f"{spec.name} has no field {name}")
    return found


def _encode(spec: RecordType, name: str, value: Any) -> Any:
    return _field(spec, name).codec.encode(value)


def _column_value(value: Any) -> Any:
    # JSON columns get a fresh list, so nothing is shared with the caller.
    return list(value) if isinstance(value, tuple) else value


def _same_column(old: Any, new: Any, spec_field) -> bool:
    try:
        return same_value(spec_field.codec.encode(old), spec_field.codec.encode(new))
    except (TypeError, ValueError, AttributeError):
        return False


def _utcnow():
    from companion.storage.models import utcnow

    return utcnow()
