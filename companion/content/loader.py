"""Read bundled guides: Markdown files with YAML front matter (see docs/content-format.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from companion.content.categories import CATEGORY_KEYS

LANGUAGES = ("en", "fr")


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


def split_front_matter(text: str, where: str) -> tuple[dict, str]:
    text = text.lstrip("\ufeff")
    if not text.startswith("---"):
        raise ContentError(f"{where}: the file must start with '---' front matter")
    try:
        _, header, body = text.split("---", 2)
    except ValueError:
        raise ContentError(f"{where}: the front matter is not closed by '---'") from None
    try:
        meta = yaml.load(header, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise ContentError(f"{where}: the front matter is not valid YAML ({error})") from None
    if not isinstance(meta, dict):
        raise ContentError(f"{where}: the front matter must be a mapping of fields")
    return meta, body.lstrip("\n")


def parse_guide(text: str, where: str = "<guide>", path: Path | None = None) -> GuideSource:
    meta, body = split_front_matter(text, where)

    def required(name: str) -> str:
        value = meta.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ContentError(f"{where}: the field '{name}' is missing")
        return str(value).strip()

    def integer(name: str, default: int | None) -> int | None:
        value = meta.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ContentError(f"{where}: the field '{name}' must be a whole number")
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
    if not isinstance(tags, list):
        raise ContentError(f"{where}: 'tags' must be a list")
    translation_of = meta.get("translation_of")
    if translation_of is not None and translation_of not in LANGUAGES:
        raise ContentError(f"{where}: 'translation_of' must name the original's language")
    if not body.strip():
        raise ContentError(f"{where}: the guide has no text")
    sources, checked = _sources_and_checked(meta, where)
    return GuideSource(
        slug=required("id"),
        language=language,
        title=required("title"),
        summary=str(meta.get("summary") or "").strip(),
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
            source = parse_guide(path.read_text(encoding="utf-8"), where=str(path), path=path)
            if source.language != language:
                raise ContentError(f"{path}: declares language '{source.language}' but lives in '{language}/'")
            key = (source.slug, source.language)
            if key in seen:
                raise ContentError(f"{path}: the id '{source.slug}' is already used by {seen[key]}")
            seen[key] = path
            sources.append(source)
    return sources


def bundle_fingerprint(guides_dir: Path) -> str:
    """A cheap digest of the bundled files, so start-up skips the import when nothing changed."""
    digest = hashlib.sha256()
    for path in sorted(guides_dir.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(guides_dir)).encode("utf-8"))
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
