"""The per-field merge rule (sync protocol, section 2), the same on client, server and bundle import.

Every field is a last-writer-wins register ``{"v": value, "t": HLC}``. A write also
carries ``base``: the HLC of the value its writer saw (absent for a new field).
For each incoming write against the stored field:

1. stored absent, or ``base == stored.t``: fast-forward, take the write;
2. otherwise the writer had not seen the stored value (a concurrent edit): the
   greater ``t`` wins and, when the two values differ, the loser is kept in a
   ``conflict`` record of the same workspace, whose id is derived from the clash
   so every replica that detects the same clash writes the very same record;
3. a write whose ``t`` equals the stored ``t`` is the same write again: nothing changes.

Records of type ``conflict`` merge by the greater ``t`` alone and never spawn
conflict records about themselves: their ``kept``/``other`` never change (the id
is derived from them) and a clash on ``resolved`` is a clash on bookkeeping, not
on anyone's data. That keeps the set of conflict records a grow-only set that
replicas share by syncing, so two replicas that have exchanged their records hold
the same state whatever order the changes reached them in.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from companion.replication.digest import canonical_json
from companion.replication.hlc import hlc_millis, is_valid_hlc

DELETED_FIELD = "_deleted"
CONFLICT_TYPE = "conflict"
TYPE_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
# Field names: identifiers, plus "_deleted" and other reserved "_"-prefixed names.
FIELD_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
_TYPE_RE = re.compile(TYPE_PATTERN)
_FIELD_RE = re.compile(FIELD_NAME_PATTERN)

MAX_CLOCK_AHEAD_MS = 10 * 60 * 1000


@functools.lru_cache(maxsize=1024)
def _is_field_name(name: object) -> bool:
    # Cached: every record of a page repeats the same few field names.
    return isinstance(name, str) and _FIELD_RE.fullmatch(name) is not None


class ChangeRejected(ValueError):
    """A change the merge refuses; ``code`` is the stable problem slug, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class FieldWrite(NamedTuple):
    # A named tuple, not a frozen dataclass: a first sync builds one per field of every record,
    # and a frozen dataclass is several times slower to build.
    v: Any
    t: str
    base: str | None = None


@dataclass(frozen=True)
class Change:
    change_id: str
    record_id: str
    type: str
    fields: Mapping[str, FieldWrite]


@dataclass
class Record:
    id: str
    type: str
    # name -> {"v": value, "t": HLC}
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)

    def copy(self) -> "Record":
        return Record(self.id, self.type, {name: dict(value) for name, value in self.fields.items()})

    @property
    def deleted(self) -> bool:
        return bool(self.fields.get(DELETED_FIELD, {}).get("v", False))


@dataclass
class ChangeOutcome:
    """What applying one change did: the merged record and the conflict records it wrote."""

    record: Record
    changed: bool
    conflicts: list[Record] = field(default_factory=list)
    duplicate: bool = False


def same_value(left: Any, right: Any) -> bool:
    # JSON equality, not Python's: 1 == 1.0 == True in Python but not on the wire.
    return canonical_json(left) == canonical_json(right)


def conflict_record_id(record_id: str, field_name: str, first: str, second: str) -> str:
    smaller, greater = sorted((first, second))
    return str(uuid.uuid5(uuid.UUID(record_id), f"{field_name}\n{smaller}\n{greater}"))


def check_change(change: Change, now_ms: int | None = None, max_ahead_ms: int = MAX_CLOCK_AHEAD_MS) -> str:
    """Raise ChangeRejected unless the change is well formed (and, given ``now_ms``, not from the
    future); return its newest stamp (the clock that receives it must move past it)."""
    _check_identity(change.record_id, change.type, change.fields)
    newest = ""
    for name, write in change.fields.items():
        _check_field(name, write.v, write.t, write.base, now_ms, max_ahead_ms)
        if write.t > newest:
            newest = write.t
    return newest


def check_record(record: Record) -> str:
    """``check_change`` for a record's whole state (a page pulled from a server): raise
    ChangeRejected unless it is well formed; return its newest stamp."""
    _check_identity(record.id, record.type, record.fields)
    newest = ""
    for name, value in record.fields.items():
        if not isinstance(value, dict) or "v" not in value or "t" not in value:
            raise ChangeRejected("invalid-field", f"field {name!r} is not a {{v, t}} register")
        _check_field(name, value["v"], value["t"], None)
        if value["t"] > newest:
            newest = value["t"]
    return newest


def _check_identity(record_id: Any, type_name: Any, fields: Mapping) -> None:
    try:
        uuid.UUID(record_id)
    except (ValueError, AttributeError, TypeError):
        raise ChangeRejected("invalid-record-id", f"record_id is not a UUID: {record_id!r}") from None
    if not isinstance(type_name, str) or not _TYPE_RE.fullmatch(type_name):
        raise ChangeRejected("invalid-type", f"type must match {TYPE_PATTERN}: {type_name!r}")
    if not fields:
        raise ChangeRejected("empty-change", "a change must write at least one field")


