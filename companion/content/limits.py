"""How big and how deep a guide may be, so that importing and showing it stays quick.

Guides come from anywhere. Without limits, 10,000 headings took 42 s to show, a list nested
1,000 levels deep 72 s and 800 MB before failing, and a 5,000-row table froze the window for
18 s (Qt lays a table out in one piece, and its cost grows faster than the number of anchors).
Every limit is far above what a real guide needs: the longest bundled guide is under 9 KB.

``check_markdown`` looks at the source before any Markdown is parsed (cheap, linear, and it
stops the cases that would make the parser itself slow); ``check_html`` measures the exact
result after rendering. Both raise ShapeError with a sentence that a content editor can act on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_GUIDE_BYTES = 192 * 1024  # the sync server keeps records up to 256 KiB
MAX_NESTING = 16  # lists, quotes and HTML elements inside one another
MAX_HTML_DEPTH = 2 * MAX_NESTING + 4  # a list level is two elements (ul, li)
MAX_HEADINGS = 500
MAX_ANCHORS = 1_000  # ids a reader can jump to; Qt's cost grows with their square
MAX_TABLE_ROWS = 200
MAX_TABLE_CELLS = 1_200  # in one table: Qt lays out a table all at once (200 rows of 3: ~0.25 s here)
MAX_GUIDE_TABLE_CELLS = 4_000
MAX_TITLE_CHARS = 200
MAX_SUMMARY_CHARS = 1_000

_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)\s*$")
_TABLE_LINE = re.compile(r"^\s*\|")
_QUOTE_PREFIX = re.compile(r"^(\s*>)+")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(/?)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                   "wbr"})
_ID = re.compile(r"\sid=")


class ShapeError(ValueError):
    """A guide beyond the limits; the message says which limit, not which file."""


def _check_size(text: str) -> None:
    size = len(text.encode("utf-8"))
    if size > MAX_GUIDE_BYTES:
        raise ShapeError(f"the text is {size // 1024:,} KB, more than the {MAX_GUIDE_BYTES // 1024:,} KB a guide may be")


def _check_html_nesting(text: str) -> None:
    depth = 0
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.groups()
        if name.lower() in _VOID or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        if depth > MAX_NESTING:
            raise ShapeError(f"HTML elements are nested more than {MAX_NESTING} levels deep")


def check_markdown(text: str) -> None:
    """Refuse, before parsing, a source too large or too deep for the reader."""
    _check_size(text)
    headings = table_rows = 0
    in_fence = False
    previous = ""
    for line in text.splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
            previous = ""
            continue
        if in_fence:
            continue
        expanded = line.expandtabs(4)
        indent = len(expanded) - len(expanded.lstrip(" "))
        if expanded.strip() and indent // 4 > MAX_NESTING:
            raise ShapeError(f"lists are nested more than {MAX_NESTING} levels deep")
        quotes = _QUOTE_PREFIX.match(line)
        if quotes and quotes.group(0).count(">") > MAX_NESTING:
            raise ShapeError(f"quotes are nested more than {MAX_NESTING} levels deep")
        if _ATX_HEADING.match(line) or (previous.strip() and _SETEXT_UNDERLINE.match(line)):
            headings += 1
            if headings > MAX_HEADINGS:
                raise ShapeError(f"more than {MAX_HEADINGS} headings")
        if _TABLE_LINE.match(line):
            table_rows += 1
            if table_rows > MAX_TABLE_ROWS + 2:  # the header and its --- line
                raise ShapeError(f"a table has more than {MAX_TABLE_ROWS} rows")
        else:
            table_rows = 0
        previous = line
    _check_html_nesting(text)


@dataclass
class HtmlShape:
    depth: int = 0
    headings: int = 0
    anchors: int = 0
    largest_table_rows: int = 0
    largest_table_cells: int = 0
    table_cells: int = 0


def measure_html(html: str) -> HtmlShape:
    """One linear pass over the tags of sanitised (well-formed) HTML."""
    shape = HtmlShape()
    depth = 0
    tables: list[list[int]] = []  # [rows, cells] of each open table
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        name = name.lower()
        if not closing and _ID.search(match.group(0)):
            shape.anchors += 1
        if name in _VOID or self_closing:
            continue
        if closing:
            depth = max(0, depth - 1)
            if name == "table" and tables:
                rows, cells = tables.pop()
                shape.largest_table_rows = max(shape.largest_table_rows, rows)
                shape.largest_table_cells = max(shape.largest_table_cells, cells)
            continue
        depth += 1
        shape.depth = max(shape.depth, depth)
        if len(name) == 2 and name[0] == "h" and name[1] in "123456":
            shape.headings += 1
        elif name == "table":
            tables.append([0, 0])
        elif name == "tr" and tables:
            tables[-1][0] += 1
        elif name in ("td", "th") and tables:
            tables[-1][1] += 1
            shape.table_cells += 1
    for rows, cells in tables:  # unclosed: count them all the same
        shape.largest_table_rows = max(shape.largest_table_rows, rows)
        shape.largest_table_cells = max(shape.largest_table_cells, cells)
    return shape


def html_problem(html: str) -> str | None:
    """Why rendered HTML is too large to show laid out, or None when it is within the limits."""
    if len(html) > 4 * MAX_GUIDE_BYTES:
        return f"the page is more than {4 * MAX_GUIDE_BYTES // 1024:,} KB"
    shape = measure_html(html)
    if shape.depth > MAX_HTML_DEPTH:
        return f"elements are nested more than {MAX_NESTING} levels deep"
    if shape.headings > MAX_HEADINGS:
        return f"more than {MAX_HEADINGS} headings"
    if shape.anchors > MAX_ANCHORS:
        return f"more than {MAX_ANCHORS:,} anchors (id=...)"
    if shape.largest_table_rows > MAX_TABLE_ROWS + 1:  # and its header row
        return f"a table has more than {MAX_TABLE_ROWS} rows"
    if shape.largest_table_cells > MAX_TABLE_CELLS:
        return f"a table has more than {MAX_TABLE_CELLS:,} cells"
    if shape.table_cells > MAX_GUIDE_TABLE_CELLS:
        return f"its tables have more than {MAX_GUIDE_TABLE_CELLS:,} cells in all"
    return None


def check_html(html: str) -> None:
    problem = html_problem(html)
    if problem:
        raise ShapeError(problem)
