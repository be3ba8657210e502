"""Laptops that edit the same pilot project offline, then exchange their changes in any order
(duplicates included), end with the same tables and the same digest, and lose no value.

Real databases (each a copy of one freshly created file), the real pilot store and the real
record writer; only the transport is replaced by handing outboxes over directly."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.config import Paths
from companion.pilot.store import PilotError, PilotStore
from companion.pilot.templates import bundled_templates
from companion.records import ChangedElsewhere, LocalReplica, RecordMissing
from companion.records.writer import records_for
from companion.replication import CONFLICT_TYPE, same_value
from companion.replication.digest import canonical_json
from companion.session import open_data
from companion.storage.database import create_sqlite_engine

TEMPLATES = bundled_templates()
WORKSPACE = "pilot-tz"


class Laptop:
    def __init__(self, database: Path, blobs: Path) -> None:
        self.engine = create_sqlite_engine(database)
        self.store = PilotStore(self.engine, TEMPLATES, blobs)
        self.replica = LocalReplica(self.engine, blobs)
        self.records = records_for(self.engine)
        self.edits = []  # this laptop's undo history

    def edit(self, action) -> None:
        try:
            _result, edit = self.records.capture(action)
        except (PilotError, RecordMissing):
            return
        if edit:
            self.edits.append(edit)

    def undo(self) -> None:
        if not self.edits:
            return
        try:
            self.records.revert(self.edits.pop())
        except (ChangedElsewhere, RecordMissing):
            pass  # someone changed it since: undo says so and writes nothing

    def outbox(self):
        return [entry.change for entry in self.replica.pending(WORKSPACE, limit=1_000_000)]

    def state(self) -> dict:
        return {record.id: (record.type, record.fields) for record in self.replica.records_of(WORKSPACE)}


@pytest.fixture(scope="module")
def blank_database(tmp_path_factory) -> Path:
    data = open_data(Paths(tmp_path_factory.mktemp("blank") / "data").ensure())
    data.close()
    return data.paths.database


def laptops(blank: Path, count: int) -> list[Laptop]:
    root = Path(blank).parent.parent / f"run-{uuid.uuid4().hex[:8]}"
    made = []
    for index in range(count):
        folder = root / str(index)
        folder.mkdir(parents=True)
        shutil.copyfile(blank, folder / "companion.sqlite3")
        made.append(Laptop(folder / "companion.sqlite3", folder / "blobs"))
    return made


def exchange(source: Laptop, target: Laptop, repeat: bool = False) -> None:
    changes = source.outbox()
    target.replica.apply_remote(WORKSPACE, changes)
    if repeat:  # the same changes again: nothing may change
        before = target.replica.digest(WORKSPACE)
        target.replica.apply_remote(WORKSPACE, changes)
        assert target.replica.digest(WORKSPACE) == before


def settle(machines: list[Laptop]) -> None:
    """Exchange until nothing new travels (conflict records found late travel too)."""
    for _round in range(4):
        for source in machines:
            for target in machines:
                if source is not target:
                    exchange(source, target)


ITEM_FIELDS = st.sampled_from(["status", "owner", "notes"])
VALUES = {"status": st.sampled_from(["todo", "in_progress", "done", "na"]),
          "owner": st.sampled_from(["", "Amina", "Joseph", "Fatou"]),
          "notes": st.text(max_size=12)}

operation = st.one_of(
    st.tuples(st.just("item"), st.integers(0, 2), st.integers(0, 3), ITEM_FIELDS, st.data()),
    st.tuples(st.just("score"), st.integers(0, 2), st.integers(0, 3), st.sampled_from([None, 1, 2, 3, 4, 5])),
    st.tuples(st.just("weight"), st.integers(0, 2), st.integers(0, 2), st.sampled_from([0.0, 1.0, 2.5, 5.0])),
    st.tuples(st.just("add_line"), st.integers(0, 2), st.text(max_size=8)),
    st.tuples(st.just("delete_line"), st.integers(0, 2), st.integers(0, 5)),
    st.tuples(st.just("rename"), st.integers(0, 2), st.sampled_from(["Pilot", "Pilote", "Pilot TZ"])),
    st.tuples(st.just("team"), st.integers(0, 2), st.lists(st.sampled_from(["Amina", "Joseph", "Fatou"]),
                                                          unique=True, max_size=3)),
    st.tuples(st.just("delete_project"), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("undo"), st.integers(0, 2)),
    st.tuples(st.just("send"), st.integers(0, 2), st.integers(0, 2), st.booleans()),
)


def run(machine: Laptop, op, project_id: str) -> None:
    kind = op[0]
    store = machine.store
    if kind == "undo":
        machine.undo()
        return
    checklist = store.checklists(project_id) if kind == "item" else None
    if kind == "item":
        items = store.items(checklist[0][0])
        item = items[op[2] % len(items)]
        value = op[4].draw(VALUES[op[3]])
        machine.edit(lambda: store.update_item(item.id, **{op[3]: value}))
    elif kind == "score":
        feasibility_id = store.feasibility(project_id)[0]
        dimension = TEMPLATES.feasibility["readiness"].dimensions[0]
        criterion = dimension.criteria[op[2] % len(dimension.criteria)]
        machine.edit(lambda: store.set_criterion(feasibility_id, dimension.id, criterion.id, score=op[3]))
    elif kind == "weight":
        feasibility_id, _scores, weights, _rec = store.feasibility(project_id)
        dimension = TEMPLATES.feasibility["readiness"].dimensions[op[2]]
        machine.edit(lambda: store.set_feasibility(feasibility_id, weights={**weights, dimension.id: op[3]}))
    elif kind == "add_line":
        case = store.business_case(project_id)[0]
        machine.edit(lambda: store.add_line(case.id, "cost", "hardware", description=op[2], unit_cost="100"))
    elif kind == "delete_line":
        lines = store.business_case(project_id)[1]
        if lines:
            machine.edit(lambda: store.delete_line(lines[op[2] % len(lines)].id))
    elif kind == "rename":
        machine.edit(lambda: store.update_project(project_id, name=op[2]))
    elif kind == "team":
        machine.edit(lambda: store.update_project(project_id, team=op[2]))
    elif kind == "delete_project":
        if op[2]:
            machine.edit(lambda: store.delete_project(project_id))
        else:
            machine.edit(lambda: store.restore_project(project_id))


def written_values(machines: list[Laptop]) -> list[tuple[str, str, dict]]:
    return [(change.record_id, name, {"v": write.v, "t": write.t, "base": write.base})
            for machine in machines for change in machine.outbox() if change.type != CONFLICT_TYPE
            for name, write in change.fields.items()]


# COMPANION_HYPOTHESIS_EXAMPLES=500 for a longer search than CI's.
@settings(max_examples=int(os.environ.get("COMPANION_HYPOTHESIS_EXAMPLES", "30")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(count=st.integers(2, 3), operations=st.lists(operation, max_size=25))
def test_laptops_converge_and_lose_nothing(blank_database, count, operations):
    machines = laptops(blank_database, count)
    first = machines[0]
    project_id = first.store.create_project("Pilot", currency="USD")
    first.replica.adopt([r.id for r in first.replica.records_of("local")], WORKSPACE)
    for other in machines[1:]:
        exchange(first, other)
    for op in operations:
        if op[0] == "send":
            source, target = machines[op[1] % count], machines[op[2] % count]
            if source is not target:
                exchange(source, target, repeat=op[3])
        else:
            run(machines[op[1] % count], op, project_id)
    settle(machines)

    digests = {machine.replica.digest(WORKSPACE) for machine in machines}
    assert len(digests) == 1
    states = [machine.state() for machine in machines]
    assert all(state == states[0] for state in states[1:])
    # What the screens show is the same everywhere too.
    shown = [([(p.id, p.name, p.team, p.archived) for p in m.store.projects(include_archived=True)],
              m.store.business_case(project_id)[1], m.store.feasibility(project_id)[1:])
             for m in machines]
    assert all(view == shown[0] for view in shown[1:])

    # Nothing lost: every value written is current, held in a conflict record, or was knowingly
    # overwritten by a writer who had seen it (base = its stamp). Two writes of the same value
    # do not clash (the protocol keeps one), so a value is accounted for when any of its writes is.
    state = states[0]
    conflicts = [fields for (kind, fields) in state.values() if kind == CONFLICT_TYPE]
    writes = written_values(machines)
    seen_bases = {(record_id, name, write["base"]) for record_id, name, write in writes}

    def accounted(record_id: str, name: str, write: dict) -> bool:
        current = state[record_id][1].get(name)
        if current is not None and (current["t"] == write["t"] or same_value(current["v"], write["v"])):
            return True  # current (or the same value, written again by someone else)
        if (record_id, name, write["t"]) in seen_bases:
            return True
        return any(c["record"]["v"] == record_id and c["field"]["v"] == name
                   and write["t"] in (c["kept"]["v"]["t"], c["other"]["v"]["t"]) for c in conflicts)

    kept_values = {(record_id, name, canonical_json(write["v"]))
                   for record_id, name, write in writes if accounted(record_id, name, write)}
    for record_id, name, write in writes:
        assert (record_id, name, canonical_json(write["v"])) in kept_values, (record_id, name, write)
    for machine in machines:
        machine.engine.dispose()
