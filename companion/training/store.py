"""Training in the local database: the operations the training screens ask for.

Each operation is one transaction through the record writer (companion/records), so every edit
is saved the moment it is made, stamped for sync and undoable (``Records.capture``); deleting
leaves a tombstone that syncs and can be undone. Bundled modules are read-only: a
trainer adapts one by copying it (the original stays intact and keeps receiving updates).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from companion.records import RecordMissing, Writer, derived_id, records_for
from companion.storage.training_models import (TrainingAttendance, TrainingLesson, TrainingModule,
                                               TrainingParticipant, TrainingQuestion, TrainingSession)
from companion.training.common import BUNDLED, CUSTOM, MAX_CHOICES, MIN_CHOICES, lesson_guide_slug
from companion.training.slides import Slide, split_slides

SEXES = ("", "female", "male")
MAX_DAYS = 14
MODULE_FIELDS = {"title", "summary", "audience", "duration_minutes", "pass_mark"}
LESSON_FIELDS = {"title", "summary", "minutes", "body_markdown"}
QUESTION_FIELDS = {"question", "choices", "answer", "explanation"}
SESSION_FIELDS = {"start_date", "days", "place", "trainer", "pass_mark", "quiz_size", "notes"}
PARTICIPANT_FIELDS = {"name", "organisation", "role", "sex", "contact", "consent", "pre_score", "post_score",
                      "pre_answers", "post_answers", "rating", "comment"}
MAX_LESSON_MARKDOWN = 200_000  # a lesson's slides and notes
LIMITS = {"title": 300, "audience": 300, "place": 300, "trainer": 300, "name": 200, "organisation": 200,
          "role": 200, "contact": 200}


def mirror_lesson(session, module, lesson) -> None:
    # Rendering Markdown is needed only when a lesson changes: imported here, not at start-up.
    from companion.training.importer import mirror_lesson as mirror

    mirror(session, module, lesson)


def remove_lesson_guides(session, module) -> None:
    from companion.training.importer import remove_lesson_guides as remove

    remove(session, module)


class TrainingError(ValueError):
    """A request the data cannot honour; ``key`` names it for the UI's translated message."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(detail or key)
        self.key = key


@dataclass(frozen=True)
class ModuleSummary:
    id: str
    slug: str
    language: str
    origin: str
    based_on: str | None
    title: str
    summary: str
    audience: str
    duration_minutes: int
    pass_mark: int
    lessons: int
    questions: int

    @property
    def editable(self) -> bool:
        return self.origin == CUSTOM


@dataclass(frozen=True)
class LessonRow:
    id: str
    key: str
    position: int
    title: str
    summary: str
    minutes: int
    body_markdown: str
    guide_slug: str
    language: str

    @property
    def slides(self) -> list[Slide]:
        return split_slides(self.body_markdown)


@dataclass(frozen=True)
class QuestionRow:
    id: str
    key: str
    position: int
    question: str
    choices: tuple[str, ...]
    answer: int
    explanation: str


@dataclass(frozen=True)
class SessionInfo:
    id: str
    module_slug: str
    module_title: str
    language: str
    start_date: dt.date
    days: int
    place: str
    trainer: str
    quiz_size: int
    pass_mark: int
    notes: str
    participants: int = 0
    quiz_fingerprint: str = ""
    workspace: str = "local"  # "local": only on this laptop; else the team workspace it is shared in

    @property
    def end_date(self) -> dt.date:
        return self.start_date + dt.timedelta(days=self.days - 1)

    def day_date(self, day: int) -> dt.date:
        return self.start_date + dt.timedelta(days=day)


@dataclass(frozen=True)
class ParticipantRow:
    id: str
    position: int
    name: str
    organisation: str
    role: str
    sex: str
    contact: str
    consent: bool
    pre_score: int | None
    post_score: int | None
    pre_answers: tuple[int, ...] | None
    post_answers: tuple[int, ...] | None
    rating: int | None
    comment: str
    present: tuple[bool, ...]  # one per day of the session


def _module_summary(module: TrainingModule, lessons: int, questions: int) -> ModuleSummary:
    return ModuleSummary(module.id, module.slug, module.language, module.origin, module.based_on, module.title,
                         module.summary, module.audience, module.duration_minutes, module.pass_mark, lessons,
                         questions)


