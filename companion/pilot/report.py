"""The report a pilot team hands to decision-makers, and the CSV / Excel exports (pure, no Qt).

:func:`collect` reads everything a report needs from the store once; :func:`report_html` turns
it into a printable HTML document (the subset of HTML and CSS that Qt's ``QTextDocument``
lays out: headings, tables with borders, images by resource name). ``ui/reports.py`` renders
that into a PDF or sends it to a printer.

Labels come from ``companion.i18n._()``, so they follow the current UI language; template
texts (checklist items, dimensions), dates, numbers and money follow ``language``, which the
UI passes as its current language. Every text a user typed is escaped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from babel.numbers import format_decimal

from companion import i18n
from companion.i18n import N_, _, babel_locale, country_name, current_language, supported_language, translated
from companion.pilot.business_case import Result, format_money, format_percent, to_usd
from companion.pilot.case_input import CATEGORY_LABELS, KIND_LABELS
from companion.pilot.feasibility import READINGS, Readiness, readiness
from companion.pilot.progress import Progress, checklist_progress, is_overdue
from companion.pilot.store import READINESS, CaseRow, ItemRow, LineRow, PilotStore, ProjectInfo
from companion.pilot.templates import ChecklistTemplate, FeasibilityTemplate, Templates
from companion.printable import PAGE_BREAK, esc, facts_table, multiline, nowrap, table, tag

# The same words as the checklist screen (one msgid, one translation).
STATUS_LABELS = {"todo": N_("To do"), "in_progress": N_("In progress"), "done": N_("Done"),
                 "na": N_("Not applicable")}
SIDE_LABELS = {"cost": N_("Cost"), "benefit": N_("Benefit")}
# Resource names of the two charts in the HTML (``ui/reports.py`` adds the images under them).
READINESS_CHART, COST_CHART = "readiness", "costs"


# --- What a report needs, read once ------------------------------------------------------------------

@dataclass(frozen=True)
class ChecklistData:
    checklist_id: str
    template_id: str
    template: ChecklistTemplate | None
    items: tuple[ItemRow, ...]
    overall: Progress
    sections: tuple[Progress, ...]


@dataclass(frozen=True)
class CriterionNote:
    dimension_id: str
    criterion_id: str
    score: int | None
    evidence: str
    risk: str


@dataclass(frozen=True)
class ReportData:
    project: ProjectInfo
    today: dt.date
    checklists: tuple[ChecklistData, ...]
    feasibility_template: FeasibilityTemplate
    readiness: Readiness
    notes: tuple[CriterionNote, ...]
    recommendation: str
    case: CaseRow
    lines: tuple[LineRow, ...]
    result: Result | None           # None when the business case cannot be computed
    case_error: str | None          # the validation error key when it cannot


def _business_case_result(store: PilotStore, project_id: str) -> tuple[Result | None, str | None]:
    """The computed business case (by companion.pilot.case_input, the one place that maps the
    stored rows to the maths), or the error key that keeps it from being computed."""
    from companion.pilot.case_input import case_result

    try:
        return case_result(store, project_id), None
    except ValueError as error:  # InvalidInput (a figure the maths refuses) or PilotError
        return None, getattr(error, "key", "invalid")


def collect(store: PilotStore, templates: Templates, project_id: str, today: dt.date | None = None) -> ReportData:
    """Everything the report shows, read from the store (one short read per part)."""
    today = today or dt.date.today()
    project = store.project(project_id)
    checklists = []
    for checklist_id, template_id, _version in store.checklists(project_id):
        template = templates.checklists.get(template_id)
        items = store.items(checklist_id)
        overall, sections = checklist_progress(template, items)
        checklists.append(ChecklistData(checklist_id, template_id, template, tuple(items), overall, tuple(sections)))
    feasibility_template = templates.feasibility[READINESS]
    _feasibility_id, scores, weights, recommendation = store.feasibility(project_id)
    result_readiness = readiness(feasibility_template, {key: row.score for key, row in scores.items()}, weights)
    notes = tuple(CriterionNote(row.dimension_key, key, row.score, row.evidence or "", row.risk or "")
                  for key, row in scores.items())
    case, lines = store.business_case(project_id)
    result, error = _business_case_result(store, project_id)
    return ReportData(project, today, tuple(checklists), feasibility_template, result_readiness, notes,
                      recommendation or "", case, tuple(lines), result, error)


# --- Formatting helpers --------------------------------------------------------------------------------

def _date(value: dt.date | None, language: str, fmt: str = "medium") -> str:
    return i18n.format_date(value, fmt, language) if value else ""


def _number(value, language: str) -> str:
    return format_decimal(value, locale=babel_locale(language))


def _score(value: float | None, language: str) -> str:
    return "–" if value is None else format_decimal(round(value, 1), format="0.0", locale=babel_locale(language))


def _category(category: str) -> str:
    return translated(CATEGORY_LABELS[category]) if category in CATEGORY_LABELS else category


def _years(years, language: str) -> str:
    """"1–5", "2–5", "1, 3, 5": runs of following years are joined."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(_number(r[0], language) if len(r) == 1 else
                     f"{_number(r[0], language)}–{_number(r[-1], language)}" for r in runs)


