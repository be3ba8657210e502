"""``companion-server`` administration commands, on both databases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sync.client import ProblemError, SyncClient
from sync.server.db import Database
from sync.server.publish import guide_record_id
from tests.sync.conftest import PASSWORD, ROOT, Backend, ThreadServer, World, admin

GUIDE = """---
id: {slug}
language: {language}
title: {title}
summary: A short summary.
category: pilot
tags: [pilot, checklist]
revision: {revision}
order: 10
---
# {title}

Some text about pilots.

![The journey](images/journey.svg)
![A remote image](https://example.org/tracker.png)
"""


@pytest.fixture
def fresh(backend: Backend, tmp_path: Path) -> tuple[Path, str]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    return data_dir, backend.new_url(data_dir)


def test_the_console_script_and_module_entry_points(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("companion-server")
    for command in ([str(script)] if script.exists() else []) + [[sys.executable, "-m", "sync.server"]]:
        command = command if isinstance(command, list) else [command]
        shown = subprocess.run([*command, "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert shown.returncode == 0 and "serve" in shown.stdout and "library" in shown.stdout
    # A real pipe on standard input, as an administrator would use it.
    added = subprocess.run([sys.executable, "-m", "sync.server", "--data-dir", str(tmp_path), "user", "add", "piped",
                            "--password-stdin"], input=PASSWORD + "\n", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert added.returncode == 0, added.stderr
    assert "user piped created" in added.stdout and PASSWORD not in added.stdout + added.stderr


def test_user_workspace_and_member_commands(fresh: tuple[Path, str]) -> None:
    data_dir, url = fresh
    run = lambda *args, stdin=None: admin(data_dir, url, *args, stdin=stdin)  # noqa: E731
    code, out, _ = run("user", "add", "amina", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and "personal workspace personal-1" in out
    assert run("user", "add", "amina", "--password-stdin", stdin=PASSWORD + "\n")[0] == 1  # exists
    code, _, err = run("user", "add", "short", "--password-stdin", stdin="abc\n")
    assert code == 1 and "at least 8" in err
    assert run("user", "add", "bad name!", "--password-stdin", stdin=PASSWORD + "\n")[0] == 1
    assert run("user", "add", "empty", "--password-stdin", stdin="")[0] == 1
    assert run("user", "add", "root", "--password-stdin", "--admin", stdin=PASSWORD + "\n")[0] == 0

    assert run("workspace", "add", "pilot-tz", "--name", "Pilot Tanzania")[0] == 0
    assert run("workspace", "add", "pilot-tz", "--name", "Again")[0] == 1
    for bad in ("library", "personal-9", "Bad_Slug", "a b", "x"):
        assert run("workspace", "add", bad, "--name", "No")[0] == 1, bad
    code, out, _ = run("workspace", "list")
    assert "pilot-tz\tteam\tPilot Tanzania" in out and "library\tlibrary" in out

    assert run("member", "add", "pilot-tz", "amina", "--role", "reader")[0] == 0
    assert run("member", "add", "pilot-tz", "amina", "--role", "editor")[0] == 0  # role change
    assert run("member", "add", "pilot-tz", "nobody", "--role", "member")[0] == 1
    assert run("member", "add", "personal-1", "root", "--role", "member")[0] == 1  # personal stays personal
    db = Database(url)
    try:
        from sync.server import models

        with db.read() as session:
            assert session.get(models.Membership, ("pilot-tz", 1)).role == "editor"
    finally:
        db.dispose()
    assert run("member", "remove", "pilot-tz", "amina")[0] == 0
    assert run("member", "remove", "pilot-tz", "amina")[0] == 1
    code, out, _ = run("user", "list")
    assert "amina" in out and "root\tadmin" in out


def test_token_list_and_revoke_on_a_running_server(world: World) -> None:
    name, client = world.new_user("tokens")
    second = SyncClient(world.base_url)
    second.sign_in(name, PASSWORD, "field tablet")
    code, out, _ = world.admin("token", "list", name)
    assert code == 0 and "field tablet" in out and out.count("active") == 2
    token_ids = [int(line.split("\t")[0]) for line in out.splitlines()[1:]]
    assert world.admin("token", "revoke", str(token_ids[-1]))[0] == 0
    with pytest.raises(ProblemError) as caught:
        second.workspaces()
    assert caught.value.status == 401
    assert client.workspaces()  # the other device keeps working
    assert "revoked" in world.admin("token", "list", name)[1]
    assert world.admin("token", "revoke", "999999")[0] == 1
    assert world.admin("user", "disable", "no-such-user")[0] == 1


def _content(tmp_path: Path, revision: int = 1) -> Path:
    root = tmp_path / "content"
    (root / "guides" / "en").mkdir(parents=True, exist_ok=True)
    (root / "guides" / "fr").mkdir(parents=True, exist_ok=True)
    (root / "guides" / "images").mkdir(parents=True, exist_ok=True)
    (root / "guides" / "images" / "journey.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (root / "guides" / "en" / "pilot.md").write_text(GUIDE.format(slug="pilot", language="en", title="Running a pilot", revision=revision))
    (root / "guides" / "fr" / "pilot.md").write_text(
        GUIDE.format(slug="pilot", language="fr", title="Mener un pilote", revision=1).replace("order: 10", "order: 10\ntranslation_of: en\nsource_revision: 1")
    )
    return root


def test_library_publish_is_idempotent_and_served_to_anonymous_clients(fresh: tuple[Path, str], tmp_path: Path) -> None:
    data_dir, url = fresh
    content = _content(tmp_path)
    code, out, err = admin(data_dir, url, "library", "publish", str(content))
    assert code == 0, err
    assert "2 guides: 2 new" in out and "1 images" in out
    db = Database(url)
    try:
        from sync.server.app import create_app
        from sync.server.settings import ServerSettings

        def head() -> int:
            from sync.server import models

            with db.read() as session:
                return session.get(models.Workspace, "library").head

        first_head = head()
        code, out, _ = admin(data_dir, url, "library", "publish", str(content))
        assert code == 0 and "0 new, 0 updated, 2 unchanged" in out
        assert head() == first_head  # nothing new: no new seq

        content = _content(tmp_path, revision=2)
        code, out, _ = admin(data_dir, url, "library", "publish", str(content))
        assert "0 new, 1 updated, 1 unchanged" in out
        assert head() == first_head + 1

        with ThreadServer(create_app(ServerSettings(data_dir=data_dir, database_url=url), db, migrate=False)) as server:
            anonymous = SyncClient(server.base_url)
            records = {r.id: r for page in anonymous.pull("library") for r in page.records}
            english = records[guide_record_id("pilot", "en")]
            french = records[guide_record_id("pilot", "fr")]
            assert english.type == "guide" and english.fields["revision"].v == 2 and english.fields["title"].v == "Running a pilot"
            assert french.fields["translation_of"].v == "en" and french.fields["source_revision"].v == 1
            assert set(english.fields) >= {"slug", "language", "title", "summary", "category", "tags", "revision", "order",
                                           "translation_of", "source_revision", "body_markdown", "images", "_deleted"}
            image = english.fields["images"].v["images/journey.svg"]
            assert image["mime"] == "image/svg+xml" and "https://example.org/tracker.png" not in english.fields["images"].v
            target = tmp_path / "journey.svg"
            anonymous.download_blob("library", image["blob"], target)
            assert target.read_text().startswith("<svg")

        # A guide removed from the source is withdrawn only on request (--prune), as a tombstone.
        (content / "guides" / "fr" / "pilot.md").unlink()
        assert "1 withdrawn" not in admin(data_dir, url, "library", "publish", str(content))[1]
        code, out, _ = admin(data_dir, url, "library", "publish", str(content), "--prune")
        assert "1 withdrawn" in out
    finally:
        db.dispose()


def test_publishing_the_bundled_resources(fresh: tuple[Path, str]) -> None:
    data_dir, url = fresh
    from companion.config import resources_dir
    from companion.content.loader import load_guide_sources

    expected = len(load_guide_sources(resources_dir() / "guides"))
    code, out, err = admin(data_dir, url, "library", "publish")
    assert code == 0, err
    assert f"{expected} guides: {expected} new" in out
    code, out, _ = admin(data_dir, url, "library", "publish")
    assert f"0 new, 0 updated, {expected} unchanged" in out


def test_publish_reports_bad_content_clearly(fresh: tuple[Path, str], tmp_path: Path) -> None:
    data_dir, url = fresh
    broken = tmp_path / "broken" / "guides" / "en"
    broken.mkdir(parents=True)
    (broken / "x.md").write_text("no front matter here")
    code, _, err = admin(data_dir, url, "library", "publish", str(tmp_path / "broken"))
    assert code == 1 and "front matter" in err
    code, _, err = admin(data_dir, url, "library", "publish", str(tmp_path / "nothing-here"))
    assert code == 1 and "no guides" in err


def test_no_data_dir_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from sync.server import cli

    monkeypatch.delenv("COMPANION_SERVER_DATA_DIR", raising=False)
    assert cli.main(["workspace", "list"]) == 1
    assert "--data-dir" in capsys.readouterr().err
