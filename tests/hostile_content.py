"""A corpus of hostile guides and front matters: every case of issue 11, and their neighbours.

Built by code rather than stored (several are hundreds of kilobytes), each with the part of
the error message a content editor would see. Used by the importer tests (tests/companion)
and by the reader tests (tests/ui), which show what gets through in the real reader widget.
"""

from __future__ import annotations

from companion.content.limits import MAX_HEADINGS, MAX_NESTING, MAX_TABLE_CELLS, MAX_TABLE_ROWS

# Titles that are markup: each must show as the very characters typed, and make Qt read nothing.
HOSTILE_TITLES = [
    '<img src="file:///etc/passwd">',
    '<img src="/etc/passwd">',
    '<table width="2000" height="400" bgcolor="red"><tr><td><h1>Your data is lost: call +000</h1></td></tr></table>',
    "<b>bold</b> & <i>it&eacute;lic</i>",
    '<a href="https://example.org/">Click here</a>',
]


def front_matter(title: str = "Hostile guide", extra: str = "", slug: str = "hostile") -> str:
    return f"---\nid: {slug}\nlanguage: en\ntitle: {title!r}\ncategory: community\n{extra}---\n"


def guide_text(body: str = "Some text.\n", title: str = "Hostile guide", extra: str = "", slug: str = "hostile") -> str:
    return front_matter(title, extra, slug) + body


def _laughs(levels: int, width: int) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


# Front matters (the lines between the two ---), and what the refusal says.
FRONT_MATTERS = {
    # about 1 KB: 9^9 = 387 million "lol" once expanded (took > 4 GB and 234 s before)
    "billion laughs": (_laughs(9, 9) + "tags: *l8\n", "anchors (&name) are not allowed"),
    # about 0.4 KB: the one that froze the app for 141 s
    "small laughs": (_laughs(6, 6) + "summary: *l5\n", "anchors (&name) are not allowed"),
    "an alias alone": ("summary: *nowhere\n", "aliases (*name) are not allowed"),
    "python object tag": ('summary: !!python/object/apply:os.system ["echo pwned"]\n', "tags (tag:yaml.org,2002:python"),
    "binary tag": ("summary: !!binary aGVsbG8=\n", "tags (tag:yaml.org,2002:binary) are not allowed"),
    "local tag": ("summary: !evil text\n", "tags (!evil) are not allowed"),
    "set tag": ("tags: !!set {a, b}\n", "tags (tag:yaml.org,2002:set) are not allowed"),
    "merge key": ("<<: {summary: merged}\n", "merge keys (<<) are not allowed"),
    "deep nesting": ("tags: " + "[" * 500 + "]" * 500 + "\n", "nested more than"),
    "a thousand values": ("tags: [" + ", ".join(["x"] * 2_000) + "]\n", "more than 1,000 values"),
    "huge front matter": ("# " + "padding " * 4_000 + "\nsummary: x\n", "bytes of YAML, more than the 16,384 allowed"),
    "huge value": ("summary: " + "a" * 10_000 + "\n", "a value is longer than 4,000 characters"),
    "long summary": ("summary: " + "word " * 300 + "\n", "the field 'summary' is longer than 1,000 characters"),
    "number past Python's digit limit": ("revision: " + "9" * 5_000 + "\n", "a value is longer than"),
    "huge whole number": ("revision: " + "9" * 30 + "\n", "must be a whole number from 0 to 1,000,000"),
    "decimal number": ("revision: 1.5\n", "decimal numbers are not part of this format"),
    "infinity": ("order: .inf\n", "decimal numbers are not part of this format"),
    "summary as a mapping": ("summary: {a: 1}\n", "the field 'summary' must be text"),
    "tags as mappings": ("tags: [{a: 1}]\n", "'tags' must be a list of words"),
    "a key that is a list": ("? [a, b]\n: value\n", "not valid YAML"),
    "a directive": ("%YAML 1.1\nsummary: x\n", "not valid YAML"),
}

_TITLE_LIST = "---\nid: hostile\nlanguage: en\ntitle: [a, b]\ncategory: community\n---\nText.\n"