def _section_titles(template: ChecklistTemplate | None, language: str) -> dict[str, str]:
    return {s.id: s.title.get(language) for s in template.sections} if template else {}


def _item_titles(template: ChecklistTemplate | None, language: str) -> dict[str, str]:
    return {i.id: i.title.get(language) for _s, i in template.items()} if template else {}


def _checklist_title(checklist: ChecklistData, language: str) -> str:
    return checklist.template.title.get(language) if checklist.template else checklist.template_id


def _progress_text(progress: Progress, language: str) -> str:
    return _("{done} of {total} done ({percent})").format(
        done=_number(progress.done, language), total=_number(progress.applicable, language),
        percent=format_percent(Decimal(progress.done) / Decimal(progress.applicable) if progress.applicable
                               else Decimal(1), language, 0))


def _currency(code: str, language: str) -> str:
    """"Central African CFA Franc (FCFA)": the name, and the symbol every amount is written with."""
    name, symbol = i18n.currency_name(code, language), i18n.currency_symbol(code, language)
    return f"{name} ({symbol})" if name != code else code


def _money(data: ReportData, amount: Decimal, language: str) -> str:
    return format_money(amount, data.project.currency, language)


def _usd_rate(data: ReportData) -> Decimal | None:
    try:
        rate = Decimal(str(data.project.usd_rate)) if data.project.usd_rate not in (None, "") else None
    except ArithmeticError:
        return None
    return rate if rate is not None and rate.is_finite() and rate > 0 else None


def headline_figures(data: ReportData, language: str) -> list[tuple[str, str, str]]:
    """(key, label, formatted value) of the business case's headline figures."""
    result = data.result
    if result is None:
        return []
    money = lambda amount: _money(data, amount, language)  # noqa: E731
    figures = [
        ("tco", _("Total cost of ownership (TCO)"), money(result.total_cost)),
        ("benefits", _("Total benefits"), money(result.total_benefit)),
        ("npv", _("Net present value (NPV)"), money(result.npv)),
        ("eac", _("Equivalent annual cost"), money(result.eac)),
        ("per_insuree", _("Cost per insuree per year"), money(result.cost_per_insuree_per_year)),
        ("roi", _("Return on investment (ROI)"), _("not applicable") if result.roi is None
         else format_percent(result.roi, language, 1)),
        ("break_even", _("Break-even year"), _("not within the horizon") if result.break_even_year is None
         else _("year {year}").format(year=_number(result.break_even_year, language))),
    ]
    rate = _usd_rate(data)
    if rate is not None and data.project.currency != "USD":
        figures.insert(1, ("tco_usd", _("TCO in US dollars"),
                           format_money(to_usd(result.total_cost, rate), "USD", language)))
    return figures


