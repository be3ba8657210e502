"""Building blocks of printable documents, as the HTML that Qt's ``QTextDocument`` lays out
(pure, no Qt): escaping, bordered tables, label/value tables, page breaks. Shared by the pilot
report and the training documents. Cells passed in are HTML already: escape what a user typed.
(``QTextDocument`` takes table borders from inline styles, not from class rules.)"""

from __future__ import annotations

import html

PAGE_BREAK = '<p style="page-break-before: always; margin: 0px;"></p>'
BORDER = "border-collapse: collapse; border-color: #9a9a9a; border-style: solid;"
TABLE = (f'<table width="100%" border="1" cellspacing="0" cellpadding="4" style="{BORDER} '
         'margin-top: 4px; margin-bottom: 10px;">')
HEADER_STYLE = 'style="background-color: #e6edf5; color: #202020; font-weight: bold;"'
LABEL_STYLE = 'style="background-color: #f4f6f8; font-weight: bold;"'


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def tag(name: str, text: str, css_class: str = "", style: str = "") -> str:
    """``<name class=... style=...>text</name>``, the text escaped (headings, paragraphs)."""
    attributes = (f' class="{css_class}"' if css_class else "") + (f' style="{style}"' if style else "")
    return f"<{name}{attributes}>{esc(text)}</{name}>"


def multiline(text: str) -> str:
    return "<br/>".join(esc(line) for line in text.strip().splitlines())


def nowrap(text: str) -> str:
    """Escaped, with spaces that never break (money, a phone number stay on one line)."""
    return esc(text).replace(" ", "&nbsp;")


def table(headers: list[str], rows: list[list[str]], numeric: set[int] | frozenset[int] = frozenset(),
          widths: list[int] | None = None, total_rows: set[int] | frozenset[int] = frozenset(), caption: str = "",
          padding: int = 4, width: int = 100) -> str:
    """A bordered table; ``numeric`` columns align right, ``total_rows`` are bold. ``caption`` is a
    title row inside the header, so a title never sits alone at the foot of a page and is repeated
    with the headers on the next one."""
    def cell(tag: str, index: int, content: str, bold: bool = False) -> str:
        align = "right" if index in numeric else "left"
        cell_width = f' width="{widths[index]}%"' if widths else ""
        style = f" {HEADER_STYLE}" if tag == "th" else (f" {LABEL_STYLE}" if bold else "")
        return f'<{tag} align="{align}" valign="top"{cell_width}{style}>{content}</{tag}>'
    opening = TABLE.replace('cellpadding="4"', f'cellpadding="{padding}"').replace('width="100%"', f'width="{width}%"')
    out = [opening, "<thead>"]
    if caption:
        out.append(f'<tr><td colspan="{len(headers)}" style="background-color: #ffffff; border-style: none;">'
                   f"{caption}</td></tr>")
    out.append("<tr>" + "".join(cell("th", i, h) for i, h in enumerate(headers)) + "</tr></thead>")
    for number, row in enumerate(rows):
        out.append("<tr>" + "".join(cell("td", i, c, number in total_rows) for i, c in enumerate(row)) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def facts_table(rows: list[tuple[str, str]], label_width: int = 40) -> str:
    """A two-column table of labels (plain text) and values (HTML already)."""
    out = [TABLE]
    for label, value in rows:
        out.append(f'<tr><td width="{label_width}%" valign="top" {LABEL_STYLE}>{esc(label)}</td>'
                   f'<td valign="top">{value}</td></tr>')
    out.append("</table>")
    return "\n".join(out)
