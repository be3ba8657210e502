"""Highlighted extracts for search results, computed in Python on the few rows shown.

FTS5's own snippet() re-tokenises each whole guide and costs more than the ranking
itself on long texts; here one regex search per row suffices. The regex carries the
accent folding itself (``e`` → ``[eéèêë…]``), so the text is never copied or folded.
Matching follows the index's tokenizer: case and accents are ignored ("integration"
matches "Intégration"), the last word is a prefix (search as you type).
"""

from __future__ import annotations

import re
import unicodedata

START, END = "\x02", "\x03"
ELLIPSIS = "…"


def _variants() -> dict[str, str]:
    """For each base letter, every Latin letter that folds to it: {"e": "eéèêë…"}."""
    groups: dict[str, str] = {}
    for code in range(0x41, 0x250):
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[0].lower()
        if len(base) == 1 and base.isascii() and base.isalpha():
            groups[base] = groups.get(base, base) + char.lower() + char.upper()
    return {base: "".join(dict.fromkeys(chars)) for base, chars in groups.items()}


_VARIANTS = _variants()


def fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFD", char)[0].lower() if char in _ALL_VARIANTS else char
                   for char in text)


_ALL_VARIANTS = frozenset("".join(_VARIANTS.values()))


def _letters(word: str) -> str:
    return "".join(f"[{_VARIANTS[c]}]" if c in _VARIANTS else re.escape(c) for c in fold(word))


def word_pattern(words: list[str]) -> re.Pattern[str] | None:
    """A regex finding any of the words (the last as a prefix) at word starts, whatever
    their case and accents."""
    if not words:
        return None
    parts = [_letters(word) + r"(?!\w)" for word in words[:-1]] + [_letters(words[-1]) + r"\w*"]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")


def mark(text: str, pattern: re.Pattern[str]) -> str:
    """The text with every match wrapped in START/END markers."""
    pieces, last = [], 0
    for match in pattern.finditer(text):
        pieces += [text[last:match.start()], START, text[match.start():match.end()], END]
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def extract(text: str, pattern: re.Pattern[str], before: int = 70, width: int = 220) -> str | None:
    """About ``width`` characters around the first match, cut at word boundaries and marked;
    None when the text does not contain any of the words."""
    match = pattern.search(text)
    if match is None:
        return None
    start = max(0, match.start() - before)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < match.start() else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", match.end(), end)
        end = space if space > 0 else end
    window = mark(text[start:end].strip(), pattern)
    return (ELLIPSIS if start else "") + window + (ELLIPSIS if end < len(text) else "")