# --- The HTML report -------------------------------------------------------------------------------------

STYLE = """
body { font-size: 10pt; color: #202020; }
h1 { font-size: 24pt; color: #1f4e79; margin-top: 0px; margin-bottom: 8px; }
h2 { font-size: 16pt; color: #1f4e79; margin-top: 4px; margin-bottom: 8px; }
h3 { font-size: 12pt; color: #1f4e79; margin-top: 14px; margin-bottom: 4px; }
p { margin-top: 3px; margin-bottom: 3px; }
.kicker { font-size: 12pt; color: #555555; }
.lead { font-size: 12pt; color: #404040; }
.overdue { color: #b00020; font-weight: bold; }
.note { color: #555555; font-size: 8.5pt; }
.reading { font-weight: bold; }
.section { font-weight: bold; margin-top: 10px; }
"""


def _title_page(data: ReportData, language: str) -> str:
    project = data.project
    facts = [
        (_("Country"), esc(country_name(project.country, language)) or "–"),
        (_("Scheme"), esc(project.scheme) or "–"),
        (_("Currency"), esc(_currency(project.currency, language))),
        (_("Start date"), esc(_date(project.start_date, language, "long")) or "–"),
        (_("Team"), esc(", ".join(project.team)) or "–"),
        (_("Date of this report"), esc(_date(data.today, language, "long"))),
    ]
    lead = _("Checklist status, feasibility assessment and costed business case, for decision-makers.")
    credit = _("Prepared with the openIMIS Implementer Companion.")
    contents = [_("Executive summary"), _("1. Checklist status"), _("2. Feasibility assessment"),
                _("3. Costed business case")]
    return (tag("p", _("openIMIS pilot project report"), "kicker") + "\n"
            + f"<h1>{esc(project.name)}</h1>\n"
            f'<p class="lead" style="margin-bottom: 18px;">{esc(lead)}</p>\n'
            + facts_table(facts) + "\n"
            + tag("h3", _("In this report"), style="margin-top: 28px;") + "\n"
            + "<ul>" + "".join(f"<li>{esc(c)}</li>" for c in contents) + "</ul>\n"
            + f'<p class="note" style="margin-top: 28px;">{esc(credit)}</p>')


def _summary(data: ReportData, language: str) -> str:
    out = [tag("h2", _("Executive summary"))]
    rows: list[tuple[str, str]] = []
    for checklist in data.checklists:
        late = sum(1 for item in checklist.items if is_overdue(item, data.today))
        text = esc(_progress_text(checklist.overall, language))
        if late:
            overdue = _("{count} overdue").format(count=_number(late, language))
            text += f' <span class="overdue">{esc(overdue)}</span>'
        rows.append((_checklist_title(checklist, language), text))
    result = data.readiness
    if result.overall is None:
        reading = esc(translated(READINGS[result.reading]))
    else:
        reading = esc(_("{score} out of 5 ({percent}): {reading}").format(
            score=_score(result.overall, language),
            percent=format_percent(Decimal(str(round(result.percent, 1))) / 100, language, 0),
            reading=translated(READINGS[result.reading])))
    rows.append((_("Feasibility readiness"), f'<span class="reading">{reading}</span>'))
    if data.result is None:
        rows.append((_("Business case"), esc(_("The business case cannot be computed yet: check its figures."))))
    else:
        summary = ("tco", "tco_usd", "npv", "per_insuree", "break_even")
        rows.extend((label, nowrap(value)) for key, label, value in headline_figures(data, language) if key in summary)
    out.append(facts_table(rows))
    late = []
    for checklist in data.checklists:
        titles = _item_titles(checklist.template, language)
        late += [(item.due_date, titles.get(item.item_key, item.item_key), item.owner)
                 for item in checklist.items if is_overdue(item, data.today)]
    if late:
        late.sort(key=lambda entry: entry[0])
        out.append(tag("h3", _("Overdue items")))
        lines = [esc(_("{title} — due {date}").format(title=title, date=_date(due, language)))
                 + (f" ({esc(owner)})" if owner else "") for due, title, owner in late[:10]]
        if len(late) > 10:
            lines.append(esc(_("and {count} more").format(count=_number(len(late) - 10, language))))
        out.append("<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>")
    if result.weak_dimensions:
        template = data.feasibility_template
        names = [template.dimension(d).title.get(language) if template.dimension(d) else d
                 for d in result.weak_dimensions]
        out.append(tag("h3", _("Weakest feasibility dimensions")))
        out.append("<p>" + esc(", ".join(names)) + "</p>")
    if data.recommendation.strip():
        out.append(tag("h3", _("Recommendation")))
        out.append(f"<p>{multiline(data.recommendation)}</p>")
    return "\n".join(out)


