"""The business case as a pilot team builds it: typing figures, seeing results, refusals, undo."""

from __future__ import annotations

from decimal import Decimal

import pytest
from shiboken6 import isValid
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from companion.pilot.case_input import case_result
from ui.screens.pilot.business_case import (DESCRIPTION, QUANTITY, UNIT_COST, YEARS, BusinessCaseTab,
                                            error_message)
from ui.screens.pilot.dashboard import DashboardTab


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def open_case(launch, language, worked=False):
    window = launch(language).window
    project_id = window.pilot.create_project("Pilote Mayo-Kani", "Cameroon", currency="XAF",
                                             worked_business_case=worked, usd_rate="600", language=language)
    window.open_project(project_id)
    tab = window.project_screen.page(BusinessCaseTab)
    window.project_screen.tabs.setCurrentWidget(tab)
    return window, project_id, tab


def type_into_cell(qtbot, table, row, column, text):
    """Select a cell, open its editor as a user would (F2), type, press Enter."""
    index = table.model().index(row, column)
    table.setFocus()
    table.setCurrentIndex(index)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit) and editor.objectName() == "lineCellEditor"
    assert editor.accessibleName()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not isValid(editor) or not editor.isVisible())  # the delegate commits on the next turn of the loop


def type_into_field(qtbot, field, text):
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


@pytest.mark.parametrize("language, typed, tco_text, headline_text", [
    ("fr", "1 234,50", "2 469 FCFA", "Pilote"),
    ("en", "1,234.50", "FCFA 2,469", "Pilote"),  # a space after the letters, as in French
])
def test_add_a_cost_line_by_typing_and_see_the_results_and_the_dashboard(launch, qtbot, language, typed, tco_text,
                                                                         headline_text):
    window, project_id, tab = open_case(launch, language)
    dashboard = window.project_screen.page(DashboardTab)
    window.project_screen.tabs.setCurrentWidget(dashboard)
    headline_before = dashboard.case_label.text()
    window.project_screen.tabs.setCurrentWidget(tab)
    assert tab.costs.rowCount() == 0
    qtbot.mouseClick(tab.add_cost, Qt.MouseButton.LeftButton)
    assert tab.costs.rowCount() == 1
    type_into_cell(qtbot, tab.cost_table, 0, DESCRIPTION, "Serveur")
    type_into_cell(qtbot, tab.cost_table, 0, UNIT_COST, typed)
    type_into_cell(qtbot, tab.cost_table, 0, QUANTITY, "2")
    type_into_cell(qtbot, tab.cost_table, 0, YEARS, "1")
    _case, [line] = window.pilot.business_case(project_id)
    assert (line.description, line.unit_cost, line.quantity, line.years) == ("Serveur", "1234.50", "2", (1,))
    result = case_result(window.pilot, project_id)
    assert result.tco == Decimal("2469.00")
    figures = plain(tab.figures.text())
    assert tco_text in figures                                   # TCO, in XAF (FCFA), in the UI language
    assert plain("494 FCFA" if language == "fr" else "FCFA 494") in figures  # 2469 / 1 insuree / 5 years
    assert "US" in figures and ("4,12" if language == "fr" else "4.12") in figures  # USD equivalent at 600
    assert tab.per_year.item(0, 1).text().replace("\u202f", " ") == ("2 469" if language == "fr" else "2,469")
    window.project_screen.tabs.setCurrentWidget(dashboard)
    headline = plain(dashboard.case_label.text())
    assert headline != plain(headline_before) and tco_text in headline


def test_bad_figures_are_refused_with_a_message_and_not_stored(launch, qtbot):
    window, project_id, tab = open_case(launch, "fr")
    tab.add_cost.click()
    type_into_cell(qtbot, tab.cost_table, 0, UNIT_COST, "mille")
    assert tab.cost_error.isVisible() and tab.cost_error.text() == error_message("not_a_number")
    type_into_cell(qtbot, tab.cost_table, 0, QUANTITY, "-3")
    assert tab.cost_error.text() == error_message("negative")
    type_into_cell(qtbot, tab.cost_table, 0, YEARS, "9")  # beyond the 5-year horizon
    assert tab.cost_error.text() == error_message("year_out_of_range")
    _case, [line] = window.pilot.business_case(project_id)
    assert (line.unit_cost, line.quantity, line.years) == ("0", "1", (1, 2, 3, 4, 5))
    type_into_cell(qtbot, tab.cost_table, 0, UNIT_COST, "12,5")
    assert not tab.cost_error.isVisible()
    assert window.pilot.business_case(project_id)[1][0].unit_cost == "12.5"

    type_into_field(qtbot, tab.rate_field, "500")
    assert tab.assumption_error.isVisible() and tab.assumption_error.text() == error_message("rate_out_of_range")
    assert window.pilot.business_case(project_id)[0].discount_rate == "0.08"
    type_into_field(qtbot, tab.insurees_field, "beaucoup")
    assert tab.assumption_error.text() == error_message("not_a_number")
    type_into_field(qtbot, tab.rate_field, "7,5")
    assert not tab.assumption_error.isVisible()
    case = window.pilot.business_case(project_id)[0]
    assert (case.discount_rate, case.insurees) == ("0.075", 1)
    type_into_field(qtbot, tab.insurees_field, "50 000")
    assert window.pilot.business_case(project_id)[0].insurees == 50000