# Whole guides (front matter included) that must be refused, and what the refusal says.
GUIDES = {
    "title that is a list": (_TITLE_LIST, "the field 'title' must be text"),
    "10,000 headings (230 KB)": (guide_text("".join(f"## Heading {i}\n\ntext\n\n" for i in range(10_000))),
                                 "KB, more than the"),
    "5,000 headings under the size limit": (guide_text("".join(f"# H{i}\n" for i in range(5_000))),
                                            f"more than {MAX_HEADINGS} headings"),
    "20,000 headings": (guide_text("".join(f"# {i}\n" for i in range(20_000))), "more than"),
    "1,000-level nested list": (guide_text("".join("    " * level + "- item\n" for level in range(1_000))),
                                "KB, more than the"),
    "300-level nested list": (guide_text("".join("  " * level + "- item\n" for level in range(300))),
                              f"lists are nested more than {MAX_NESTING} levels deep"),
    "100-level nested list, tabs": (guide_text("".join("\t" * level + "- item\n" for level in range(100))),
                                    f"lists are nested more than {MAX_NESTING} levels deep"),
    "1,000 nested quotes": (guide_text(">" * 1_000 + " deep\n"), f"quotes are nested more than {MAX_NESTING}"),
    "100,000 nested <div>": (guide_text("Text.\n\n" + "<div>" * 100_000 + "x" + "</div>" * 100_000 + "\n"),
                             "KB, more than the"),
    "10,000 nested <div>": (guide_text("Text.\n\n" + "<div>" * 10_000 + "x\n"),
                            f"HTML elements are nested more than {MAX_NESTING} levels deep"),
    "5,000-row table": (guide_text("| a | b |\n|---|---|\n" + "".join(f"| {i} | x |\n" for i in range(5_000))),
                        f"a table has more than {MAX_TABLE_ROWS} rows"),
    "5,000-row HTML table": (guide_text("<table>" + "<tr><td>x</td></tr>" * 5_000 + "</table>\n"),
                             f"a table has more than {MAX_TABLE_ROWS} rows"),
    "table of 1,800 cells": (guide_text("|" + " c |" * 12 + "\n|" + "---|" * 12 + "\n" + ("|" + " x |" * 12 + "\n") * 150),
                             f"a table has more than {MAX_TABLE_CELLS:,} cells"),
    "2,000 anchors": (guide_text("".join(f'<p id="p{i}">x</p>\n' for i in range(2_000))),
                      "more than 1,000 anchors"),
    "1,000 HTML headings": (guide_text("".join(f"<h2>x{i}</h2>\n" for i in range(1_000))),
                            f"more than {MAX_HEADINGS} headings"),
    "5,000 nested emphasis marks": (guide_text("*" * 5_000 + "x" + "*" * 5_000 + "\n"), "nested too deeply"),
    "1 MB of text": (guide_text("word " * 200_000), "KB, more than the"),
}

BAD_UTF8 = b"---\nid: hostile\nlanguage: en\ntitle: Caf\xe9\ncategory: community\n---\nText in Latin-1: \xe9t\xe9.\n"

# Guides at the limits: accepted, and the reader must show each without blocking the window.
ACCEPTED_AT_THE_LIMITS = {
    f"{MAX_HEADINGS} headings": guide_text("".join(f"## Section {i}\n\nA paragraph of text {i}.\n\n"
                                                   for i in range(MAX_HEADINGS))),
    f"{MAX_TABLE_ROWS}-row table": guide_text("| Facility | District | Members |\n|---|---|---|\n" + "".join(
        f"| Health centre {i} | District {i % 30} | {i * 7} |\n" for i in range(MAX_TABLE_ROWS))),
    f"{MAX_NESTING}-level list": guide_text("".join("    " * level + f"- level {level}\n" for level in range(MAX_NESTING))),
    "190 KB of paragraphs": guide_text("".join(f"Paragraph {i}: " + "openIMIS manages health insurance. " * 8 + "\n\n"
                                               for i in range(650))),
    "six tables of 200 rows": guide_text("\n\nText between the tables.\n\n".join(
        ["| a | b | c |\n|---|---|---|\n" + "".join(f"| {i} | cell {i} | more {i} |\n" for i in range(200))] * 6)),
}


def stored_html_cases() -> dict[str, str]:
    """HTML as it could sit in a database written by another release or another path (never
    through today's importer): the reader alone must keep the window responsive."""
    return {
        "5,000-row table": "<table>" + "".join(f"<tr><td>{i}</td><td>cell {i}</td><td>more {i}</td></tr>"
                                                for i in range(5_000)) + "</table>",
        "10,000 headings with anchors": "".join(f'<h2 id="h{i}">Heading {i}</h2><p>text</p>' for i in range(10_000)),
        "3,000 nested lists": "<ul><li>" * 3_000 + "deep" + "</li></ul>" * 3_000,
    }
