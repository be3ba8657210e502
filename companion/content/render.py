"""Markdown → sanitised HTML, rendered once at import and stored (never on every open).

Markdown from anywhere is untrusted: the HTML is cleaned with nh3 (ammonia), only
safe tags and link schemes survive, remote images become a plain link, and links to
other guides become ``guide:<slug>`` so the reader opens them inside the app.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions.toc import slugify  # ASCII anchors: safe in URLs and QTextBrowser

from companion.content.limits import ShapeError

ALLOWED_TAGS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "a", "img", "span", "div",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "code", "em", "strong", "b", "i",
    "sup", "sub", "table", "thead", "tbody", "tr", "th", "td", "caption",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
}
LINK_SCHEMES = {"http", "https", "mailto", "guide", "image"}
IMAGE_SCHEME = "image:"  # resolved by the reader from the bundled images folder

_TAG = re.compile(r"<[^>]+>")
# Tags inside a line of text: removed without a space, so "<strong>app</strong>: families" reads
# "app: families" in search extracts (a space for every tag gave "app : families").
_INLINE_TAG = re.compile(r"</?(a|span|em|strong|b|i|code|sup|sub)\b[^>]*>", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\n\f\v]+")  # not U+00A0 / U+202F: French typography keeps them
_REMOTE_IMAGE = re.compile(r"<img\b[^>]*\bsrc=\"(https?:[^\"]*)\"[^>]*>")
_ALT = re.compile(r"\balt=\"([^\"]*)\"")


@dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class RenderedGuide:
    html: str
    text: str
    toc: tuple[TocEntry, ...]
    word_count: int


def _rewrite_link(href: str) -> str | None:
    """Where a link in a guide may point: another guide, a section, the web, mail."""
    href = href.strip()
    if href.startswith(("#", "guide:", "http://", "https://", "mailto:")):
        return href
    path, _, anchor = href.partition("#")
    if path.endswith(".md"):
        slug = posixpath.basename(path)[: -len(".md")]
        return f"guide:{slug}" + (f"#{anchor}" if anchor else "")
    return None  # file:, javascript:, relative paths to nowhere: dropped


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return _rewrite_link(value)
    if tag == "img" and attribute == "src":
        if value.startswith(("http://", "https://")):
            return value  # replaced by a link below, never fetched
        if value.startswith(IMAGE_SCHEME):
            return value
        name = posixpath.basename(value.strip())
        return f"{IMAGE_SCHEME}{name}" if name else None
    return value


def _remote_image_to_link(match: re.Match[str]) -> str:
    url = match.group(1)
    alt = _ALT.search(match.group(0))
    label = alt.group(1) if alt and alt.group(1) else url
    return f'<a href="{url}">{label}</a>'


def _flatten_toc(tokens: list[dict]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    for token in tokens:
        entries.append(TocEntry(int(token["level"]), token["id"], html.unescape(_TAG.sub("", token["name"]))))
        entries.extend(_flatten_toc(token.get("children", [])))
    return entries


def render_markdown(source: str) -> RenderedGuide:
    converter = markdown.Markdown(
        extensions=["tables", "fenced_code", "toc", "attr_list", "sane_lists", "def_list"],
        extension_configs={"toc": {"slugify": slugify, "toc_depth": "2-4"}},
        output_format="html",
    )
    try:
        raw = converter.convert(source)
    except RecursionError:  # e.g. thousands of nested * or [ that check_markdown lets through
        raise ShapeError("the text is nested too deeply to be read") from None
    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        attribute_filter=_attribute_filter,
        link_rel=None,
        strip_comments=True,
    )
    clean = _REMOTE_IMAGE.sub(_remote_image_to_link, clean)
    # Headings keep their id only: QTextBrowser.scrollToAnchor() finds ids, and a second
    # <a name> per heading doubled Qt's cost, which grows with the square of the anchors.
    text = html.unescape(_TAG.sub(" ", _INLINE_TAG.sub("", clean)))
    text = _SPACES.sub(" ", text).strip()
    return RenderedGuide(
        html=clean,
        text=text,
        toc=tuple(_flatten_toc(getattr(converter, "toc_tokens", []))),
        word_count=len(text.split()),
    )