def _question_row(row: TrainingQuestion) -> QuestionRow:
    return QuestionRow(row.id, row.question_key, row.position, row.question, tuple(row.choices or ()), row.answer,
                       row.explanation)


def _session_info(row: TrainingSession, participants: int = 0) -> SessionInfo:
    return SessionInfo(row.id, row.module_slug, row.module_title, row.language, row.start_date, row.days, row.place,
                       row.trainer, row.quiz_size, row.pass_mark, row.notes, participants, row.quiz_fingerprint,
                       row.workspace)


def quiz_fingerprint(questions: list[TrainingQuestion]) -> str:
    """Changes whenever a question, its choices or its right answer change: a session remembers the
    quiz it started with, so a changed quiz is not taken on the laptop as if it were the same."""
    digest = hashlib.sha256()
    for question in questions:
        for part in (question.question_key, question.question, *question.choices, str(question.answer)):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
    return digest.hexdigest()


def _check_text(values: dict, required: tuple[str, ...] = ()) -> dict:
    """Strip texts, refuse empty required ones and over-long ones."""
    clean = dict(values)
    for key, value in values.items():
        if isinstance(value, str):
            clean[key] = value.strip() if key not in ("body_markdown", "notes", "comment") else value
            if key in required and not clean[key]:
                raise TrainingError(f"{key}_required")
            if key in LIMITS and len(clean[key]) > LIMITS[key]:
                raise TrainingError("too_long", key)
    return clean


def _known(values: dict, allowed: set[str]) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise TrainingError("unknown_field", ", ".join(sorted(unknown)))


def _whole(value, key: str, low: int, high: int, optional: bool = False) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise TrainingError(f"bad_{key}", f"{key} must be a whole number from {low} to {high}")
    return value


