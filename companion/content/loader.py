"""Read bundled guides: Markdown files with YAML front matter (see docs/content-format.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from companion.content.categories import CATEGORY_KEYS
from companion.content.limits import MAX_GUIDE_BYTES, MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, ShapeError, check_markdown
from companion.content.safe_yaml import FRONT_MATTER_LIMITS, YamlLimits, YamlRefused, load_plain_yaml

LANGUAGES = ("en", "fr")
MAX_WHOLE_NUMBER = 1_000_000  # revisions and positions; SQLite's integers end at 2**63
MAX_FILE_BYTES = MAX_GUIDE_BYTES + FRONT_MATTER_LIMITS.max_bytes


class ContentError(ValueError):
    """A content file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class GuideSource:
    slug: str
    language: str
    title: str
    summary: str
    category: str
    tags: tuple[str, ...]
    revision: int
    order: int
    translation_of: str | None
    source_revision: int | None
    body_markdown: str
    path: Path | None = field(default=None, compare=False)
    sources: tuple[str, ...] = ()  # where the facts come from (title and URL), see docs/content-format.md
    checked: dt.date | None = None  # when those facts were last checked

    @property
    def content_hash(self) -> str:
        """Changes whenever anything a reader sees changes."""
        digest = hashlib.sha256()
        for part in (self.title, self.summary, self.category, " ".join(self.tags), self.body_markdown,
                     str(self.revision), str(self.order), str(self.translation_of), str(self.source_revision)):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        return digest.hexdigest()


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A content file's text; bad UTF-8, a huge or an unreadable file is a ContentError naming it."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ContentError(f"{path}: {size // 1024:,} KB, more than the {max_bytes // 1024:,} KB allowed")
        data = path.read_bytes()
    except OSError as error:
        raise ContentError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ContentError(f"{path}: is not UTF-8 text (byte {error.start:,}, line {line}); "
                           f"save it as UTF-8") from None


def load_yaml(text: str, where: str, limits: YamlLimits):
    """Plain YAML data (no aliases, tags, or types the formats do not define), or a ContentError."""
    try:
        return load_plain_yaml(text, limits)
    except YamlRefused as error:
        raise ContentError(f"{where}: {error}") from None


def split_front_matter(text: str, where: str) -> tuple[dict, str]:
    text = text.lstrip("\ufeff")
    if not text.startswith("---"):
        raise ContentError(f"{where}: the file must start with '---' front matter")
    try:
        _, header, body = text.split("---", 2)
    except ValueError:
        raise ContentError(f"{where}: the front matter is not closed by '---'") from None
    meta = load_yaml(header, f"{where}: the front matter", FRONT_MATTER_LIMITS)
    if not isinstance(meta, dict):
        raise ContentError(f"{where}: the front matter must be a mapping of fields")
    return meta, body.lstrip("\n")


def check_body(body: str, where: str) -> None:
    """Refuse a text too large or too deeply nested to show quickly (see limits.py)."""
    try:
        check_markdown(body)
    except ShapeError as error:
        raise ContentError(f"{where}: {error}") from None


def parse_guide(text: str, where: str = "<guide>", path: Path | None = None) -> GuideSource:
    meta, body = split_front_matter(text, where)

    def text_field(name: str, longest: int, required: bool = True) -> str:
        value = meta.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise ContentError(f"{where}: the field '{name}' is missing")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ContentError(f"{where}: the field '{name}' must be text")
        value = str(value).strip()
        if len(value) > longest:
            raise ContentError(f"{where}: the field '{name}' is longer than {longest:,} characters")
        return value

    def required(name: str) -> str:
        return text_field(name, MAX_TITLE_CHARS)

    def integer(name: str, default: int | None) -> int | None:
        value = meta.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WHOLE_NUMBER:
            raise ContentError(f"{where}: the field '{name}' must be a whole number from 0 to {MAX_WHOLE_NUMBER:,}")
        return value

    language = required("language")
    if language not in LANGUAGES:
        raise ContentError(f"{where}: unsupported language '{language}' (expected one of {', '.join(LANGUAGES)})")
    category = required("category")
    if category not in CATEGORY_KEYS:
        raise ContentError(f"{where}: unknown category '{category}' (expected one of {', '.join(CATEGORY_KEYS)})")
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [part.strip() for part in tags.split(",")]
    if not isinstance(tags, list) or not all(isinstance(tag, (str, int)) and not isinstance(tag, bool)
                                              for tag in tags):
        raise ContentError(f"{where}: 'tags' must be a list of words")
    if len(tags) > 50 or sum(len(str(tag)) for tag in tags) > 1_000:
        raise ContentError(f"{where}: 'tags' holds more than 50 words or 1,000 characters")
    translation_of = meta.get("translation_of")
    if translation_of is not None and translation_of not in LANGUAGES:
        raise ContentError(f"{where}: 'translation_of' must name the original's language")
    if not body.strip():
        raise ContentError(f"{where}: the guide has no text")
    check_body(body, where)
    sources, checked = _sources_and_checked(meta, where)
    return GuideSource(
        slug=required("id"),
        language=language,
        title=required("title"),
        summary=text_field("summary", MAX_SUMMARY_CHARS, required=False),
        category=category,
        tags=tuple(str(tag).strip() for tag in tags if str(tag).strip()),
        revision=integer("revision", 1) or 1,
        order=integer("order", 100) or 0,
        translation_of=translation_of,
        source_revision=integer("source_revision", None),
        body_markdown=body,
        path=path,
        sources=sources,
        checked=checked,
    )


def _sources_and_checked(meta: dict, where: str) -> tuple[tuple[str, ...], dt.date | None]:
    """The optional 'sources' (a list of non-empty texts) and 'checked' (an ISO date, not in the future)."""
    sources = meta.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, str) and s.strip() for s in sources):
        raise ContentError(f"{where}: 'sources' must be a list of texts (a title and its address)")
    checked = meta.get("checked")
    if checked is not None:
        if isinstance(checked, dt.datetime) or not isinstance(checked, (dt.date, str)):
            raise ContentError(f"{where}: 'checked' must be a date written YYYY-MM-DD")
        try:
            checked = dt.date.fromisoformat(str(checked).strip())
        except ValueError:
            raise ContentError(f"{where}: 'checked' must be a date written YYYY-MM-DD") from None
        if checked > dt.date.today():
            raise ContentError(f"{where}: 'checked' is a date in the future ({checked.isoformat()})")
    if sources and checked is None:
        raise ContentError(f"{where}: a guide that lists 'sources' needs the date they were 'checked'")
    return tuple(s.strip() for s in sources), checked


def load_guide_sources(guides_dir: Path) -> list[GuideSource]:
    """Every ``<guides_dir>/<language>/*.md`` file, parsed; raises ContentError on the first bad one."""
    sources: list[GuideSource] = []
    seen: dict[tuple[str, str], Path] = {}
    for language in LANGUAGES:
        for path in sorted((guides_dir / language).glob("*.md")):
            source = parse_guide(read_text(path), where=str(path), path=path)
            if source.language != language:
                raise ContentError(f"{path}: declares language '{source.language}' but lives in '{language}/'")
            key = (source.slug, source.language)
            if key in seen:
                raise ContentError(f"{path}: the id '{source.slug}' is already used by {seen[key]}")
            seen[key] = path
            sources.append(source)
    return sources
