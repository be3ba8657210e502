"""Three laptops of a team edit offline (the same field on two laptops, deletions, evidence files) and sync in
random order through a link that cuts: they converge, and every value anyone wrote is current, held in a
conflict record, or was knowingly edited over (a later write whose base was its stamp).

Bounded for CI; COMPANION_LONG_SYNC_TEST=1 runs many more rounds. COMPANION_SYNC_TEST_SEED picks the seed.
"""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

from companion.records import FieldChange
from tests.sync.faulty_proxy import FaultyProxy
from tests.sync.laptops import CHECKLIST_ID, Laptop, SyncServer, new_id, new_laptop, sync_server  # noqa: F401

LONG = os.environ.get("COMPANION_LONG_SYNC_TEST") == "1"
ROUNDS = 30 if LONG else 5
SEED = int(os.environ.get("COMPANION_SYNC_TEST_SEED", "20261203"))


class Team:
    def __init__(self, laptops: list[Laptop], workspace: str, rng: random.Random) -> None:
        self.laptops = laptops
        self.workspace = workspace
        self.rng = rng
        self.writes: list[FieldChange] = []
        self.items: list[str] = []
        self.counter = 0

    def edit(self, laptop: Laptop, action) -> None:  # type: ignore[no-untyped-def]
        with laptop.replica.records.transaction() as writer:
            action(writer)
        self.writes.extend(change for change in writer.changes if change.type != "conflict")

    def value(self) -> str:
        self.counter += 1
        return f"v{self.counter}"

    def random_edit(self, laptop: Laptop) -> None:
        choice = self.rng.random()
        known = [item for item in self.items if laptop.record(self.workspace, item) is not None]
        if choice < 0.15 or not known:
            item = new_id()
            self.items.append(item)
            self.edit(laptop, lambda w: w.create("checklist_item", {
                "checklist_id": CHECKLIST_ID, "section_key": "launch", "item_key": item[:8], "position": len(self.items),
                "notes": self.value()}, record_id=item, workspace=self.workspace))
        elif choice < 0.75:
            item = self.rng.choice(known[:4])  # a few hot items: the same field edited on two laptops
            field = self.rng.choice(["notes", "owner", "status"])
            self.edit(laptop, lambda w: w.update("checklist_item", item, {field: self.value()}))
        elif choice < 0.87:
            item = self.rng.choice(known)
            deleted = laptop.value(self.workspace, item, "_deleted")
            self.edit(laptop, lambda w: (w.restore if deleted else w.delete)("checklist_item", item))
        else:
            data = os.urandom(self.rng.randint(1_000, 40_000))
            sha = hashlib.sha256(data).hexdigest()
            path = laptop.replica.blob_path(sha)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            item = self.rng.choice(known)
            self.edit(laptop, lambda w: w.create("attachment", {"item_id": item, "sha256": sha, "name": f"{sha[:6]}.jpg",
                                                                "size": len(data), "mime": "image/jpeg"},
                                                 workspace=self.workspace))


def test_three_laptops_converge_through_a_flaky_link(sync_server: SyncServer, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    people = [sync_server.person(name) for name in ("amina", "bakary", "chantal")]
    workspace = sync_server.team(*people)
    laptops = [new_laptop(person, tmp_path / person.name, [workspace]) for person in people]
    team = Team(laptops, workspace, rng)
    with FaultyProxy(("127.0.0.1", sync_server.port), seed=SEED) as proxy:
        proxy.latency_s = 0.005
        for _round in range(ROUNDS):
            for laptop in laptops:
                for _ in range(rng.randint(1, 6)):
                    team.random_edit(laptop)
            proxy.cut_after(2_000, 40_000)
            for laptop in rng.sample(laptops, k=rng.randint(1, 3)):
                laptop.engine(proxy.url, max_attempts=30, page_limit=rng.choice([5, 50, 1000])).sync()
        proxy.cut_after(None)
        for laptop in laptops + laptops:  # everyone twice: the last conflict records reach everyone
            laptop.engine(proxy.url).sync()
        assert proxy.cuts >= 3, "the link was never cut: the test proved nothing"

    digests = {laptop.replica.digest(workspace) for laptop in laptops}
    assert len(digests) == 1, "the laptops did not converge"
    for laptop in laptops:
        assert laptop.replica.pending_count() == 0 and not laptop.replica.missing_blobs(workspace)

    state = {record.id: record for record in laptops[0].replica.records_of(workspace)}
    held: dict[tuple[str, str], set[str]] = {}
    for record in state.values():
        if record.type == "conflict":
            key = (record.fields["record"]["v"], record.fields["field"]["v"])
            held.setdefault(key, set()).update({record.fields["kept"]["v"]["t"], record.fields["other"]["v"]["t"]})
    edited_over = {write.before_t for write in team.writes if write.before_t}
    lost = []
    for write in team.writes:
        if write.after_t in edited_over:
            continue
        current = state[write.record_id].fields.get(write.field)
        if current is not None and current["v"] == write.after:
            continue  # current (two laptops may write the same value, e.g. both delete: no clash to keep)
        if write.after_t in held.get((write.record_id, write.field), set()):
            continue
        lost.append(write)
    assert not lost, f"{len(lost)} written values are neither current nor in a conflict record: {lost[:3]}"
    assert len(team.writes) > 20 * (ROUNDS // 5 or 1)
