"""Quiz scoring and a session's summary figures (pure functions, checked by hand-worked tests).

Scores are numbers of right answers out of the session's quiz size; percentages are derived.
The average gain is in percentage points, over the participants who took both quizzes.
A certificate of attendance goes to a participant who was present every day of the session
and whose post-quiz score reaches the pass mark (presence alone when the session has no quiz).
A day still to come counts neither as present nor as absent: while a session runs, attendance
and certificates are worked out over the days held so far (see ``days_held``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from companion.training.store import ParticipantRow, QuestionRow, SessionInfo


def score_answers(answers: Sequence[int], questions: Sequence[QuestionRow]) -> int:
    """Right answers; ``answers[i]`` is the choice picked for question i, counted from 1 (0: none)."""
    return sum(1 for answer, question in zip(answers, questions) if answer == question.answer)


def percent(score: int | None, quiz_size: int) -> float | None:
    if score is None or quiz_size <= 0:
        return None
    return 100.0 * score / quiz_size


def passed(participant: ParticipantRow, info: SessionInfo) -> bool:
    if info.quiz_size == 0:
        return True  # a session without a quiz: attendance alone earns the certificate
    post = percent(participant.post_score, info.quiz_size)
    return post is not None and post >= info.pass_mark


def days_held(info: SessionInfo, participants: Sequence[ParticipantRow], today: dt.date | None = None) -> int:
    """How many of the session's days count: those up to today, and a later one on which presence is already
    recorded (the register was taken, so the day was held: the session's dates may be off). A day still to
    come with nobody marked is not held yet, so nobody is absent on it."""
    today = today or dt.date.today()
    by_date = max(0, min(info.days, (today - info.start_date).days + 1))
    recorded = max((day + 1 for p in participants for day, present in enumerate(p.present[:info.days]) if present),
                   default=0)
    return max(by_date, recorded)


def attended_every_day(participant: ParticipantRow, held: int) -> bool:
    """Present on each of the ``held`` days so far; nobody has attended a session not yet begun."""
    return held > 0 and len(participant.present) >= held and all(participant.present[:held])


def earns_certificate(participant: ParticipantRow, info: SessionInfo, held: int) -> bool:
    return attended_every_day(participant, held) and passed(participant, info)


def days_present(participant: ParticipantRow, held: int) -> int:
    return sum(1 for present in participant.present[:held] if present)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class SessionSummary:
    participants: int
    women: int
    men: int
    days_held: int                       # the days that count so far (see days_held)
    present_per_day: tuple[int, ...]     # one per day held
    attendance_rate: float | None        # present marks / (participants × days held), 0..1
    attended_every_day: int
    pre_average: float | None            # percent
    post_average: float | None           # percent
    average_gain: float | None           # percentage points, participants with both scores
    with_both_scores: int
    passed: int
    certificates: int
    rating_average: float | None         # 1..5
    ratings: tuple[int, int, int, int, int]  # how many gave 1, 2, 3, 4, 5
    comments: tuple[tuple[str, int | None, str], ...]  # (name, rating, comment)


def summarise(info: SessionInfo, participants: Sequence[ParticipantRow],
              today: dt.date | None = None) -> SessionSummary:
    """The session's figures as of ``today`` (the real today unless given)."""
    held = days_held(info, participants, today)
    present_per_day = tuple(sum(1 for p in participants if day < len(p.present) and p.present[day])
                            for day in range(held))
    possible = len(participants) * held
    pre = [percent(p.pre_score, info.quiz_size) for p in participants if p.pre_score is not None]
    post = [percent(p.post_score, info.quiz_size) for p in participants if p.post_score is not None]
    both = [p for p in participants if p.pre_score is not None and p.post_score is not None]
    gains = [percent(p.post_score, info.quiz_size) - percent(p.pre_score, info.quiz_size) for p in both] \
        if info.quiz_size > 0 else []
    ratings = [p.rating for p in participants if p.rating is not None]
    return SessionSummary(
        participants=len(participants),
        women=sum(1 for p in participants if p.sex == "female"),
        men=sum(1 for p in participants if p.sex == "male"),
        days_held=held,
        present_per_day=present_per_day,
        attendance_rate=sum(present_per_day) / possible if possible else None,
        attended_every_day=sum(1 for p in participants if attended_every_day(p, held)),
        pre_average=_mean([value for value in pre if value is not None]),
        post_average=_mean([value for value in post if value is not None]),
        average_gain=_mean(gains),
        with_both_scores=len(gains),
        passed=sum(1 for p in participants if passed(p, info)),
        certificates=sum(1 for p in participants if earns_certificate(p, info, held)),
        rating_average=_mean([float(r) for r in ratings]),
        ratings=tuple(sum(1 for r in ratings if r == value) for value in range(1, 6)),
        comments=tuple((p.name, p.rating, p.comment.strip()) for p in participants if p.comment.strip()),
    )
