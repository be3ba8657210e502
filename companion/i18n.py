"""Translations and locale formatting for the whole app (Picard-style, no Qt).

Strings are marked with ``_()`` (translated now) or ``N_()`` (marked, translated
where shown) and extracted by Babel into ``translations/companion.pot``.
The current language can change at any time; callers re-read their labels.

``COMPANION_TRANS_SCALE=<percent>`` lengthens every translated string (as Vorta's
TRANS_SCALE): tests use it to catch labels that no longer fit.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import os
import unicodedata
from decimal import ROUND_HALF_EVEN, Decimal

from companion.config import translations_dir

DOMAIN = "companion"
SUPPORTED_LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
# Names of the languages, in their own language: shown in the language switch.
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT_LANGUAGE
_scale = 1.0


def _read_scale() -> float:
    try:
        return max(1.0, float(os.environ.get("COMPANION_TRANS_SCALE", "100")) / 100.0)
    except ValueError:
        return 1.0


def _lengthen(text: str) -> str:
    if _scale <= 1.0 or not text:
        return text
    return text + "~" * round(len(text) * (_scale - 1.0))


def supported_language(candidate: str | None) -> str:
    """The supported language closest to a locale name such as ``fr_CM`` or ``en-GB``."""
    if candidate:
        prefix = candidate.replace("-", "_").split("_")[0].lower()
        if prefix in SUPPORTED_LANGUAGES:
            return prefix
    return DEFAULT_LANGUAGE


def set_language(language: str) -> str:
    """Load the catalog for ``language`` (falling back to English) and make it current."""
    global _translations, _language, _scale
    _language = supported_language(language)
    _scale = _read_scale()
    _translations = gettext.translation(
        DOMAIN, localedir=str(translations_dir()), languages=[_language], fallback=True
    )
    return _language


def current_language() -> str:
    return _language


def catalog_found(language: str) -> bool:
    """True when the compiled catalog for ``language`` can be loaded (English needs none)."""
    if language == DEFAULT_LANGUAGE:
        return True
    return gettext.find(DOMAIN, localedir=str(translations_dir()), languages=[language]) is not None


def _(message: str) -> str:
    return _lengthen(_translations.gettext(message))


def ngettext(singular: str, plural: str, count: int) -> str:
    return _lengthen(_translations.ngettext(singular, plural, count))


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def translated(message: str) -> str:
    """A message marked with ``N_()`` where it is defined (a table of labels, an error text),
    translated now. ``_()``, ``N_()`` and ``ngettext()`` take only string literals, so Babel
    extracts every one of them (tests/companion/test_i18n_calls.py checks it)."""
    return _lengthen(_translations.gettext(message))


class Translator:
    """Strings in one given language, whatever the UI shows: a training session's handouts and
    certificates are printed in the session's language. Messages are marked with ``N_()``."""

    def __init__(self, language: str) -> None:
        self.language = supported_language(language)
        self._catalog = gettext.translation(DOMAIN, localedir=str(translations_dir()),
                                            languages=[self.language], fallback=True)

    def __call__(self, message: str) -> str:
        return _lengthen(self._catalog.gettext(message))

    def plural(self, singular: str, plural: str, count: int) -> str:
        return _lengthen(self._catalog.ngettext(singular, plural, count))


def translate_to(language: str, message: str) -> str:
    return Translator(language)(message)


# --- Locale formatting with Babel, in the current UI language ------------------------------------
#
# English figures follow CLDR's International English (en_001, the parent of en_TZ, en_GM, en_NG,
# en_IN...): dates day first ("3 Dec 2026"), "US$" for the US dollar. The users live where the
# American "12/3/26" reads as the 12th of March.
FORMAT_LOCALES = {"en": "en_001", "fr": "fr"}
NBSP = "\u00a0"


@functools.lru_cache(maxsize=8)
def _babel_locale(name: str):
    from babel import Locale

    return Locale.parse(name)


def format_locale_name(language: str | None = None) -> str:
    """"en_001" / "fr": the locale figures are written in, for Babel and for Qt's QLocale alike."""
    return FORMAT_LOCALES[supported_language(language or _language)]


def babel_locale(language: str | None = None):
    """The Babel locale that formats dates, numbers and money for ``language`` (default: the UI's)."""
    return _babel_locale(FORMAT_LOCALES[supported_language(language or _language)])


