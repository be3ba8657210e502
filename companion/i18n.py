"""Translations and locale formatting for the whole app (Picard-style, no Qt).

Strings are marked with ``_()`` (translated now) or ``N_()`` (marked, translated
where shown) and extracted by Babel into ``translations/companion.pot``.
The current language can change at any time; callers re-read their labels.

``COMPANION_TRANS_SCALE=<percent>`` lengthens every translated string (as Vorta's
TRANS_SCALE): tests use it to catch labels that no longer fit.
"""

from __future__ import annotations

import datetime as dt
import gettext
import os

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

def format_date(value: dt.date | dt.datetime, fmt: str = "medium") -> str:
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format=fmt, locale=_language)


def format_datetime(value: dt.datetime, fmt: str = "medium") -> str:
    from babel.dates import format_datetime as babel_format_datetime

    return babel_format_datetime(value, format=fmt, locale=_language)


def format_number(value: int | float) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_language)


def format_percent(fraction: float) -> str:
    from babel.numbers import format_percent as babel_format_percent

    return babel_format_percent(fraction, locale=_language)
