"""Every write to a synced table goes through the record writer: the suite's guard proves it."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update

from companion.config import Paths
from companion.pilot.store import PilotStore
from companion.records.guard import UnguardedWrite, written_table
from companion.session import open_data
from companion.storage.models import Project


def test_a_write_that_bypasses_the_writer_fails_the_test_that_made_it(tmp_path):
    data = open_data(Paths(tmp_path / "d").ensure())
    store = PilotStore(data.library.engine, None, tmp_path / "blobs")
    project_id = store.create_project("Through the writer")  # allowed
    with pytest.raises(UnguardedWrite, match="project"):
        with store.sessions.begin() as session:
            session.execute(update(Project).where(Project.id == project_id).values(name="Behind its back"))
    with pytest.raises(UnguardedWrite, match="outbox"):
        with data.library.engine.begin() as connection:
            connection.execute(text("DELETE FROM outbox"))
    assert store.project(project_id).name == "Through the writer"
    data.library.set_setting("language", "fr")  # a local table: not guarded


@pytest.mark.parametrize("statement, table", [
    ('INSERT INTO checklist_item (id) VALUES (?)', "checklist_item"),
    ('INSERT OR REPLACE INTO "bookmark" (id) VALUES (?)', "bookmark"),
    ("UPDATE training_participant SET name=? WHERE id = ?", "training_participant"),
    ("DELETE FROM feasibility_score WHERE id = ?", "feasibility_score"),
    ("SELECT * FROM project", None),
])
def test_the_guard_reads_the_table_a_statement_writes(statement, table):
    assert written_table(statement) == table