def _checklists(data: ReportData, language: str) -> str:
    out = [tag("h2", _("1. Checklist status"))]
    for checklist in data.checklists:
        out.append(f"<h3>{esc(_checklist_title(checklist, language))} — "
                   f"{esc(_progress_text(checklist.overall, language))}</h3>")
        sections = _section_titles(checklist.template, language)
        titles = _item_titles(checklist.template, language)
        for progress in checklist.sections:
            items = [i for i in checklist.items if i.section_key == progress.key]
            caption = (f"<b>{esc(sections.get(progress.key, progress.key))}</b> · "
                       f"{esc(_progress_text(progress, language))}")
            rows = []
            for item in items:
                due = esc(_date(item.due_date, language))
                if is_overdue(item, data.today):
                    due += " " + tag("span", _("overdue"), "overdue")
                rows.append([esc(titles.get(item.item_key, item.item_key)),
                             esc(translated(STATUS_LABELS.get(item.status, item.status))), esc(item.owner), due])
            out.append(table([esc(_("Item")), esc(_("Status")), esc(_("Owner")), esc(_("Due date"))], rows,
                              widths=[50, 16, 18, 16], caption=caption))
    return "\n".join(out)


def _feasibility(data: ReportData, language: str, charts: dict[str, str]) -> str:
    template, result = data.feasibility_template, data.readiness
    out = [tag("h2", _("2. Feasibility assessment"))]
    if result.overall is None:
        out.append(tag("p", translated(READINGS[result.reading]), "reading"))
    else:
        out.append('<p class="reading">' + esc(_("Overall readiness: {score} out of 5 — {reading}").format(
            score=_score(result.overall, language), reading=translated(READINGS[result.reading]))) + "</p>")
    if result.weak_dimensions:
        names = [template.dimension(d).title.get(language) if template.dimension(d) else d
                 for d in result.weak_dimensions]
        out.append("<p>" + esc(_("Weakest dimensions: {names}.").format(names=", ".join(names))) + "</p>")
    rows = []
    for score in result.dimensions:
        dimension = template.dimension(score.dimension_id)
        rows.append([esc(dimension.title.get(language) if dimension else score.dimension_id),
                     esc(_number(score.weight, language)),
                     esc(_("{scored} of {total}").format(scored=_number(score.scored, language),
                                                          total=_number(score.criteria, language))),
                     esc(_score(score.score, language))])
    out.append(table([esc(_("Dimension")), esc(_("Weight")), esc(_("Criteria scored")),
                       esc(_("Score (1–5)"))], rows, numeric={1, 2, 3}, widths=[52, 12, 18, 18]))
    if charts.get(READINESS_CHART):
        out.append(f'<p align="center"><img src="{esc(charts[READINESS_CHART])}"/></p>')
    notes = [n for n in data.notes if n.evidence.strip() or n.risk.strip()]
    if notes:
        criteria = {c.id: (d, c) for d in template.dimensions for c in d.criteria}
        order = list(criteria)
        notes.sort(key=lambda n: order.index(n.criterion_id) if n.criterion_id in order else len(order))
        rows = []
        for note in notes:
            entry = criteria.get(note.criterion_id)
            name = entry[1].title.get(language) if entry else note.criterion_id
            rows.append([esc(name), esc("–" if note.score is None else _number(note.score, language)),
                         multiline(note.evidence), multiline(note.risk)])
        out.append(tag("h3", _("Evidence and risks")))
        out.append(table([esc(_("Criterion")), esc(_("Score")), esc(_("Evidence")), esc(_("Risk"))], rows,
                          numeric={1}, widths=[30, 10, 30, 30]))
    out.append(tag("h3", _("Recommendation")))
    out.append(f"<p>{multiline(data.recommendation)}</p>" if data.recommendation.strip()
               else tag("p", _("No recommendation written yet."), "note"))
    return "\n".join(out)


