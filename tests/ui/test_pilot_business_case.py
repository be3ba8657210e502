"""The business case as a pilot team builds it: typing figures, seeing results, refusals, undo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from companion.pilot.case_input import case_result
from ui.screens.pilot.business_case import DESCRIPTION, QUANTITY, UNIT_COST, YEARS, BusinessCaseTab, error_message


def open_case(launch, language, worked=False):
    window = launch(language).window
    project_id = window.pilot.create_project("Pilote Mayo-Kani", "Cameroon", currency="XAF",
                                             worked_business_case=worked, usd_rate="600" if worked else None,
                                             language=language)
    window.open_project(project_id)
    tab = window.project_screen.page(BusinessCaseTab)
    window.project_screen.tabs.setCurrentWidget(tab)
    return window, project_id, tab


@pytest.mark.parametrize("language, typed, expected", [("fr", "1 234,50", Decimal("1234.50")),
                                                       ("en", "1,234.50", Decimal("1234.50"))])
def test_add_a_cost_line_and_see_the_results(launch, language, typed, expected):
    window, project_id, tab = open_case(launch, language)
    assert tab.costs.rowCount() == 0
    tab.add_cost.click()
    model = tab.costs
    assert model.rowCount() == 1
    assert model.setData(model.index(0, DESCRIPTION), "Serveur")
    assert model.setData(model.index(0, UNIT_COST), typed)
    assert model.setData(model.index(0, QUANTITY), "2")
    assert model.setData(model.index(0, YEARS), "1")
    result = case_result(window.pilot, project_id)
    assert result.tco == expected * 2
    figures = tab.figures.text()
    assert ("2 469 FCFA" if language == "fr" else "FCFA2,469") in figures.replace("\u202f", " ").replace("\xa0", " ")
    window.project_screen.tabs.setCurrentIndex(0)
    headline = window.project_screen.pages[0].case_label.text()
    assert "FCFA" in headline


def test_bad_figures_are_refused_with_a_message_and_not_stored(launch):
    window, project_id, tab = open_case(launch, "fr")
    tab.add_cost.click()
    model = tab.costs
    assert not model.setData(model.index(0, UNIT_COST), "mille")
    assert tab.error.isVisible() and tab.error.text() == error_message("not_a_number")
    assert not model.setData(model.index(0, QUANTITY), "-3")
    assert not model.setData(model.index(0, YEARS), "9")  # beyond the 5-year horizon
    _case, [line] = window.pilot.business_case(project_id)
    assert (line.unit_cost, line.quantity, line.years) == ("0", "1", (1, 2, 3, 4, 5))
    tab.rate_field.setText("500")
    tab.rate_field.editingFinished.emit()
    assert tab.error.isVisible()
    assert window.pilot.business_case(project_id)[0].discount_rate == "0.08"
    tab.rate_field.setText("10")
    tab.rate_field.editingFinished.emit()
    assert window.pilot.business_case(project_id)[0].discount_rate == "0.1"


def test_undo_and_redo_a_line_edit_and_a_removal(launch, qtbot):
    window, project_id, tab = open_case(launch, "en", worked=True)
    model = tab.costs
    first = model.rows[0]
    assert model.setData(model.index(0, QUANTITY), "3")
    assert window.pilot.business_case(project_id)[1][0].quantity == "3"
    window.undo_action.trigger()
    assert {l.id: l.quantity for l in window.pilot.business_case(project_id)[1]}[first.id] == first.quantity
    window.redo_action.trigger()
    assert {l.id: l.quantity for l in window.pilot.business_case(project_id)[1]}[first.id] == "3"
    before = len(window.pilot.business_case(project_id)[1])
    tab.cost_table.setCurrentIndex(model.index(0, DESCRIPTION))
    tab.cost_table.setFocus()
    tab.remove_button.click()
    assert len(window.pilot.business_case(project_id)[1]) == before - 1
    window.undo_action.trigger()
    assert len(window.pilot.business_case(project_id)[1]) == before


def test_worked_example_converted_to_the_project_currency(launch):
    window, project_id, tab = open_case(launch, "fr", worked=True)
    result = case_result(window.pilot, project_id)
    assert result.tco == Decimal("599900") * 600  # the example's US dollars at 600 XAF per dollar
    assert tab.sensitivity.rowCount() == 6 and tab.per_year.rowCount() == 5
    assert tab.chart is not None and tab.chart.chart().series()
