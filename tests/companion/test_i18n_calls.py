"""Every message marked for translation is one Babel can extract.

Babel (on Python 3.11) reads an f-string as one opaque string token: a ``_("...")`` inside it is
never extracted, so it stays English in French (the pilot report's headings were). And a
``_(variable)`` or ``_(f"...")`` gives Babel nothing to extract either. So: ``_()``, ``N_()``
and ``ngettext()`` take string literals only, and never sit inside an f-string; a message marked
with ``N_()`` elsewhere is translated with ``companion.i18n.translated()``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("companion", "ui", "sync")
# The marking functions and how many of their first arguments are messages.
MARKERS = {"_": 1, "N_": 1, "ngettext": 2}


def _called(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS:
        return node.func.id
    return None


def problems_in(source: str, name: str = "<source>") -> list[str]:
    """What keeps Babel from extracting a message, one line per problem."""
    found = []
    tree = ast.parse(source, name)
    for node in ast.walk(tree):
        marker = _called(node)
        if marker:
            messages = node.args[:MARKERS[marker]]
            if len(messages) < MARKERS[marker] or not all(
                    isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in messages):
                found.append(f"{name}:{node.lineno}: {marker}() of something other than a string literal: "
                             f"{ast.unparse(node)[:90]}")
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                if _called(inner):
                    found.append(f"{name}:{inner.lineno}: {_called(inner)}() inside an f-string: "
                                 f"{ast.unparse(inner)[:90]}")
    return found


def marked_messages() -> set[str]:
    """Every string literal the code marks for translation, as Python reads it: inside f-strings
    too, where Babel does not look (so a message Babel missed is here, and not in the catalogue)."""
    found = set()
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
                marker = _called(node)
                if marker:
                    found.update(arg.value for arg in node.args[:MARKERS[marker]]
                                 if isinstance(arg, ast.Constant) and isinstance(arg.value, str))
    return found


def test_the_check_finds_each_kind_of_hidden_message():
    assert problems_in('_("Fine")\nN_("Fine" " too")\nngettext("{n} day", "{n} days", n)\ntranslated(LABELS[k])') == []
    bad = ['f"<h3>{esc(_(\'Sensitivity\'))}</h3>"', "_(LABELS[key])", '_(f"Year {year}")', '_("a" + b)',
           'ngettext(one, "{n} days", n)', 'f"{tr(N_(\'Quiz\'))}"', "_()"]
    for source in bad:
        assert problems_in(source), source


def test_every_marked_message_is_a_literal_outside_f_strings():
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found += problems_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == [], "\n".join(found)
