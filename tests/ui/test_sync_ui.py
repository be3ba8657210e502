"""Sync in the window, against a real server on 127.0.0.1: sign in and choose team workspaces, the status in
the top bar (waiting, syncing, synced, offline), conflict review, bundle import with its preview."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from sync.bundle import export_workspace
from tests.sync.conftest import PASSWORD, ServerProcess, admin
from tests.sync.laptops import CHECKLIST_ID, Person, SyncServer, new_id, new_laptop
from ui.runner import pending_operations
from ui.sync_controller import OFFLINE, SIGNED_OUT, SYNCED, WAITING
from ui.sync_ui import SyncUI


@pytest.fixture(scope="module")
def ui_server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("ui-sync-server")
    url = f"sqlite:///{data_dir / 'companion-server.sqlite3'}"
    assert admin(data_dir, url, "migrate")[0] == 0
    process = ServerProcess(data_dir, url).start()
    yield SyncServer(data_dir, url, process)
    process.stop()


def _sync_ui(app) -> SyncUI:
    return app.sync


def test_sign_in_choose_a_team_and_sync_from_the_window(launch, qtbot, ui_server: SyncServer) -> None:
    amina = ui_server.person("amina")
    team = ui_server.team(amina)
    other_team = ui_server.team(amina)
    app = launch()
    sync = _sync_ui(app)
    assert sync.controller.status.state == SIGNED_OUT
    assert sync.button.text() == "Sign in" and sync.button.isVisible()
    dialog = sync.sign_in()
    dialog.server_field.setText(ui_server.url)
    dialog.user_field.setText(amina.name)
    dialog.password_field.setText("wrong password")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "password is wrong" in dialog.message.text(), timeout=20_000)
    assert dialog.pages.currentIndex() == 0
    dialog.password_field.setText(PASSWORD)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=20_000)
    rows = {dialog.workspace_list.item(r).data(Qt.ItemDataRole.UserRole): dialog.workspace_list.item(r)
            for r in range(dialog.workspace_list.count())}
    assert set(rows) == {"library", amina.personal, team, other_team}
    assert not rows["library"].flags() & Qt.ItemFlag.ItemIsEnabled  # always kept
    rows[team].setCheckState(Qt.CheckState.Checked)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert sync.replica.get_sync_state("sync.teams") == [team]
    qtbot.waitUntil(lambda: sync.controller.status.state == SYNCED, timeout=30_000)
    assert sync.button.text() == "Synced"

    # An edit: "1 change waiting", then sent by "Sync now".
    with sync.replica.records.transaction() as writer:
        writer.create("checklist_item", {"checklist_id": CHECKLIST_ID, "section_key": "s", "item_key": "a",
                                         "position": 1, "notes": "Register households"}, workspace=team)
    qtbot.waitUntil(lambda: sync.controller.status.state == WAITING)
    assert sync.button.text() == "1 change waiting"
    details = sync.show_details()
    qtbot.mouseClick(details.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: sync.controller.status.state == SYNCED and not sync.controller.running, timeout=30_000)
    assert sync.replica.pending_count() == 0


def test_an_unreachable_server_shows_offline_with_changes_waiting(launch, qtbot, tmp_path: Path) -> None:
    app = launch()
    sync = _sync_ui(app)
    sync.replica.set_sync_state("sync.account", {"server_url": "http://127.0.0.1:9", "username": "amina",
                                                 "user_id": 1, "token_store": "file"})
    (app.data.paths.data_dir / "sync-token").write_text("cst_" + "x" * 43)
    sync.controller.engine_options = {"max_attempts": 1}
    with sync.replica.records.transaction() as writer:
        writer.create("checklist_item", {"checklist_id": CHECKLIST_ID, "section_key": "s", "item_key": "b",
                                         "position": 1, "notes": "Train the enrolment officers"}, workspace="pilot-x")
    sync.controller.signed_in()
    qtbot.waitUntil(lambda: sync.controller.status.state == OFFLINE, timeout=30_000)
    assert sync.button.text() == "Offline: 1 change waiting"
    assert "cannot be reached" in sync.button.toolTip()


def test_conflicts_are_reviewed_and_resolved_as_an_ordinary_edit(launch, qtbot, ui_server: SyncServer,
                                                                  tmp_path: Path) -> None:
    amina = ui_server.person("amina")
    team = ui_server.team(amina)
    app = launch()
    sync = _sync_ui(app)
    here = Person(amina.name, amina.user_id, amina.token)
    mine = new_laptop(here, app.data.paths.data_dir, [team])
    theirs = new_laptop(here, tmp_path / "other", [team])
    item = new_id()
    mine.write(team, item, "checklist_item", {"notes": "Enrol 500 households", "status": "todo"})
    mine.engine(ui_server.url).sync()
    theirs.engine(ui_server.url).sync()
    theirs.write(team, item, "checklist_item", {"notes": "Enrol 650 households (district added)"})
    theirs.engine(ui_server.url).sync()
    mine.write(team, item, "checklist_item", {"notes": "Enrol 520 households"})
    mine.engine(ui_server.url).sync()
    screen = sync.show_conflicts()
    assert app.window.stack.currentWidget() is screen
    assert screen.list.count() == 1 and "Checklist item — notes" in screen.list.item(0).text()
    assert screen.kept_value.toPlainText() == "Enrol 520 households"
    assert screen.other_value.toPlainText() == "Enrol 650 households (district added)"
    assert "this laptop" in screen.kept_when.text() and "another laptop" in screen.other_when.text()
    screen.merged.setPlainText("Enrol 650 households")
    qtbot.mouseClick(screen.save_merged, Qt.MouseButton.LeftButton)
    assert screen.list.count() == 0 and screen.empty.isVisible()
    assert mine.value(team, item, "notes") == "Enrol 650 households"
    assert sync.replica.pending_count(team) == 2  # the value and the conflict's "resolved": sent like any edit
    mine.engine(ui_server.url).sync()
    theirs.engine(ui_server.url).sync()
    assert theirs.value(team, item, "notes") == "Enrol 650 households"
    assert not theirs.replica.conflicts()


def test_bundle_import_shows_what_it_will_change_then_applies(launch, qtbot, tmp_path: Path) -> None:
    origin = new_laptop(Person("x", 0, ""), tmp_path / "origin")
    project = new_id()
    origin.write("pilot-ne", project, "project", {"name": "Pilot Niamey", "country": "Niger", "currency": "XOF"})
    for n in range(3):
        origin.write("pilot-ne", new_id(), "checklist_item", {"notes": f"Step {n}"})
    data = os.urandom(2000)
    sha = hashlib.sha256(data).hexdigest()
    origin.replica.blob_path(sha).parent.mkdir(parents=True)
    origin.replica.blob_path(sha).write_bytes(data)
    origin.write("pilot-ne", new_id(), "attachment", {"item_id": project, "sha256": sha, "name": "a.pdf",
                                                      "size": 2000, "mime": "application/pdf"})
    bundle = tmp_path / "niamey.cbundle"
    export_workspace(origin.replica, "pilot-ne", bundle, created_by="moussa")
    app = launch()
    sync = _sync_ui(app)
    dialog = sync.show_bundles()
    dialog.tabs.setCurrentIndex(1)
    dialog.preview_file(bundle)
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20_000)
    lines = [dialog.changes_list.item(r).text() for r in range(dialog.changes_list.count())]
    assert "3 new or changed: Checklist item" in lines and "1 new file (evidence, images)" in lines
    assert "Made by moussa" in dialog.summary.text()
    assert sync.replica.record_count("pilot-ne") == 0  # the preview changed nothing
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pending_operations() == 0 and "Imported" in dialog.import_message.text(), timeout=20_000)
    assert sync.replica.digest("pilot-ne") == origin.replica.digest("pilot-ne")
    cut = tmp_path / "cut.cbundle"
    cut.write_bytes(bundle.read_bytes()[:100])
    dialog.preview_file(cut)
    qtbot.waitUntil(lambda: "refused" in dialog.import_message.text(), timeout=20_000)
    assert "damaged or incomplete" in dialog.import_message.text() and not dialog.import_button.isEnabled()


def test_a_project_made_offline_is_shared_with_the_team_and_reaches_a_teammate(launch, qtbot, ui_server: SyncServer,
                                                                               tmp_path: Path) -> None:
    from sync.credentials import set_teams, sign_in

    amina, baraka = ui_server.person("amina"), ui_server.person("baraka")
    team = ui_server.team(amina, baraka)
    app = launch()
    sync = _sync_ui(app)
    project_id = app.window.pilot.create_project("Kigoma CHF pilot", country="Tanzania", currency="TZS", usd_rate="2500")
    app.window.open_project(project_id)
    screen = app.window.project_screen
    place = screen.share_place
    assert place.label.text() == "Only on this laptop" and place.button.isVisible()

    # Not signed in yet: the dialog says how to get a team instead of offering nothing.
    qtbot.mouseClick(place.button, Qt.MouseButton.LeftButton)
    dialog = app.window.sharing.dialog
    qtbot.waitExposed(dialog)
    assert "sign in to your sync server" in dialog.intro.text() and dialog.team() is None
    dialog.reject()

    sign_in(sync.replica, app.data.paths.data_dir, ui_server.url, amina.name, PASSWORD)
    set_teams(sync.replica, [team])
    qtbot.mouseClick(place.button, Qt.MouseButton.LeftButton)
    dialog = app.window.sharing.dialog
    qtbot.waitExposed(dialog)
    assert "Kigoma CHF pilot" in dialog.intro.text() and dialog.team_box.currentText() == f"Team {team}"
    qtbot.mouseClick(dialog.findChild(type(place.button), "shareConfirm"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: place.label.text() == f"Shared with Team {team}")
    assert not place.button.isVisible()  # a team's project stays the team's
    assert sync.replica.pending_count(team) > 10 and sync.replica.pending_count("local") == 0

    sync.controller.signed_in()
    qtbot.waitUntil(lambda: sync.controller.status.state == SYNCED and not sync.controller.running, timeout=60_000)
    teammate = new_laptop(Person(baraka.name, baraka.user_id, baraka.token), tmp_path / "baraka", [team])
    teammate.engine(ui_server.url).sync()
    assert teammate.replica.digest(team) == sync.replica.digest(team)
    assert any(r.id == project_id and r.fields["name"]["v"] == "Kigoma CHF pilot"
               for r in teammate.replica.records_of(team))