def _check_field(name: str, v: Any, t: Any, base: Any, now_ms: int | None = None,
                 max_ahead_ms: int = MAX_CLOCK_AHEAD_MS) -> None:
    if not _is_field_name(name):
        raise ChangeRejected("invalid-field-name", f"field name must match {FIELD_NAME_PATTERN}: {name!r}")
    if not is_valid_hlc(t):
        raise ChangeRejected("invalid-hlc", f"field {name!r}: t is not an HLC: {t!r}")
    if base is not None:
        if not is_valid_hlc(base):
            raise ChangeRejected("invalid-hlc", f"field {name!r}: base is not an HLC: {base!r}")
        if base >= t:
            raise ChangeRejected(
                "base-not-before-t", f"field {name!r}: t {t} must be later than the base it edited ({base})"
            )
    if name == DELETED_FIELD and not isinstance(v, bool):
        raise ChangeRejected("invalid-deleted", "the _deleted field must be true or false")
    if now_ms is not None and hlc_millis(t) > now_ms + max_ahead_ms:
        ahead_s = (hlc_millis(t) - now_ms) / 1000
        raise ChangeRejected(
            "clock-ahead",
            f"field {name!r}: its time stamp is {ahead_s:.0f} s ahead of the server clock "
            f"(at most {max_ahead_ms // 1000} s allowed); the device clock is wrong: "
            "correct it, or apply the server offset from GET /status, and edit again",
        )


def apply_field_write(
    stored: Mapping[str, Any] | None, write: FieldWrite, record_conflicts: bool = True
) -> tuple[dict[str, Any] | None, tuple[dict[str, Any], dict[str, Any]] | None]:
    """Merge one write into one stored register.

    Returns ``(new value or None when unchanged, (kept, other) when a conflict must be recorded)``.
    """
    incoming = {"v": write.v, "t": write.t}
    if stored is None:
        return incoming, None
    if write.t == stored["t"]:
        return None, None  # the same write again (HLCs are unique per device)
    if write.base is not None and write.base == stored["t"] and write.t > stored["t"]:
        return incoming, None  # the writer saw the stored value: a plain edit
    winner, loser = (incoming, dict(stored)) if write.t > stored["t"] else (dict(stored), incoming)
    clash = (winner, loser) if record_conflicts and not same_value(winner["v"], loser["v"]) else None
    return (incoming if winner is incoming else None), clash


def conflict_record(record_id: str, field_name: str, kept: Mapping[str, Any], other: Mapping[str, Any]) -> Record:
    stamp = max(kept["t"], other["t"])
    values = {
        "record": record_id,
        "field": field_name,
        "kept": {"v": kept["v"], "t": kept["t"]},
        "other": {"v": other["v"], "t": other["t"]},
        "resolved": False,
    }
    return Record(
        id=conflict_record_id(record_id, field_name, kept["t"], other["t"]),
        type=CONFLICT_TYPE,
        fields={name: {"v": value, "t": stamp} for name, value in values.items()},
    )


def merge_change(stored: Record | None, change: Change) -> ChangeOutcome:
    """Apply one (already checked) change to one record; pure: ``stored`` is not modified."""
    if stored is not None and stored.type != change.type:
        raise ChangeRejected(
            "type-mismatch", f"record {change.record_id} is a {stored.type!r}; a change cannot make it a {change.type!r}"
        )
    merged = stored.copy() if stored is not None else Record(change.record_id, change.type, {})
    record_conflicts = change.type != CONFLICT_TYPE
    changed = stored is None
    conflicts: list[Record] = []
    for name in sorted(change.fields):
        new_value, clash = apply_field_write(merged.fields.get(name), change.fields[name], record_conflicts)
        if new_value is not None:
            merged.fields[name] = new_value
            changed = True
        if clash is not None:
            conflicts.append(conflict_record(change.record_id, name, *clash))
    return ChangeOutcome(record=merged, changed=changed, conflicts=conflicts)


def record_as_change(record: Record, change_id: str | None = None) -> Change:
    """A record's whole state as a change (how a pulled or generated record travels on)."""
    return Change(
        change_id=change_id or str(uuid.uuid5(uuid.UUID(record.id), "state:" + canonical_json(record.fields))),
        record_id=record.id,
        type=record.type,
        fields={name: FieldWrite(value["v"], value["t"]) for name, value in record.fields.items()},
    )


class Replica:
    """One workspace held in memory: the reference implementation of a replica.

    The tests use it to prove the merge properties, and a bundle import can use
    it as a staging area. ``apply`` is idempotent by ``change_id``.
    """

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}
        self.applied: set[str] = set()

    def apply(self, change: Change, now_ms: int | None = None) -> ChangeOutcome:
        if change.change_id in self.applied:
            existing = self.records.get(change.record_id)
            return ChangeOutcome(record=existing.copy() if existing else Record(change.record_id, change.type), changed=False, duplicate=True)
        check_change(change, now_ms)
        outcome = merge_change(self.records.get(change.record_id), change)
        if outcome.changed:
            self.records[change.record_id] = outcome.record
        for conflict in outcome.conflicts:
            self._store_conflict(conflict)
        self.applied.add(change.change_id)
        return outcome

    def apply_all(self, changes: Iterable[Change]) -> list[ChangeOutcome]:
        return [self.apply(change) for change in changes]

    def _store_conflict(self, conflict: Record) -> bool:
        result = merge_change(self.records.get(conflict.id), record_as_change(conflict, change_id="-"))
        if result.changed:
            self.records[conflict.id] = result.record
        return result.changed

    def conflict_records(self) -> list[Record]:
        return [record for record in self.records.values() if record.type == CONFLICT_TYPE]

    def digest(self) -> str:
        from companion.replication.digest import workspace_digest

        return workspace_digest((record.id, record.type, record.fields) for record in self.records.values())

    def state(self) -> dict[str, tuple[str, dict[str, dict[str, Any]]]]:
        return {record_id: (record.type, record.fields) for record_id, record in sorted(self.records.items())}