def _business_case(data: ReportData, language: str, charts: dict[str, str]) -> str:
    case, result = data.case, data.result
    currency = data.project.currency
    out = [tag("h2", _("3. Costed business case"))]
    try:
        rate_text = format_percent(Decimal(case.discount_rate), language)
    except ArithmeticError:
        rate_text = str(case.discount_rate)
    usd_rate = _usd_rate(data)
    assumptions = [
        (_("Horizon"), esc(_("{years} years").format(years=_number(case.horizon_years, language)))),
        (_("Discount rate"), esc(rate_text)),
        (_("Number of insurees"), esc(_number(case.insurees, language))),
        (_("Currency"), esc(_currency(currency, language))),
    ]
    if usd_rate is not None:
        assumptions.append((_("Exchange rate"), esc(_("{amount} per US dollar").format(
            amount=format_money(usd_rate, currency, language)))))
    out.append(tag("h3", _("Assumptions")))
    out.append(facts_table(assumptions))

    for side, title in (("cost", _("Cost lines")), ("benefit", _("Benefit lines"))):
        lines = [line for line in data.lines if line.side == side]
        out.append(f"<h3>{esc(title)}</h3>")
        if not lines:
            out.append(tag("p", _("None."), "note"))
            continue
        rows = []
        for line in lines:
            category = (esc(_category(line.category)) + "<br/>"
                        + tag("span", translated(KIND_LABELS.get(line.kind, line.kind)), style="color: #555555;"))
            rows.append([category, esc(line.description),
                         nowrap(_amount_text(line.unit_cost, currency, language, money=True)),
                         nowrap(_amount_text(line.quantity, currency, language)),
                         nowrap(_years(line.years, language))])
        out.append(table([esc(_("Category")), esc(_("Description")), esc(_("Unit cost")), esc(_("Quantity")),
                           esc(_("Years"))], rows, numeric={2, 3}, widths=[20, 34, 21, 13, 12]))

    if result is None:
        out.append(tag("p", _("The business case cannot be computed yet: check its figures."), "overdue"))
        return "\n".join(out)

    out.append(tag("h3", _("Totals per year")))
    # Tables of figures name the currency once, above them: five amounts with their symbol do not
    # fit across the page without breaking inside a number.
    in_currency = tag("p", _("Amounts in {currency}").format(currency=i18n.currency_symbol(currency, language)), "note")
    out.append(in_currency)
    money = lambda amount: nowrap(format_money(amount, currency, language))  # noqa: E731
    amount = lambda value: nowrap(i18n.format_amount(value, currency, language))  # noqa: E731
    rows = [[esc(_("Year {year}").format(year=_number(year, language))), amount(result.cost_by_year[year]),
             amount(result.benefit_by_year[year]), amount(result.net_by_year[year]),
             amount(result.cumulative_net_by_year[year])] for year in result.years]
    rows.append([esc(_("Total")), amount(result.total_cost), amount(result.total_benefit), amount(result.net_benefit),
                 ""])
    out.append(table([esc(_("Year")), esc(_("Costs")), esc(_("Benefits")), esc(_("Net benefit")),
                       esc(_("Cumulative net benefit"))], rows, numeric={1, 2, 3, 4}, total_rows={len(rows) - 1}))
    if charts.get(COST_CHART):
        out.append(f'<p align="center"><img src="{esc(charts[COST_CHART])}"/></p>')

    categories = [(c, v) for c, v in result.cost_by_category.items() if v]
    if categories:
        out.append(tag("h3", _("Costs by category")))
        rows = [[esc(_category(c)), money(v),
                 esc(format_percent(v / result.total_cost, language, 0) if result.total_cost else "")]
                for c, v in sorted(categories, key=lambda cv: -cv[1])]
        out.append(table([esc(_("Category")), esc(_("Total over the horizon")), esc(_("Share"))], rows,
                          numeric={1, 2}, widths=[50, 30, 20]))

    out.append(tag("h3", _("Headline figures")))
    out.append(facts_table([(label, nowrap(value)) for _key, label, value in headline_figures(data, language)]))

    if result.sensitivity:
        out.append(tag("h3", _("Sensitivity")))
        out.append("<p>" + esc(_("What the headline figures become when the largest cost drivers change.")) + "</p>")
        out.append(in_currency)
        rows = []
        for row in result.sensitivity:
            change = format_percent(row.change, language, 0)
            if row.change > 0:
                change = "+" + change
            rows.append([esc(_category(row.category)), esc(change), amount(row.total_cost), amount(row.npv),
                         amount(row.cost_per_insuree_per_year)])
        out.append(table([esc(_("Cost driver")), esc(_("Change")), esc(_("TCO")), esc(_("NPV")),
                           esc(_("Cost per insuree per year"))], rows, numeric={1, 2, 3, 4},
                          widths=[26, 14, 20, 20, 20]))
    out.append('<p class="note">' + esc(_(
        "Method: amounts are counted in the years each line applies to; the total cost of ownership is not "
        "discounted; the net present value discounts each year at its end; figures are rounded to the cent "
        "(half to even) and shown with the currency's usual decimals.")) + "</p>")
    return "\n".join(out)


