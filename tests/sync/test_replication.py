"""The shared contract code (companion/replication): HLC, merge rule, digest, and the merge properties."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companion.replication import (
    CONFLICT_TYPE,
    Change,
    ChangeRejected,
    Clock,
    FieldWrite,
    HLCError,
    Record,
    Replica,
    canonical_record_json,
    check_change,
    conflict_record_id,
    format_hlc,
    is_valid_hlc,
    merge_change,
    parse_hlc,
    record_as_change,
    record_hash,
    workspace_digest,
)
from tests.sync.histories import exchange_conflicts, run_history, unaccounted_writes

RID = "6f1c1a8e-2b61-4d5f-9a57-0c9d3f1e2a10"


def hlc(ms: int, counter: int = 0, device: str = "00000000000000aa") -> str:
    return format_hlc(ms, counter, device)


# -- HLC --------------------------------------------------------------------------------------------


def test_hlc_format_and_parse_round_trip() -> None:
    stamp = "1764255600123-0007-3f9a0c1b2d4e5f60"
    assert is_valid_hlc(stamp)
    parsed = parse_hlc(stamp)
    assert (parsed.millis, parsed.counter, parsed.device) == (1764255600123, 7, "3f9a0c1b2d4e5f60")
    assert format_hlc(parsed.millis, parsed.counter, parsed.device) == stamp


@pytest.mark.parametrize("bad", ["", "1764255600123-7-3f9a0c1b2d4e5f60", "1764255600123-0007-3F9A0C1B2D4E5F60",
                                 "176425560012-0007-3f9a0c1b2d4e5f60", "1764255600123-0007-3f9a0c1b2d4e5f6",
                                 "1764255600123-0007-3f9a0c1b2d4e5f60\n", 12, None])
def test_malformed_hlcs_are_refused(bad: object) -> None:
    assert not is_valid_hlc(bad)
    with pytest.raises(HLCError):
        parse_hlc(bad)  # type: ignore[arg-type]


def test_clock_never_goes_back_and_never_repeats() -> None:
    now = [1_000.000]
    clock = Clock("00000000000000aa", wall=lambda: now[0])
    first = clock.now()
    second = clock.now()  # same millisecond: counter moves
    now[0] = 999.0  # the wall clock jumps back
    third = clock.now()
    assert first < second < third
    assert parse_hlc(second).counter == 1


def test_clock_follows_stamps_seen_and_applies_the_server_offset() -> None:
    clock = Clock("00000000000000aa", offset_ms=5_000, wall=lambda: 1_000.0)
    assert parse_hlc(clock.now()).millis == 1_005_000
    clock.observe("0000002000000-0003-00000000000000bb")
    after = clock.now()
    assert after > "0000002000000-0003-00000000000000bb"
    assert parse_hlc(after).millis == 2_000_000 and parse_hlc(after).counter == 4


def test_clock_counter_overflow_borrows_the_next_millisecond() -> None:
    clock = Clock("00000000000000aa", wall=lambda: 1.0)
    stamps = [clock.now() for _ in range(10_002)]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


# -- merge rule --------------------------------------------------------------------------------------


def test_fast_forward_concurrent_edit_and_conflict_record() -> None:
    base = Record(RID, "note", {"title": {"v": "a", "t": hlc(1)}})
    # A writer who saw the stored value: plain edit, even with an older t than someone else's.
    edit = merge_change(base, Change("c1", RID, "note", {"title": FieldWrite("b", hlc(2), hlc(1))}))
    assert edit.record.fields["title"] == {"v": "b", "t": hlc(2)} and not edit.conflicts
    # A concurrent writer (base is not the stored t): greater t wins, loser kept in a conflict.
    late = merge_change(edit.record, Change("c2", RID, "note", {"title": FieldWrite("c", hlc(3, device="00000000000000bb"), hlc(1))}))
    assert late.record.fields["title"]["v"] == "c"
    [conflict] = late.conflicts
    assert conflict.type == CONFLICT_TYPE
    assert conflict.id == str(uuid.uuid5(uuid.UUID(RID), f"title\n{hlc(2)}\n{hlc(3, device='00000000000000bb')}"))
    assert conflict.id == conflict_record_id(RID, "title", hlc(3, device="00000000000000bb"), hlc(2))
    values = {name: value["v"] for name, value in conflict.fields.items()}
    assert values == {"record": RID, "field": "title", "kept": {"v": "c", "t": hlc(3, device="00000000000000bb")},
                      "other": {"v": "b", "t": hlc(2)}, "resolved": False}
    assert {value["t"] for value in conflict.fields.values()} == {hlc(3, device="00000000000000bb")}


def test_concurrent_older_write_loses_but_is_kept() -> None:
    stored = Record(RID, "note", {"title": {"v": "new", "t": hlc(5)}})
    outcome = merge_change(stored, Change("c", RID, "note", {"title": FieldWrite("old", hlc(4), hlc(1))}))
    assert not outcome.changed and outcome.record.fields["title"]["v"] == "new"
    assert outcome.conflicts[0].fields["other"]["v"] == {"v": "old", "t": hlc(4)}


def test_equal_values_make_no_conflict_and_json_equality_is_strict() -> None:
    stored = Record(RID, "note", {"n": {"v": 1, "t": hlc(5)}})
    same = merge_change(stored, Change("c", RID, "note", {"n": FieldWrite(1, hlc(4))}))
    assert not same.conflicts
    differs = merge_change(stored, Change("c", RID, "note", {"n": FieldWrite(1.0, hlc(4))}))
    assert differs.conflicts  # 1 and 1.0 are different JSON
    boolean = merge_change(stored, Change("c", RID, "note", {"n": FieldWrite(True, hlc(4))}))
    assert boolean.conflicts


def test_same_write_again_changes_nothing() -> None:
    stored = Record(RID, "note", {"title": {"v": "a", "t": hlc(5)}})
    outcome = merge_change(stored, Change("c", RID, "note", {"title": FieldWrite("a", hlc(5), hlc(1))}))
    assert not outcome.changed and not outcome.conflicts


def test_type_never_changes() -> None:
    stored = Record(RID, "note", {"title": {"v": "a", "t": hlc(5)}})
    with pytest.raises(ChangeRejected) as caught:
        merge_change(stored, Change("c", RID, "task", {"title": FieldWrite("b", hlc(6), hlc(5))}))
    assert caught.value.code == "type-mismatch"


def test_conflict_records_merge_without_conflicts_of_their_own() -> None:
    replica = Replica()
    replica.apply(Change("c1", RID, "note", {"title": FieldWrite("a", hlc(1))}))
    replica.apply(Change("c2", RID, "note", {"title": FieldWrite("b", hlc(2), hlc(1))}))
    replica.apply(Change("c3", RID, "note", {"title": FieldWrite("c", hlc(3, device="00000000000000bb"), hlc(1))}))
    [conflict] = replica.conflict_records()
    resolve = Change("c4", conflict.id, CONFLICT_TYPE, {"resolved": FieldWrite(True, hlc(9), conflict.fields["resolved"]["t"])})
    replica.apply(resolve)
    # The same clash detected again elsewhere (a bundle import) arrives as the same record: no new conflicts.
    again = record_as_change(Record(conflict.id, CONFLICT_TYPE, {**conflict.fields}))
    replica.apply(again)
    assert len(replica.conflict_records()) == 1
    assert replica.records[conflict.id].fields["resolved"]["v"] is True


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, "empty-change"),
        ({"bad name": FieldWrite(1, hlc(1))}, "invalid-field-name"),
        ({"title": FieldWrite(1, "yesterday")}, "invalid-hlc"),
        ({"title": FieldWrite(1, hlc(1), hlc(2))}, "base-not-before-t"),
        ({"_deleted": FieldWrite("yes", hlc(1))}, "invalid-deleted"),
    ],
)
def test_check_change_rejects_malformed_changes(fields: dict, code: str) -> None:
    with pytest.raises(ChangeRejected) as caught:
        check_change(Change("c", RID, "note", fields))
    assert caught.value.code == code


def test_check_change_rejects_clocks_far_ahead() -> None:
    now = 1_764_000_000_000
    check_change(Change("c", RID, "note", {"t": FieldWrite(1, hlc(now + 9 * 60_000))}), now_ms=now)
    with pytest.raises(ChangeRejected) as caught:
        check_change(Change("c", RID, "note", {"t": FieldWrite(1, hlc(now + 11 * 60_000))}), now_ms=now)
    assert caught.value.code == "clock-ahead" and "clock" in caught.value.message


# -- digest ---------------------------------------------------------------------------------------------


def test_canonical_json_and_digest_follow_the_protocol_text() -> None:
    fields = {"title": {"v": "Étude de faisabilité", "t": hlc(1)}, "a": {"v": [1, {"z": 1, "b": None}], "t": hlc(2)}}
    text = canonical_record_json(RID, "note", fields)
    expected = json.dumps({"fields": {name: {"t": v["t"], "v": v["v"]} for name, v in fields.items()}, "id": RID, "type": "note"},
                          sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert text == expected and "Étude" in text
    single = record_hash(RID, "note", fields)
    assert workspace_digest([(RID, "note", fields)]) == single
    other = ("7f1c1a8e-2b61-4d5f-9a57-0c9d3f1e2a10", "note", {"x": {"v": 1, "t": hlc(3)}})
    assert workspace_digest([(RID, "note", fields), other]) == workspace_digest([other, (RID, "note", fields)])
    assert workspace_digest([]) == "0" * 64


# -- properties (many random histories) --------------------------------------------------------------

operation = st.tuples(
    st.sampled_from(["edit", "edit", "edit", "sync"]),
    st.integers(0, 3), st.integers(0, 2), st.integers(0, 2), st.integers(0, 3),
)
history = st.tuples(st.lists(operation, min_size=1, max_size=40), st.integers(2, 4), st.lists(st.integers(-50, 50), min_size=4, max_size=4))
PROPERTY_SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(history, st.randoms(use_true_random=False))
def test_any_order_of_the_same_changes_converges(case, rnd) -> None:
    operations, devices, skews = case
    server, log = run_history(operations, devices, skews)
    first, second = log[:], log[:]
    rnd.shuffle(first)
    rnd.shuffle(second)
    left, right = Replica(), Replica()
    left.apply_all(first)
    right.apply_all(second)
    # Data fields agree at once, whatever the order ...
    data = lambda replica: {k: v for k, v in replica.state().items() if v[0] != CONFLICT_TYPE}  # noqa: E731
    assert data(left) == data(right) == data(server)
    # ... and once replicas have synced their conflict records too, everything agrees, digest included.
    exchange_conflicts(left, right)
    exchange_conflicts(left, server)
    exchange_conflicts(right, server)
    assert left.state() == right.state() == server.state()
    assert left.digest() == right.digest() == server.digest()


@PROPERTY_SETTINGS
@given(history, st.randoms(use_true_random=False))
def test_every_written_value_is_current_or_in_a_conflict_record(case, rnd) -> None:
    operations, devices, skews = case
    server, log = run_history(operations, devices, skews)
    assert unaccounted_writes(server, log) == []
    shuffled = log[:]
    rnd.shuffle(shuffled)
    replica = Replica()
    replica.apply_all(shuffled)
    assert unaccounted_writes(replica, log) == []


@PROPERTY_SETTINGS
@given(history, st.randoms(use_true_random=False))
def test_applying_a_batch_twice_equals_applying_it_once(case, rnd) -> None:
    operations, devices, skews = case
    _, log = run_history(operations, devices, skews)
    once = Replica()
    once.apply_all(log)
    twice = Replica()
    twice.apply_all(log)
    replay = log[:]
    rnd.shuffle(replay)
    outcomes = twice.apply_all(replay)
    assert all(outcome.duplicate for outcome in outcomes)
    assert twice.state() == once.state()
    # Idempotent by HLC equality too: a replica's own state sent back to it (new change ids) changes nothing.
    before = once.state()
    for record in list(once.records.values()):
        assert not once.apply(record_as_change(record, change_id=str(uuid.uuid4()))).changed
    assert once.state() == before
