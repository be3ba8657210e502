"""The project dashboard as pilot teams show it, and the pilot screens with the keyboard alone:
key figures as cards, overdue items that open, Tab that leaves tables, one stop per date field,
scores chosen with the arrow keys."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtCharts import QBarCategoryAxis
from PySide6.QtWidgets import QApplication, QRadioButton

from companion.i18n import _, format_date
from companion.pilot.business_case import format_money
from companion.pilot.case_input import case_result
from ui.dialogs.project_dialog import ProjectDialog
from ui.screens.pilot.business_case import BusinessCaseTab
from ui.screens.pilot.checklist import ChecklistTab
from ui.screens.pilot.dashboard import ITEM_ROLE, DashboardTab
from ui.screens.pilot.feasibility import FeasibilityTab


def project_with_a_late_item(window, language):
    store = window.pilot
    project_id = store.create_project("Pilote Kolda", country="Senegal", currency="XOF", usd_rate="600",
                                      team=["Awa Ndiaye"], language=language)
    [(checklist_id, _template, _version)] = store.checklists(project_id)
    late = store.items(checklist_id)[3]
    store.update_item(late.id, owner="Awa Ndiaye", due_date=dt.date.today() - dt.timedelta(days=5))
    return project_id, checklist_id, late


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768)])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_dashboard_shows_cards_and_opens_an_overdue_item(launch, qtbot, language, size):
    window = launch(language, size=size).window
    project_id, checklist_id, late = project_with_a_late_item(window, language)
    window.open_project(project_id)
    screen = window.project_screen
    dashboard = screen.page(DashboardTab)
    screen.tabs.setCurrentWidget(dashboard)
    qtbot.waitUntil(lambda: dashboard.overdue_list.count() == 1)

    # Four cards, each a figure with what it means, none cut off.
    for card in dashboard.cards:
        assert card.isVisible() and card.title.text() and card.value_text() and card.caption.text()
        assert card.value.width() >= card.value.sizeHint().width(), card.objectName()
        assert card.accessibleName() == card.title.text()
    assert "1" in dashboard.overdue_card.value_text()
    tco = format_money(case_result(window.pilot, project_id).tco, "XOF", language)
    assert html.escape(tco) in dashboard.cost_card.value_text()  # the whole amount, on one line
    assert dashboard.chart.isVisible()
    assert not dashboard.scroll.horizontalScrollBar().isVisible()  # nothing off to the side
    assert dashboard.scroll.accessibleName()

    # The overdue item is a link: its name and due date; a click opens it in the checklist.
    template = window.pilot.templates.checklists["pilot-implementation"]
    title = next(i.title.get(language) for _s, i in template.items() if i.id == late.item_key)
    entry = dashboard.overdue_list.item(0)
    assert title in entry.text() and format_date(late.due_date if late.due_date else
                                                 dt.date.today() - dt.timedelta(days=5)) in entry.text()
    assert entry.data(ITEM_ROLE) == late.id
    rect = dashboard.overdue_list.visualItemRect(entry)
    qtbot.mouseClick(dashboard.overdue_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    checklists = screen.page(ChecklistTab)
    qtbot.waitUntil(lambda: screen.tabs.currentWidget() is checklists)
    assert checklists._detail_id == late.id and checklists.item_title.text() == title

    # Back on the dashboard, Enter on the entry does the same.
    screen.tabs.setCurrentWidget(dashboard)
    qtbot.waitUntil(lambda: dashboard.overdue_list.count() == 1)
    dashboard.overdue_list.setFocus()
    dashboard.overdue_list.setCurrentRow(0)
    qtbot.keyClick(dashboard.overdue_list, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.tabs.currentWidget() is checklists)

    # Marking it done empties the list, and the card says nothing is overdue.
    window.pilot.update_item(late.id, status="done")
    screen.tabs.setCurrentWidget(dashboard)
    qtbot.waitUntil(lambda: dashboard.overdue_list.count() == 0)
    assert dashboard.overdue_card.caption.text() == _("Nothing is overdue.")


def test_tab_leaves_the_cost_table_and_the_arrows_move_inside(launch, qtbot):
    window = launch("en").window
    project_id = window.pilot.create_project("Pilot", currency="XOF", usd_rate="600")
    window.open_project(project_id)
    screen = window.project_screen
    tab = screen.page(BusinessCaseTab)
    screen.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.costs.rowCount() > 5)
    table = tab.cost_table
    table.setFocus()
    table.setCurrentIndex(tab.costs.index(0, 0))
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Right)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert (table.currentIndex().row(), table.currentIndex().column()) == (1, 1)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not table.hasFocus())
    assert QApplication.focusWidget() is not table
    assert QApplication.focusWidget().accessibleName()  # a named control, not a cell
    # Every table of the tab leaves on Tab; every scroll area is named.
    for view in (tab.cost_table, tab.benefit_table, tab.per_year, tab.sensitivity):
        assert not view.tabKeyNavigation()
    assert tab.scroll.accessibleName()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_date_field_is_one_tab_stop_with_a_readable_value(launch, qtbot, language):
    window = launch(language).window
    dialog = ProjectDialog(parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.start.setDate(QDate(2027, 3, 1))
    dialog.start.setFocus()
    qtbot.waitUntil(dialog.start.hasFocus)
    assert dialog.start.accessibleName() == _("Start date")
    assert dialog.start.accessibleDescription() == format_date(dt.date(2027, 3, 1), "long")
    qtbot.keyClick(dialog.start, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not dialog.start.hasFocus())
    assert QApplication.focusWidget() is dialog.team  # the next field, not the month of the same date
    qtbot.keyClick(dialog.team, Qt.Key.Key_Backtab)
    qtbot.waitUntil(dialog.start.hasFocus)
    # Up changes the date, and the description follows.
    qtbot.keyClick(dialog.start, Qt.Key.Key_Up)
    assert dialog.start.date() != QDate(2027, 3, 1)
    assert dialog.start.accessibleDescription() == format_date(dialog.start.date().toPython(), "long")
    dialog.reject()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_score_is_one_choice_of_six_made_with_the_arrow_keys(launch, qtbot, language):
    window = launch(language).window
    project_id = window.pilot.create_project("Pilot", language=language)
    window.open_project(project_id)
    screen = window.project_screen
    tab = screen.page(FeasibilityTab)
    screen.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: bool(tab.editors))
    criterion_id, editor = next(iter(tab.editors.items()))
    radios = [editor.buttons.button(value) for value in range(6)]
    assert all(isinstance(radio, QRadioButton) and radio.accessibleName() for radio in radios)
    assert editor.scores.accessibleName() and radios[0].isChecked()
    assert "hover" not in editor.meaning.text().lower() and "survol" not in editor.meaning.text().lower()
    radios[0].setFocus()
    qtbot.waitUntil(radios[0].hasFocus)
    qtbot.keyClick(radios[0], Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: radios[1].isChecked())
    scores = window.pilot.feasibility(project_id)[1]
    assert scores[criterion_id].score == 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.pilot.feasibility(project_id)[1][criterion_id].score == 2)
    assert window.pilot.templates.feasibility["readiness"].levels[2].get(language) in editor.meaning.text()
    # Tab leaves the choice for the evidence field: not six stops.
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: not isinstance(QApplication.focusWidget(), QRadioButton))
    assert QApplication.focusWidget() is editor.evidence


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_business_case_reads_at_1024x768(launch, qtbot, language):
    window = launch(language, size=(1024, 768)).window
    project_id = window.pilot.create_project("Pilote", currency="XOF", usd_rate="600", language=language)
    window.open_project(project_id)
    screen = window.project_screen
    tab = screen.page(BusinessCaseTab)
    screen.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.costs.rowCount() > 5)
    # Descriptions are read, not guessed (160 px at least, it was 80), and every column is in view.
    qtbot.waitUntil(lambda: tab.cost_table.columnWidth(2) >= 160)
    assert not tab.cost_table.horizontalScrollBar().isVisible()
    assert not tab.scroll.horizontalScrollBar().isVisible()  # the page itself never scrolls sideways
    # Every amount of the key figures is kept on one line: never "359 940 / 000 FCFA".
    tco = format_money(case_result(window.pilot, project_id).tco, "XOF", language)
    assert f"<b><span style='white-space:nowrap'>{html.escape(tco)}</span></b>" in tab.figures.text()
    # A cut-off cell shows its whole text as a tooltip.
    index = tab.costs.index(0, 2)
    assert tab.costs.data(index, Qt.ItemDataRole.ToolTipRole) == tab.costs.rows[0].description
    # The project's details take the width of the screen, beside no row of buttons.
    assert screen.details.width() >= screen.width() * 0.45  # it was squeezed to 140 px
    assert screen.title.isVisible() and screen.export_bar.button.isVisible()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_focus_stop_of_every_pilot_tab_is_named(launch, qtbot, language):
    """What a screen reader meets with Tab on each tab of a project: a name at every stop (scroll
    areas and tables included), and no table that keeps Tab for its cells."""
    from PySide6.QtWidgets import QAbstractItemView, QWidget

    window = launch(language, size=(1024, 768)).window
    project_id, _checklist_id, _late = project_with_a_late_item(window, language)
    window.open_project(project_id)
    screen = window.project_screen
    for page in screen.pages:
        screen.tabs.setCurrentWidget(page)
        qtbot.waitUntil(page.isVisible)
        stops = [w for w in page.findChildren(QWidget) if w.isVisible() and w.isEnabled()
                 and w.focusPolicy() & Qt.FocusPolicy.TabFocus and not w.objectName().startswith("qt_")
                 and not isinstance(w.parentWidget(), QAbstractItemView)]  # an open cell editor is its table's
        assert stops, type(page).__name__
        unnamed = [f"{type(w).__name__} {w.objectName()}" for w in stops if not w.accessibleName()]
        assert unnamed == [], type(page).__name__
        trapping = [w.objectName() for w in stops if isinstance(w, QAbstractItemView) and w.tabKeyNavigation()]
        assert trapping == [], type(page).__name__


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_readiness_chart_names_every_dimension_whole_at_1024(launch, qtbot, language):
    """Long names ("Outils numériques existants") go on two lines rather than being cut with "…"."""
    window = launch(language, size=(1024, 768)).window
    project_id, _checklist_id, _late = project_with_a_late_item(window, language)
    window.open_project(project_id)
    screen = window.project_screen
    dashboard = screen.page(DashboardTab)
    screen.tabs.setCurrentWidget(dashboard)
    qtbot.waitUntil(lambda: dashboard.chart.isVisible())
    [axis] = [a for a in dashboard.chart.chart().axes() if isinstance(a, QBarCategoryAxis)]
    shown = [html.unescape(label.replace("<br>", " ")) for label in axis.categories()]
    template = window.pilot.templates.feasibility["readiness"]
    for dimension in template.dimensions:
        name = dimension.title.get(language)
        assert any(label.startswith(name + " · ") for label in shown), (name, shown)
    assert not any("…" in label for label in shown)
    if language == "fr":  # the long French names do take two lines, and the chart grows for them
        assert any("<br>" in label for label in axis.categories())
        assert dashboard.chart.height() >= dashboard.chart.minimumHeight() > 320


def test_a_dimension_name_is_drawn_as_text_never_as_markup(qapp):
    """QtCharts draws axis labels as rich text: a template's dimension name is escaped."""
    from ui.widgets.readiness_chart import fitted_label

    font = QApplication.font()
    for width in (None, 300, 2000):
        label = fitted_label('<img src="file:///etc/passwd"> Governance', 3.0, font, width)
        assert "<img" not in label and "&lt;img" in label
