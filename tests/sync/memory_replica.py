"""An in-memory replica with the exact API of companion.records.LocalReplica (notes/REPLICA-API.md).

Used by the transport tests until the real LocalReplica lands; built on the reference
merge (companion.replication). ``write`` stands in for the record writer.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from companion.replication import (CONFLICT_TYPE, Change, Clock, FieldWrite, Record, Replica, record_as_change,
                                   workspace_digest)
from companion.replication.merge import conflict_record, apply_field_write


@dataclass(frozen=True)
class OutboxEntry:
    seq: int
    workspace: str
    change: Change


@dataclass(frozen=True)
class Applied:
    records: int = 0
    conflicts: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0


def _blob_refs(value: Any) -> Iterator[dict]:
    if isinstance(value, dict):
        if isinstance(value.get("blob"), str) and len(value["blob"]) == 64:
            yield value
        else:
            for item in value.values():
                yield from _blob_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _blob_refs(item)


class MemoryReplica:
    def __init__(self, engine: Any = None, blobs_dir: Path | None = None) -> None:
        self.device_id = secrets.token_hex(8)
        self.clock = Clock(self.device_id)
        self.blobs_dir = blobs_dir or Path("/nonexistent")
        self.spaces: dict[str, Replica] = {}
        self.cursors: dict[str, int] = {}
        self.outbox: dict[int, OutboxEntry] = {}
        self.aside: dict[int, tuple[OutboxEntry, dict]] = {}
        self.state: dict[str, Any] = {}
        self._seq = 0

    def _space(self, workspace: str) -> Replica:
        return self.spaces.setdefault(workspace, Replica())

    # --- clock
    def set_server_offset(self, offset_ms: int) -> None:
        self.clock.offset_ms = offset_ms
        self.state["offset"] = offset_ms

    def observe(self, hlc: str) -> None:
        self.clock.observe(hlc)

    # --- local edits (the writer's job in the real thing)
    def write(self, workspace: str, record_id: str, record_type: str, values: dict[str, Any]) -> Change:
        space = self._space(workspace)
        stored = space.records.get(record_id)
        fields = {}
        for name, value in values.items():
            base = stored.fields[name]["t"] if stored and name in stored.fields else None
            fields[name] = FieldWrite(value, self.clock.now(), base)
        change = Change(str(uuid.uuid4()), record_id, record_type, fields)
        space.apply(change)
        self._seq += 1
        self.outbox[self._seq] = OutboxEntry(self._seq, workspace, change)
        return change

    def value(self, workspace: str, record_id: str, name: str) -> Any:
        record = self._space(workspace).records.get(record_id)
        return record.fields[name]["v"] if record and name in record.fields else None

    # --- push
    def pending(self, workspace: str, limit: int = 1000) -> list[OutboxEntry]:
        return [entry for seq, entry in sorted(self.outbox.items()) if entry.workspace == workspace][:limit]

    def pending_count(self, workspace: str | None = None) -> int:
        return sum(1 for entry in self.outbox.values() if workspace is None or entry.workspace == workspace)

    def acknowledge(self, seqs: Iterable[int]) -> None:
        for seq in seqs:
            self.outbox.pop(seq, None)

    def set_aside(self, seq: int, error: dict) -> None:
        entry = self.outbox.pop(seq)
        self.aside[seq] = (entry, error)

    def pending_blobs(self, workspace: str) -> list[str]:
        found = []
        for entry in self.pending(workspace, 10**9):
            for write in entry.change.fields.values():
                found.extend(ref["blob"] for ref in _blob_refs(write.v))
        return list(dict.fromkeys(found))

    # --- pull
    def cursor(self, workspace: str) -> int:
        return self.cursors.get(workspace, 0)

    def _pending_fields(self, workspace: str, record_id: str) -> set[str]:
        return {name for entry in self.outbox.values() if entry.workspace == workspace
                and entry.change.record_id == record_id for name in entry.change.fields}

    def apply_pulled(self, workspace: str, records: list[Record], next_since: int) -> Applied:
        space = self._space(workspace)
        changed, by_type = 0, {}
        for record in records:
            keep = self._pending_fields(workspace, record.id)
            stored = space.records.get(record.id)
            merged = stored.copy() if stored else Record(record.id, record.type, {})
            for name, value in record.fields.items():
                if name not in keep:
                    merged.fields[name] = dict(value)
            if stored is None or merged.fields != stored.fields:
                space.records[record.id] = merged
                changed += 1
                by_type[record.type] = by_type.get(record.type, 0) + 1
        self.cursors[workspace] = next_since
        return Applied(changed, 0, by_type, 0)

    def reset_cursor(self, workspace: str) -> None:
        self.cursors[workspace] = 0

    def blob_path(self, sha256: str) -> Path:
        return self.blobs_dir / sha256[:2] / sha256

    def missing_blobs(self, workspace: str) -> list[dict]:
        refs: dict[str, dict] = {}
        for record in self._space(workspace).records.values():
            for value in record.fields.values():
                for ref in _blob_refs(value["v"]):
                    if not self.blob_path(ref["blob"]).is_file():
                        refs.setdefault(ref["blob"], ref)
        return list(refs.values())

    # --- merge of changes from elsewhere
    def apply_remote(self, workspace: str, changes: list[Change]) -> Applied:
        space = self._space(workspace)
        records = conflicts = duplicates = 0
        by_type: dict[str, int] = {}
        for change in changes:
            before = {record_id for record_id, record in space.records.items() if record.type == CONFLICT_TYPE}
            outcome = space.apply(change)
            if outcome.duplicate:
                duplicates += 1
                continue
            if outcome.changed:
                records += 1
                by_type[change.type] = by_type.get(change.type, 0) + 1
            conflicts += len({c.id for c in outcome.conflicts} - before)
        return Applied(records, conflicts, by_type, duplicates)

    def preview_remote(self, workspace: str, changes: list[Change]) -> Applied:
        saved = self._space(workspace)
        trial = Replica()
        trial.records = {record_id: record.copy() for record_id, record in saved.records.items()}
        trial.applied = set(saved.applied)
        self.spaces[workspace] = trial
        try:
            return self.apply_remote(workspace, changes)
        finally:
            self.spaces[workspace] = saved

    # --- state
    def digest(self, workspace: str) -> str:
        return self._space(workspace).digest()

    def record_count(self, workspace: str) -> int:
        return len(self._space(workspace).records)

    def export_changes(self, workspace: str, root_record_id: str | None = None) -> Iterator[Change]:
        for record in list(self._space(workspace).records.values()):
            if root_record_id is None or record.id == root_record_id or any(
                    value["v"] == root_record_id for value in record.fields.values()):
                yield record_as_change(record)

    def workspaces(self) -> list[str]:
        return sorted(name for name, space in self.spaces.items() if space.records)

    def get_sync_state(self, key: str, default=None):
        return self.state.get(key, default)

    def set_sync_state(self, key: str, value) -> None:
        self.state[key] = value


__all__ = ["Applied", "MemoryReplica", "OutboxEntry", "apply_field_write", "conflict_record", "workspace_digest"]
