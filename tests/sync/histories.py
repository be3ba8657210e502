"""Random but realistic edit histories: devices edit offline, then sync through a server replica.

Each device keeps at most one pending write per field, with the base it saw at
its last sync (the protocol's rule for pending edits), so what reaches the
server is exactly what real clients would push.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from companion.replication.hlc import Clock
from companion.replication.merge import Change, FieldWrite, Record, Replica, record_as_change

RECORD_IDS = [str(uuid.UUID(int=index + 1, version=4)) for index in range(3)]
FIELDS = ["title", "status", "_deleted"]


class FakeWall:
    def __init__(self, start_ms: int) -> None:
        self.ms = start_ms

    def __call__(self) -> float:
        return self.ms / 1000


@dataclass
class Device:
    name: str
    clock: Clock
    wall: FakeWall
    local: dict[str, Record] = field(default_factory=dict)
    # (record id, field) -> pending write; base stays the one seen at the last sync
    pending: dict[tuple[str, str], FieldWrite] = field(default_factory=dict)
    counter: int = 0

    def edit(self, record_id: str, field_name: str) -> None:
        self.counter += 1
        value: Any = (self.counter % 2 == 0) if field_name == "_deleted" else f"{self.name}:{self.counter}"
        record = self.local.setdefault(record_id, Record(record_id, "item", {}))
        current = record.fields.get(field_name)
        if current is not None:
            self.clock.observe(current["t"])
        stamp = self.clock.now()
        previous = self.pending.get((record_id, field_name))
        base = previous.base if previous is not None else (current["t"] if current else None)
        self.pending[(record_id, field_name)] = FieldWrite(value, stamp, base)
        record.fields[field_name] = {"v": value, "t": stamp}

    def outbox(self) -> list[Change]:
        by_record: dict[str, dict[str, FieldWrite]] = {}
        for (record_id, field_name), write in sorted(self.pending.items()):
            by_record.setdefault(record_id, {})[field_name] = write
        return [Change(str(uuid.uuid4()), record_id, "item", writes) for record_id, writes in by_record.items()]

    def sync(self, server: Replica, log: list[Change]) -> None:
        """Push first, then pull the server's whole state (nothing is pending any more)."""
        for change in self.outbox():
            server.apply(change)
            log.append(change)
        self.pending.clear()
        self.local = {record_id: record.copy() for record_id, record in server.records.items() if record.type == "item"}
        for record in self.local.values():
            for value in record.fields.values():
                self.clock.observe(value["t"])


def run_history(operations: list[tuple[str, int, int, int, int]], devices: int, skews: list[int]) -> tuple[Replica, list[Change]]:
    """operations: (kind, device, record, field, advance ms); returns the server replica and every change it got."""
    server = Replica()
    log: list[Change] = []
    fleet = []
    for index in range(devices):
        wall = FakeWall(1_764_000_000_000 + skews[index])
        fleet.append(Device(f"d{index}", Clock(f"{index + 1:016x}", wall=wall), wall))
    for kind, device_index, record_index, field_index, advance in operations:
        device = fleet[device_index % devices]
        for each in fleet:
            each.wall.ms += advance
        if kind == "edit":
            device.edit(RECORD_IDS[record_index % len(RECORD_IDS)], FIELDS[field_index % len(FIELDS)])
        else:
            device.sync(server, log)
    for device in fleet:
        device.sync(server, log)
    return server, log


def exchange_conflicts(left: Replica, right: Replica) -> None:
    """What syncing does with conflict records: each replica gets the other's."""
    left_conflicts = [record_as_change(record) for record in left.conflict_records()]
    right_conflicts = [record_as_change(record) for record in right.conflict_records()]
    for change in right_conflicts:
        left.apply(change)
    for change in left_conflicts:
        right.apply(change)


def unaccounted_writes(replica: Replica, log: list[Change]) -> list[tuple[str, str, Any, str]]:
    """Writes that are neither current, nor in a conflict record, nor knowingly overwritten."""
    writes = [(change.record_id, name, write) for change in log for name, write in change.fields.items()]
    bases = {(record_id, name, write.base) for record_id, name, write in writes if write.base}
    held: set[tuple[str, str, str]] = set()
    for conflict in replica.conflict_records():
        record_id, name = conflict.fields["record"]["v"], conflict.fields["field"]["v"]
        for side in ("kept", "other"):
            held.add((record_id, name, conflict.fields[side]["v"]["t"]))
    missing = []
    for record_id, name, write in writes:
        current = replica.records.get(record_id)
        if current is not None and current.fields.get(name, {}).get("t") == write.t:
            continue
        if (record_id, name, write.t) in held or (record_id, name, write.t) in bases:
            continue
        # The same value won under a later stamp (two devices wrote the same thing): nothing was lost.
        if any(r == record_id and n == name and w.t > write.t and w.v == write.v for r, n, w in writes):
            continue
        missing.append((record_id, name, write.v, write.t))
    return missing
