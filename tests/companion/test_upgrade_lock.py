"""Starts at once on a new data folder (the app twice, the app and --self-check) never collide:
one process creates the database, the others wait and find it ready."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

from companion.storage.migrate import SCHEMA_HEAD, current_revision

OPEN = textwrap.dedent("""
    import sys
    from pathlib import Path
    from companion.config import Paths
    from companion.session import open_data
    data = open_data(Paths(Path(sys.argv[1])))
    print(data.migration.action)
    data.close()
""")


def test_processes_opening_a_new_folder_at_once_all_succeed(tmp_path):
    for attempt in range(4):
        folder = tmp_path / f"new-{attempt}"
        starts = [subprocess.Popen([sys.executable, "-c", OPEN, str(folder)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True) for _ in range(4)]
        results = [start.communicate(timeout=120) for start in starts]
        assert [start.returncode for start in starts] == [0] * 4, [err for _out, err in results]
        actions = sorted(out.strip() for out, _err in results)
        assert actions == ["created", "current", "current", "current"]
        assert current_revision(folder / "companion.sqlite3") == SCHEMA_HEAD
        with sqlite3.connect(folder / "companion.sqlite3") as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