def test_ctrl_z_undoes_a_line_edit_and_a_removal(launch, qtbot):
    window, project_id, tab = open_case(launch, "en", worked=True)
    first = tab.costs.rows[0]
    type_into_cell(qtbot, tab.cost_table, 0, QUANTITY, "3")
    assert window.pilot.business_case(project_id)[1][0].quantity == "3"
    tab.cost_table.setFocus()
    qtbot.keyClick(tab.cost_table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert {l.id: l.quantity for l in window.pilot.business_case(project_id)[1]}[first.id] == first.quantity
    assert tab.costs.rows[0].quantity == first.quantity  # the table shows it at once
    qtbot.keyClick(tab.cost_table, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert {l.id: l.quantity for l in window.pilot.business_case(project_id)[1]}[first.id] == "3"
    before = len(window.pilot.business_case(project_id)[1])
    tab.cost_table.setCurrentIndex(tab.costs.index(0, DESCRIPTION))
    tab.remove_button.click()
    assert len(window.pilot.business_case(project_id)[1]) == before - 1
    tab.cost_table.setFocus()
    qtbot.keyClick(tab.cost_table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.pilot.business_case(project_id)[1]) == before


def test_worked_example_and_clear_all_ask_first_and_can_be_undone(launch, qtbot, monkeypatch):
    window, project_id, tab = open_case(launch, "fr", worked=True)
    result = case_result(window.pilot, project_id)
    assert result.tco == Decimal("599900") * 600  # the example's US dollars at 600 XAF per dollar
    assert tab.sensitivity.rowCount() == 6 and tab.per_year.rowCount() == 5
    assert tab.chart is not None and tab.chart.chart().series()
    assert "FCFA" in tab.figures.text()
    lines = len(window.pilot.business_case(project_id)[1])

    answers = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: answers.pop(0))
    answers.append(QMessageBox.StandardButton.Cancel)
    tab.clear_button.click()
    assert len(window.pilot.business_case(project_id)[1]) == lines  # cancelled: nothing changed
    answers.append(QMessageBox.StandardButton.Yes)
    tab.clear_button.click()
    assert window.pilot.business_case(project_id)[1] == [] and tab.costs.rowCount() == 0
    window.undo_action.trigger()
    assert len(window.pilot.business_case(project_id)[1]) == lines

    tab.add_cost.click()
    answers.append(QMessageBox.StandardButton.Yes)
    tab.example_button.click()
    assert len(window.pilot.business_case(project_id)[1]) == lines  # the extra line is gone
    assert case_result(window.pilot, project_id).tco == result.tco  # converted to XAF again
    window.undo_action.trigger()
    assert len(window.pilot.business_case(project_id)[1]) == lines + 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_screenshot_at_1366x768(launch, language, tmp_path):
    window, project_id, tab = open_case(launch, language, worked=True)
    QApplication.processEvents()
    assert tab.cost_table.columnWidth(DESCRIPTION) >= 250  # descriptions stay readable
    image = window.grab()
    assert image.width() <= 1366 and image.height() <= 768
    import os
    os.makedirs("/tmp/shots", exist_ok=True)
    image.save(f"/tmp/shots/business_case_{language}.png")
    tab.scroll.verticalScrollBar().setValue(tab.scroll.verticalScrollBar().maximum())
    QApplication.processEvents()
    window.grab().save(f"/tmp/shots/business_case_{language}_results.png")
    tab.scroll.ensureWidgetVisible(tab.per_year_box)
    QApplication.processEvents()
    window.grab().save(f"/tmp/shots/business_case_{language}_per_year.png")
    window.project_screen.tabs.setCurrentIndex(0)
    QApplication.processEvents()
    window.grab().save(f"/tmp/shots/business_case_{language}_dashboard.png")


def test_the_dashboard_follows_ctrl_z_of_a_business_case_edit(launch, qtbot):
    window, project_id, tab = open_case(launch, "en")
    dashboard = window.project_screen.page(DashboardTab)
    tab.add_cost.click()
    type_into_cell(qtbot, tab.cost_table, 0, UNIT_COST, "1000")
    window.project_screen.tabs.setCurrentWidget(dashboard)
    with_cost = plain(dashboard.case_label.text())
    assert "FCFA 5,000" in with_cost and "US$" in with_cost  # 1,000 a year for 5 years, and in dollars
    assert "(" not in with_cost  # "…, or US$8.33", never "(US$8.33)", read as a negative in accounts
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # on the dashboard itself
    qtbot.waitUntil(lambda: plain(dashboard.case_label.text()) != with_cost)
    assert "FCFA 5,000" not in plain(dashboard.case_label.text())
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: "FCFA 5,000" in plain(dashboard.case_label.text()))


def test_undo_of_a_value_another_laptop_changed_since_says_so_and_keeps_it(launch, qtbot):
    from companion.records import LocalReplica
    from companion.replication import Change, FieldWrite

    window, project_id, tab = open_case(launch, "en")
    tab.add_cost.click()
    type_into_cell(qtbot, tab.cost_table, 0, DESCRIPTION, "Servers")
    _case, [line] = window.pilot.business_case(project_id)
    # A colleague's edit of the same description arrives (as a sync would bring it).
    replica = LocalReplica(window.pilot.records.engine, window.pilot.blobs_dir)
    stored = next(r for r in replica.records_of("local") if r.id == line.id)
    replica.apply_remote("local", [Change("8e0c1c1e-45a1-4bd9-9c55-3cf54f1f5a01", line.id, "business_line", {
        "description": FieldWrite("Servers and licences", replica.clock.now(), stored.fields["description"]["t"])})])
    qtbot.waitUntil(lambda: tab.costs.rows[0].description == "Servers and licences")
    with qtbot.waitSignal(window.undo_stack.refused) as refused:
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "changed since" in refused.args[0]
    assert window.pilot.business_case(project_id)[1][0].description == "Servers and licences"