def _amount_text(value: str, currency: str, language: str, money: bool = False) -> str:
    """A unit cost or quantity as entered: a unit cost of 0.4 XOF stays 0.4, not 0."""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if not amount.is_finite():
        return str(value)
    if not money:
        return format_decimal(amount, locale=babel_locale(language), decimal_quantization=False)
    digits = i18n.currency_digits(currency)
    if amount == amount.quantize(Decimal(1).scaleb(-digits)):
        return format_money(amount, currency, language)
    return i18n.format_money(amount, currency, language, digits=max(digits, -amount.normalize().as_tuple().exponent))


def render_html(data: ReportData, language: str, charts: dict[str, str] | None = None) -> str:
    """The report for ``data`` (see :func:`report_html`)."""
    language = supported_language(language)
    charts = charts or {}
    title = esc(_("Report: {name}").format(name=data.project.name))
    parts = [
        _title_page(data, language),
        PAGE_BREAK, _summary(data, language),
        PAGE_BREAK, _checklists(data, language),
        PAGE_BREAK, _feasibility(data, language, charts),
        PAGE_BREAK, _business_case(data, language, charts),
    ]
    return (f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8"/><title>{title}</title>'
            f"<style>{STYLE}</style></head>\n<body>\n" + "\n".join(parts) + "\n</body></html>\n")


def report_html(store: PilotStore, templates: Templates, project_id: str, language: str | None = None,
                charts: dict[str, str] | None = None) -> str:
    """A printable HTML report of a project for decision-makers, in ``language`` (by default the
    current UI language, whose catalog gives the labels). ``charts`` maps "readiness" and
    "costs" to the resource names of the chart images (absent: the chart is left out)."""
    language = language or current_language()
    return render_html(collect(store, templates, project_id), language, charts)


# --- CSV and Excel -------------------------------------------------------------------------------------

