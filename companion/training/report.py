"""What a trainer prints for a session, as HTML for Qt's ``QTextDocument`` (pure, no Qt).

Handouts (slides with their notes, or the lesson as reading text), a blank quiz sheet and its
answer key, the attendance sheet to sign, the session report and the certificates of
attendance. ``ui/training_reports.py`` lays them out on A4 and writes a PDF or prints them.

Trainers print these offline for the people in the room, so every label is in the language of
the session (or of the module), not in the language the app shows: labels are marked with
``N_()`` and translated with a :class:`~companion.i18n.Translator` for that language; dates and
numbers are formatted with Babel in it too. Every text a user typed is escaped; lesson Markdown
goes through the same sanitiser as guides. Pictures stay ``<img src="image:NAME">``: the Qt side
loads them from the bundled images folder, never from anywhere else.

Two ``<meta>`` tags tell the Qt side how to lay a document out (:data:`LANDSCAPE_META`: print
it landscape; :data:`ONE_PAGE_EACH_META`: each part between two :data:`PAGE_BREAK` is exactly
one page, as a certificate is: shrunk if it would not fit, centred, with no page number).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Sequence

from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from companion.content.render import render_markdown
from companion.i18n import N_, Translator, babel_locale, supported_language
from companion.i18n import format_date as i18n_format_date
from companion.printable import (HEADER_STYLE, LABEL_STYLE, PAGE_BREAK, TABLE, esc, facts_table, multiline, nowrap,
                                 table)
from companion.training.importer import NOTES_HEADING
from companion.training.results import SessionSummary, days_held, days_present, earns_certificate, percent
from companion.training.store import LessonRow, ModuleSummary, ParticipantRow, QuestionRow, SessionInfo

HANDOUT_STYLES = ("slides", "text")
SLIDES_PER_PAGE = 2
DAYS_PER_SHEET = 5          # signature columns on one attendance sheet (more days: another sheet)
BLANK_ROWS = 5              # empty rows at the end of the attendance sheet, for walk-ins
LANDSCAPE_META = '<meta name="orientation" content="landscape"/>'
# Each part between page breaks is one page: scaled down if it would not fit, centred, no page number.
ONE_PAGE_EACH_META = '<meta name="pages" content="one-each"/>'
BALLOT_BOX = "\u2610"       # ☐
LETTERS = "ABCDEFGHIJ"

SEX_LABELS = {"female": N_("Female"), "male": N_("Male")}
NO_QUESTIONS = N_("This module has no quiz questions yet.")
CONSENT_NOTE = N_("Please sign in the column of each day you attend. Your details are kept for the records of this "
                  "training only and are not shared.")

STYLE = """
body { font-size: 10pt; color: #202020; }
h1 { font-size: 22pt; color: #1f4e79; margin-top: 0px; margin-bottom: 6px; }
h2 { font-size: 15pt; color: #1f4e79; margin-top: 14px; margin-bottom: 6px; }
h3 { font-size: 12pt; color: #1f4e79; margin-top: 10px; margin-bottom: 4px; }
p { margin-top: 3px; margin-bottom: 5px; }
li { margin-bottom: 2px; }
a { color: #1f4e79; text-decoration: none; }
pre { background-color: #f4f6f8; font-size: 9pt; }
blockquote { margin-left: 14px; color: #404040; }
.kicker { font-size: 11pt; color: #555555; margin-bottom: 2px; }
.lead { font-size: 11pt; color: #404040; }
.meta { color: #555555; }
.note { color: #555555; font-size: 8.5pt; }
.notes-label { color: #555555; font-size: 9pt; font-weight: bold; margin-top: 8px; margin-bottom: 2px; }
.notes { font-size: 9.5pt; }
.slide-number { color: #555555; font-size: 8.5pt; margin-top: 16px; margin-bottom: 3px; }
.question { font-size: 11pt; }
.line { font-size: 11pt; margin-top: 10px; margin-bottom: 6px; }
"""
SLIDE_BOX = ('<table width="100%" border="1" cellspacing="0" cellpadding="12" '
             'style="border-collapse: collapse; border-color: #1f4e79; border-style: solid; margin-top: 0px; '
             'margin-bottom: 4px;">')


# --- Formatting helpers ---------------------------------------------------------------------------------

def _tag(tag: str, text: str, css_class: str = "") -> str:
    """``<tag class="...">text</tag>``, the text escaped."""
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<{tag}{attribute}>{esc(text)}</{tag}>"


def _number(value: int | float, language: str) -> str:
    return format_decimal(value, locale=babel_locale(language))


def _date(value: dt.date, language: str, fmt: str = "long") -> str:
    return i18n_format_date(value, fmt, language)


def _day(value: dt.date, language: str) -> str:
    """"Mon, Dec 7" / "lun. 7 déc.": a short day for a column heading."""
    return format_skeleton("MMMEd", value, locale=babel_locale(language))


def _percent(value: float | None, language: str) -> str:
    """A percentage (0-100) rounded to a whole number, or a dash when there is none."""
    return "–" if value is None else format_percent(round(value) / 100, locale=babel_locale(language))


def _points(value: float, language: str) -> str:
    return format_decimal(round(value), format="+#,##0;-#,##0", locale=babel_locale(language))


def _dates(info: SessionInfo, language: str, tr: Translator) -> str:
    if info.days == 1:
        return _date(info.start_date, language)
    return tr(N_("{start} to {end}")).format(start=_date(info.start_date, language),
                                             end=_date(info.end_date, language))


def _minutes(minutes: int, language: str, tr: Translator) -> str:
    return tr(N_("{count} min")).format(count=_number(minutes, language))


def _letter(index: int) -> str:
    """A, B, C… for choices counted from 0."""
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


def _document(title: str, language: str, parts: list[str], *meta: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8"/>{"".join(meta)}'
            f"<title>{esc(title)}</title><style>{STYLE}</style></head>\n<body>\n"
            + "\n".join(parts) + "\n</body></html>\n")


_MD_TABLE = re.compile(r"<table>")
_MD_HEADER = re.compile(r"<th(?=[\s>])")


def _markdown(text: str) -> str:
    """Lesson Markdown as sanitised HTML, its tables given borders QTextDocument draws."""
    if not text.strip():
        return ""
    rendered = render_markdown(text).html
    rendered = _MD_TABLE.sub(TABLE, rendered)
    return _MD_HEADER.sub(f"<th {HEADER_STYLE}", rendered)


# --- Handouts ----------------------------------------------------------------------------------------------

def handout_html(module: ModuleSummary, lesson: LessonRow, style: str = "slides") -> str:
    """A lesson to hand out, in the module's language: ``"slides"`` (each slide in a box, its
    notes under it, two slides a page) or ``"text"`` (the lesson as reading text, the notes as
    paragraphs)."""
    if style not in HANDOUT_STYLES:
        raise ValueError(f"unknown handout style {style!r}")
    language = supported_language(lesson.language or module.language)
    tr = Translator(language)
    meta = [_minutes(lesson.minutes, language, tr)]
    if module.audience.strip():
        meta.append(tr(N_("For: {audience}")).format(audience=module.audience.strip()))
    parts = [f'<p class="kicker">{esc(module.title)}</p>', f"<h1>{esc(lesson.title)}</h1>"]
    if lesson.summary.strip():
        parts.append(f'<p class="lead">{esc(lesson.summary.strip())}</p>')
    parts.append(f'<p class="meta">{" · ".join(esc(m) for m in meta)}</p>')
    slides = lesson.slides
    if not slides:
        parts.append(_tag("p", tr(N_("This lesson has no slides yet.")), "note"))
    elif style == "slides":
        notes_label = esc(tr(NOTES_HEADING))
        for index, slide in enumerate(slides):
            if index and index % SLIDES_PER_PAGE == 0:
                parts.append(PAGE_BREAK)
            number = tr(N_("Slide {number} of {total}")).format(number=_number(index + 1, language),
                                                                 total=_number(len(slides), language))
            parts.append(f'<p class="slide-number">{esc(number)}</p>')
            parts.append(f"{SLIDE_BOX}<tr><td>{_markdown(slide.body_markdown)}</td></tr></table>")
            if slide.notes_markdown.strip():
                parts.append(f'<p class="notes-label">{notes_label}</p>')
                parts.append(f'<div class="notes">{_markdown(slide.notes_markdown)}</div>')
    else:
        for slide in slides:
            parts.append(_markdown(slide.body_markdown))
            if slide.notes_markdown.strip():
                parts.append(_markdown(slide.notes_markdown))
    return _document(lesson.title, language, parts)


# --- Quiz sheet and answer key ---------------------------------------------------------------------------

def quiz_sheet_html(module: ModuleSummary, questions: Sequence[QuestionRow], session: SessionInfo | None = None) -> str:
    """A blank quiz for participants to fill in by hand: name and date lines, pre- or post-quiz
    tick boxes, each question with its choices lettered A, B, C… beside an empty box."""
    language = supported_language(session.language if session else module.language)
    tr = Translator(language)
    parts = [_tag("p", module.title, "kicker"), _tag("h1", tr(N_("Quiz")))]
    if session is not None:
        facts = [_dates(session, language, tr)] + ([session.place] if session.place.strip() else [])
        parts.append(f'<p class="meta">{" · ".join(esc(f) for f in facts)}</p>')
    blank = "_" * 46
    short = "_" * 18
    name, date = esc(tr(N_("Name:"))), esc(tr(N_("Date:")))
    parts.append(f'<p class="line">{name} {blank}&nbsp;&nbsp;&nbsp;{date} {short}</p>')
    gap = "&nbsp;" * 6
    pre, post = esc(tr(N_("Pre-quiz (before the training)"))), esc(tr(N_("Post-quiz (after the training)")))
    parts.append(f'<p class="line">{BALLOT_BOX} {pre}{gap}{BALLOT_BOX} {post}</p>')
    parts.append(_tag("p", tr(N_("Tick one answer for each question.")), "meta"))
    for number, question in enumerate(questions, start=1):
        # A table per question, so wrapped lines hang under the text, not under the number.
        rows = [f'<tr><td width="5%" valign="top"><b>{_number(number, language)}.</b></td>'
                f'<td colspan="3" valign="top" style="padding-bottom: 3px;">{esc(question.question)}</td></tr>']
        rows += [f'<tr><td></td><td width="4%" valign="top">{BALLOT_BOX}</td>'
                 f'<td width="4%" valign="top"><b>{_letter(index)}.</b></td>'
                 f'<td width="87%" valign="top">{esc(choice)}</td></tr>'
                 for index, choice in enumerate(question.choices)]
        parts.append('<table class="question" width="100%" border="0" cellspacing="0" cellpadding="1" '
                     'style="margin-top: 10px;">' + "".join(rows) + "</table>")
    if not questions:
        parts.append(_tag("p", tr(NO_QUESTIONS), "note"))
    else:
        score = tr(N_("For the trainer: {blank} right answers out of {total}")).format(
            blank="______", total=_number(len(questions), language))
        parts.append(f'<p class="line" style="margin-top: 22px;">{esc(score)}</p>')
    return _document(tr(N_("Quiz")) + " – " + module.title, language, parts)


def answer_key_html(module: ModuleSummary, questions: Sequence[QuestionRow]) -> str:
    """For the trainer: each question with the letter and text of the right choice, and why."""
    language = supported_language(module.language)
    tr = Translator(language)
    parts = [_tag("p", module.title, "kicker"), _tag("h1", tr(N_("Quiz answer key")))]
    if questions:
        needed = math.ceil(module.pass_mark * len(questions) / 100)
        parts.append('<p class="meta">' + esc(tr(N_(
            "Pass mark: {percent}, that is {needed} right answers out of {total}.")).format(
            percent=_percent(module.pass_mark, language), needed=_number(needed, language),
            total=_number(len(questions), language))) + "</p>")
    rows = []
    for number, question in enumerate(questions, start=1):
        index = question.answer - 1
        choice = question.choices[index] if 0 <= index < len(question.choices) else ""
        rows.append([_number(number, language), esc(question.question),
                     f"<b>{_letter(index)}.</b> {esc(choice)}", esc(question.explanation)])
    if rows:
        parts.append(table([esc(tr(N_("No."))), esc(tr(N_("Question"))), esc(tr(N_("Right answer"))),
                             esc(tr(N_("Why")))], rows, widths=[7, 35, 27, 31], padding=5))
    else:
        parts.append(_tag("p", tr(NO_QUESTIONS), "note"))
    return _document(tr(N_("Quiz answer key")) + " – " + module.title, language, parts)


# --- Attendance sheet ----------------------------------------------------------------------------------------

def _session_facts(info: SessionInfo, language: str, tr: Translator) -> list[tuple[str, str]]:
    return [(tr(N_("Module")), esc(info.module_title)),
            (tr(N_("Place")), esc(info.place) or "–"),
            (tr(N_("Dates")), esc(_dates(info, language, tr))),
            (tr(N_("Trainer")), esc(info.trainer) or "–")]


def _sex(value: str, tr: Translator) -> str:
    return tr(SEX_LABELS[value]) if value in SEX_LABELS else ""


def attendance_sheet_html(session: SessionInfo, participants: Sequence[ParticipantRow]) -> str:
    """The sheet participants sign each day (print it landscape): the registered participants
    pre-printed, then empty rows for walk-ins; one signature column a day, at most
    :data:`DAYS_PER_SHEET` a sheet (a longer session gets more sheets)."""
    language = supported_language(session.language)
    tr = Translator(language)
    facts = _session_facts(session, language, tr)
    heading = (_tag("h1", tr(N_("Attendance sheet")))
               # the session's facts in two rows of label, value, label, value
               + TABLE.replace("margin-bottom: 10px", "margin-bottom: 6px")
               + "".join(f'<tr><td width="10%" {LABEL_STYLE}>{esc(facts[i][0])}</td>'
                         f'<td width="40%">{facts[i][1]}</td>'
                         f'<td width="10%" {LABEL_STYLE}>{esc(facts[i + 1][0])}</td>'
                         f'<td width="40%">{facts[i + 1][1]}</td></tr>' for i in (0, 2))
               + "</table>"
               + _tag("p", tr(CONSENT_NOTE), "note"))
    people = list(participants) + [None] * BLANK_ROWS
    parts = []
    chunks = [list(range(start, min(start + DAYS_PER_SHEET, session.days)))
              for start in range(0, session.days, DAYS_PER_SHEET)]
    for chunk_number, days in enumerate(chunks):
        if chunk_number:
            parts.append(PAGE_BREAK)
        parts.append(heading)
        # No., name, organisation, role, sex, contact; narrower when there are many days to sign.
        fixed = [4, 17, 14, 11, 7, 15] if len(days) <= 3 else [4, 16, 13, 11, 6, 13]
        size = "9.5pt" if len(days) <= 3 else "8.5pt"
        day_width = (100 - sum(fixed)) // len(days)
        day_widths = [day_width] * (len(days) - 1) + [100 - sum(fixed) - day_width * (len(days) - 1)]
        headers = [tr(N_("No.")), tr(N_("Name")), tr(N_("Organisation")), tr(N_("Role")), tr(N_("Sex")),
                   tr(N_("Phone or email"))]
        head = "".join(f'<th align="left" valign="bottom" width="{w}%" {HEADER_STYLE}>{esc(h)}</th>'
                       for h, w in zip(headers, fixed))
        day_label = tr(N_("Day {number}"))
        head += "".join(
            f'<th align="center" valign="bottom" width="{width}%" {HEADER_STYLE}>'
            f'{esc(day_label.format(number=_number(day + 1, language)))}<br/>'
            f'<span style="font-weight: normal;">{esc(_day(session.day_date(day), language))}</span></th>'
            for day, width in zip(days, day_widths))
        rows = [TABLE, f"<thead><tr>{head}</tr></thead>"]
        for number, person in enumerate(people, start=1):
            if person is None:
                cells = [_number(number, language)] + [""] * 5
            else:
                # Everyone who signs sees the sheet: a contact is printed only with the person's consent.
                cells = [_number(number, language), esc(person.name), esc(person.organisation), esc(person.role),
                         esc(_sex(person.sex, tr)), nowrap(person.contact if person.consent else "")]
            cells += [""] * len(days)
            rows.append("<tr>" + "".join(f'<td valign="top" style="padding-top: 9px; padding-bottom: 9px; '
                                         f'font-size: {size};">{c or "&nbsp;"}</td>' for c in cells) + "</tr>")
        rows.append("</table>")
        parts.append("\n".join(rows))
    title = tr(N_("Attendance sheet")) + " – " + session.module_title
    return _document(title, language, parts, LANDSCAPE_META)


# --- Session report --------------------------------------------------------------------------------------------

def session_report_html(session: SessionInfo, participants: Sequence[ParticipantRow], summary: SessionSummary) -> str:
    """The record of a session for the organisers: its facts, attendance, quiz results,
    feedback and every participant's figures. Feedback comments are shown without names."""
    language = supported_language(session.language)
    tr = Translator(language)
    n = lambda value: _number(value, language)  # noqa: E731
    parts = [_tag("p", tr(N_("Training session report")), "kicker"), _tag("h1", session.module_title)]
    facts = _session_facts(session, language, tr)[1:]
    facts.append((tr(N_("Participants")), esc(n(summary.participants))))
    parts.append(facts_table(facts))
    if session.notes.strip():
        parts.append(f"<p>{multiline(session.notes)}</p>")

    parts.append(_tag("h2", tr(N_("Attendance"))))
    rows = [[esc(tr(N_("Day {number}")).format(number=n(day + 1))), esc(_date(session.day_date(day), language)),
             esc(tr(N_("{present} of {total}")).format(present=n(summary.present_per_day[day]),
                                                        total=n(summary.participants)))
             if day < summary.days_held else esc(tr(N_("not held yet")))]
            for day in range(session.days)]
    parts.append(table([esc(tr(N_("Day"))), esc(tr(N_("Date"))), esc(tr(N_("Participants present")))], rows,
                        widths=[20, 45, 35]))
    rate = None if summary.attendance_rate is None else summary.attendance_rate * 100
    parts.append(facts_table([
        (tr(N_("Attendance rate")), esc(_percent(rate, language))),
        (tr(N_("Present every day")), esc(tr(N_("{present} of {total}")).format(
            present=n(summary.attended_every_day), total=n(summary.participants)))),
        (tr(N_("Women")), esc(n(summary.women))),
        (tr(N_("Men")), esc(n(summary.men))),
    ]))

    parts.append(_tag("h2", tr(N_("Quiz results"))))
    gain = "–" if summary.average_gain is None else tr(N_("{points} points ({count} took both quizzes)")).format(
        points=_points(summary.average_gain, language), count=n(summary.with_both_scores))
    parts.append(facts_table([
        (tr(N_("Questions in the quiz")), esc(n(session.quiz_size))),
        (tr(N_("Pre-quiz average")), esc(_percent(summary.pre_average, language))),
        (tr(N_("Post-quiz average")), esc(_percent(summary.post_average, language))),
        (tr(N_("Average gain")), esc(gain)),
        (tr(N_("Pass mark")), esc(_percent(session.pass_mark, language))),
        (tr(N_("Passed the post-quiz")), esc(tr(N_("{passed} of {total}")).format(
            passed=n(summary.passed), total=n(summary.participants)))),
        (tr(N_("Certificates")), esc(n(summary.certificates))),
    ]))
    parts.append('<p class="note">' + esc(tr(N_(
        "A certificate goes to each participant present every day whose post-quiz score reaches the pass mark. "
        "The gain is the difference between the post-quiz and the pre-quiz, in percentage points.")))
        + "</p>")

    parts.append(_tag("h2", tr(N_("Feedback"))))
    if summary.rating_average is None:
        parts.append(_tag("p", tr(N_("No ratings were recorded.")), "meta"))
    else:
        average = tr(N_("Average rating: {average} out of 5")).format(
            average=format_decimal(round(summary.rating_average, 1), format="0.0", locale=babel_locale(language)))
        parts.append(f"<p><b>{esc(average)}</b></p>")
        # One row: how many gave each number of stars, five first (two rows never split by a page).
        stars = [f'{"★" * value}<span style="color: #9a9a9a;">{"☆" * (5 - value)}</span>' for value in range(5, 0, -1)]
        headers = [esc(tr(N_("Rating")))] + stars
        counts = [esc(tr(N_("Participants")))] + [esc(n(summary.ratings[value - 1])) for value in range(5, 0, -1)]
        parts.append(table(headers, [counts], widths=[25, 15, 15, 15, 15, 15], numeric={1, 2, 3, 4, 5}))
    if summary.comments:
        parts.append(_tag("h3", tr(N_("Comments"))))
        items = []
        for _name, rating, comment in summary.comments:
            given = f' <span style="color: #555555;">({"★" * rating})</span>' if rating else ""
            items.append(f"<li>{multiline(comment)}{given}</li>")
        parts.append("<ul>" + "".join(items) + "</ul>")

    parts.append(_tag("h2", tr(N_("Participants"))))
    yes, no = esc(tr(N_("yes"))), esc(tr(N_("no")))
    rows = []
    for person in participants:
        rows.append([esc(person.name), esc(person.organisation),
                     esc(tr(N_("{present} of {total}")).format(present=n(days_present(person, summary.days_held)),
                                                                total=n(summary.days_held))),
                     esc(_percent(percent(person.pre_score, session.quiz_size), language)),
                     esc(_percent(percent(person.post_score, session.quiz_size), language)),
                     f"<b>{yes}</b>" if earns_certificate(person, session, summary.days_held) else no])
    if rows:
        parts.append(table([esc(tr(N_("Name"))), esc(tr(N_("Organisation"))), esc(tr(N_("Days present"))),
                             esc(tr(N_("Pre-quiz"))), esc(tr(N_("Post-quiz"))), esc(tr(N_("Certificate")))],
                            rows, widths=[26, 26, 13, 10, 10, 15], numeric={2, 3, 4}))
    else:
        parts.append(_tag("p", tr(N_("No participants were registered.")), "meta"))
    title = tr(N_("Training session report")) + " – " + session.module_title
    return _document(title, language, parts)


# --- Certificates ----------------------------------------------------------------------------------------------

def certificates_html(session: SessionInfo, participants: Sequence[ParticipantRow], held: int | None = None) -> str:
    """One landscape page per participant who earns a certificate (present every day held, post-quiz
    at the pass mark or above). An empty string when nobody does: the caller says so. ``held``: the
    days that count (``SessionSummary.days_held``), worked out from these participants when not given."""
    held = days_held(session, participants) if held is None else held
    earners = [p for p in participants if earns_certificate(p, session, held)]
    if not earners:
        return ""
    language = supported_language(session.language)
    tr = Translator(language)
    if session.days == 1:
        when = tr(N_("on {date}")).format(date=_date(session.start_date, language))
    else:
        when = tr(N_("from {start} to {end}")).format(start=_date(session.start_date, language),
                                                      end=_date(session.end_date, language))
    where = tr(N_("in {place}")).format(place=session.place.strip()) if session.place.strip() else ""
    issued = _date(session.end_date, language)
    trainer = session.trainer.strip()
    signed_by = tr(N_("{name}, trainer")).format(name=trainer) if trainer else tr(N_("Trainer"))
    line = '<span style="color: #7a7a7a;">________________________________</span>'
    date_label = tr(N_("Date"))
    # The text area of a landscape page is about 625 px (1/96 inch) high: the spacing below
    # fills most of it and leaves room for a name or a title on two lines.
    signature = ('<table width="100%" border="0" cellspacing="0" cellpadding="0" style="margin-top: 64px;"><tr>'
                 f'<td width="40%" align="center" valign="bottom"><span style="font-size: 11pt;">{esc(issued)}</span>'
                 f'<br/>{line}<br/><span style="color: #555555;">{esc(date_label)}</span></td>'
                 '<td width="20%"></td>'
                 f'<td width="40%" align="center" valign="bottom"><span style="font-size: 11pt;">&nbsp;</span>'
                 f'<br/>{line}<br/><span style="color: #555555;">{esc(signed_by)}</span></td>'
                 "</tr></table>")
    centred = '<p align="center" style="{style}">{text}</p>'.format
    pages = []
    for person in earners:
        content = [
            centred(style="font-size: 12pt; color: #555555; margin-top: 26px;", text=esc(tr(N_("openIMIS training")))),
            centred(style="font-size: 30pt; color: #1f4e79; font-weight: bold; margin-top: 12px; margin-bottom: 36px;",
                    text=esc(tr(N_("Certificate of attendance")))),
            centred(style="font-size: 13pt;", text=esc(tr(N_("This certifies that")))),
            centred(style="font-size: 28pt; font-weight: bold; margin-top: 20px; margin-bottom: 4px;",
                    text=esc(person.name)),
            centred(style="font-size: 12pt; color: #555555; margin-top: 0px;", text=esc(person.organisation))
            if person.organisation.strip() else "",
            centred(style="font-size: 13pt; margin-top: 28px;", text=esc(tr(N_("has attended the training")))),
            centred(style="font-size: 18pt; color: #1f4e79; font-weight: bold; margin-top: 8px; margin-bottom: 8px;",
                    text=esc(session.module_title)),
            centred(style="font-size: 13pt;", text=esc(" ".join(filter(None, [when, where])))),
            centred(style="font-size: 13pt;", text=esc(tr(N_("and passed its final quiz."))))
            if session.quiz_size else "",
            signature,
        ]
        # Two frames, one in the other: a thick rule and a thin one, as on printed certificates.
        pages.append('<table width="100%" border="3" cellspacing="0" cellpadding="5" '
                     'style="border-collapse: collapse; border-color: #1f4e79; border-style: solid;"><tr><td>'
                     '<table width="100%" border="1" cellspacing="0" cellpadding="30" '
                     'style="border-collapse: collapse; border-color: #1f4e79; border-style: solid;"><tr>'
                     '<td align="center">' + "".join(content) + "</td></tr></table></td></tr></table>")
    body = PAGE_BREAK.join(pages)
    title = tr(N_("Certificates of attendance")) + " – " + session.module_title
    return _document(title, language, [body], LANDSCAPE_META, ONE_PAGE_EACH_META)
