"""Small builders for test content: real Markdown guides parsed by the real loader."""

from __future__ import annotations

from companion.content.loader import GuideSource, parse_guide


def guide(slug: str, language: str = "en", title: str | None = None, body: str = "Some text.",
          category: str = "onboarding", revision: int = 1, translation_of: str | None = None,
          source_revision: int | None = None, summary: str = "", tags: str = "") -> GuideSource:
    lines = ["---", f"id: {slug}", f"language: {language}", f"title: {title or slug.replace('-', ' ').title()}",
             f"category: {category}", f"revision: {revision}", f"summary: {summary or 'About ' + slug}"]
    if tags:
        lines.append(f"tags: [{tags}]")
    if translation_of:
        lines += [f"translation_of: {translation_of}", f"source_revision: {source_revision or 1}"]
    lines += ["---", body]
    return parse_guide("\n".join(lines), where=f"{language}/{slug}.md")