def _csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def checklist_rows(data: ReportData, checklist: ChecklistData, language: str) -> tuple[list[str], list[list]]:
    headers = [_("Checklist"), _("Section"), _("Item"), _("Status"), _("Owner"), _("Due date"), _("Overdue"),
               _("Notes"), _("Attachments")]
    sections = _section_titles(checklist.template, language)
    titles = _item_titles(checklist.template, language)
    rows = []
    for item in checklist.items:
        rows.append([_checklist_title(checklist, language), sections.get(item.section_key, item.section_key),
                     titles.get(item.item_key, item.item_key), translated(STATUS_LABELS.get(item.status, item.status)),
                     item.owner, item.due_date, _("yes") if is_overdue(item, data.today) else "", item.notes,
                     item.attachments])
    return headers, rows


def checklist_csv(store: PilotStore, templates: Templates, project_id: str, language: str | None = None) -> str:
    """Every checklist item of the project, one row each (dates as YYYY-MM-DD)."""
    language = supported_language(language or current_language())
    data = collect(store, templates, project_id)
    out: list[list] = []
    for checklist in data.checklists:
        headers, rows = checklist_rows(data, checklist, language)
        if not out:
            out.append(headers)
        out.extend([(value.isoformat() if isinstance(value, dt.date) else value) for value in row] for row in rows)
    return _csv(out)


def line_rows(data: ReportData, language: str) -> tuple[list[str], list[list]]:
    headers = [_("Side"), _("Category"), _("Kind"), _("Description"), _("Unit cost"), _("Quantity"), _("Years"),
               _("Currency")]
    rows = [[translated(SIDE_LABELS.get(line.side, line.side)), _category(line.category),
             translated(KIND_LABELS.get(line.kind, line.kind)),
             line.description, _plain_number(line.unit_cost), _plain_number(line.quantity),
             " ".join(str(y) for y in sorted(line.years)), data.project.currency] for line in data.lines]
    return headers, rows


def result_rows(data: ReportData) -> list[tuple[str, list]]:
    """(kind, row) of the assumptions, per-year totals, headline figures and sensitivity, numbers
    as Decimal/int so a spreadsheet gets numbers. ``kind`` tells how to format the row's figures:
    title, header, blank, text, integer, percent, money, or sensitivity (a change then money)."""
    case, result = data.case, data.result
    rows: list[tuple[str, list]] = [
        ("title", [_("Assumptions")]),
        ("integer", [_("Horizon (years)"), case.horizon_years]),
        ("percent", [_("Discount rate"), _plain_number(case.discount_rate)]),
        ("integer", [_("Number of insurees"), case.insurees]),
        ("text", [_("Currency"), data.project.currency]),
    ]
    if _usd_rate(data) is not None:
        rows.append(("number", [_("Exchange rate (per US dollar)"), _usd_rate(data)]))
    if result is None:
        return rows + [("blank", []), ("title", [_("The business case cannot be computed yet: check its figures.")])]
    rows += [("blank", []),
             ("header", [_("Year"), _("Costs"), _("Benefits"), _("Net benefit"), _("Cumulative net benefit")])]
    rows += [("money", [year, result.cost_by_year[year], result.benefit_by_year[year], result.net_by_year[year],
                        result.cumulative_net_by_year[year]]) for year in result.years]
    rows.append(("money", [_("Total"), result.total_cost, result.total_benefit, result.net_benefit]))
    rows += [("blank", []), ("title", [_("Headline figures")]),
             ("money", [_("Total cost of ownership (TCO)"), result.total_cost]),
             ("money", [_("Total benefits"), result.total_benefit]),
             ("money", [_("Net present value (NPV)"), result.npv]),
             ("money", [_("Equivalent annual cost"), result.eac]),
             ("money", [_("Cost per insuree per year"), result.cost_per_insuree_per_year]),
             ("percent", [_("Return on investment (ROI)"), result.roi if result.roi is not None else ""]),
             ("integer", [_("Break-even year"), result.break_even_year if result.break_even_year is not None else ""])]
    if result.sensitivity:
        rows += [("blank", []),
                 ("header", [_("Cost driver"), _("Change"), _("TCO"), _("NPV"), _("Cost per insuree per year")])]
        rows += [("sensitivity", [_category(r.category), r.change, r.total_cost, r.npv, r.cost_per_insuree_per_year])
                 for r in result.sensitivity]
    return rows