def format_date(value: dt.date | dt.datetime, fmt: str = "medium", language: str | None = None) -> str:
    """"3 Dec 2026" / "3 déc. 2026" (medium), or "3 December 2026" / "3 décembre 2026" (long), its
    parts joined by no-break spaces: a date never breaks across two lines."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format=fmt, locale=babel_locale(language)).replace(" ", NBSP)


def format_datetime(value: dt.datetime, fmt: str = "medium", language: str | None = None) -> str:
    """"3 Dec 2026, 16:55:43" / "3 déc. 2026, 16:55:43" (medium; a short time with fmt="medium_short")."""
    from babel.dates import format_datetime as babel_format_datetime
    from babel.dates import get_date_format, get_datetime_format, get_time_format

    locale = babel_locale(language)
    if fmt == "medium_short":  # the medium date with hours and minutes: "3 Dec 2026, 16:55"
        pattern = (str(get_datetime_format("medium", locale=locale))
                   .replace("{1}", get_date_format("medium", locale=locale).pattern)
                   .replace("{0}", get_time_format("short", locale=locale).pattern))
        return babel_format_datetime(value, format=pattern, locale=locale)
    return babel_format_datetime(value, format=fmt, locale=locale)


def format_day(value: dt.date, language: str | None = None) -> str:
    """A day without its year, weekday first: "Thu, 3 Dec" / "jeu. 3 déc." (headings of days)."""
    from babel.dates import format_skeleton

    return format_skeleton("MMMEd", value, locale=babel_locale(language))


def qt_date_format(language: str | None = None) -> str:
    """Babel's medium date pattern for ``language`` as a Qt display format ("d MMM yyyy"), so a
    date editor shows "3 Dec 2026" / "3 déc. 2026" like every date printed by the app (with a
    QLocale of the same language for the month names)."""
    from babel.dates import get_date_format, tokenize_pattern

    out = []
    for kind, value in tokenize_pattern(get_date_format("medium", locale=babel_locale(language)).pattern):
        if kind == "chars":
            out.append("'" + value.replace("'", "''") + "'" if any(c.isalpha() or c == "'" for c in value)
                       else value)
            continue
        letter, count = value
        if letter in "yYu":
            out.append("yy" if count == 2 else "yyyy")
        elif letter in "ML":
            out.append("M" * min(count, 4))
        elif letter == "d":
            out.append("d" * min(count, 2))
        elif letter in "Ec":
            out.append("dddd" if count >= 4 else "ddd")
        # any other field (era, week...) has no Qt equivalent in a date editor: left out
    return "".join(out).strip()


def format_number(value: int | float | Decimal, language: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale(language))


def format_percent(fraction: float | Decimal, language: str | None = None) -> str:
    from babel.numbers import format_percent as babel_format_percent

    return babel_format_percent(fraction, locale=babel_locale(language))


# --- Money -------------------------------------------------------------------------------------------
#
# One way per language to show a currency: its Babel symbol ("FCFA", "TZS", "US$"; "$US" in
# French), in labels ("Per year (FCFA)") as in figures ("FCFA 1,234,568" / "1 234 568 FCFA").
# A letter next to the digits is kept apart by a no-break space (CLDR's currency spacing, which
# Babel leaves out): "TZS 1,499,750,000", never "TZS1,499,750,000". Negative amounts take the
# locale's minus sign, never accounting parentheses.

# Currencies whose minor unit no one uses any more in everyday amounts (coins out of circulation
# or worth nothing): figures in them are shown in whole units, as CLDR's "cash digits" already
# do for TZS, XAF and XOF.
WHOLE_UNIT_CURRENCIES = frozenset({"CDF", "GMD", "MRU", "NPR"})


def currency_digits(currency: str) -> int:
    """The decimals a figure in ``currency`` is shown with: 0 for XAF, XOF, TZS, CDF, GMD, MRU,
    NPR; 2 for USD, EUR (CLDR's cash digits, ISO 4217's when CLDR has none)."""
    from babel.core import get_global

    if currency in WHOLE_UNIT_CURRENCIES:
        return 0
    fractions = get_global("currency_fractions")
    return fractions.get(currency, fractions["DEFAULT"])[2]


def currency_symbol(currency: str, language: str | None = None) -> str:
    """How ``language`` writes ``currency`` in labels and figures: "FCFA", "TZS", "US$" / "$US"."""
    from babel.numbers import get_currency_symbol

    return get_currency_symbol(currency, locale=babel_locale(language))


def currency_name(currency: str, language: str | None = None) -> str:
    """"Central African CFA Franc" / "franc CFA (BEAC)"; the code itself when Babel has no name."""
    from babel.numbers import get_currency_name

    return get_currency_name(currency, locale=babel_locale(language))


def _is_letter_like(char: str) -> bool:
    """CLDR's currencyMatch [[:^S:]&[:^Z:]]: not a symbol ($, €) and not a space."""
    return not unicodedata.category(char).startswith(("S", "Z"))