class TrainingStore:
    def __init__(self, engine: Engine) -> None:
        self.records = records_for(engine)
        self.sessions = self.records.sessions

    def _mirror(self, writer: Writer, module_id: str, lesson_ids=None) -> None:
        """Keep the lessons' rows in the guide table (what the reader and search show) in step:
        a derived, local cache written with the writer's blessing."""
        session = writer.session
        session.expire_all()  # the writer changed rows behind the ORM's back
        module = session.get(TrainingModule, module_id)
        if module is None:
            return
        query = select(TrainingLesson).where(TrainingLesson.module_id == module_id)
        if lesson_ids is not None:
            query = query.where(TrainingLesson.id.in_(list(lesson_ids)))
        with writer.local_rows():
            if module.deleted:
                remove_lesson_guides(session, module)
            else:
                for lesson in session.scalars(query):
                    mirror_lesson(session, module, lesson)
            session.flush()

    # --- modules ------------------------------------------------------------------------------

    def modules(self, language: str | None = None) -> list[ModuleSummary]:
        """Every module (all languages unless one is given), in teaching order."""
        lesson_counts = (select(TrainingLesson.module_id, func.count().label("n"))
                         .where(TrainingLesson.deleted.is_(False)).group_by(TrainingLesson.module_id).subquery())
        question_counts = (select(TrainingQuestion.module_id, func.count().label("n"))
                           .where(TrainingQuestion.deleted.is_(False)).group_by(TrainingQuestion.module_id)
                           .subquery())
        query = (select(TrainingModule, lesson_counts.c.n, question_counts.c.n)
                 .outerjoin(lesson_counts, lesson_counts.c.module_id == TrainingModule.id)
                 .outerjoin(question_counts, question_counts.c.module_id == TrainingModule.id)
                 .where(TrainingModule.deleted.is_(False))
                 .order_by(TrainingModule.origin, TrainingModule.sort_order, TrainingModule.title))
        if language:
            query = query.where(TrainingModule.language == language)
        with self.sessions() as session:
            return [_module_summary(module, lessons or 0, questions or 0)
                    for module, lessons, questions in session.execute(query)]

    def module(self, module_id: str) -> ModuleSummary:
        with self.sessions() as session:
            module = self._live_module(session, module_id)
            return _module_summary(module, len(self._lessons(session, module_id)),
                                   len(self._questions(session, module_id)))

    def module_by_slug(self, slug: str, language: str) -> ModuleSummary | None:
        with self.sessions() as session:
            module_id = session.scalar(select(TrainingModule.id).where(
                TrainingModule.slug == slug, TrainingModule.language == language, TrainingModule.deleted.is_(False))
                .order_by(TrainingModule.origin))
        return self.module(module_id) if module_id else None

    def lessons(self, module_id: str) -> list[LessonRow]:
        with self.sessions() as session:
            module = self._live_module(session, module_id)
            return [self._lesson_row(module, lesson) for lesson in self._lessons(session, module_id)]

    def lesson(self, lesson_id: str) -> LessonRow:
        with self.sessions() as session:
            lesson = session.get(TrainingLesson, lesson_id)
            if lesson is None or lesson.deleted:
                raise TrainingError("unknown_lesson")
            return self._lesson_row(session.get(TrainingModule, lesson.module_id), lesson)

    def lesson_for_guide(self, guide_slug: str, language: str) -> tuple[str, str] | None:
        """(module id, lesson id) of the lesson the reader shows as ``guide_slug``."""
        parts = guide_slug.split("/")
        if len(parts) != 3 or parts[0] != "lesson":
            return None
        with self.sessions() as session:
            row = session.execute(
                select(TrainingModule.id, TrainingLesson.id)
                .join(TrainingLesson, TrainingLesson.module_id == TrainingModule.id)
                .where(TrainingModule.slug == parts[1], TrainingModule.language == language,
                       TrainingModule.deleted.is_(False), TrainingLesson.lesson_key == parts[2],
                       TrainingLesson.deleted.is_(False))).first()
        return (row[0], row[1]) if row else None

    def questions(self, module_id: str) -> list[QuestionRow]:
        with self.sessions() as session:
            self._live_module(session, module_id)
            return [_question_row(row) for row in self._questions(session, module_id)]

    def create_module(self, language: str, title: str, summary: str = "", audience: str = "",
                      first_lesson: str | None = None) -> str:
        """A trainer's own module, with a first lesson of that title when one is given (one transaction)."""
        values = _check_text({"title": title, "summary": summary, "audience": audience}, required=("title",))
        with self.records.transaction() as writer:
            module_id = writer.create("training_module", {
                "slug": f"custom-{uuid.uuid4().hex[:12]}", "language": language, "origin": CUSTOM, "based_on": None,
                "duration_minutes": 60, "pass_mark": 70, "revision": 1, "order": 100, "translation_of": None,
                "source_revision": None, **values})
            if first_lesson:
                key = f"lesson-{uuid.uuid4().hex[:8]}"
                lesson_id = writer.create("training_lesson", {
                    "module_id": module_id, "lesson_key": key, "position": 0, "title": first_lesson, "summary": "",
                    "minutes": 30, "body_markdown": f"## {first_lesson}\n"}, derived_id(module_id, "lesson", key))
                self._mirror(writer, module_id, [lesson_id])
            return module_id

    def copy_module(self, module_id: str, title: str) -> str:
        """A custom copy of any module, with all its lessons and questions; the original is not touched."""
        values = _check_text({"title": title}, required=("title",))
        with self.records.transaction() as writer:
            original = self._live_module(writer.session, module_id)
            copy_id = writer.create("training_module", {
                "slug": f"custom-{uuid.uuid4().hex[:12]}", "language": original.language, "origin": CUSTOM,
                "based_on": original.based_on or original.slug, "title": values["title"], "summary": original.summary,
                "audience": original.audience, "duration_minutes": original.duration_minutes,
                "pass_mark": original.pass_mark, "revision": 1, "order": original.sort_order,
                "translation_of": None, "source_revision": None})
            for lesson in self._lessons(writer.session, module_id):
                writer.create("training_lesson", {
                    "module_id": copy_id, "lesson_key": lesson.lesson_key, "position": lesson.position,
                    "title": lesson.title, "summary": lesson.summary, "minutes": lesson.minutes,
                    "body_markdown": lesson.body_markdown}, derived_id(copy_id, "lesson", lesson.lesson_key))
            for question in self._questions(writer.session, module_id):
                writer.create("training_question", {
                    "module_id": copy_id, "question_key": question.question_key, "position": question.position,
                    "question": question.question, "choices": list(question.choices), "answer": question.answer,
                    "explanation": question.explanation}, derived_id(copy_id, "question", question.question_key))
            self._mirror(writer, copy_id)
            return copy_id

    def update_module(self, module_id: str, **values) -> dict:
        values = _check_text(values, required=("title",))
        _known(values, MODULE_FIELDS)
        if "pass_mark" in values:
            _whole(values["pass_mark"], "pass_mark", 0, 100)
        if "duration_minutes" in values:
            _whole(values["duration_minutes"], "duration_minutes", 1, 10_000)
        with self.records.transaction() as writer:
            self._editable_module(writer.session, module_id)
            previous = writer.update("training_module", module_id, values)
            if "title" in previous:
                self._mirror(writer, module_id)
            return previous

    def set_module_deleted(self, module_id: str, deleted: bool) -> None:
        """Delete (or bring back) a custom module; sessions run with it keep their records."""
        with self.records.transaction() as writer:
            module = writer.session.get(TrainingModule, module_id)
            if module is None or module.origin != CUSTOM:
                raise TrainingError("read_only_module")
            writer.update("training_module", module_id, {"_deleted": bool(deleted)})
            self._mirror(writer, module_id)

    # --- lessons and questions of a custom module -------------------------------------------------

    def add_lesson(self, module_id: str, title: str, body_markdown: str | None = None) -> str:
        values = _check_text({"title": title}, required=("title",))
        with self.records.transaction() as writer:
            module = self._editable_module(writer.session, module_id)
            position = max((lesson.position for lesson in self._lessons(writer.session, module_id)), default=-1) + 1
            key = f"lesson-{uuid.uuid4().hex[:8]}"
            lesson_id = writer.create("training_lesson", {
                "module_id": module_id, "lesson_key": key, "position": position, "title": values["title"],
                "summary": "", "minutes": 30,
                "body_markdown": body_markdown if body_markdown is not None else f"## {values['title']}\n"},
                derived_id(module_id, "lesson", key), module.workspace)
            self._mirror(writer, module_id, [lesson_id])
            return lesson_id

    def update_lesson(self, lesson_id: str, **values) -> dict:
        values = _check_text(values, required=("title",))
        _known(values, LESSON_FIELDS)
        if "minutes" in values:
            _whole(values["minutes"], "minutes", 1, 10_000)
        if "body_markdown" in values and len(values["body_markdown"]) > MAX_LESSON_MARKDOWN:
            raise TrainingError("too_long", "body_markdown")
        with self.records.transaction() as writer:
            lesson, _module = self._editable_lesson(writer.session, lesson_id)
            previous = writer.update("training_lesson", lesson_id, values)
            self._mirror(writer, lesson.module_id, [lesson_id])
            return previous

    def set_lesson_deleted(self, lesson_id: str, deleted: bool) -> None:
        with self.records.transaction() as writer:
            lesson = writer.session.get(TrainingLesson, lesson_id)
            if lesson is None:
                raise TrainingError("unknown_lesson")
            self._editable_module(writer.session, lesson.module_id)
            writer.update("training_lesson", lesson_id, {"_deleted": bool(deleted)})
            self._mirror(writer, lesson.module_id, [lesson_id])

    def move_lesson(self, lesson_id: str, offset: int) -> bool:
        """Move a lesson up (-1) or down (+1); False when it is already at that end."""
        with self.records.transaction() as writer:
            lesson, _module = self._editable_lesson(writer.session, lesson_id)
            lessons = self._lessons(writer.session, lesson.module_id)
            index = [row.id for row in lessons].index(lesson_id)
            target = index + offset
            if not 0 <= target < len(lessons):
                return False
            lessons[index], lessons[target] = lessons[target], lessons[index]
            for position, row in enumerate(lessons):
                writer.update("training_lesson", row.id, {"position": position})
            self._mirror(writer, lesson.module_id)
            return True

    def add_question(self, module_id: str, question: str, choices: list[str], answer: int,
                     explanation: str = "") -> str:
        values = self._check_question({"question": question, "choices": choices, "answer": answer,
                                       "explanation": explanation})
        with self.records.transaction() as writer:
            module = self._editable_module(writer.session, module_id)
            position = max((q.position for q in self._questions(writer.session, module_id)), default=-1) + 1
            key = f"q-{uuid.uuid4().hex[:8]}"
            return writer.create("training_question", {"module_id": module_id, "question_key": key,
                                                       "position": position, **values},
                                 derived_id(module_id, "question", key), module.workspace)

    def update_question(self, question_id: str, **values) -> dict:
        _known(values, QUESTION_FIELDS)
        with self.records.transaction() as writer:
            row = writer.session.get(TrainingQuestion, question_id)
            if row is None or row.deleted:
                raise TrainingError("unknown_question")
            self._editable_module(writer.session, row.module_id)
            merged = {"question": row.question, "choices": list(row.choices), "answer": row.answer,
                      "explanation": row.explanation, **values}
            checked = self._check_question(merged)
            return writer.update("training_question", question_id, {key: checked[key] for key in values})

    def set_question_deleted(self, question_id: str, deleted: bool) -> None:
        with self.records.transaction() as writer:
            row = writer.session.get(TrainingQuestion, question_id)
            if row is None:
                raise TrainingError("unknown_question")
            self._editable_module(writer.session, row.module_id)
            writer.update("training_question", question_id, {"_deleted": bool(deleted)})

    # --- sessions -------------------------------------------------------------------------------

    def create_session(self, module_id: str, start_date: dt.date, days: int = 1, place: str = "",
                       trainer: str = "", notes: str = "") -> str:
        values = _check_text({"place": place, "trainer": trainer, "notes": notes})
        _whole(days, "days", 1, MAX_DAYS)
        if not isinstance(start_date, dt.date):
            raise TrainingError("bad_start_date")
        with self.records.transaction() as writer:
            module = self._live_module(writer.session, module_id)
            questions = self._questions(writer.session, module_id)
            return writer.create("training_session", {
                "module_slug": module.slug, "module_title": module.title, "language": module.language,
                "start_date": start_date, "days": days, "quiz_size": len(questions),
                "quiz_fingerprint": quiz_fingerprint(questions), "pass_mark": module.pass_mark, **values})

    def training_sessions(self) -> list[SessionInfo]:
        """Every session, the most recent first, with its number of participants."""
        counts = (select(TrainingParticipant.session_id, func.count().label("n"))
                  .where(TrainingParticipant.deleted.is_(False)).group_by(TrainingParticipant.session_id).subquery())
        query = (select(TrainingSession, counts.c.n).outerjoin(counts, counts.c.session_id == TrainingSession.id)
                 .where(TrainingSession.deleted.is_(False))
                 .order_by(TrainingSession.start_date.desc(), TrainingSession.created_at.desc()))
        with self.sessions() as session:
            return [_session_info(row, n or 0) for row, n in session.execute(query)]

    def training_session(self, session_id: str) -> SessionInfo:
        with self.sessions() as session:
            row = session.get(TrainingSession, session_id)
            if row is None or row.deleted:
                raise TrainingError("unknown_session")
            count = session.scalar(select(func.count()).select_from(TrainingParticipant).where(
                TrainingParticipant.session_id == session_id, TrainingParticipant.deleted.is_(False)))
            return _session_info(row, count or 0)

    def session_questions(self, session_id: str) -> list[QuestionRow] | None:
        """The quiz questions the session started with, or None when its module is gone or its quiz
        has changed since (then scores are typed in from paper)."""
        info = self.training_session(session_id)
        with self.sessions() as session:
            module_id = session.scalar(select(TrainingModule.id).where(
                TrainingModule.slug == info.module_slug, TrainingModule.language == info.language,
                TrainingModule.deleted.is_(False)).order_by(TrainingModule.origin))
            rows = self._questions(session, module_id) if module_id else []
            if not rows or quiz_fingerprint(rows) != info.quiz_fingerprint:
                return None
            return [_question_row(row) for row in rows]

    def update_session(self, session_id: str, **values) -> dict:
        values = _check_text(values)
        _known(values, SESSION_FIELDS)
        if "days" in values:
            _whole(values["days"], "days", 1, MAX_DAYS)
        if "pass_mark" in values:
            _whole(values["pass_mark"], "pass_mark", 0, 100)
        if "quiz_size" in values:
            _whole(values["quiz_size"], "quiz_size", 0, 200)
        if "start_date" in values and not isinstance(values["start_date"], dt.date):
            raise TrainingError("bad_start_date")
        with self.records.transaction() as writer:
            row = writer.session.get(TrainingSession, session_id)
            if row is None or row.deleted:
                raise TrainingError("unknown_session")
            if "quiz_size" in values:
                # coalesce: SQLite's two-argument max() is NULL when either score is missing.
                highest = writer.session.scalar(
                    select(func.max(func.max(func.coalesce(TrainingParticipant.pre_score, 0),
                                             func.coalesce(TrainingParticipant.post_score, 0))))
                    .where(TrainingParticipant.session_id == session_id, TrainingParticipant.deleted.is_(False)))
                if highest is not None and values["quiz_size"] < highest:
                    raise TrainingError("quiz_size_below_scores")
            return writer.update("training_session", session_id, values)

    def set_session_deleted(self, session_id: str, deleted: bool) -> None:
        with self.records.transaction() as writer:
            try:
                writer.update("training_session", session_id, {"_deleted": bool(deleted)})
            except RecordMissing:
                raise TrainingError("unknown_session") from None

    # --- participants ----------------------------------------------------------------------------

    def participants(self, session_id: str) -> list[ParticipantRow]:
        with self.sessions() as session:
            info = session.get(TrainingSession, session_id)
            if info is None or info.deleted:
                raise TrainingError("unknown_session")
            people = list(session.scalars(select(TrainingParticipant).where(
                TrainingParticipant.session_id == session_id, TrainingParticipant.deleted.is_(False))
                .order_by(TrainingParticipant.position, TrainingParticipant.name, TrainingParticipant.id)))
            present: dict[str, set[int]] = {}
            if people:
                for participant_id, day in session.execute(
                        select(TrainingAttendance.participant_id, TrainingAttendance.day)
                        .where(TrainingAttendance.participant_id.in_([p.id for p in people]),
                               TrainingAttendance.present.is_(True), TrainingAttendance.deleted.is_(False))):
                    present.setdefault(participant_id, set()).add(day)
            return [ParticipantRow(
                p.id, p.position, p.name, p.organisation, p.role, p.sex, p.contact, p.consent, p.pre_score,
                p.post_score, tuple(p.pre_answers) if p.pre_answers is not None else None,
                tuple(p.post_answers) if p.post_answers is not None else None, p.rating, p.comment,
                tuple(day in present.get(p.id, ()) for day in range(info.days))) for p in people]

    def add_participant(self, session_id: str, name: str, organisation: str = "", role: str = "", sex: str = "",
                        contact: str = "", consent: bool = False, participant_id: str | None = None) -> str:
        values = self._check_participant({"name": name, "organisation": organisation, "role": role, "sex": sex,
                                          "contact": contact, "consent": consent}, None)
        with self.records.transaction() as writer:
            info = writer.session.get(TrainingSession, session_id)
            if info is None or info.deleted:
                raise TrainingError("unknown_session")
            position = writer.session.scalar(select(func.max(TrainingParticipant.position))
                                             .where(TrainingParticipant.session_id == session_id))
            return writer.create("training_participant", {
                "session_id": session_id, "position": (position if position is not None else -1) + 1,
                "pre_score": None, "post_score": None, "pre_answers": None, "post_answers": None, "rating": None,
                "comment": "", **values}, participant_id, info.workspace)

    def update_participant(self, participant_id: str, **values) -> dict:
        _known(values, PARTICIPANT_FIELDS)
        with self.records.transaction() as writer:
            row = writer.session.get(TrainingParticipant, participant_id)
            if row is None or row.deleted:
                raise TrainingError("unknown_participant")
            info = writer.session.get(TrainingSession, row.session_id)
            values = self._check_participant(values, info)
            return writer.update("training_participant", participant_id, values)

    def set_participant_deleted(self, participant_id: str, deleted: bool) -> None:
        with self.records.transaction() as writer:
            try:
                writer.update("training_participant", participant_id, {"_deleted": bool(deleted)})
            except RecordMissing:
                raise TrainingError("unknown_participant") from None

    def set_attendance(self, participant_id: str, day: int, present: bool) -> bool:
        """Mark one day; returns what it was before."""
        with self.records.transaction() as writer:
            return self._mark(writer, participant_id, day, present)

    @staticmethod
    def _mark(writer: Writer, participant_id: str, day: int, present: bool) -> bool:
        participant = writer.row("training_participant", participant_id)
        if participant is None or participant["_deleted"]:
            raise TrainingError("unknown_participant")
        info = writer.row("training_session", participant["session_id"])
        _whole(day, "day", 0, (info["days"] if info else 1) - 1)
        # The same id on every device: two laptops marking the same day merge into one record.
        attendance_id = derived_id(participant_id, "attendance", str(day))
        row = writer.row("training_attendance", attendance_id)
        if row is None:
            writer.create("training_attendance", {"participant_id": participant_id, "day": day,
                                                  "present": bool(present)}, attendance_id, participant["workspace"])
            return False
        before = bool(row["present"]) and not row["_deleted"]
        writer.update("training_attendance", attendance_id, {"present": bool(present), "_deleted": False})
        return before

    def mark_everyone_present(self, session_id: str, day: int) -> list[str]:
        """Mark every participant present on one day, in one transaction; returns who changed."""
        changed = [p.id for p in self.participants(session_id) if day < len(p.present) and not p.present[day]]
        with self.records.transaction() as writer:
            for participant_id in changed:
                self._mark(writer, participant_id, day, True)
        return changed

    # --- helpers -----------------------------------------------------------------------------------

    @staticmethod
    def _lesson_row(module: TrainingModule, lesson: TrainingLesson) -> LessonRow:
        return LessonRow(lesson.id, lesson.lesson_key, lesson.position, lesson.title, lesson.summary, lesson.minutes,
                         lesson.body_markdown, lesson_guide_slug(module.slug, lesson.lesson_key), module.language)

    @staticmethod
    def _lessons(session, module_id: str) -> list[TrainingLesson]:
        return list(session.scalars(select(TrainingLesson).where(
            TrainingLesson.module_id == module_id, TrainingLesson.deleted.is_(False)).order_by(TrainingLesson.position)))

    @staticmethod
    def _questions(session, module_id: str) -> list[TrainingQuestion]:
        return list(session.scalars(select(TrainingQuestion).where(
            TrainingQuestion.module_id == module_id, TrainingQuestion.deleted.is_(False))
            .order_by(TrainingQuestion.position)))

    @staticmethod
    def _live_module(session, module_id: str) -> TrainingModule:
        module = session.get(TrainingModule, module_id)
        if module is None or module.deleted:
            raise TrainingError("unknown_module")
        return module

    def _editable_module(self, session, module_id: str) -> TrainingModule:
        module = self._live_module(session, module_id)
        if module.origin == BUNDLED:
            raise TrainingError("read_only_module")
        return module

    def _editable_lesson(self, session, lesson_id: str) -> tuple[TrainingLesson, TrainingModule]:
        lesson = session.get(TrainingLesson, lesson_id)
        if lesson is None or lesson.deleted:
            raise TrainingError("unknown_lesson")
        return lesson, self._editable_module(session, lesson.module_id)

    @staticmethod
    def _check_question(values: dict) -> dict:
        values = _check_text(values, required=("question",))
        choices = [str(choice).strip() for choice in values.get("choices", [])]
        if not MIN_CHOICES <= len(choices) <= MAX_CHOICES or any(not choice for choice in choices):
            raise TrainingError("bad_choices")
        values["choices"] = choices
        _whole(values.get("answer"), "answer", 1, len(choices))
        return values

    @staticmethod
    def _check_participant(values: dict, info: TrainingSession | None) -> dict:
        values = _check_text(values, required=("name",))
        if "sex" in values and values["sex"] not in SEXES:
            raise TrainingError("bad_sex")
        if "consent" in values:
            values["consent"] = bool(values["consent"])
        quiz_size = info.quiz_size if info is not None else 0
        for key in ("pre_score", "post_score"):
            if key in values:
                _whole(values[key], "score", 0, quiz_size, optional=True)
        for key in ("pre_answers", "post_answers"):
            if values.get(key) is not None:
                values[key] = [int(choice) for choice in values[key]]
        if "rating" in values:
            _whole(values["rating"], "rating", 1, 5, optional=True)
        return values
