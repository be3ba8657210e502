"""The session summary: attendance rate, average score gain, feedback, certificates."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout

from companion.i18n import _, format_number, format_percent, ngettext
from companion.training.results import SessionSummary, earns_certificate, summarise
from ui.screens.training.session_base import SessionTab


def _points(value: float) -> str:
    sign = "+" if value > 0 else ""
    return _("{sign}{value} points").format(sign=sign, value=format_number(round(value, 1)))


class SummaryTab(SessionTab):
    def __init__(self, context, parent=None) -> None:
        super().__init__(context, parent)
        self.setObjectName("summaryTab")
        self.figures = QLabel()
        self.figures.setObjectName("sessionSummary")
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.figures.setWordWrap(True)
        self.figures.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.figures.setContentsMargins(10, 0, 10, 10)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("summaryScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.figures)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        self.summary: SessionSummary | None = None
        self.retranslate()

    def tab_title(self) -> str:
        return _("Summary")

    def retranslate(self) -> None:
        self.setAccessibleName(_("Session summary"))
        self.figures.setAccessibleName(_("Session summary"))
        self.scroll.setAccessibleName(_("Session summary"))  # it takes the focus, to scroll with the keys

    def refresh(self) -> None:
        if self.load_info() is None:
            return
        info = self.info
        participants = self.store.participants(self.session_id)
        summary = self.summary = summarise(info, participants)
        none = _("not yet recorded")

        def row(label: str, value: str) -> str:
            return (f"<tr><td style='padding:3px 14px 3px 0'>{html.escape(label)}</td>"
                    f"<td style='padding:3px 0'><b>{html.escape(value)}</b></td></tr>")

        attendance = [
            row(_("Participants"), _("{count} ({women}, {men})").format(
                count=summary.participants,
                women=ngettext("{count} woman", "{count} women", summary.women).format(count=summary.women),
                men=ngettext("{count} man", "{count} men", summary.men).format(count=summary.men))),
            row(_("Attendance rate"), format_percent(summary.attendance_rate) if summary.attendance_rate is not None
                else none),
            row(_("Present every day"), str(summary.attended_every_day)),
        ] + [row(_("Day {number}").format(number=day + 1), _("{present} of {total} present").format(
            present=summary.present_per_day[day], total=summary.participants)
            if day < summary.days_held else _("not held yet")) for day in range(info.days)]
        quiz = [
            row(_("Average pre-quiz score"), format_percent(summary.pre_average / 100)
                if summary.pre_average is not None else none),
            row(_("Average post-quiz score"), format_percent(summary.post_average / 100)
                if summary.post_average is not None else none),
            row(_("Average score gain"), _points(summary.average_gain) if summary.average_gain is not None else none),
            row(_("Passed the post-quiz (pass mark {mark})").format(mark=format_percent(info.pass_mark / 100)), str(summary.passed)),
            row(_("Certificates of attendance"), str(summary.certificates)),
        ]
        stars = ", ".join(_("{stars}★: {count}").format(stars=value, count=count)
                          for value, count in enumerate(summary.ratings, start=1) if count)
        feedback = [
            row(_("Average rating"), _("{rating} out of 5").format(rating=format_number(round(summary.rating_average, 1)))
                if summary.rating_average is not None else none),
        ]
        if stars:
            feedback.append(row(_("Ratings"), stars))
        comments = "".join(
            f"<li>{html.escape(comment)} <small>— {html.escape(name)}</small></li>"
            for name, _rating, comment in summary.comments)
        certificates = [p.name for p in participants if earns_certificate(p, info, summary.days_held)]

        def section(title: str, rows: list[str]) -> str:
            heading = (f"<tr><td colspan='2' style='padding:12px 0 4px 0'><span style='font-size:large'>"
                       f"<b>{html.escape(title)}</b></span></td></tr>")
            return heading + "".join(rows)

        def whole_row(content: str) -> str:
            return f"<tr><td colspan='2' style='padding:3px 0'>{content}</td></tr>"

        # One table for every section, so the figures line up in one column and the headings match.
        text = section(_("Attendance"), attendance) + section(_("Quiz"), quiz) + section(_("Feedback"), feedback)
        if comments:
            text += section(_("Comments"), [whole_row(f"<ul>{comments}</ul>")])
        nobody = _("Nobody yet: a certificate needs presence every day and a passed post-quiz.")
        text += section(_("Certificates"), [whole_row(html.escape(', '.join(certificates) if certificates else nobody))])
        text = f"<table>{text}</table>"
        self.figures.setText(text)
