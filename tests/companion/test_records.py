"""The record writer, undo as new edits, and merging changes from elsewhere, on real databases."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from companion.config import Paths
from companion.pilot.case_input import NewLine
from companion.pilot.store import PilotError, PilotStore
from companion.records import ChangedElsewhere, LocalReplica, Writer
from companion.replication import Change, FieldWrite, Record
from companion.session import import_bundled_content, open_data
from companion.training.store import TrainingStore

WORKSPACE = "pilot-tz"


class Laptop:
    def __init__(self, root) -> None:
        self.data = open_data(Paths(root).ensure())
        engine = self.data.library.engine
        self.pilot = PilotStore(engine, None, root / "blobs")
        self.replica = LocalReplica(engine, root / "blobs")
        self.records = self.pilot.records

    def outbox(self) -> list[Change]:
        return [entry.change for entry in self.replica.pending(WORKSPACE, 1_000_000)]

    def snapshot(self) -> tuple:
        return (sorted((r.id, r.type, json.dumps(r.fields, sort_keys=True)) for r in self.replica.records_of("local")),
                self.replica.pending_count("local"))


@pytest.fixture
def laptop(tmp_path) -> Laptop:
    return Laptop(tmp_path / "a")


@pytest.fixture
def two(tmp_path) -> tuple[Laptop, Laptop]:
    """Two laptops sharing one project in a team workspace."""
    a, b = Laptop(tmp_path / "a"), Laptop(tmp_path / "b")
    project_id = a.pilot.create_project("Pilot Dodoma", currency="USD")
    a.replica.adopt([r.id for r in a.replica.records_of("local")], WORKSPACE)
    b.replica.apply_remote(WORKSPACE, a.outbox())
    a.replica.acknowledge([e.seq for e in a.replica.pending(WORKSPACE, 1_000_000)])  # as after a push
    a.project_id = b.project_id = project_id
    return a, b


def test_an_edit_is_stamped_and_queued_in_the_same_commit(laptop):
    project_id = laptop.pilot.create_project("P")
    item = laptop.pilot.items(laptop.pilot.checklists(project_id)[0][0])[0]
    created = {e.change.record_id: e for e in laptop.replica.pending("local", 10_000)}[item.id]
    before = laptop.replica.pending_count("local")
    laptop.pilot.update_item(item.id, owner="Amina")
    entries = laptop.replica.pending("local", 10_000)
    assert len(entries) == before + 1
    change = entries[-1].change
    assert (change.record_id, change.type, list(change.fields)) == (item.id, "checklist_item", ["owner"])
    write = change.fields["owner"]
    assert write.v == "Amina" and write.base == created.change.fields["owner"].t and write.base < write.t
    stored = next(r for r in laptop.replica.records_of("local") if r.id == item.id)
    assert stored.fields["owner"] == {"v": "Amina", "t": write.t}
    laptop.pilot.update_item(item.id, owner="Amina")  # the same value again: nothing to sync
    assert laptop.replica.pending_count("local") == before + 1


def test_ids_that_two_laptops_must_agree_on_are_derived(tmp_path):
    a, b = Laptop(tmp_path / "a"), Laptop(tmp_path / "b")
    # The same project on both (as after a sync), then each adds the same checklist offline.
    project_id = a.pilot.create_project("P")
    b.replica.apply_remote("local", [e.change for e in a.replica.pending("local", 10_000)])
    a.pilot.add_checklist(project_id, "legacy-to-modular-migration")
    b.pilot.add_checklist(project_id, "legacy-to-modular-migration")
    assert a.pilot.checklists(project_id) == b.pilot.checklists(project_id)
    items_a = a.pilot.items(a.pilot.checklists(project_id)[1][0])
    assert [i.id for i in items_a] == [i.id for i in b.pilot.items(b.pilot.checklists(project_id)[1][0])]


MULTI_STEP = {
    "create a project": lambda s, p: s.create_project("New", currency="XAF", usd_rate="600"),
    "duplicate a project": lambda s, p: s.duplicate_project(p, "Copy"),
    "replace the business case by the worked example": lambda s, p: s.replace_lines(
        s.business_case(p)[0].id, {"horizon_years": 3},
        [NewLine("cost", "hardware", "one_time", "Servers", "100", "2", (1,)),
         NewLine("benefit", "claims_savings", "recurring", "Fewer paper claims", "50", "1", (1, 2, 3))]),
    "weigh two dimensions": lambda s, p: s.set_feasibility(
        s.feasibility(p)[0], weights={"leadership-governance": 2.0, "infrastructure": 3.0, "workforce": 0.5}),
    "change the team": lambda s, p: s.update_project(p, name="Renamed", team=["Amina", "Joseph", "Fatou"]),
}


@pytest.mark.parametrize("operation", sorted(MULTI_STEP))
def test_a_crash_in_the_middle_of_an_operation_leaves_nothing_half_done(laptop, monkeypatch, operation):
    project_id = laptop.pilot.create_project("P", team=["Amina"])
    before = laptop.snapshot()
    calls = {"n": 0}
    real_create, real_update = Writer.create, Writer.update

    def failing(real):
        def write(self, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 2:  # after the first write of the operation has gone through
                raise OSError("power cut")
            return real(self, *args, **kwargs)
        return write

    monkeypatch.setattr(Writer, "create", failing(real_create))
    monkeypatch.setattr(Writer, "update", failing(real_update))
    with pytest.raises(OSError):
        MULTI_STEP[operation](laptop.pilot, project_id)
    monkeypatch.undo()
    assert calls["n"] >= 2
    assert laptop.snapshot() == before
    MULTI_STEP[operation](laptop.pilot, project_id)  # and it works once the power is back
    assert laptop.snapshot() != before


def test_mark_everyone_present_and_attach_are_single_operations(tmp_path, monkeypatch):
    data = open_data(Paths(tmp_path / "t").ensure())
    import_bundled_content(data.library)
    training = TrainingStore(data.library.engine)
    replica = LocalReplica(data.library.engine, tmp_path / "blobs")
    module = training.modules("en")[0]
    session_id = training.create_session(module.id, dt.date(2026, 12, 1), days=2)
    for name in ("Awa", "Boubacar", "Chantal"):
        training.add_participant(session_id, name)
    before = replica.pending_count("local")
    calls = {"n": 0}
    real = Writer.create

    def failing(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Writer, "create", failing)
    with pytest.raises(OSError):
        training.mark_everyone_present(session_id, 0)
    monkeypatch.undo()
    assert replica.pending_count("local") == before
    assert not any(p.present[0] for p in training.participants(session_id))
    assert len(training.mark_everyone_present(session_id, 0)) == 3


def test_undo_is_a_new_edit_and_is_refused_when_another_laptop_changed_the_field(two):
    a, b = two
    item = a.pilot.items(a.pilot.checklists(a.project_id)[0][0])[0]
    _result, edit = a.records.capture(lambda: a.pilot.update_item(item.id, owner="Amina"))
    undone = a.records.revert(edit)
    assert a.pilot.items(a.pilot.checklists(a.project_id)[0][0])[0].owner == ""
    a.records.revert(undone)  # redo
    assert a.pilot.items(a.pilot.checklists(a.project_id)[0][0])[0].owner == "Amina"
    assert a.outbox()[-1].fields["owner"].v == "Amina"  # undo and redo sync like any edit

    # Joseph, on the other laptop, saw Amina's name and changed it; then A tries to undo again.
    _result, edit = a.records.capture(lambda: a.pilot.update_item(item.id, notes="Letter sent"))
    b.replica.apply_remote(WORKSPACE, a.outbox())
    b.pilot.update_item(item.id, notes="Letter sent and answered")
    a.replica.apply_remote(WORKSPACE, b.outbox())
    with pytest.raises(ChangedElsewhere) as refused:
        a.records.revert(edit)
    assert [c.field for c in refused.value.changes] == ["notes"]
    assert a.pilot.items(a.pilot.checklists(a.project_id)[0][0])[0].notes == "Letter sent and answered"


def test_undoing_a_deletion_brings_the_whole_project_back(laptop):
    project_id = laptop.pilot.create_project("P")
    _result, edit = laptop.records.capture(lambda: laptop.pilot.delete_project(project_id))
    with pytest.raises(PilotError):
        laptop.pilot.project(project_id)
    laptop.records.revert(edit)
    assert laptop.pilot.project(project_id).name == "P"
    assert len(laptop.pilot.items(laptop.pilot.checklists(project_id)[0][0])) > 30


def test_a_pulled_page_never_overwrites_an_edit_still_waiting_to_be_pushed(two):
    a, b = two
    item = a.pilot.items(a.pilot.checklists(a.project_id)[0][0])[0]
    b.pilot.update_item(item.id, owner="Joseph", status="done")
    pulled = next(r for r in b.replica.records_of(WORKSPACE) if r.id == item.id)
    a.pilot.update_item(item.id, owner="Amina")  # not pushed yet
    applied = a.replica.apply_pulled(WORKSPACE, [pulled], next_since=7)
    assert applied.records == 1 and applied.conflicts == 0
    row = a.pilot.items(a.pilot.checklists(a.project_id)[0][0])[0]
    assert (row.owner, row.status) == ("Amina", "done")  # the waiting edit stays; the rest follows the server
    assert a.replica.cursor(WORKSPACE) == 7
    assert a.outbox()[-1].fields["owner"].v == "Amina"  # still queued, with its original base


def test_a_child_that_arrives_before_its_parent_waits_for_it(two):
    a, b = two
    case_id = a.pilot.business_case(a.project_id)[0].id
    line_id = a.pilot.add_line(case_id, "cost", "training", description="Trainers", unit_cost="10")
    line_change = a.outbox()[-1]
    assert line_change.record_id == line_id
    other = Laptop(b.data.paths.data_dir.parent / "c")
    other.replica.apply_remote(WORKSPACE, [line_change])  # only the line: no project, no case yet
    assert other.pilot.projects() == []
    other.replica.apply_remote(WORKSPACE, list(a.replica.export_changes(WORKSPACE)))
    lines = other.pilot.business_case(a.project_id)[1]
    assert line_id in [line.id for line in lines]


def test_unknown_types_and_fields_and_odd_values_survive_and_sync_on(two):
    a, b = two
    item = a.pilot.items(a.pilot.checklists(a.project_id)[0][0])[0]
    stamp = b.replica.clock.now()
    newer_app = [
        Change("c-1", "7b3f1f62-3c53-4d3e-8d4f-0d4c1b3f2a10", "risk_register",
               {"title": FieldWrite("Elections", stamp), "_deleted": FieldWrite(False, stamp)}),
        Change("c-2", item.id, "checklist_item", {"weather": FieldWrite({"rain": True}, b.replica.clock.now()),
                                                  "position": FieldWrite(2.5, b.replica.clock.now())}),
    ]
    b.replica.apply_remote(WORKSPACE, newer_app)
    kept = {r.id: r for r in b.replica.records_of(WORKSPACE)}
    assert kept["7b3f1f62-3c53-4d3e-8d4f-0d4c1b3f2a10"].fields["title"]["v"] == "Elections"
    assert kept[item.id].fields["weather"]["v"] == {"rain": True}
    assert kept[item.id].fields["position"]["v"] == 2.5  # not an integer: kept exactly as it came
    a.replica.apply_remote(WORKSPACE, newer_app)
    assert a.replica.digest(WORKSPACE) == b.replica.digest(WORKSPACE)


def test_the_local_digest_is_the_protocols(two):
    from companion.replication import Replica

    a, b = two
    reference = Replica()
    for change in a.replica.export_changes(WORKSPACE):
        reference.apply(change)
    assert reference.digest() == a.replica.digest(WORKSPACE) == b.replica.digest(WORKSPACE)
    assert {r.id for r in a.replica.records_of(WORKSPACE)} == set(reference.records)


def test_conflicts_are_listed_and_resolved_by_an_ordinary_edit(two):
    a, b = two
    item = a.pilot.items(a.pilot.checklists(a.project_id)[0][0])[0]
    a.pilot.update_item(item.id, owner="Amina")
    b.pilot.update_item(item.id, owner="Joseph")
    a.replica.apply_remote(WORKSPACE, b.outbox())
    [conflict] = a.replica.conflicts()
    assert conflict["type"] == "checklist_item" and conflict["field"] == "owner"
    assert {conflict["kept"]["v"], conflict["other"]["v"]} == {"Amina", "Joseph"}
    a.replica.resolve_conflict(conflict["id"], "Amina and Joseph")
    assert a.replica.conflicts() == []
    assert a.pilot.items(a.pilot.checklists(a.project_id)[0][0])[0].owner == "Amina and Joseph"
    b.replica.apply_remote(WORKSPACE, a.outbox())
    assert b.pilot.items(b.pilot.checklists(b.project_id)[0][0])[0].owner == "Amina and Joseph"
    assert a.replica.digest(WORKSPACE) == b.replica.digest(WORKSPACE)


def test_applying_ten_thousand_records_is_one_transaction(two):
    a, b = two
    records = [Record(f"00000000-0000-4000-8000-{n:012d}", "checklist_item",
                      {"checklist_id": {"v": "x", "t": b.replica.clock.now()},
                       "item_key": {"v": f"k{n}", "t": b.replica.clock.now()}}) for n in range(200)]
    b.replica.apply_pulled(WORKSPACE, records, next_since=200)
    assert b.replica.cursor(WORKSPACE) == 200
    assert b.replica.record_count(WORKSPACE) == a.replica.record_count(WORKSPACE) + 200


def test_a_malformed_record_in_a_pulled_page_is_refused_and_the_rest_of_the_page_is_kept(two):
    _a, b = two
    t = b.replica.clock.now()
    good = Record("00000000-0000-4000-8000-000000000001", "checklist_item",
                  {"checklist_id": {"v": "x", "t": t}, "item_key": {"v": "kept", "t": t}})
    no_stamp = Record("00000000-0000-4000-8000-000000000002", "checklist_item", {"item_key": {"v": "lost"}})
    bad_clock = Record("00000000-0000-4000-8000-000000000003", "checklist_item", {"item_key": {"v": "x", "t": "soon"}})
    bad_delete = Record("00000000-0000-4000-8000-000000000004", "checklist_item", {"_deleted": {"v": "yes", "t": t}})
    before = b.replica.record_count(WORKSPACE)
    applied = b.replica.apply_pulled(WORKSPACE, [no_stamp, good, bad_clock, bad_delete], next_since=3)
    assert applied.records == 1
    assert sorted(applied.rejected) == [(no_stamp.id, "invalid-field"), (bad_clock.id, "invalid-hlc"),
                                        (bad_delete.id, "invalid-deleted")]
    assert b.replica.record_count(WORKSPACE) == before + 1
    assert b.replica.cursor(WORKSPACE) == 3


def test_sharing_a_training_session_moves_it_with_its_register_and_leaves_the_rest_local(tmp_path):
    data = open_data(Paths(tmp_path / "t").ensure())
    import_bundled_content(data.library)
    training = TrainingStore(data.library.engine)
    pilot = PilotStore(data.library.engine, None, tmp_path / "blobs")
    replica = LocalReplica(data.library.engine, tmp_path / "blobs")
    module = training.modules("en")[0]
    shared_id = training.create_session(module.id, dt.date(2026, 12, 1), days=2)
    kept_id = training.create_session(module.id, dt.date(2027, 1, 11), days=1)
    for name in ("Awa", "Boubacar"):
        training.add_participant(shared_id, name)
    training.add_participant(kept_id, "Chantal")
    training.mark_everyone_present(shared_id, 0)
    project_id = pilot.create_project("Stays here")

    moved = replica.share(shared_id, WORKSPACE)

    assert moved == 1 + 2 + 2  # the session, two participants, their attendance on day 1
    assert training.training_session(shared_id).workspace == WORKSPACE
    assert training.training_session(kept_id).workspace == "local"
    assert pilot.project(project_id).workspace == "local"
    types = sorted(entry.change.type for entry in replica.pending(WORKSPACE, 1000))
    assert types == ["training_attendance"] * 2 + ["training_participant"] * 2 + ["training_session"]
    # A participant added later joins the session's workspace, not "local".
    training.add_participant(shared_id, "Djenabou")
    assert replica.pending_count(WORKSPACE) == 6
