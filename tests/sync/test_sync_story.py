"""Issue 10's whole story on one machine: a server and three laptops (four data folders). Two laptops edit
offline, sync through a flaky link, see the same state, resolve the one real conflict; a bundle carries the
result to a third laptop that has no network at all."""

from __future__ import annotations

from pathlib import Path

from sync.bundle import apply_import, export_workspace, preview_import
from tests.sync.faulty_proxy import FaultyProxy
from tests.sync.laptops import SyncServer, new_id, new_laptop, sync_server  # noqa: F401 (fixture)


def test_two_laptops_a_flaky_link_one_conflict_and_a_bundle_for_the_third(sync_server: SyncServer,
                                                                          tmp_path: Path) -> None:
    amina, bakary = sync_server.person("amina"), sync_server.person("bakary")
    team = sync_server.team(amina, bakary)
    first = new_laptop(amina, tmp_path / "amina", [team])
    second = new_laptop(bakary, tmp_path / "bakary", [team])
    project, checklist = new_id(), new_id()
    items = [new_id() for _ in range(6)]
    first.write(team, project, "project", {"name": "Pilot Kaffrine", "country": "Senegal", "currency": "XOF"})
    first.write(team, checklist, "checklist", {"project_id": project, "template_id": "pilot", "template_version": 1})
    for n, item in enumerate(items):
        first.write(team, item, "checklist_item", {"checklist_id": checklist, "notes": f"Step {n}", "position": n})
    with FaultyProxy(("127.0.0.1", sync_server.port), seed=10) as proxy:
        proxy.latency_s = 0.01
        proxy.cut_after(500, 4_000)
        first.engine(proxy.url, max_attempts=30).sync()
        second.engine(proxy.url, max_attempts=30).sync()
        # Offline on both: different items, and the same field of one item.
        first.write(team, items[0], "checklist_item", {"status": "done"})
        second.write(team, items[1], "checklist_item", {"owner": "Bakary"})
        first.write(team, items[2], "checklist_item", {"notes": "Step 2: 40 households enrolled"})
        second.write(team, items[2], "checklist_item", {"notes": "Step 2: 45 households enrolled"})
        for laptop in (first, second, first):
            laptop.engine(proxy.url, max_attempts=30).sync()
        assert proxy.cuts >= 1
    assert first.replica.digest(team) == second.replica.digest(team)
    [conflict] = first.replica.conflicts()
    assert {conflict["kept"]["v"], conflict["other"]["v"]} == {"Step 2: 40 households enrolled",
                                                               "Step 2: 45 households enrolled"}
    first.replica.resolve_conflict(conflict["id"], "Step 2: 45 households enrolled (count checked)")
    first.engine(sync_server.url).sync()
    second.engine(sync_server.url).sync()
    assert second.value(team, items[2], "notes") == "Step 2: 45 households enrolled (count checked)"
    assert not second.replica.conflicts() and first.replica.digest(team) == second.replica.digest(team)
    assert second.value(team, items[0], "status") == "done" and first.value(team, items[1], "owner") == "Bakary"

    # The third laptop never sees a network: the project arrives on a USB stick.
    stick = tmp_path / "usb" / "kaffrine.cbundle"
    stick.parent.mkdir()
    export_workspace(second.replica, team, stick, root_record_id=project, created_by=bakary.name)
    third = new_laptop(bakary, tmp_path / "third")
    preview = preview_import(third.replica, stick)
    assert preview.applied.by_type["checklist_item"] == 6 and third.replica.record_count(team) == 0
    apply_import(third.replica, preview.bundle)
    assert third.value(team, items[2], "notes") == "Step 2: 45 households enrolled (count checked)"
    assert third.value(team, items[0], "status") == "done"
