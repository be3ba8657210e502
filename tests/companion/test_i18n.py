"""The French catalog is complete, current and consistent; formatting follows the language."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from companion import i18n
from companion.config import translations_dir

ROOT = Path(__file__).resolve().parents[2]
PO = translations_dir() / "fr" / "LC_MESSAGES" / "companion.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def catalog():
    with PO.open("rb") as handle:
        return read_po(handle)


def messages(cat):
    return [m for m in cat if m.id]


def test_french_is_fully_translated_without_fuzzy_entries():
    problems = [m.id for m in messages(catalog())
                if m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert problems == []


def test_placeholders_and_mnemonics_match():
    for message in messages(catalog()):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(ids[-1])), message.id
            assert string.count("&") == ids[0].count("&"), message.id


def test_template_is_extracted_from_the_current_code(tmp_path):
    fresh = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_",
                    "-k", "N_", "-k", "ngettext:1,2", "-o", str(fresh), "companion", "ui"],
                   cwd=ROOT, check=True, capture_output=True)
    with fresh.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    with (translations_dir() / "companion.pot").open("rb") as handle:
        shipped = {m.id for m in read_po(handle) if m.id}
    assert extracted == shipped, "run the pybabel extract command in the README"
    assert extracted <= {m.id for m in messages(catalog())}, "run pybabel update and translate"


def _key(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_compiled_catalog_matches_the_po_file():
    with MO.open("rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    source = {_key(m.id): _key(m.string) for m in messages(catalog())}
    assert compiled == source, "run pybabel compile -d translations -D companion"


def test_switching_language_and_locale_formatting():
    day = dt.date(2026, 11, 27)
    try:
        i18n.set_language("fr_CM")
        assert i18n.current_language() == "fr"
        assert i18n._("Library") == "Bibliothèque"
        assert i18n.format_date(day) == "27 nov. 2026"
        assert i18n.format_number(12345) == "12\u202f345"
        assert "2 guides" in i18n.ngettext("{count} guide found for “{query}”", "{count} guides found for “{query}”", 2).format(count=2, query="x")
        i18n.set_language("en")
        assert i18n._("Library") == "Library" and i18n.format_date(day) == "27 Nov 2026"
        assert i18n.format_number(12345) == "12,345"
    finally:
        i18n.set_language("en")


def test_trans_scale_lengthens_every_string(monkeypatch):
    monkeypatch.setenv("COMPANION_TRANS_SCALE", "150")
    try:
        i18n.set_language("fr")
        assert i18n._("Library") == "Bibliothèque" + "~" * 6
    finally:
        monkeypatch.delenv("COMPANION_TRANS_SCALE")
        i18n.set_language("en")


@pytest.mark.parametrize("locale, expected", [("fr_FR", "fr"), ("fr-CA", "fr"), ("en_GB", "en"), ("sw_TZ", "en"), (None, "en")])
def test_supported_language(locale, expected):
    assert i18n.supported_language(locale) == expected
