"""Bundled guides are complete, bilingual and well formed; Markdown is rendered safely."""

from __future__ import annotations

import re

import pytest

from companion.config import guides_dir
from companion.content.categories import CATEGORY_KEYS
from companion.content.loader import ContentError, load_guide_sources, parse_guide
from companion.content.render import render_markdown

WELCOME_PACKAGE = {"start-here", "what-is-openimis", "how-openimis-is-built", "openimis-initiative",
                   "communities-of-practice", "getting-help", "implementation-journey", "feasibility-study",
                   "glossary"}


@pytest.fixture(scope="module")
def sources():
    return load_guide_sources(guides_dir())


def test_every_guide_ships_in_english_and_french(sources):
    by_language = {lang: {s.slug for s in sources if s.language == lang} for lang in ("en", "fr")}
    assert WELCOME_PACKAGE <= by_language["en"]
    assert by_language["en"] == by_language["fr"]
    assert {s.category for s in sources} == set(CATEGORY_KEYS)


def test_translations_name_their_original(sources):
    revisions = {s.slug: s.revision for s in sources if s.language == "en"}
    for source in sources:
        if source.language == "fr":
            assert source.translation_of == "en", source.slug
            assert source.source_revision == revisions[source.slug], f"{source.slug}: translation is behind"


def test_guides_are_real_pages(sources):
    for source in sources:
        words = render_markdown(source.body_markdown).word_count
        assert 350 <= words <= 2200, f"{source.language}/{source.slug}: {words} words"
        assert "lorem" not in source.body_markdown.lower() and "TODO" not in source.body_markdown


def test_links_and_images_resolve(sources):
    slugs = {s.slug for s in sources}
    images = {p.name for p in (guides_dir() / "images").iterdir()}
    for source in sources:
        rendered = render_markdown(source.body_markdown)
        for target in re.findall(r'href="guide:([^"#]+)', rendered.html):
            assert target in slugs, f"{source.language}/{source.slug} links to missing guide {target}"
        for image in re.findall(r'src="image:([^"]+)"', rendered.html):
            assert image in images, f"{source.language}/{source.slug} shows missing image {image}"
        anchors = {entry.anchor for entry in rendered.toc}
        for anchor in re.findall(r'href="#([^"]+)"', rendered.html):
            assert anchor in anchors or f'id="{anchor}"' in rendered.html, f"{source.slug}: #{anchor} missing"


def test_sanitiser_removes_what_is_unsafe():
    rendered = render_markdown(
        "Hi <script>alert(1)</script> [x](javascript:alert(2)) [f](file:///etc/passwd) "
        "<img src=x onerror=alert(3)> ![remote](https://example.org/track.png) "
        "<iframe src='https://example.org'></iframe>\n\n## Étape deux\n\n[next](feasibility-study.md#step-2)"
    )
    html = rendered.html
    for forbidden in ("<script", "javascript:", "file:", "onerror", "<iframe", 'src="https'):
        assert forbidden not in html
    assert '<a href="https://example.org/track.png">remote</a>' in html  # shown as a link, never fetched
    assert 'href="guide:feasibility-study#step-2"' in html
    assert '<h2 id="etape-deux">' in html and "<a name" not in html and rendered.toc[0].title == "Étape deux"


@pytest.mark.parametrize("text, problem", [
    ("no front matter", "must start"),
    ("---\nid: a\n", "not closed"),
    ("---\nid: a\nlanguage: de\ntitle: T\ncategory: pilot\n---\nBody", "unsupported language"),
    ("---\nid: a\nlanguage: en\ntitle: T\ncategory: cooking\n---\nBody", "unknown category"),
    ("---\nlanguage: en\ntitle: T\ncategory: pilot\n---\nBody", "'id' is missing"),
    ("---\nid: a\nlanguage: en\ntitle: T\ncategory: pilot\nrevision: two\n---\nBody", "whole number"),
    ("---\nid: [a\n---\nBody", "not valid YAML"),
])
def test_bad_content_files_are_named_and_explained(text, problem):
    with pytest.raises(ContentError, match=re.escape(problem)) as error:
        parse_guide(text, where="fr/broken.md")
    assert "fr/broken.md" in str(error.value)
