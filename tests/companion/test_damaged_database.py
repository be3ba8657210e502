"""A damaged data file is found at open and explained; recovery keeps it aside; backups are bounded."""

from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing

import pytest

from companion.storage import recovery
from companion.storage.migrate import (KEEP_BACKUPS, DamagedDatabaseError, backups, current_revision,
                                       mark_closed_cleanly, needs_check, prepare_database, prune_backups)


@pytest.fixture
def sound(tmp_path):
    database = tmp_path / "companion.sqlite3"
    prepare_database(database, tmp_path / "backups")
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return database


def test_garbage_is_damaged_and_never_raises_sqlite_errors(sound, tmp_path):
    sound.write_bytes(os.urandom(sound.stat().st_size))
    assert current_revision(sound) is None
    with pytest.raises(DamagedDatabaseError) as error:
        prepare_database(sound, tmp_path / "backups")
    assert error.value.problem == "file is not a database" and error.value.backup is None


def test_the_newest_sound_backup_is_offered_and_restored(sound, tmp_path):
    backups_dir = tmp_path / "backups"
    backups_dir.mkdir(exist_ok=True)
    good = backups_dir / "companion-20261201-090000-0005_records.sqlite3"
    good.write_bytes(sound.read_bytes())
    broken = backups_dir / "companion-20261202-090000-0005_records.sqlite3"
    broken.write_bytes(b"not a database" * 100)  # newer, but no use
    data = sound.read_bytes()
    sound.write_bytes(data[: len(data) // 2])
    with pytest.raises(DamagedDatabaseError) as error:
        prepare_database(sound, backups_dir)
    assert error.value.backup == good and "malformed" in error.value.problem
    aside = recovery.restore_backup(sound, good)
    assert aside.read_bytes() == data[: len(data) // 2] and aside.name.startswith("companion-damaged-")
    assert prepare_database(sound, backups_dir).action == "current"


def test_starting_afresh_keeps_the_damaged_file_aside(sound, tmp_path):
    sound.write_bytes(b"\0" * 8192)
    aside = recovery.start_afresh(sound)
    assert aside.exists() and not sound.exists()
    assert prepare_database(sound, tmp_path / "backups").action == "created"


def test_a_cleanly_closed_file_is_not_checked_again_until_something_touches_it(sound):
    assert needs_check(sound)
    mark_closed_cleanly(sound)
    assert not needs_check(sound)
    time.sleep(0.01)
    with open(sound, "r+b") as file:  # a disk tool, a copy, a bit flipped by hand
        file.seek(4096 * 2)
        file.write(os.urandom(16))
    assert needs_check(sound)


def test_only_the_newest_backups_are_kept(tmp_path):
    for number in range(6):
        path = tmp_path / f"companion-2026120{number}-090000-0004_training.sqlite3"
        path.write_bytes(b"x")
        os.utime(path, (1_000_000 + number, 1_000_000 + number))
    prune_backups(tmp_path)
    assert [path.name[10:18] for path in backups(tmp_path)] == ["20261205", "20261204", "20261203"][:KEEP_BACKUPS]
