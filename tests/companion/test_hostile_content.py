"""Hostile guides, front matters and data files are refused quickly, in bounded memory, with a
message naming the file; what is at the limits imports. Every case runs through the real
importer into a real database."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import func, select

from companion.content.importer import import_bundled_guides
from companion.content.loader import ContentError
from companion.content.render import render_markdown
from companion.library import Library
from companion.pilot.templates import TemplateError, load_templates
from companion.session import open_data
from companion.storage.models import Guide
from companion.training.content import load_module
from tests.hostile_content import (ACCEPTED_AT_THE_LIMITS, BAD_UTF8, FRONT_MATTERS, GUIDES, front_matter,
                                   guide_text)

SECONDS = 10.0  # generous: each case takes well under a second here, even on a busy 2-core machine
PEAK_BYTES = 150 * 2**20  # the billion laughs took more than 4 GB before


@pytest.fixture
def library(paths) -> Library:
    return open_data(paths).library


def write_guide(folder: Path, data: bytes | str, name: str = "hostile.md") -> Path:
    path = folder / "en" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def import_within_bounds(library: Library, folder: Path):
    """Import ``folder`` as the bundle; returns (error or None, seconds, peak bytes)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with library.sessions() as session:
            import_bundled_guides(session, folder)
        error = None
    except ContentError as raised:
        error = raised
    finally:
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return error, seconds, peak


def guide_count(library: Library) -> int:
    with library.sessions() as session:
        return session.scalar(select(func.count()).select_from(Guide))


@pytest.mark.parametrize("case", list(FRONT_MATTERS))
def test_hostile_front_matter_is_refused_quickly_naming_the_file(case, library, tmp_path):
    fields, expected = FRONT_MATTERS[case]
    path = write_guide(tmp_path / "guides", front_matter(extra=fields) + "Text.\n")
    error, seconds, peak = import_within_bounds(library, tmp_path / "guides")
    assert error is not None, case
    assert str(path) in str(error) and expected in str(error), str(error)[:300]
    assert seconds < SECONDS and peak < PEAK_BYTES, (seconds, peak)
    assert guide_count(library) == 0  # nothing half-imported


@pytest.mark.parametrize("case", list(GUIDES))
def test_hostile_guide_is_refused_quickly_naming_the_file(case, library, tmp_path):
    text, expected = GUIDES[case]
    path = write_guide(tmp_path / "guides", text)
    error, seconds, peak = import_within_bounds(library, tmp_path / "guides")
    assert error is not None, case
    assert str(path) in str(error) and expected in str(error), str(error)[:300]
    assert seconds < SECONDS and peak < PEAK_BYTES, (seconds, peak)
    assert guide_count(library) == 0


def test_bad_utf8_names_the_file_and_the_place(library, tmp_path):
    path = write_guide(tmp_path / "guides", BAD_UTF8)
    error, _seconds, _peak = import_within_bounds(library, tmp_path / "guides")
    assert str(error) == f"{path}: is not UTF-8 text (byte 39, line 4); save it as UTF-8"


@pytest.mark.parametrize("case", list(ACCEPTED_AT_THE_LIMITS))
def test_guides_at_the_limits_import(case, library, tmp_path):
    write_guide(tmp_path / "guides", ACCEPTED_AT_THE_LIMITS[case])
    error, seconds, peak = import_within_bounds(library, tmp_path / "guides")
    assert error is None and guide_count(library) == 1
    assert seconds < SECONDS and peak < PEAK_BYTES, (seconds, peak)


def test_hostile_titles_are_kept_as_text(library, tmp_path):
    title = '<img src="file:///etc/passwd">'
    write_guide(tmp_path / "guides", guide_text(title=title))
    error, _seconds, _peak = import_within_bounds(library, tmp_path / "guides")
    assert error is None and library.open_guide("hostile", "en").title == title  # escaped where it is shown


def test_one_anchor_per_heading():
    rendered = render_markdown("".join(f"## Heading {i}\n\ntext\n\n" for i in range(200)))
    assert rendered.html.count(" id=") == 200 and "<a name" not in rendered.html


def test_rendering_grows_linearly_with_headings():
    def seconds(count: int) -> float:
        text = "".join("## Same heading\n\ntext\n\n" for _ in range(count))
        started = time.perf_counter()
        render_markdown(text)
        return time.perf_counter() - started

    seconds(50)  # warm up
    small, large = min(seconds(250) for _ in range(3)), min(seconds(2_000) for _ in range(3))
    assert large < small * 8 * 3  # 8 times the headings: far from 64 times the time


# --- training modules and pilot templates: the same YAML rules ----------------------------------------


MODULE = """id: hostile-module
language: en
title: Module
lessons: [one]
quiz:
  questions:
    - id: q1
      question: Which?
      choices: [a, b, c]
      answer: 1
"""
LESSON = "---\nid: one\ntitle: Lesson\n---\n## Slide\n\nText.\n"


