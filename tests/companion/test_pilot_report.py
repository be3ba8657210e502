"""The report for decision-makers (HTML, in the UI language) and the CSV / Excel exports."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from decimal import Decimal

import pytest

from companion import i18n
from companion.i18n import _
from companion.pilot.business_case import format_money
from companion.pilot.report import (CATEGORY_LABELS, business_case_csv, checklist_csv, report_html, write_xlsx)
from companion.pilot.store import PilotStore
from companion.pilot.templates import bundled_templates
from companion.session import open_data

# The business case inputs (store rows → maths) come from case_input.
from companion.pilot.case_input import case_result  # noqa: E402

NAME = 'Pilote <Kolda> & "Co"'
OWNER = "Ndiaye, <Awa>"
HEADINGS = ("Executive summary", "1. Checklist status", "2. Feasibility assessment", "3. Costed business case",
            "Totals per year", "Sensitivity")


@pytest.fixture
def store(paths):
    data = open_data(paths)
    yield PilotStore(data.library.engine, bundled_templates(), paths.blobs_dir)
    data.close()


@pytest.fixture
def language_reset():
    yield
    i18n.set_language("en")


def plain(text: str) -> str:
    """Escaped HTML or extracted text → comparable plain text (no-break spaces made plain)."""
    text = html.unescape(text.replace("&nbsp;", " "))
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def make_project(store: PilotStore, language: str = "en") -> str:
    project_id = store.create_project(NAME, "Senegal", "CBHI <mutuelle>", "XOF", dt.date(2027, 3, 1),
                                      ["Awa Ndiaye", "Joseph <J>"], language=language, usd_rate="600")
    [(checklist_id, _template, _version)] = store.checklists(project_id)
    items = store.items(checklist_id)
    store.update_item(items[0].id, status="done", owner=OWNER)
    store.update_item(items[1].id, status="in_progress", due_date=dt.date(2020, 1, 31), notes='Said "soon", twice')
    store.update_item(items[2].id, status="na")
    feasibility_id, _scores, _weights, _rec = store.feasibility(project_id)
    dimension = store.templates.feasibility["readiness"].dimensions[0]
    for criterion in dimension.criteria:
        store.set_criterion(feasibility_id, dimension.id, criterion.id, score=4, evidence="Decree <2024>")
    store.set_feasibility(feasibility_id, recommendation="Start <now> & train\nthe clerks.")
    return project_id


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_report_is_in_the_ui_language_with_the_users_data_escaped(store, language_reset, language):
    i18n.set_language(language)
    project_id = make_project(store, language)
    charts = {"readiness": "readiness-chart.png", "costs": "cost-chart.png"}
    # The labels follow the current UI language: no language given means that one.
    page = report_html(store, store.templates, project_id, charts=charts)
    assert page == report_html(store, store.templates, project_id, language, charts)
    text = plain(page)

    for heading in HEADINGS:
        assert f">{html.escape(_(heading))}<" in page.replace("&nbsp;", " ")
    if language == "fr":
        # The catalog is really in use: a cost category already translated comes out in French.
        assert _("Training") == "Formation" != "Training"
        assert "Formation" in text and ">Training<" not in page
    template = store.templates.checklists["pilot-implementation"]
    assert template.sections[0].title.get(language) in text
    assert template.sections[0].items[0].title.get(language) in text
    assert store.templates.feasibility["readiness"].dimensions[0].title.get(language) in text
    assert plain(i18n.format_date(dt.date(2027, 3, 1), "long", language)) in text

    # Every text the user typed is escaped, never markup.
    for raw, escaped in ((NAME, "Pilote &lt;Kolda&gt; &amp; &quot;Co&quot;"), ("Joseph <J>", "Joseph &lt;J&gt;"),
                         ("CBHI <mutuelle>", "CBHI &lt;mutuelle&gt;"), ("Decree <2024>", "Decree &lt;2024&gt;"),
                         ("Start <now> & train", "Start &lt;now&gt; &amp; train")):
        assert escaped in page and raw not in page
        assert raw in text
    assert "<script" not in page

    # The business case figures, formatted in the project's currency and the language.
    result = case_result(store, project_id)
    for amount in (result.total_cost, result.npv, result.cost_per_insuree_per_year):
        assert plain(format_money(amount, "XOF", language)) in text
    # Tables of figures per year name the currency once, above them.
    assert plain(i18n.format_amount(result.cost_by_year[1], "XOF", language)) in text
    assert plain(_("Amounts in {currency}").format(currency=i18n.currency_symbol("XOF", language))) in text
    # The worked example's 599,900 USD were converted at 600 XOF per USD; the report gives both.
    assert plain(format_money(Decimal("599900"), "USD", language)) in text
    # The charts are referenced by their resource names; the overdue item is marked.
    assert '<img src="readiness-chart.png"' in page and '<img src="cost-chart.png"' in page
    assert _("overdue") in text


def test_without_charts_the_report_has_no_images(store):
    project_id = make_project(store)
    assert "<img" not in report_html(store, store.templates, project_id, "en", {})


def test_checklist_csv_parses_and_keeps_what_was_typed(store, language_reset):
    i18n.set_language("fr")
    project_id = make_project(store, "fr")
    store.add_checklist(project_id, "legacy-to-modular-migration")
    rows = list(csv.reader(io.StringIO(checklist_csv(store, store.templates, project_id, "fr"))))
    header, body = rows[0], rows[1:]
    assert header[:6] == [_("Checklist"), _("Section"), _("Item"), _("Status"), _("Owner"), _("Due date")]
    templates = store.templates.checklists
    assert len(body) == sum(len(t.items()) for t in (templates["pilot-implementation"],
                                                       templates["legacy-to-modular-migration"]))
    assert all(len(row) == len(header) for row in body)
    first, second = body[0], body[1]
    assert first[2] == templates["pilot-implementation"].sections[0].items[0].title.get("fr")
    assert (first[3], first[4]) == (_("Done"), OWNER)  # a comma and angle brackets survive quoting
    assert (second[3], second[5], second[6]) == (_("In progress"), "2020-01-31", _("yes"))
    assert second[7] == 'Said "soon", twice'
    assert {row[0] for row in body} == {templates["pilot-implementation"].title.get("fr"),
                                        templates["legacy-to-modular-migration"].title.get("fr")}


def test_business_case_csv_has_the_lines_and_the_figures_as_plain_numbers(store):
    project_id = make_project(store)
    rows = list(csv.reader(io.StringIO(business_case_csv(store, store.templates, project_id, "en"))))
    _case, lines = store.business_case(project_id)
    header = rows[0]
    assert header[:6] == ["Side", "Category", "Kind", "Description", "Unit cost", "Quantity"]
    assert len(rows[1:1 + len(lines)]) == len(lines) and rows[1 + len(lines)] == []
    descriptions = {row[3] for row in rows[1:1 + len(lines)]}
    assert descriptions == {line.description for line in lines}
    assert {Decimal(row[4]) for row in rows[1:1 + len(lines)]} == {Decimal(line.unit_cost) for line in lines}
    result = case_result(store, project_id)
    figures = {row[0]: row[1:] for row in rows if row}
    assert Decimal(figures["Total cost of ownership (TCO)"][0]) == result.total_cost
    assert Decimal(figures["Net present value (NPV)"][0]) == result.npv
    assert Decimal(figures["Discount rate"][0]) == Decimal("0.08")
    assert [Decimal(v) for v in figures["1"][:2]] == [result.cost_by_year[1], result.benefit_by_year[1]]


def test_xlsx_has_a_sheet_per_checklist_and_numbers_as_numbers(store, tmp_path):
    from openpyxl import load_workbook

    project_id = make_project(store)
    store.add_checklist(project_id, "legacy-to-modular-migration")
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"an older export")
    write_xlsx(store, store.templates, project_id, "en", path)
    book = load_workbook(path)
    pilot = store.templates.checklists["pilot-implementation"].title.get("en")[:31]
    migration = store.templates.checklists["legacy-to-modular-migration"].title.get("en")[:31]
    assert book.sheetnames == [pilot, migration, "Business case lines", "Business case results"]
    checklist = book[pilot]
    assert checklist["D2"].value == "Done" and checklist["E2"].value == OWNER
    assert checklist["F3"].value.date() == dt.date(2020, 1, 31)  # a real date
    lines = book["Business case lines"]
    _case, rows = store.business_case(project_id)
    assert lines.max_row == len(rows) + 1
    assert all(isinstance(lines.cell(r, 5).value, (int, float)) for r in range(2, lines.max_row + 1))
    results = book["Business case results"]
    values = {row[0].value: row[1].value for row in results.iter_rows() if row[0].value is not None}
    result = case_result(store, project_id)
    assert isinstance(values["Total cost of ownership (TCO)"], (int, float))
    assert values["Total cost of ownership (TCO)"] == pytest.approx(float(result.total_cost))
    assert values["Number of insurees"] == 50000
    assert not list(tmp_path.glob("*.part"))


def test_a_failed_xlsx_leaves_nothing_behind(store, tmp_path):
    project_id = make_project(store)
    with pytest.raises(OSError):
        write_xlsx(store, store.templates, project_id, "en", tmp_path / "missing" / "report.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no partial file anywhere


def test_category_labels_cover_the_business_case_vocabulary():
    from companion.pilot.business_case import BENEFIT_CATEGORIES, COST_CATEGORIES

    assert set(COST_CATEGORIES) | set(BENEFIT_CATEGORIES) <= set(CATEGORY_LABELS)
