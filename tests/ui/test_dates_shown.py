"""Dates are shown one way: Babel's medium format in the interface language ("3 Dec 2026" /
"3 déc. 2026"), in labels as in date editors, never a short form such as "12/3/26"."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit

from companion import i18n
from ui.widgets.dates import use_medium_dates

ROOT = Path(__file__).resolve().parents[2]
EDITORS = {"QDateEdit", "QDateTimeEdit"}
FORMATTERS = {"format_date", "format_datetime", "format_skeleton"}


def sources():
    for package in ("companion", "ui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def called(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        function = node.func
        return function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)
    return None


def test_every_date_editor_shows_the_medium_date():
    """A module that makes a date editor also gives it the medium format."""
    missing = []
    for path, tree in sources():
        names = {called(node) for node in ast.walk(tree)}
        if names & EDITORS and "use_medium_dates" not in names:
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []


def test_no_date_is_formatted_in_a_short_form():
    short = []
    for path, tree in sources():
        for node in ast.walk(tree):
            if called(node) in FORMATTERS:
                values = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
                values += [kw.value.value for kw in node.keywords if isinstance(kw.value, ast.Constant)]
                if "short" in values:
                    short.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert short == []


@pytest.mark.parametrize("language, shown", [("en", "21 Nov 2026"), ("fr", "21 nov. 2026")])
def test_a_date_editor_reads_like_the_dates_around_it(qtbot, language, shown):
    editor = QDateEdit()
    qtbot.addWidget(editor)
    use_medium_dates(editor, language)
    editor.setDate(QDate(2026, 11, 21))
    assert editor.text() == shown == i18n.format_date(QDate(2026, 11, 21).toPython(), language=language).replace(
        "\u00a0", " ")
