"""Training core: module files, the import, the store's rules, quiz scoring and summary figures."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from companion.content.loader import ContentError
from companion.session import import_bundled_content, open_data
from companion.storage.models import Guide
from companion.training.content import load_module, load_modules
from companion.training.importer import import_modules
from companion.training.results import earns_certificate, percent, score_answers, summarise
from companion.training.slides import split_slides
from companion.training.store import TrainingError, TrainingStore

LESSON = textwrap.dedent("""\
    ---
    id: {key}
    title: {title}
    summary: A lesson to test with.
    minutes: 20
    revision: 1
    ---
    ## First slide of {title}

    - a point about claims

    ???
    Say hello. Ask the room a question.

    ---

    ## Second slide

    ```
    --- this rule is code, not a slide break
    ```

    ???
    Notes of the second slide.
    """)


def write_module(root: Path, language: str = "en", slug: str = "demo", revision: int = 1, title: str = "Demo module",
                 lessons=("one", "two"), questions: int = 4) -> Path:
    folder = root / language / slug
    folder.mkdir(parents=True, exist_ok=True)
    quiz = "\n".join(
        f"    - id: q{n}\n      question: Question {n}?\n      choices: [A, B, C]\n      answer: {n % 3 + 1}\n"
        f"      explanation: Because {n}." for n in range(1, questions + 1))
    (folder / "module.yaml").write_text(
        f"id: {slug}\nlanguage: {language}\nrevision: {revision}\norder: 10\ntitle: {title}\n"
        f"summary: For tests.\naudience: Testers\nlessons: [{', '.join(lessons)}]\n"
        f"quiz:\n  pass_mark: 75\n  questions:\n{quiz}\n", encoding="utf-8")
    for key in lessons:
        (folder / f"{key}.md").write_text(LESSON.format(key=key, title=f"Lesson {key}"), encoding="utf-8")
    return folder


@pytest.fixture
def store(paths, tmp_path):
    data = open_data(paths)
    write_module(tmp_path / "training")
    with data.library.sessions() as session:
        import_modules(session, load_modules(tmp_path / "training"))
        session.commit()
    yield TrainingStore(data.library.engine)
    data.close()


def test_slides_and_notes_are_split_and_code_fences_are_respected():
    slides = split_slides(LESSON.format(key="x", title="X").split("---\n", 2)[2])
    assert [s.title for s in slides] == ["First slide of X", "Second slide"]
    assert slides[0].notes_markdown == "Say hello. Ask the room a question."
    assert "--- this rule is code" in slides[1].body_markdown


def test_bad_module_files_are_refused_with_the_file_named(tmp_path):
    folder = write_module(tmp_path, questions=2)
    (folder / "two.md").unlink()
    with pytest.raises(ContentError, match="two"):
        load_module(folder)
    folder = write_module(tmp_path / "b")
    text = (folder / "module.yaml").read_text().replace("answer: 2", "answer: 9")
    (folder / "module.yaml").write_text(text)
    with pytest.raises(ContentError, match="answer"):
        load_module(folder)


def test_the_bundled_modules_load_in_both_languages_with_matching_ids():
    from companion.config import training_dir

    modules = load_modules(training_dir())
    by_language = {lang: {m.slug: m for m in modules if m.language == lang} for lang in ("en", "fr")}
    assert len(by_language["en"]) >= 3
    assert by_language["en"].keys() == by_language["fr"].keys()
    for slug, english in by_language["en"].items():
        french = by_language["fr"][slug]
        assert 3 <= len(english.lessons) <= 6
        assert [lesson.key for lesson in english.lessons] == [lesson.key for lesson in french.lessons]
        assert 5 <= len(english.questions) <= 10
        assert [(q.key, q.answer) for q in english.questions] == [(q.key, q.answer) for q in french.questions]
        assert all(q.explanation for q in english.questions + french.questions)
        assert french.translation_of == "en"
        for lesson in english.lessons + french.lessons:
            assert len(lesson.slides) >= 3 and all(slide.notes_markdown for slide in lesson.slides[:2])


def test_lessons_are_searchable_and_readable_like_guides(paths):
    data = open_data(paths)
    import_bundled_content(data.library)
    hits = data.library.search("contributions", category="lesson", language="fr")
    assert hits and all(hit.slug.startswith("lesson/") and hit.language == "fr" for hit in hits)
    view = data.library.open_guide(hits[0].slug, "fr")
    assert "Notes de présentation" in view.html
    data.close()


def test_import_updates_bundled_modules_but_never_a_custom_copy(store, tmp_path):
    module = store.module_by_slug("demo", "en")
    copy_id = store.copy_module(module.id, "My demo")
    store.update_lesson(store.lessons(copy_id)[0].id, title="My own first lesson")
    write_module(tmp_path / "training", revision=2, title="Demo module, second edition", lessons=("one",))
    with store.sessions() as session:
        import_modules(session, load_modules(tmp_path / "training"))
        session.commit()
    assert store.module(module.id).title == "Demo module, second edition"
    assert [lesson.key for lesson in store.lessons(module.id)] == ["one"]
    assert [lesson.title for lesson in store.lessons(copy_id)] == ["My own first lesson", "Lesson two"]
    assert store.module(copy_id).based_on == "demo"
    with store.sessions() as session:  # the copy's lessons are in the reader too
        slugs = set(session.scalars(select(Guide.slug).where(Guide.category == "lesson")))
    assert f"lesson/{store.module(copy_id).slug}/two" in slugs and "lesson/demo/two" not in slugs


def test_bundled_modules_are_read_only(store):
    module = store.module_by_slug("demo", "en")
    with pytest.raises(TrainingError) as error:
        store.update_module(module.id, title="Changed")
    assert error.value.key == "read_only_module"
    with pytest.raises(TrainingError):
        store.add_lesson(module.id, "Extra")


def test_custom_module_editing_rules(store):
    module_id = store.create_module("fr", "Formation des agents")
    lesson_id = store.add_lesson(module_id, "Accueil")
    second = store.add_lesson(module_id, "Suite")
    assert store.move_lesson(second, -1) and [l.title for l in store.lessons(module_id)] == ["Suite", "Accueil"]
    assert not store.move_lesson(second, -1)
    with pytest.raises(TrainingError) as error:
        store.update_lesson(lesson_id, title="  ")
    assert error.value.key == "title_required"
    with pytest.raises(TrainingError) as error:
        store.add_question(module_id, "Qui ?", ["Un"], 1)
    assert error.value.key == "bad_choices"
    with pytest.raises(TrainingError) as error:
        store.add_question(module_id, "Qui ?", ["Un", "Deux"], 3)
    assert error.value.key == "bad_answer"
    question = store.add_question(module_id, "Qui ?", ["Un", "Deux"], 2, "Parce que.")
    assert store.update_question(question, answer=1) == {"answer": 2}
    store.set_lesson_deleted(lesson_id, True)
    assert [l.title for l in store.lessons(module_id)] == ["Suite"]
    store.set_lesson_deleted(lesson_id, False)
    assert len(store.lessons(module_id)) == 2


def test_session_register_attendance_scores_and_bad_input(store):
    module = store.module_by_slug("demo", "en")
    session_id = store.create_session(module.id, dt.date(2026, 12, 7), days=2, place="Dodoma", trainer="Asha")
    info = store.training_session(session_id)
    assert (info.quiz_size, info.pass_mark, info.end_date) == (4, 75, dt.date(2026, 12, 8))
    person = store.add_participant(session_id, "Neema Mushi", "CHF Dodoma", "Enrolment officer", "female",
                                   consent=True)
    for bad, key in (({"name": ""}, "name_required"), ({"sex": "x"}, "bad_sex"), ({"pre_score": 5}, "bad_score"),
                     ({"rating": 6}, "bad_rating"), ({"post_score": -1}, "bad_score")):
        with pytest.raises(TrainingError) as error:
            store.update_participant(person, **bad)
        assert error.value.key == key
    assert store.update_participant(person, pre_score=2, post_score=4) == {"pre_score": None, "post_score": None}
    assert store.set_attendance(person, 1, True) is False
    with pytest.raises(TrainingError):
        store.set_attendance(person, 2, True)  # the session has two days
    row = store.participants(session_id)[0]
    assert row.present == (False, True) and row.pre_score == 2
    with pytest.raises(TrainingError) as error:
        store.update_session(session_id, quiz_size=3)
    assert error.value.key == "quiz_size_below_scores"
    store.set_participant_deleted(person, True)
    assert store.participants(session_id) == [] and store.training_session(session_id).participants == 0


def test_quiz_scoring_against_a_hand_worked_case(store):
    questions = store.questions(store.module_by_slug("demo", "en").id)
    assert [q.answer for q in questions] == [2, 3, 1, 2]
    assert score_answers([2, 3, 1, 2], questions) == 4
    assert score_answers([2, 1, 0, 2], questions) == 2  # one wrong, one unanswered
    assert percent(3, 4) == 75.0 and percent(None, 4) is None and percent(1, 0) is None


def test_session_summary_against_hand_worked_figures(store):
    module = store.module_by_slug("demo", "en")
    session_id = store.create_session(module.id, dt.date(2026, 12, 7), days=2)
    people = {
        # name: (sex, present day 1, day 2, pre, post, rating)
        "Amina": ("female", True, True, 1, 4, 5),   # 25% → 100%: +75, passes, certificate
        "Boubacar": ("male", True, False, 2, 3, 4),  # 50% → 75%: +25, passes, absent day 2: no certificate
        "Chantal": ("female", True, True, 2, 2, 3),  # 50% → 50%: 0, fails
        "Dawit": ("male", False, False, None, None, None),
    }
    for name, (sex, day1, day2, pre, post, rating) in people.items():
        pid = store.add_participant(session_id, name, sex=sex)
        store.set_attendance(pid, 0, day1)
        store.set_attendance(pid, 1, day2)
        store.update_participant(pid, pre_score=pre, post_score=post, rating=rating,
                                 comment="Clear examples" if name == "Amina" else "")
    info = store.training_session(session_id)
    rows = store.participants(session_id)
    summary = summarise(info, rows)
    assert summary.participants == 4 and (summary.women, summary.men) == (2, 2)
    assert summary.present_per_day == (3, 2)
    assert summary.attendance_rate == pytest.approx(5 / 8)
    assert summary.attended_every_day == 2
    assert summary.pre_average == pytest.approx((25 + 50 + 50) / 3)
    assert summary.post_average == pytest.approx((100 + 75 + 50) / 3)
    assert summary.average_gain == pytest.approx((75 + 25 + 0) / 3)
    assert summary.passed == 2 and summary.certificates == 1
    assert summary.rating_average == pytest.approx(4.0) and summary.ratings == (0, 0, 1, 1, 1)
    assert summary.comments == (("Amina", 5, "Clear examples"),)
    assert [earns_certificate(row, info, summary.days_held) for row in rows] == [True, False, False, False]


def test_a_running_session_counts_only_the_days_held_so_far(store):
    """Day 2 of a three-day session: day 3 is still to come, so nobody is absent on it yet (it used to
    count as an absence: 64 % attendance and no certificate for people present every day so far)."""
    module = store.module_by_slug("demo", "en")
    start = dt.date(2027, 3, 1)
    session_id = store.create_session(module.id, start, days=3)
    people = {"Amina": (True, True), "Boubacar": (True, False), "Chantal": (True, True)}  # days 1 and 2
    for name, days in people.items():
        person = store.add_participant(session_id, name)
        for day, present in enumerate(days):
            store.set_attendance(person, day, present)
        store.update_participant(person, post_score=4)
    info = store.training_session(session_id)
    rows = store.participants(session_id)

    running = summarise(info, rows, today=start + dt.timedelta(days=1))
    assert running.days_held == 2 and running.present_per_day == (3, 2)
    assert running.attendance_rate == pytest.approx(5 / 6)
    assert running.attended_every_day == 2 and running.certificates == 2
    assert [earns_certificate(row, info, running.days_held) for row in rows] == [True, False, True]

    # Once the last day is over, a day nobody was marked on is an absence for everyone.
    over = summarise(info, rows, today=start + dt.timedelta(days=5))
    assert over.days_held == 3 and over.present_per_day == (3, 2, 0)
    assert over.attendance_rate == pytest.approx(5 / 9)
    assert over.attended_every_day == 0 and over.certificates == 0

    # Before the first day nothing counts: no rate, nobody present every day.
    store.set_attendance(rows[0].id, 0, False)
    store.set_attendance(rows[0].id, 1, False)
    for row in rows[1:]:
        store.set_attendance(row.id, 0, False)
        store.set_attendance(row.id, 1, False)
    before = summarise(info, store.participants(session_id), today=start - dt.timedelta(days=1))
    assert before.days_held == 0 and before.present_per_day == () and before.attendance_rate is None
    assert before.attended_every_day == 0 and before.certificates == 0


def test_a_day_with_presence_recorded_counts_even_if_its_date_is_ahead(store):
    """The register was taken, so the day was held (the session's dates were typed wrong): its marks count,
    and the days before it too."""
    module = store.module_by_slug("demo", "en")
    start = dt.date(2027, 3, 1)
    session_id = store.create_session(module.id, start, days=3)
    here = store.add_participant(session_id, "Here")
    store.add_participant(session_id, "Away")
    store.set_attendance(here, 0, True)
    store.set_attendance(here, 1, True)
    summary = summarise(store.training_session(session_id), store.participants(session_id),
                        today=start - dt.timedelta(days=10))
    assert summary.days_held == 2 and summary.present_per_day == (1, 1)
    assert summary.attendance_rate == pytest.approx(2 / 4) and summary.attended_every_day == 1


def test_quiz_size_cannot_drop_below_a_score_even_when_the_other_is_missing(store):
    module = store.module_by_slug("demo", "en")
    session_id = store.create_session(module.id, dt.date(2026, 12, 7))
    person = store.add_participant(session_id, "Awa")
    store.update_participant(person, pre_score=4)  # no post-quiz yet
    with pytest.raises(TrainingError) as error:
        store.update_session(session_id, quiz_size=3)
    assert error.value.key == "quiz_size_below_scores"
    store.update_session(session_id, quiz_size=4)
    assert store.training_session(session_id).quiz_size == 4


def test_a_session_keeps_the_quiz_it_started_with(store):
    original = store.module_by_slug("demo", "en")
    copy_id = store.copy_module(original.id, "Our demo")
    session_id = store.create_session(copy_id, dt.date(2026, 12, 7))
    assert [q.key for q in store.session_questions(session_id)] == ["q1", "q2", "q3", "q4"]
    first = store.questions(copy_id)[0]
    store.update_question(first.id, answer=1 if first.answer != 1 else 2)  # the right answer changed
    assert store.session_questions(session_id) is None  # scores are typed in from paper now


def test_without_a_quiz_presence_alone_earns_the_certificate(store):
    module_id = store.create_module("en", "Workshop without a quiz")
    session_id = store.create_session(module_id, dt.date(2026, 12, 7), days=2)
    for name, days in (("Present both days", (True, True)), ("Missed one", (True, False))):
        person = store.add_participant(session_id, name)
        for day, present in enumerate(days):
            store.set_attendance(person, day, present)
    info = store.training_session(session_id)
    assert info.quiz_size == 0
    assert [earns_certificate(p, info, 2) for p in store.participants(session_id)] == [True, False]


def test_a_module_that_comes_back_in_a_release_is_shown_again(store, tmp_path):
    import shutil

    root = tmp_path / "training"
    kept = tmp_path / "kept"
    shutil.move(str(root / "en" / "demo"), str(kept))
    with store.sessions() as session:
        import_modules(session, load_modules(root))
        session.commit()
    assert store.module_by_slug("demo", "en") is None
    shutil.move(str(kept), str(root / "en" / "demo"))
    with store.sessions() as session:
        import_modules(session, load_modules(root))
        session.commit()
    assert store.module_by_slug("demo", "en") is not None
