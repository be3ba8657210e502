""".cbundle files: a workspace or one pilot project carried to a laptop with no network, and to the server;
every bad bundle refused with a clear message and nothing changed."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from sync.bundle import BundleError, apply_import, export_workspace, preview_import, read_bundle
from tests.sync.conftest import ROOT
from tests.sync.laptops import CHECKLIST_ID, Laptop, Person, SyncServer, new_id, new_laptop, sync_server  # noqa: F401

TEAM = "pilot-cm"
NOBODY = Person("nobody", 0, "")


def _project(laptop: Laptop, name: str) -> tuple[str, list[str]]:
    project = new_id()
    checklist = new_id()
    laptop.write(TEAM, project, "project", {"name": name, "country": "Cameroon", "currency": "XAF"})
    laptop.write(TEAM, checklist, "checklist", {"project_id": project, "template_id": "pilot", "template_version": 1})
    items = [new_id() for _ in range(3)]
    for n, item in enumerate(items):
        laptop.write(TEAM, item, "checklist_item", {"checklist_id": checklist, "notes": f"{name} step {n}", "position": n})
    return project, items


def _evidence(laptop: Laptop, item: str, size: int = 50_000) -> tuple[str, bytes]:
    data = os.urandom(size)
    sha = hashlib.sha256(data).hexdigest()
    path = laptop.replica.blob_path(sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    laptop.write(TEAM, new_id(), "attachment", {"item_id": item, "sha256": sha, "name": "minutes.pdf",
                                                "size": size, "mime": "application/pdf"})
    return sha, data


def test_a_workspace_travels_to_a_laptop_with_no_network(tmp_path: Path) -> None:
    origin = new_laptop(NOBODY, tmp_path / "origin")
    project, items = _project(origin, "Pilot Douala")
    sha, data = _evidence(origin, items[0])
    target = tmp_path / "pilot.cbundle"
    report = export_workspace(origin.replica, TEAM, target, created_by="amina")
    assert report.blobs == 1 and report.changes == origin.replica.record_count(TEAM)

    offline = new_laptop(NOBODY, tmp_path / "offline")
    preview = preview_import(offline.replica, target)
    assert preview.applied.by_type == {"project": 1, "checklist": 1, "checklist_item": 3, "attachment": 1}
    assert preview.new_blobs == 1 and offline.replica.record_count(TEAM) == 0  # a preview changes nothing
    apply_import(offline.replica, preview.bundle)
    assert offline.replica.digest(TEAM) == origin.replica.digest(TEAM)
    assert offline.replica.blob_path(sha).read_bytes() == data
    assert offline.replica.pending_count() == 0  # merged, never queued as this laptop's own edits
    again = preview_import(offline.replica, target)
    assert again.applied.records == 0  # importing twice changes nothing


def test_one_pilot_project_alone(tmp_path: Path) -> None:
    origin = new_laptop(NOBODY, tmp_path / "origin")
    wanted, _ = _project(origin, "Pilot Garoua")
    _project(origin, "Pilot Maroua")
    target = tmp_path / "garoua.cbundle"
    export_workspace(origin.replica, TEAM, target, root_record_id=wanted)
    bundle = read_bundle(target)
    notes = sorted(c.fields["notes"].v for c in bundle.changes if c.type == "checklist_item")
    assert notes == [f"Pilot Garoua step {n}" for n in range(3)]
    assert [c.fields["name"].v for c in bundle.changes if c.type == "project"] == ["Pilot Garoua"]


def test_edits_on_both_sides_meet_in_a_conflict_record(tmp_path: Path) -> None:
    first = new_laptop(NOBODY, tmp_path / "first")
    _, items = _project(first, "Pilot Bafoussam")
    shared = tmp_path / "shared.cbundle"
    export_workspace(first.replica, TEAM, shared)
    second = new_laptop(NOBODY, tmp_path / "second")
    apply_import(second.replica, read_bundle(shared))
    first.write(TEAM, items[1], "checklist_item", {"status": "done"})
    second.write(TEAM, items[1], "checklist_item", {"status": "blocked"})
    back = tmp_path / "back.cbundle"
    export_workspace(second.replica, TEAM, back)
    applied = apply_import(first.replica, read_bundle(back))
    assert applied.conflicts == 1
    [conflict] = first.replica.conflicts()
    assert conflict["record"] == items[1] and {conflict["kept"]["v"], conflict["other"]["v"]} == {"done", "blocked"}


# --- bad bundles ----------------------------------------------------------------------------------


def _good_entries(tmp_path: Path) -> tuple[dict, dict[str, bytes]]:
    origin = new_laptop(NOBODY, tmp_path / "good-origin")
    _, items = _project(origin, "Pilot Kribi")
    _evidence(origin, items[0], 5_000)
    good = tmp_path / "good.cbundle"
    export_workspace(origin.replica, TEAM, good)
    with zipfile.ZipFile(good) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files.pop("manifest.json")), files


def _craft(path: Path, manifest: dict, files: dict[str, bytes], raw_names: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        for name, data in (raw_names or {}).items():
            info = zipfile.ZipInfo(name)
            archive.writestr(info, data)
        archive.writestr("manifest.json", json.dumps(manifest))
    return path


def _rehash(manifest: dict, files: dict[str, bytes]) -> dict:
    return {**manifest, "entries": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}}


def _bad_bundles(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    manifest, files = _good_entries(tmp_path)
    changes = files["changes.ndjson"]
    bad: dict[str, tuple[Path, str]] = {}
    tampered = {**files, "changes.ndjson": changes.replace(b"Pilot Kribi", b"Pilot Krabi")}
    bad["wrong hash"] = (_craft(tmp_path / "hash.cbundle", manifest, tampered), "hash-mismatch")
    blob_name = next(name for name in files if name.startswith("blobs/"))
    swapped = {**files, blob_name: b"not the evidence"}
    bad["blob bytes not its name"] = (_craft(tmp_path / "blob.cbundle", _rehash(manifest, swapped), swapped), "hash-mismatch")
    slip = {**files, "../../outside.txt": b"escaped"}
    bad["zip-slip path"] = (_craft(tmp_path / "slip.cbundle", _rehash(manifest, slip), files,
                                   {"../../outside.txt": b"escaped"}), "unsafe-path")
    absolute = {**files, "/etc/cron.d/evil": b"* * * * * root sh"}
    bad["absolute path"] = (_craft(tmp_path / "abs.cbundle", _rehash(manifest, absolute), files,
                                   {"/etc/cron.d/evil": b"* * * * * root sh"}), "unsafe-path")
    zeros = b"\0" * (40 * 1024 * 1024)
    bomb_name = "blobs/" + hashlib.sha256(zeros).hexdigest()
    bomb = {**files, bomb_name: zeros}
    bad["zip bomb"] = (_craft(tmp_path / "bomb.cbundle", _rehash(manifest, bomb), bomb), "too-large")
    whole = _craft(tmp_path / "whole.cbundle", manifest, files).read_bytes()
    cut = tmp_path / "cut.cbundle"
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    bad["truncated file"] = (cut, "damaged")
    bad["wrong protocol version"] = (_craft(tmp_path / "v2.cbundle", {**manifest, "protocol": 2}, files), "wrong-version")
    broken = {**files, "changes.ndjson": changes.replace(b'"t":"', b'"t":"x', 1)}
    bad["malformed change"] = (_craft(tmp_path / "change.cbundle", _rehash(manifest, broken), broken), "bad-change")
    not_zip = tmp_path / "notes.cbundle"
    not_zip.write_text("meeting notes, not a bundle")
    bad["not a zip"] = (not_zip, "damaged")
    return bad


def test_every_bad_bundle_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    laptop = new_laptop(NOBODY, tmp_path / "laptop")
    _project(laptop, "Pilot Limbe")
    before = (laptop.replica.digest(TEAM), laptop.replica.record_count(TEAM),
              sorted(p.name for p in (tmp_path / "laptop" / "blobs").rglob("*") if p.is_file()))
    for case, (path, code) in _bad_bundles(tmp_path).items():
        with pytest.raises(BundleError) as raised:
            preview_import(laptop.replica, path)
        assert raised.value.code == code, f"{case}: {raised.value.code} {raised.value.message}"
        assert raised.value.message, case
        after = (laptop.replica.digest(TEAM), laptop.replica.record_count(TEAM),
                 sorted(p.name for p in (tmp_path / "laptop" / "blobs").rglob("*") if p.is_file()))
        assert after == before, f"{case} changed something"
    assert not (tmp_path / "outside.txt").exists() and not Path("/etc/cron.d/evil").exists()


def _companion(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ui", *args], cwd=ROOT, input=stdin, capture_output=True, text=True,
                          timeout=120)


def test_the_command_line_exports_imports_and_refuses(tmp_path: Path) -> None:
    origin = new_laptop(NOBODY, tmp_path / "origin")
    _project(origin, "Pilot Ebolowa")
    origin.close()
    target = tmp_path / "ebolowa.cbundle"
    done = _companion("--data-dir", str(tmp_path / "origin"), "bundle", "export", TEAM, str(target))
    assert done.returncode == 0, done.stderr
    imported = _companion("bundle", "import", str(target), "--data-dir", str(tmp_path / "offline"))
    assert imported.returncode == 0, imported.stderr
    assert "5 records new or changed" in imported.stdout
    cut = tmp_path / "cut.cbundle"
    cut.write_bytes(target.read_bytes()[:200])
    refused = _companion("bundle", "import", str(cut), "--data-dir", str(tmp_path / "offline"))
    assert refused.returncode == 1 and "refused, nothing changed" in refused.stderr


def test_the_server_imports_a_bundle_with_its_own_merge(sync_server: SyncServer, tmp_path: Path) -> None:
    amina = sync_server.person("amina")
    team = sync_server.team(amina)
    field_laptop = new_laptop(amina, tmp_path / "field")
    global TEAM
    saved, TEAM = TEAM, team
    try:
        _, items = _project(field_laptop, "Pilot Bertoua")
        sha, data = _evidence(field_laptop, items[2])
    finally:
        TEAM = saved
    bundle = tmp_path / "bertoua.cbundle"
    export_workspace(field_laptop.replica, team, bundle)
    code, out, err = sync_server.admin("bundle", "import", str(bundle))
    assert code == 0, err
    assert "6 changes applied" in out and "1 files added" in out
    code, out, _ = sync_server.admin("bundle", "import", str(bundle))
    assert code == 0 and "0 changes applied, 6 already there" in out
    # A laptop of the team now gets it all from the server, evidence included.
    office = new_laptop(amina, tmp_path / "office", [team])
    office.engine(sync_server.url).sync()
    assert office.replica.digest(team) == field_laptop.replica.digest(team)
    assert office.replica.blob_path(sha).read_bytes() == data
    cut = tmp_path / "cut.cbundle"
    cut.write_bytes(bundle.read_bytes()[:300])
    code, _, err = sync_server.admin("bundle", "import", str(cut))
    assert code == 1 and "refused, nothing changed" in err