@pytest.mark.parametrize("manifest, expected", [
    (MODULE + FRONT_MATTERS["billion laughs"][0], "anchors (&name) are not allowed"),
    (MODULE.replace("title: Module", "title: !!python/name:os.system"), "tags (tag:yaml.org,2002:python/name:os.system)"),
    (MODULE.replace("choices: [a, b, c]", "choices: [a, {b: 1}, c]"), "every choice must be text"),
    (MODULE.replace("title: Module", "title: " + "x" * 30_000), "a value is longer than 20,000 characters"),
    (MODULE + "summary: " + "[" * 100 + "]" * 100 + "\n", "nested more than 10 levels"),
])
def test_hostile_module_yaml_is_refused_naming_the_file(manifest, expected, tmp_path):
    (tmp_path / "module.yaml").write_text(manifest, encoding="utf-8")
    (tmp_path / "one.md").write_text(LESSON, encoding="utf-8")
    with pytest.raises(ContentError, match=re.escape(expected)) as error:
        load_module(tmp_path)
    assert str(tmp_path / "module.yaml") in str(error.value)


def test_hostile_lesson_is_refused_naming_the_file(tmp_path):
    (tmp_path / "module.yaml").write_text(MODULE, encoding="utf-8")
    (tmp_path / "one.md").write_text(LESSON + "| a |\n|---|\n" + "| x |\n" * 5_000, encoding="utf-8")
    with pytest.raises(ContentError, match="a table has more than 200 rows") as error:
        load_module(tmp_path)
    assert str(tmp_path / "one.md") in str(error.value)
    (tmp_path / "one.md").write_bytes(LESSON.encode() + b"caf\xe9\n")
    with pytest.raises(ContentError, match="is not UTF-8 text"):
        load_module(tmp_path)


@pytest.mark.parametrize("text, expected", [
    ("kind: checklist\nid: x\nversion: 1\n" + FRONT_MATTERS["billion laughs"][0], "anchors (&name) are not allowed"),
    ("kind: checklist\nid: x\nversion: !!int 1\n", "tags (tag:yaml.org,2002:int) are not allowed"),
    ("kind: checklist\nid: x\nversion: 1\ntitle: {en: a, fr: b}\ndescription: {en: a, fr: b}\n"
     "sections: [{title: {en: a, fr: b}}]\n", "the field 'id' is missing"),
    ("kind: checklist\nid: x\nversion: 1\ntitle: {en: a, fr: b}\ndescription: {en: a, fr: b}\n"
     "sections: [[1, 2]]\n", "a field has the wrong kind of value"),
])
def test_hostile_template_is_refused_naming_the_file(text, expected, tmp_path):
    path = tmp_path / "checklists" / "hostile.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError, match=re.escape(expected)) as error:
        load_templates(tmp_path)
    assert str(path) in str(error.value)


def test_bundled_templates_and_modules_still_load():
    from companion.config import resources_dir, training_dir
    from companion.training.content import load_modules

    assert load_templates(resources_dir() / "templates").checklists
    assert len(load_modules(training_dir())) >= 6


# --- the server's publish command ------------------------------------------------------------------


def test_library_publish_prints_a_readable_error_for_bad_utf8(tmp_path):
    write_guide(tmp_path / "resources" / "guides", BAD_UTF8)
    result = subprocess.run(
        [sys.executable, "-m", "sync.server.cli", "--data-dir", str(tmp_path / "server"), "library", "publish",
         str(tmp_path / "resources")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "hostile.md: is not UTF-8 text (byte 39, line 4)" in result.stderr


def test_library_publish_prints_a_readable_error_for_a_hostile_front_matter(tmp_path):
    write_guide(tmp_path / "resources" / "guides", front_matter(extra=FRONT_MATTERS["billion laughs"][0]) + "x\n")
    result = subprocess.run(
        [sys.executable, "-m", "sync.server.cli", "--data-dir", str(tmp_path / "server"), "library", "publish",
         str(tmp_path / "resources")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "anchors (&name) are not allowed" in result.stderr


def test_a_lesson_too_deep_for_the_reader_is_shown_as_plain_text(tmp_path):
    """A lesson typed by a trainer or received from a teammate meets the reader's limits too."""

    from companion.config import Paths
    from companion.session import import_bundled_content, open_data
    from companion.storage.models import Guide
    from companion.training.store import TrainingStore
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    data = open_data(Paths(tmp_path / "data").ensure())
    import_bundled_content(data.library)
    training = TrainingStore(data.library.engine)
    module_id = training.create_module("en", "Deep lists")
    deep = "".join("  " * level + "- item\n" for level in range(400))
    training.add_lesson(module_id, "Nested", body_markdown="## Slide\n\n" + deep)
    with Session(data.library.engine) as session:
        guide = session.scalar(select(Guide).where(Guide.title == "Nested"))
        assert guide is not None and guide.body_html.startswith("<pre>") and "- item" in guide.body_text
