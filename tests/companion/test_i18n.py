"""The French catalog is complete, current and consistent; formatting follows the language."""

from __future__ import annotations

import datetime as dt
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
        assert i18n.format_date(day) == "27\u00a0nov.\u00a02026"
        assert i18n.format_number(12345) == "12\u202f345"
        assert "2 guides" in i18n.ngettext("{count} guide found for “{query}”", "{count} guides found for “{query}”", 2).format(count=2, query="x")
        i18n.set_language("en")
        assert i18n._("Library") == "Library" and i18n.format_date(day) == "27\u00a0Nov\u00a02026"
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


# --- One way to show dates, money, countries and languages --------------------------------------------

def test_dates_are_medium_and_day_first_in_both_languages_and_in_date_editors():
    day = dt.date(2026, 12, 3)
    assert i18n.format_date(day, language="en") == "3\u00a0Dec\u00a02026"  # not "12/3/26" nor "Dec 3, 2026"
    assert i18n.format_date(day, language="fr") == "3\u00a0déc.\u00a02026"  # never broken across two lines
    assert i18n.format_datetime(dt.datetime(2026, 12, 3, 16, 5), "medium_short", "fr") == "3 déc. 2026, 16:05"
    assert "/" not in i18n.format_datetime(dt.datetime(2026, 12, 3, 16, 5), "medium_short", "en")
    # The editors' Qt format comes from the same Babel pattern ("d MMM y").
    assert i18n.qt_date_format("en") == "d MMM yyyy" and i18n.qt_date_format("fr") == "d MMM yyyy"


@pytest.mark.parametrize("amount, currency, language, expected", [
    ("1499750000", "TZS", "en", "TZS\u00a01,499,750,000"),           # no glued code, no ".00"
    ("1499750000", "TZS", "fr", "1\u202f499\u202f750\u202f000\u00a0TZS"),
    ("-599900", "USD", "en", "-US$599,900.00"),                       # a minus sign, no parentheses
    ("-599900", "USD", "fr", "-599\u202f900,00\u00a0$US"),
    ("359940000", "XAF", "en", "FCFA\u00a0359,940,000"),
    ("359940000", "XAF", "fr", "359\u202f940\u202f000\u00a0FCFA"),
    ("1234.5", "CDF", "fr", "1\u202f234\u00a0CDF"),                 # whole francs: centimes are not used
    ("12.5", "EUR", "en", "€12.50"),
])
def test_money_has_one_form_per_language(amount, currency, language, expected):
    from decimal import Decimal

    assert i18n.format_money(Decimal(amount), currency, language) == expected
    # Labels name the currency as the figures do.
    assert i18n.currency_symbol(currency, language) in expected


def test_an_amount_with_its_us_dollar_value_reads_as_positive():
    i18n.set_language("fr")
    try:
        text = i18n.format_money_with_usd(1499750000, "TZS", 599900, "fr")
        assert text == "1\u202f499\u202f750\u202f000\u00a0TZS, soit 599\u202f900,00\u00a0$US" and "(" not in text
    finally:
        i18n.set_language("en")
    assert i18n.format_money_with_usd(5, "USD", None, "en") == "US$5.00"


def test_countries_come_from_babel_in_the_interface_language():
    assert len(i18n.country_names("fr")) > 240
    assert i18n.country_names("fr")["ML"] == "Mali" and i18n.country_names("fr")["GN"] == "Guinée"
    assert all(code in i18n.country_names("en") for code in i18n.OPENIMIS_COUNTRIES)
    # A stored English name (or an older spelling) is shown in the interface language...
    assert i18n.country_name("Cameroon", "fr") == "Cameroun"
    assert i18n.country_name("DR Congo", "fr") == "Congo-Kinshasa"
    assert i18n.country_name("Zanzibar", "fr") == "Zanzibar"      # not a country: as typed
    # ...and what is chosen or typed in French is stored as before, in English.
    assert i18n.stored_country("Cameroun") == "Cameroon" and i18n.stored_country(" côte d'ivoire ") == "Côte d’Ivoire"
    assert i18n.stored_country("Zanzibar") == "Zanzibar"


def test_language_names_in_french_sentences_are_french():
    assert i18n.language_name("fr", "fr") == "Français" and i18n.language_name("en", "fr") == "Anglais"
    assert i18n.language_name("fr", "fr", in_sentence=True) == "français"
    assert i18n.language_name("fr", "en", in_sentence=True) == "French"


def test_money_and_dates_are_formatted_only_through_i18n():
    """One way to show a currency and a date: Babel's money and date functions are called in
    companion/i18n.py and nowhere else (a second way once wrote XAF in labels and FCFA in cells)."""
    import ast

    owners = {"format_currency", "get_currency_precision", "get_currency_symbol", "format_date", "format_datetime"}
    found = []
    for package in ("companion", "ui", "sync"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "companion" / "i18n.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("babel"):
                    found += [f"{path.relative_to(ROOT)}: {a.name}" for a in node.names if a.name in owners]
    assert found == []
