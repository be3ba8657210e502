"""Updates keep data: the database each earlier release left on a laptop (committed fixtures,
made by that release's own code, see tests/fixtures/databases/) upgrades to today's schema
with every row it had, and a failed upgrade puts the user's file back and says so."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from companion.config import Paths
from companion.session import import_bundled_content, open_data
from companion.storage.migrate import SCHEMA_HEAD, current_revision

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "databases").glob("*.sqlite3"))
# What people make, as opposed to what the Companion ships (guides, bundled modules, settings it keeps).
USER_TABLES = {"bookmark", "reading_state", "project", "checklist", "checklist_item", "attachment", "feasibility",
               "feasibility_score", "business_case", "business_line", "training_session", "training_participant",
               "training_attendance", "training_score", "training_feedback"}


def snapshot(database: Path) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every ordinary table's columns and rows (full-text indexes and bookkeeping left out)."""
    with sqlite3.connect(database) as connection:
        virtual = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
        tables = {}
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            if name.startswith("sqlite_") or name == "alembic_version" or any(name.startswith(v) for v in virtual):
                continue
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')]
            tables[name] = (columns, connection.execute(f'SELECT * FROM "{name}"').fetchall())
    return tables


def missing_rows(before, after, tables=None) -> dict[str, list[tuple]]:
    """Rows of ``before`` not found in ``after``, compared on the columns both still have.

    Ids and the workspace a row is filed in are left out of the comparison: an upgrade may
    re-derive them so that two laptops agree (0005_records re-derives ids and files bundled
    training under 'bundled'); the links ids carry are checked through the app below."""
    lost = {}
    for table, (columns, rows) in before.items():
        if tables is not None and table not in tables:
            continue
        assert table in after, f"table {table} disappeared"
        after_columns, after_rows = after[table]
        shared = [column for column in columns if column in after_columns and column not in ("id", "workspace")
                  and not column.endswith("_id")]
        kept = Counter(tuple(row[after_columns.index(column)] for column in shared) for row in after_rows)
        wanted = Counter(tuple(row[columns.index(column)] for column in shared) for row in rows)
        gone = list((wanted - kept).elements())
        if gone:
            lost[table] = gone
    return lost


def test_there_is_a_database_from_every_earlier_release():
    revisions = {current_revision(fixture) for fixture in FIXTURES}
    assert {"0001_library", "0002_reading", "0003_pilot"} <= revisions


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda path: path.stem)
def test_a_database_from_an_earlier_release_upgrades_with_all_its_rows(fixture, tmp_path):
    paths = Paths(tmp_path / "data").ensure()
    shutil.copy(fixture, paths.database)
    release = current_revision(paths.database)
    before = snapshot(paths.database)
    assert len(before["guide"][1]) >= 10 and before["setting"][1]  # a real, used database

    data = open_data(paths)
    try:
        assert current_revision(paths.database) == SCHEMA_HEAD
        if release != SCHEMA_HEAD:
            assert data.migration.action == "upgraded" and data.migration.from_revision == release
            assert current_revision(data.migration.backup) == release  # the copy made first
        upgraded = snapshot(paths.database)
        assert missing_rows(before, upgraded) == {}

        # Then the start of the new version brings its new and changed guides: people's own work stays.
        import_bundled_content(data.library)
        assert missing_rows(before, snapshot(paths.database), USER_TABLES) == {}
        assert data.library.setting("language") == "fr"
        assert data.library.search("openimis")
        if "bookmark" in before:  # shown on Home, for every guide that is still in the library
            columns, rows = before["bookmark"]
            marked = {row[columns.index("guide_slug")] for row in rows}
            guides = {row[0] for row in data.library.engine.connect().exec_driver_sql("SELECT slug FROM guide")}
            shown = {slug for slug, _title in data.library.bookmarks("fr")}
            assert shown == marked & guides and shown
        if "project" in before:  # the projects, as the screens read them
            from companion.pilot.store import PilotStore

            store = PilotStore(data.library.engine, None, paths.blobs_dir)
            projects = {project.name: project for project in store.projects(include_archived=True)}
            columns, rows = before["project"]
            kept = {row[columns.index("name")] for row in rows if not ("deleted" in columns and row[columns.index("deleted")])}
            assert kept and kept <= set(projects)
            if "Pilote CSU Kolda" in kept:  # made by make_release_database.py: its pieces still hang together
                kolda = projects["Pilote CSU Kolda"].id
                [(checklist_id, _template, _version)] = store.checklists(kolda)
                items = store.items(checklist_id)
                assert [item.status for item in items[:3]] == ["done", "in_progress", "na"]
                assert items[0].owner == "Awa Ndiaye"
                _case, lines = store.business_case(kolda)
                assert any(line.description == "Tablettes pour les agents d'enrôlement" for line in lines)
    finally:
        data.close()


def test_a_failed_upgrade_restores_the_file_and_says_so(tmp_path):
    """The 0002 release's database with something in the way of the next migration."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = data_dir / "companion.sqlite3"
    shutil.copy(next(f for f in FIXTURES if current_revision(f) == "0002_reading"), database)
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE project (note TEXT)")  # an old hand-made table of the same name
        connection.execute("INSERT INTO project VALUES ('mine')")
    before = snapshot(database)
    result = subprocess.run([sys.executable, "-m", "ui", "--data-dir", str(data_dir), "--no-crash-dialog",
                             "--language", "en"], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 1
    assert "could not be opened" in result.stderr and "Nothing was lost" in result.stderr
    [backup] = (data_dir / "backups").glob("*.sqlite3")
    assert str(backup) in result.stderr  # where the copy is, in the user's words
    assert current_revision(database) == "0002_reading"
    assert missing_rows(before, snapshot(database)) == {} and snapshot(database) == before