def _plain_number(value) -> Decimal | str:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    return number if number.is_finite() else str(value)


def business_case_csv(store: PilotStore, templates: Templates, project_id: str, language: str | None = None) -> str:
    """The cost and benefit lines, then (after an empty row) the results. Numbers are plain
    (a dot for decimals, no grouping) so any spreadsheet reads them."""
    language = supported_language(language or current_language())
    data = collect(store, templates, project_id)
    headers, rows = line_rows(data, language)
    return _csv([headers, *rows, [], *(row for _kind, row in result_rows(data))])


_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(title: str, taken: set[str]) -> str:
    base = (title.translate(_SHEET_FORBIDDEN).strip() or "Sheet")[:31]
    name, number = base, 2
    while name.casefold() in taken:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    taken.add(name.casefold())
    return name


def write_xlsx(store: PilotStore, templates: Templates, project_id: str, language: str | None,
               path: Path | str) -> None:
    """An Excel workbook: one sheet per checklist, one for the business case lines, one for the
    results. Numbers are numbers and dates are dates. Written to a temporary file beside ``path``
    and moved into place, so a failure (disk full) leaves any earlier file untouched."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    language = supported_language(language or current_language())
    data = collect(store, templates, project_id)
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E6EDF5")
    taken: set[str] = set()
    digits = i18n.currency_digits(data.project.currency)
    money_format = "#,##0" + ("." + "0" * digits if digits else "")

    def header(sheet, values, widths):
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = bold, fill
        for index, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        sheet.freeze_panes = "A2"

    for checklist in data.checklists:
        sheet = workbook.create_sheet(_sheet_title(_checklist_title(checklist, language), taken))
        headers, rows = checklist_rows(data, checklist, language)
        header(sheet, headers, [24, 28, 60, 16, 20, 14, 10, 40, 12])
        for row in rows:
            sheet.append(row)
            sheet.cell(sheet.max_row, 6).number_format = "yyyy-mm-dd"
            for column in (3, 8):
                sheet.cell(sheet.max_row, column).alignment = Alignment(wrap_text=True, vertical="top")

    sheet = workbook.create_sheet(_sheet_title(_("Business case lines"), taken))
    headers, rows = line_rows(data, language)
    header(sheet, headers, [12, 24, 14, 60, 16, 10, 14, 10])
    for row in rows:
        sheet.append(row)
        sheet.cell(sheet.max_row, 5).number_format = money_format
        sheet.cell(sheet.max_row, 4).alignment = Alignment(wrap_text=True, vertical="top")

    sheet = workbook.create_sheet(_sheet_title(_("Business case results"), taken))
    for column, width in zip("ABCDE", (36, 20, 20, 20, 24)):
        sheet.column_dimensions[column].width = width
    formats = {"money": money_format, "percent": "0.00%", "integer": "0", "number": "#,##0.####"}
    for kind, row in result_rows(data):
        sheet.append(row)
        cells = sheet[sheet.max_row] if row else ()
        if kind in ("title", "header"):
            for cell in cells:
                cell.font = bold
                if kind == "header":
                    cell.fill = fill
        for index, cell in enumerate(cells[1:], start=1):
            if kind == "sensitivity":
                cell.number_format = "+0%;-0%" if index == 1 else money_format
            elif kind in formats:
                cell.number_format = formats[kind]
    target = Path(path)
    partial = target.with_name(target.name + ".part")
    try:
        workbook.save(partial)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
