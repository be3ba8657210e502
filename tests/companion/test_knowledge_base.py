"""The knowledge base (the "topics" guides): one guide per topic the community asked about, in English
and French, sourced and dated, with working links and diagrams, the glossary's French terms, and
findable by search in both languages once imported."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import pytest
from babel.dates import format_date

from companion.config import guides_dir, training_dir
from companion.content.categories import TOPICS
from companion.content.loader import ContentError, load_guide_sources, parse_guide
from companion.content.render import render_markdown
from companion.session import import_bundled_content, open_data

# The community's list (issue 14): what it asked to learn about → the guide that answers.
COMMUNITY_TOPICS = {
    "customisation": "customising-openimis",
    "system integrations": "integrations",
    "system scalability": "scaling-up",
    "reduction of fraud": "reducing-fraud",
    "how the system can operate faster, what causes slowness": "speed-and-slowness",
    "following up on the payment of bills": "following-up-bill-payments",
    "the reports openIMIS can produce": "openimis-reports",
    "how capitation payment works": "capitation-payment",
    "data analytics, BI and AI in claim processing": "analytics-bi-and-ai",
    "social protection": "social-protection",
    "universal health coverage": "universal-health-coverage",
    "how data travels from the health facility to the national level": "data-flow-facility-to-national",
    "catalytic funding": "catalytic-funding",
    "how a local entity can provide technical support": "local-technical-support",
    "onboarding new implementers": "onboarding-implementers",
    "identifying gaps and addressing them": "identifying-gaps",
}

POLICY_IN_THE_OPENIMIS_SENSE = (r"(?<!open-source )(?<!legal and )(?<!law and )(?<!government's )"
                                r"\bpolic(y|ies)\b(?! ?holders?| framework| on | and compliance|, process)")
# The glossary (resources/guides/*/glossary.md, after the openIMIS French language pack): where the English
# text uses a term, the French text must use its French term. Patterns allow plurals and related forms.
GLOSSARY_TERMS = {
    r"\bclaims?\b": r"prestations?",
    r"\binsurees?\b": r"assurée?s?\b",
    # An openIMIS policy is a "police"; a policy holder is a "souscripteur", and public policy is "politique".
    POLICY_IN_THE_OPENIMIS_SENSE: r"\bpolices?\b",
    r"\bproducts?\b(?! group)": r"paquets? de bénéfices",  # the Product Group is a body of the Initiative
    r"\bhealth facilit(y|ies)\b": r"établissements? de santé",
    r"\benrolment officers?\b": r"agents? d'inscription",
    r"\breview(s|ed|ing|ers?)?\b": r"vérifi",
    r"\bfeedback\b": r"retour d'information",
    r"\bcapitation\b": r"capitation",
    r"\bprice lists?\b": r"listes? de prix",
    r"\bco-payments?\b": r"ticket modérateur",
    r"\bbenefit package\b": r"paquet de bénéfices",
}
# Words with everyday senses too ("the product" for the software, "review the legal framework"): checked in
# the topics guides, written with these terms in mind; the unambiguous terms are checked in every guide.
EVERYDAY_SENSES = {POLICY_IN_THE_OPENIMIS_SENSE, r"\bproducts?\b(?! group)", r"\breview(s|ed|ing|ers?)?\b"}
# Dates in the closing line, in each language's own words ("3 December 2026", "3 décembre 2026").
DATE_LOCALES = {"en": "en_GB", "fr": "fr_FR"}
# French typography: a no-break space (U+00A0), never a plain one, before : ; ? ! and inside « ».
BAD_FRENCH_SPACING = re.compile(r" [:;?!]| »|« ")
URL = re.compile(r"https?://\S+")


@pytest.fixture(scope="module")
def sources():
    return load_guide_sources(guides_dir())


@pytest.fixture(scope="module")
def topics(sources):
    return {(s.slug, s.language): s for s in sources if s.category == TOPICS}


def _prose(markdown: str) -> str:
    """The text a reader sees, without fenced code, inline code or addresses."""
    markdown = re.sub(r"```.*?```", "", markdown, flags=re.S)
    markdown = re.sub(r"`[^`]*`", "", markdown)
    markdown = re.sub(r"\]\([^)]*\)", "]", markdown)
    return URL.sub("", markdown)


def test_every_topic_the_community_asked_for_has_a_guide_in_english_and_french(topics):
    wanted = set(COMMUNITY_TOPICS.values())
    for language in ("en", "fr"):
        assert {slug for slug, lang in topics if lang == language} == wanted, language
    for slug in wanted:
        french = topics[(slug, "fr")]
        assert french.translation_of == "en" and french.source_revision == topics[(slug, "en")].revision


def test_front_matter_is_complete_sourced_and_dated(topics):
    for (slug, language), guide in topics.items():
        where = f"{language}/{slug}"
        assert guide.title and len(guide.summary) >= 60 and len(guide.tags) >= 3, where
        assert guide.sources, f"{where} lists no sources"
        assert guide.checked is not None, f"{where} has no 'checked' date"
        for source in guide.sources:
            assert URL.search(source), f"{where}: source without an address: {source!r}"
        # The French guide rests on the same facts as the English one.
        assert guide.sources == topics[(slug, "en")].sources, where
        assert guide.checked == topics[(slug, "en")].checked, where


def test_each_guide_ends_with_its_sources_and_the_date_they_were_checked(topics):
    for (slug, language), guide in topics.items():
        where = f"{language}/{slug}"
        heading = guide.body_markdown.rfind("\n## Sources")
        assert heading > 0, f"{where} has no closing Sources section"
        closing = guide.body_markdown[heading:]
        for source in guide.sources:
            assert URL.search(source).group(0) in closing, f"{where}: {source!r} is not cited in the text"
        checked = format_date(guide.checked, format="long", locale=DATE_LOCALES[language])
        assert checked in closing, f"{where}: the text does not say the facts were checked on {checked}"


def test_every_link_and_image_resolves_in_guides_and_lessons(sources):
    slugs = {s.slug for s in sources}
    guide_images = {p.name for p in (guides_dir() / "images").iterdir()}
    lesson_images = guide_images | {p.name for p in (training_dir() / "images").iterdir()}
    lessons = sorted(training_dir().glob("*/*/*.md"))
    texts = [(f"{s.language}/{s.slug}", s.body_markdown, s.language, guide_images) for s in sources]
    texts += [(f"lesson {p.relative_to(training_dir())}", p.read_text(encoding="utf-8"), p.parts[-3], lesson_images)
              for p in lessons]
    for where, markdown, language, images in texts:
        rendered = render_markdown(markdown)
        for target in re.findall(r'href="guide:([^"#]+)', rendered.html):
            assert target in slugs, f"{where} links to a guide that does not exist: {target}"
        for target, anchor in re.findall(r'href="guide:([^"#]+)#([^"]+)"', rendered.html):
            linked = next(s for s in sources if s.slug == target and s.language == language)
            anchors = {entry.anchor for entry in render_markdown(linked.body_markdown).toc}
            assert anchor in anchors, f"{where} links to a missing section {target}#{anchor}"
        for image in re.findall(r'src="image:([^"]+)"', rendered.html):
            assert image in images, f"{where} shows a missing image {image}"


def test_french_guides_show_the_french_diagrams(topics):
    for (slug, language), guide in topics.items():
        for image in re.findall(r"!\[[^\]]*\]\(images/([^)]+)\)", guide.body_markdown):
            assert image.endswith("-fr.svg") == (language == "fr"), f"{language}/{slug} shows {image}"


def test_diagrams_are_self_contained_translatable_svg():
    svg = "{http://www.w3.org/2000/svg}"
    for name in ("data-flow-facility-to-national", "capitation-payment", "claim-review-controls",
                 "integration-landscape"):
        for suffix in ("", "-fr"):
            path = guides_dir() / "images" / f"{name}{suffix}.svg"
            text = path.read_text(encoding="utf-8")
            assert "<script" not in text and "href=\"http" not in text and "xlink:href" not in text, path.name
            root = ElementTree.fromstring(text)
            words = [t.text for t in root.iter(f"{svg}text") if t.text and t.text.strip()]
            assert len(words) >= 10, f"{path.name}: its words must be real <text>, so they can be translated"
            assert root.find(f"{svg}title") is not None and root.find(f"{svg}desc") is not None, path.name
        english = (guides_dir() / "images" / f"{name}.svg").read_text(encoding="utf-8")
        french = (guides_dir() / "images" / f"{name}-fr.svg").read_text(encoding="utf-8")
        assert english != french


def test_french_uses_the_glossary_terms_where_english_uses_the_english_ones(sources):
    by_key = {(s.slug, s.language): s for s in sources}
    for (slug, language), english in by_key.items():
        french = by_key.get((slug, "fr"))
        if language != "en" or french is None or slug == "glossary":
            continue
        english_text, french_text = (re.sub(r"\s+", " ", _prose(g.body_markdown)).lower() for g in (english, french))
        for english_term, french_term in GLOSSARY_TERMS.items():
            if english_term in EVERYDAY_SENSES and english.category != TOPICS:
                continue
            if re.search(english_term, english_text):
                assert re.search(french_term, french_text), \
                    f"fr/{slug}: the English says {english_term!r} but the French never uses {french_term!r}"


def test_french_typography_in_the_topics(topics):
    for (slug, language), guide in topics.items():
        if language != "fr":
            continue
        text = _prose(guide.title + "\n" + guide.summary + "\n" + guide.body_markdown)
        for line in text.splitlines():
            assert not BAD_FRENCH_SPACING.search(line), f"fr/{slug}: plain space in French punctuation: {line!r}"
            assert not re.search(r"\d [0-9]{3}\b", line), f"fr/{slug}: thousands need U+202F: {line!r}"


@pytest.mark.parametrize("english, french, slug", [
    ("capitation", "capitation", "capitation-payment"),
    ("fraud", "fraude", "reducing-fraud"),
    ("slowness", "lenteur", "speed-and-slowness"),
    ("FHIR", "FHIR", "integrations"),
    ("DHIS2", "DHIS2", "integrations"),
    ("payment of bills", "paiement des factures", "following-up-bill-payments"),
])
def test_search_finds_each_topic_in_both_languages(imported_library, english, french, slug):
    for query, language in ((english, "en"), (french, "fr")):
        hits = imported_library.search(query, language=language, limit=5)
        assert slug in [hit.slug for hit in hits], f"searching {query!r} in {language} does not find {slug}"
    # Accent-insensitive, as users type on any keyboard.
    assert slug in [hit.slug for hit in imported_library.search(french.replace("é", "e"), language="fr", limit=5)]


@pytest.fixture(scope="module")
def imported_library(tmp_path_factory):
    from companion.config import Paths
    data = open_data(Paths(tmp_path_factory.mktemp("kb") / "data").ensure())
    import_bundled_content(data.library)
    yield data.library
    data.close()


def test_topics_category_lists_the_sixteen_guides_once_each_in_the_readers_language(imported_library, topics):
    in_order = [slug for _, slug in sorted((g.order, g.slug) for (slug, lang), g in topics.items() if lang == "en")]
    for language in ("en", "fr"):
        guides = imported_library.guides(TOPICS, language)
        assert [g.slug for g in guides] == in_order
        assert {g.language for g in guides} == {language}


@pytest.mark.parametrize("front_matter, problem", [
    ("sources: openIMIS wiki", "'sources' must be a list"),
    ("sources: ['']", "'sources' must be a list"),
    ("sources: [a]\nchecked: 3/12/2026", "'checked' must be a date"),
    ("sources: [a]\nchecked: 2999-01-01", "in the future"),
    ("sources: [a]", "needs the date"),
])
def test_bad_sources_or_dates_are_refused_with_the_file_named(front_matter, problem):
    text = f"---\nid: a\nlanguage: en\ntitle: T\ncategory: topics\n{front_matter}\n---\nBody"
    with pytest.raises(ContentError, match=re.escape(problem)) as error:
        parse_guide(text, where="en/broken-topic.md")
    assert "en/broken-topic.md" in str(error.value)
