"""A real database made by release 0004 (tests/fixtures/databases) upgrades with every row kept.

Ids that two laptops must agree on are re-derived by the upgrade, so rows are compared through
what identifies them (a project and a template, an item key...), column by column."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from companion.records import RECORD_TYPES
from companion.storage.migrate import SCHEMA_HEAD, current_revision, prepare_database

FIXTURE = Path(__file__).parent.parent / "fixtures" / "databases" / "release-0004.sqlite3"

# Each table of release 0004, read the same way before and after (same column names on both).
QUERIES = {
    "guide": "SELECT id, slug, language, title, summary, category, tags, revision, sort_order, translation_of,"
             " source_revision, origin, content_hash, body_markdown, body_html, body_text, toc, word_count,"
             " updated_at FROM guide",
    "setting": "SELECT key, value FROM setting WHERE key NOT LIKE 'sync.%'",
    "bookmark": "SELECT workspace, guide_slug, created_at FROM bookmark",
    "reading_state": "SELECT workspace, guide_slug, language, position, last_opened_at FROM reading_state",
    "project": "SELECT id, workspace, name, country, scheme, currency, usd_rate, start_date, archived, deleted,"
               " created_at, updated_at FROM project",
    "checklist": "SELECT workspace, project_id, template_id, template_version, updated_at FROM checklist",
    "checklist_item": "SELECT c.project_id, c.template_id, i.workspace, i.section_key, i.item_key, i.position,"
                      " i.status, i.owner, i.due_date, i.notes, i.updated_at"
                      " FROM checklist_item i JOIN checklist c ON c.id = i.checklist_id",
    "attachment": "SELECT a.id, c.project_id, c.template_id, i.item_key, a.workspace, a.sha256, a.name, a.size,"
                  " a.mime, a.created_at FROM attachment a JOIN checklist_item i ON i.id = a.item_id"
                  " JOIN checklist c ON c.id = i.checklist_id",
    "feasibility": "SELECT workspace, project_id, template_id, template_version, recommendation, updated_at"
                   " FROM feasibility",
    "feasibility_score": "SELECT f.project_id, s.workspace, s.dimension_key, s.criterion_key, s.score, s.evidence,"
                         " s.risk, s.updated_at FROM feasibility_score s JOIN feasibility f ON f.id = s.feasibility_id",
    "business_case": "SELECT workspace, project_id, template_id, horizon_years, discount_rate, insurees, updated_at"
                     " FROM business_case",
    "business_line": "SELECT l.id, b.project_id, l.workspace, l.side, l.category, l.kind, l.description, l.unit_cost,"
                     " l.quantity, l.years, l.position, l.updated_at"
                     " FROM business_line l JOIN business_case b ON b.id = l.business_case_id",
    "training_module": "SELECT slug, language, origin, based_on, title, summary, audience, duration_minutes,"
                       " pass_mark, revision, sort_order, translation_of, source_revision, content_hash, deleted,"
                       " created_at, updated_at FROM training_module",
    "training_lesson": "SELECT m.slug, m.language, m.origin, l.lesson_key, l.position, l.title, l.summary,"
                       " l.minutes, l.body_markdown, l.deleted, l.updated_at"
                       " FROM training_lesson l JOIN training_module m ON m.id = l.module_id",
    "training_question": "SELECT m.slug, m.language, m.origin, q.question_key, q.position, q.question, q.choices,"
                         " q.answer, q.explanation, q.deleted, q.updated_at"
                         " FROM training_question q JOIN training_module m ON m.id = q.module_id",
    "training_session": "SELECT * FROM training_session",
    "training_participant": "SELECT * FROM training_participant",
    "training_attendance": "SELECT workspace, participant_id, day, present, updated_at FROM training_attendance",
}


def rows(path: Path, sql: str) -> Counter:
    with sqlite3.connect(path) as connection:
        return Counter(connection.execute(sql).fetchall())


@pytest.fixture
def upgraded(tmp_path) -> tuple[Path, Path]:
    database = tmp_path / "companion.sqlite3"
    shutil.copyfile(FIXTURE, database)
    outcome = prepare_database(database, tmp_path / "backups")
    assert (outcome.action, outcome.from_revision) == ("upgraded", "0004_training")
    assert current_revision(database) == SCHEMA_HEAD
    return FIXTURE, database


def test_every_table_of_release_0004_is_compared():
    with sqlite3.connect(FIXTURE) as connection:
        tables = {name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND name NOT LIKE 'guide_fts%' AND name != 'alembic_version'")}
    assert tables == set(QUERIES)


@pytest.mark.parametrize("table", sorted(QUERIES))
def test_every_row_survives_the_upgrade(upgraded, table):
    before, after = upgraded
    kept = rows(before, QUERIES[table])
    assert kept, f"the fixture has rows in {table}"
    if table == "training_module":  # bundled modules move to the workspace that never syncs
        assert rows(after, QUERIES[table]) == kept
    elif table in ("training_session", "training_participant"):  # two columns added at the end
        assert Counter(row[:len(next(iter(kept)))] for row in rows(after, QUERIES[table]).elements()) == kept
    else:
        assert rows(after, QUERIES[table]) == kept


def test_team_and_weights_become_registers(upgraded):
    before, after = upgraded
    teams = {project_id: json.loads(team) for project_id, team in rows(before, "SELECT id, team FROM project")}
    members = {}
    for project_id, name in rows(after, "SELECT project_id, name FROM project_member WHERE NOT deleted"
                                        " ORDER BY project_id, position").elements():
        members.setdefault(project_id, []).append(name)
    assert {key: value for key, value in teams.items() if value} == members
    weights = {project_id: json.loads(value) for project_id, value in rows(
        before, "SELECT project_id, weights FROM feasibility")}
    registered: dict[str, dict] = {}
    for project_id, dimension, weight in rows(after, "SELECT f.project_id, w.dimension_key, w.weight FROM"
                                                     " feasibility_weight w JOIN feasibility f ON f.id = w.feasibility_id"
                                              ).elements():
        registered.setdefault(project_id, {})[dimension] = weight
    assert {key: value for key, value in weights.items() if value} == registered


def test_every_record_that_may_sync_has_a_clock_on_every_field(upgraded):
    _before, after = upgraded
    with sqlite3.connect(after) as connection:
        for spec in RECORD_TYPES.values():
            if spec.name in ("guide", "conflict"):
                continue  # no library guides or conflicts exist before the first sync
            expected = len(spec.fields)
            counts = connection.execute(
                f"SELECT t.id, count(f.field) FROM {spec.table_name} t LEFT JOIN record_field f ON f.record_id = t.id"
                " WHERE t.workspace != 'bundled' GROUP BY t.id").fetchall()
            assert all(count == expected for _id, count in counts), spec.name
        assert connection.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
