"""Schema at start-up: created and stamped, or backed up and upgraded with data intact."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from companion.storage.database import create_sqlite_engine
from companion.storage.migrate import (SCHEMA_HEAD, MigrationError, alembic_config, current_revision,
                                       prepare_database)


def schema(path) -> set[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    return set(rows)


def upgrade_to(path, revision: str) -> None:
    engine = create_sqlite_engine(path)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
    engine.dispose()


def test_schema_head_constant_matches_alembic():
    assert ScriptDirectory.from_config(alembic_config(None)).get_current_head() == SCHEMA_HEAD


def test_new_database_is_created_and_stamped_like_a_migrated_one(tmp_path):
    created, migrated = tmp_path / "created.sqlite3", tmp_path / "migrated.sqlite3"
    assert prepare_database(created, tmp_path / "backups").action == "created"
    upgrade_to(migrated, "head")
    assert current_revision(created) == current_revision(migrated) == SCHEMA_HEAD
    assert schema(created) == schema(migrated)
    with sqlite3.connect(created) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert prepare_database(created, tmp_path / "backups").action == "current"


def test_old_database_is_backed_up_then_upgraded_with_its_data(tmp_path):
    database = tmp_path / "companion.sqlite3"
    upgrade_to(database, "0001_library")
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO guide (slug, language, title, summary, category, tags, revision, sort_order, origin,"
            " content_hash, body_markdown, body_html, body_text, toc, word_count, updated_at) VALUES"
            " ('kept', 'fr', 'Gardé', '', 'pilot', '', 1, 1, 'user', 'h', 'x', '<p>x</p>', 'intégration', '[]', 1,"
            " '2026-01-01 00:00:00')")
        connection.execute("INSERT INTO setting (key, value) VALUES ('language', '\"fr\"')")
    outcome = prepare_database(database, tmp_path / "backups")
    assert (outcome.action, outcome.from_revision) == ("upgraded", "0001_library")
    assert outcome.backup.exists() and current_revision(outcome.backup) == "0001_library"
    assert current_revision(database) == SCHEMA_HEAD
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT title FROM guide WHERE slug='kept'").fetchone() == ("Gardé",)
        assert connection.execute("SELECT value FROM setting").fetchone() == ('"fr"',)
        assert connection.execute("SELECT count(*) FROM guide_fts WHERE guide_fts MATCH 'integration'").fetchone() == (1,)
        connection.execute("INSERT INTO bookmark (id, workspace, guide_slug, created_at) VALUES ('b', 'local', 'kept', '2026-01-01')")


def test_a_failed_upgrade_keeps_the_old_file(tmp_path):
    database = tmp_path / "companion.sqlite3"
    upgrade_to(database, "0001_library")
    with sqlite3.connect(database) as connection:  # something in the way of migration 0002
        connection.execute("CREATE TABLE bookmark (x TEXT)")
        connection.execute("INSERT INTO bookmark VALUES ('precious')")
    with pytest.raises(MigrationError) as error:
        prepare_database(database, tmp_path / "backups")
    assert error.value.backup is not None and error.value.backup.exists()
    assert current_revision(database) == "0001_library"
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT x FROM bookmark").fetchall() == [("precious",)]


def test_data_from_a_newer_version_is_refused(tmp_path):
    database = tmp_path / "companion.sqlite3"
    prepare_database(database, tmp_path / "backups")
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(MigrationError, match="newer version"):
        prepare_database(database, tmp_path / "backups")
    assert current_revision(database) == "9999_future"