def format_money(amount, currency: str, language: str | None = None, digits: int | None = None) -> str:
    """``amount`` in ``currency`` for ``language``, rounded half-even to the currency's shown
    decimals (:func:`currency_digits`, or ``digits``): "FCFA 1,234,568" / "1 234 568 FCFA",
    "TZS 1,499,750,000", "US$599,900.00", "-US$12.50"."""
    from babel.numbers import format_currency

    locale = babel_locale(language)
    digits = currency_digits(currency) if digits is None else digits
    value = Decimal(str(amount)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    if value == 0:
        value = abs(value)  # -0.001 rounds to 0.00, not "-0.00"
    number = "#,##0" + ("." + "0" * digits if digits else "")
    pattern = locale.currency_formats["standard"].pattern.split(";")[0].replace("#,##0.00", number)
    text = format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)
    symbol = currency_symbol(currency, language)
    at = text.find(symbol)
    if at >= 0:
        before, after = text[:at], text[at + len(symbol):]
        if after[:1].isdigit() and _is_letter_like(symbol[-1]):
            after = NBSP + after
        if before[-1:].isdigit() and _is_letter_like(symbol[0]):
            before += NBSP
        text = before + symbol + after
    return text


def format_amount(amount, currency: str, language: str | None = None) -> str:
    """An amount without its currency, with the currency's shown decimals (half-even): the cells
    of a table that names the currency once, in its header ("1,499,750,000", "-599,900.00")."""
    from babel.numbers import format_decimal

    digits = currency_digits(currency)
    value = Decimal(str(amount)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
    return format_decimal(abs(value) if value == 0 else value, format="#,##0" + ("." + "0" * digits if digits else ""),
                          locale=babel_locale(language))


def format_money_with_usd(amount, currency: str, usd_amount, language: str | None = None,
                          figure=lambda text: text) -> str:
    """An amount and its value in US dollars: "TZS 1,499,750,000, or US$599,900.00" (never in
    parentheses, which read as a negative in accounts). ``figure`` wraps each formatted amount
    (the dashboard keeps each on one line)."""
    text = figure(format_money(amount, currency, language))
    if usd_amount is None or currency == "USD":
        return text
    return translate_to(supported_language(language or _language), N_("{amount}, or {usd}")).format(
        amount=text, usd=figure(format_money(usd_amount, "USD", language)))


# --- Countries and languages by name -----------------------------------------------------------------

# Countries where openIMIS runs (CONTENT-FACTS): listed first where a country is chosen.
OPENIMIS_COUNTRIES = ("CM", "TD", "CD", "GM", "MR", "NP", "NE", "TZ")
# Babel territories that are not countries one runs a scheme in.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"})
# Names users wrote before countries came from Babel, and common short names.
_COUNTRY_ALIASES = {"dr congo": "CD", "drc": "CD", "rdc": "CD", "democratic republic of the congo": "CD",
                    "république démocratique du congo": "CD", "congo kinshasa": "CD", "ivory coast": "CI",
                    "tanzania united republic of": "TZ", "the gambia": "GM"}


def _fold(text: str) -> str:
    """Case, accents and punctuation left out: "Côte d’Ivoire" and "cote d'ivoire" meet."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


def country_names(language: str | None = None) -> dict[str, str]:
    """ISO 3166 code → the country's name in ``language`` (Babel/CLDR), every country."""
    territories = _babel_locale(supported_language(language or _language)).territories
    return {code: name for code, name in territories.items()
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES}


@functools.lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    index = {_fold(alias): code for alias, code in _COUNTRY_ALIASES.items()}
    for language in SUPPORTED_LANGUAGES:
        for code, name in country_names(language).items():
            index.setdefault(_fold(name), code)
        index.update({_fold(code): code for code in country_names(language)})
    return index


def country_code(text: str) -> str | None:
    """The ISO code of a country written in English or French (or its code), None otherwise."""
    return _country_index().get(_fold(text or "")) if (text or "").strip() else None


def country_name(stored: str, language: str | None = None) -> str:
    """A stored country ("Cameroon", or any text a user typed) as ``language`` names it:
    "Cameroun" in French; text that names no country is shown as it was typed."""
    code = country_code(stored)
    return country_names(language).get(code, stored) if code else (stored or "")


def stored_country(text: str) -> str:
    """What is stored for a country chosen or typed in any language: its English name, as
    projects have always stored it (older versions and other laptops show it as it is), or
    the text itself when it names no country."""
    code = country_code(text)
    return country_names("en")[code] if code else (text or "").strip()


def language_name(code: str, language: str | None = None, *, in_sentence: bool = False) -> str:
    """The name of the language ``code`` in ``language`` (default: the UI's), from Babel:
    "French" / "Français" on its own, "français" inside a French sentence ("Aucun module en
    français"). An unknown code is returned as it is."""
    name = _babel_locale(supported_language(language or _language)).languages.get(code)
    if not name:
        return code
    return name if in_sentence else name[:1].upper() + name[1:]
