"""The library core: import, search, bookmarks, reading state, bundled upgrades."""

from __future__ import annotations

import pytest

from companion.content.importer import import_guides
from companion.content.highlight import START as HIGHLIGHT_START
from companion.library import fts_query
from companion.session import open_data
from tests.companion.helpers import guide


@pytest.fixture
def library(paths):
    data = open_data(paths)
    yield data.library
    data.close()


def load(library, sources):
    with library.sessions() as session:
        report = import_guides(session, sources)
        session.commit()
    return report


def test_search_is_accent_and_case_insensitive(library):
    load(library, [
        guide("interop", "fr", title="L'intégration des systèmes", body="Une INTÉGRATION réussie avec FHIR."),
        guide("other", "en", title="Hosting", body="Servers and backups."),
    ])
    hits = library.search("integration")
    assert [hit.slug for hit in hits] == ["interop"]
    assert HIGHLIGHT_START in hits[0].title and "intégration" in hits[0].title.lower()
    assert library.search("INTEGRAT")[0].slug == "interop"  # prefix while typing


def test_search_ranks_title_matches_first_and_filters(library):
    load(library, [
        guide("body-only", body="Claims review " * 3 + "then the scheme pays the facility.", category="pilot"),
        guide("title-match", title="Claims review step by step", body="How reviewers work.", category="training"),
        guide("title-match", "fr", title="Vérification des prestations", body="Claims review en français.",
              category="training", translation_of="en"),
    ])
    ranked = [hit.slug for hit in library.search("claims review", language="en")]
    assert ranked == ["title-match", "body-only"]
    assert [h.slug for h in library.search("claims", category="pilot")] == ["body-only"]
    assert {h.language for h in library.search("claims", language="fr")} == {"fr"}


@pytest.mark.parametrize("typed", ['"', "AND OR NOT", "NEAR(a b)", "col:value", "*", "a' OR 1=1 --", "   "])
def test_search_never_fails_on_odd_input(library, typed):
    load(library, [guide("a", body="and or not near value")])
    library.search(typed)  # must not raise
    assert fts_query("   ") is None


def test_library_lists_one_entry_per_guide_in_the_ui_language(library):
    load(library, [
        guide("both", "en", title="Both EN"), guide("both", "fr", title="Both FR", translation_of="en"),
        guide("english-only", "en", title="English only"),
    ])
    french = {g.slug: g.language for g in library.guides("onboarding", "fr")}
    assert french == {"both": "fr", "english-only": "en"}
    assert [g.slug for g in library.guides("onboarding", "fr", language_filter="fr")] == ["both"]
    assert library.category_counts()["onboarding"] == 2


def test_translation_states(library):
    load(library, [
        guide("g", "en", revision=3), guide("g", "fr", translation_of="en", source_revision=2),
        guide("h", "en", revision=1), guide("h", "fr", translation_of="en", source_revision=1),
        guide("solo", "en"),
    ])
    assert library.open_guide("g", "fr").translation.outdated is True
    assert library.open_guide("g", "en").translation.outdated is False
    assert library.open_guide("h", "fr").translation.outdated is False
    missing = library.open_guide("solo", "fr")
    assert missing.language == "en" and missing.translation.requested_missing == "fr"
    assert library.open_guide("nope", "en") is None


def test_bookmarks_positions_and_continue_reading(library):
    load(library, [guide("a", title="Alpha"), guide("b", title="Beta")])
    library.set_bookmark("a", True)
    library.set_bookmark("a", True)  # twice is still one bookmark
    assert library.bookmarks("en") == [("a", "Alpha")]
    library.mark_opened("a", "en")
    library.save_position("a", "en", 0.4)
    library.mark_opened("b", "en")
    library.save_position("b", "en", 1.0)  # finished
    assert library.open_guide("a", "en").position == pytest.approx(0.4)
    assert library.continue_reading().slug == "a"
    assert [entry.slug for entry in library.recently_opened()] == ["b", "a"]
    library.set_bookmark("a", False)
    assert library.bookmarks("en") == []


def test_new_release_updates_bundled_guides_and_keeps_what_the_user_made(library):
    load(library, [guide("keep", body="Version one text."), guide("gone", body="Old guide.")])
    library.set_bookmark("keep", True)
    library.save_position("keep", "en", 0.5)
    with library.sessions() as session:  # a guide the user wrote themselves
        mine = guide("mine", body="My own notes on the pilot.")
        import_guides(session, [mine], remove_missing=False)
        from companion.records import allow_writes
        from companion.storage.models import Guide
        with allow_writes():  # a local row of another origin, as a guide the user wrote would be
            session.query(Guide).filter_by(slug="mine").update({"origin": "user"})
            session.commit()

    report = load(library, [guide("keep", body="Version two text.", revision=2), guide("new", body="Brand new.")])
    assert (report.added, report.updated, report.removed, report.kept_user_owned) == (1, 1, 1, 0)
    assert "Version two" in library.open_guide("keep", "en").html
    assert library.search("version two")[0].slug == "keep"  # the index followed the update
    assert not library.search("version one")
    assert library.open_guide("gone", "en") is None
    assert library.open_guide("mine", "en") is not None  # never removed by a release
    assert library.is_bookmarked("keep") and library.open_guide("keep", "en").position == pytest.approx(0.5)

    report = load(library, [guide("keep", body="An older text.", revision=1)])
    assert "Version two" in library.open_guide("keep", "en").html  # never downgraded


def test_settings_round_trip(library):
    assert library.setting("language") is None
    library.set_setting("language", "fr")
    assert library.setting("language") == "fr"


def test_highlights_ignore_case_and_accents_and_treat_the_last_word_as_a_prefix():
    from companion.content.highlight import END, START, extract, mark, word_pattern

    pattern = word_pattern(["etablissement", "sant"])
    marked = mark("Un Établissement de SANTÉ, des établissements.", pattern)
    assert marked == f"Un {START}Établissement{END} de {START}SANTÉ{END}, des établissements."
    text = "word " * 200 + "la santé publique " + "word " * 200
    snippet = extract(text, pattern)
    assert snippet.startswith("…") and snippet.endswith("…") and f"{START}santé{END}" in snippet
    assert len(snippet) < 260
    assert extract("nothing here", pattern) is None
