"""What a pilot team does in the feasibility tab, in the real main window, in English and French:
score criteria, read the dimension and overall readiness, change a weight, undo, see the dashboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QApplication, QLabel, QLineEdit,
                               QPlainTextEdit, QWidget)

from companion.i18n import _, format_number
from companion.pilot.feasibility import CONDITIONS, NOT_SCORED, READINGS, READY, readiness
from companion.pilot.templates import bundled_templates
from ui.screens.pilot.dashboard import DashboardTab
from ui.screens.pilot.feasibility import SUMMARY, FeasibilityTab
from ui.widgets.readiness_chart import ChartColours, render_readiness_png

LANGUAGES = ["en", "fr"]
SHOTS = Path("/tmp/shots")


def open_feasibility(app, qtbot):
    window = app.window
    project_id = window.pilot.create_project("Pilote Kolda", country="Senegal", scheme="CBHI", team=["Awa Ndiaye"])
    window.open_project(project_id)
    screen = window.project_screen
    tab = screen.page(FeasibilityTab)
    screen.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.dimensions.topLevelItemCount() > 1 and bool(tab.editors))
    return window, project_id, tab


def row(tab: FeasibilityTab, dimension_id: str):
    for index in range(tab.dimensions.topLevelItemCount()):
        item = tab.dimensions.topLevelItem(index)
        if item.data(0, Qt.ItemDataRole.UserRole) == dimension_id:
            return item
    raise KeyError(dimension_id)


def score(tab: FeasibilityTab, qtbot, criterion_id: str, value: int) -> None:
    button = tab.editors[criterion_id].buttons.button(value)
    assert button.objectName() == f"score_{criterion_id}_{value}" and button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def stored_scores(window, project_id) -> dict:
    """Criterion → score; a criterion never scored (or whose first score was undone) is None."""
    from collections import defaultdict

    return defaultdict(lambda: None, {key: r.score for key, r in window.pilot.feasibility(project_id)[1].items()})


def one_decimal(value: float) -> str:
    return format_number(round(value, 1))


@pytest.mark.parametrize("language", LANGUAGES)
def test_score_weigh_undo_and_see_the_dashboard(launch, qtbot, language):
    window, project_id, tab = open_feasibility(launch(language), qtbot)
    screen = window.project_screen
    assert screen.tabs.tabText(screen.tabs.indexOf(tab)) == _("Feasibility")
    template = window.pilot.templates.feasibility["readiness"]
    leadership, legal = template.dimension("leadership-governance"), template.dimension("legal-policy")
    assert (leadership.weight, legal.weight) == (1.5, 1.5)
    # The dimensions are listed in the UI language, the first one open.
    assert row(tab, leadership.id).text(0) == leadership.title.get(language)
    assert row(tab, legal.id).text(0) == legal.title.get(language)
    assert tab.current_dimension() == leadership.id
    assert tab.dimension_title.text() == leadership.title.get(language)
    assert tab.reading.text() == _(READINGS[NOT_SCORED])
    assert row(tab, leadership.id).text(1) == "—"

    # Leadership: 5, 4, 4, 3 → 16 / 4 = 4.0. The level meaning shows next to the score.
    for criterion, value in zip(leadership.criteria, (5, 4, 4, 3)):
        score(tab, qtbot, criterion.id, value)
    first = tab.editors[leadership.criteria[0].id]
    assert template.levels[5].get(language) in first.meaning.text()
    assert row(tab, leadership.id).text(1) == format_number(4)
    assert format_number(4) in tab.dimension_score.text()
    # Only leadership is scored: overall 4.0 → ready.
    assert tab.overall_score.text() == _("{score} out of 5").format(score=format_number(4))
    assert tab.reading.text() == _(READINGS[READY])

    # Legal: 2, 2, 3 → 7 / 3 = 2.33 (weight 1.5). Overall (4 × 1.5 + 2.33 × 1.5) / 3 = 3.17 → "3.2",
    # ready with conditions (under 3.75), and legal is a weak point (under 2.5).
    tab.select_dimension(legal.id)
    assert tab.dimension_title.text() == legal.title.get(language)
    for criterion, value in zip(legal.criteria, (2, 2, 3)):
        score(tab, qtbot, criterion.id, value)
    assert len(legal.criteria) == 3
    result = readiness(template, stored_scores(window, project_id), window.pilot.feasibility(project_id)[2])
    assert result.overall == pytest.approx((4 * 1.5 + 7 / 3 * 1.5) / 3) == pytest.approx(19 / 6)
    assert result.reading == CONDITIONS and result.weak_dimensions == (legal.id,)
    assert row(tab, legal.id).text(1) == one_decimal(7 / 3) == format_number(2.3)
    assert tab.overall_score.text() == _("{score} out of 5").format(score=format_number(3.2))
    assert tab.reading.text() == _(READINGS[CONDITIONS])
    assert legal.title.get(language) in tab.sentence.text()

    # Ctrl+Z takes back the last score (3 → not scored): legal (2 + 2) / 2 = 2.0,
    # overall (4 × 1.5 + 2 × 1.5) / 3 = 3.0.
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_scores(window, project_id)[legal.criteria[2].id] is None
    assert tab.editors[legal.criteria[2].id].buttons.checkedId() == 0
    assert row(tab, legal.id).text(1) == format_number(2)
    assert tab.overall_score.text() == _("{score} out of 5").format(score=format_number(3))
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored_scores(window, project_id)[legal.criteria[2].id] == 3
    assert tab.overall_score.text() == _("{score} out of 5").format(score=format_number(3.2))

    # A weight out of range gets a message and is not stored.
    tab.weight.setFocus()
    tab.weight.lineEdit().selectAll()
    qtbot.keyClicks(tab.weight, "7")
    assert tab.weight_error.isVisible()
    assert "5" in tab.weight_error.text()
    qtbot.keyClick(tab.weight, Qt.Key.Key_Return)
    assert window.pilot.feasibility(project_id)[2] == {}
    assert tab.overall_score.text() == _("{score} out of 5").format(score=format_number(3.2))
    # Weight 0 leaves legal out: only leadership counts, 4.0 → ready.
    tab.weight.lineEdit().selectAll()
    qtbot.keyClicks(tab.weight, "0")
    qtbot.keyClick(tab.weight, Qt.Key.Key_Return)
    assert not tab.weight_error.isVisible()
    assert window.pilot.feasibility(project_id)[2] == {legal.id: 0.0}
    assert row(tab, legal.id).text(2) == format_number(0)
    assert tab.overall_score.text() == _("{score} out of 5").format(score=format_number(4))
    assert tab.reading.text() == _(READINGS[READY])
    # Weight 3 (one step up from 2.5 with the arrow): (4 × 1.5 + 2.33 × 3) / 4.5 = 2.89 → "2.9".
    tab.weight.setValue(2.5)
    qtbot.keyClick(tab.weight, Qt.Key.Key_Up)
    assert window.pilot.feasibility(project_id)[2] == {legal.id: 3.0}
    expected = (4 * 1.5 + 7 / 3 * 3) / 4.5
    assert readiness(template, stored_scores(window, project_id), {legal.id: 3.0}).overall == pytest.approx(expected)
    assert tab.overall_score.text() == _("{score} out of 5").format(score=one_decimal(expected))
    assert one_decimal(expected) == format_number(2.9)

    # Evidence, risk and the recommendation are saved as they are typed.
    evidence = tab.editors[legal.criteria[0].id].evidence
    assert evidence.objectName() == f"evidence_{legal.criteria[0].id}"
    qtbot.keyClicks(evidence, "Decree 2024-117")
    qtbot.waitUntil(lambda: window.pilot.feasibility(project_id)[1][legal.criteria[0].id].evidence == "Decree 2024-117")
    tab.select_dimension(SUMMARY)
    assert tab.pages.currentIndex() == 1 and tab.chart.isVisible()
    qtbot.keyClicks(tab.recommendation, "Start in two districts.")
    qtbot.waitUntil(lambda: window.pilot.feasibility(project_id)[3] == "Start in two districts.")

    # The dashboard shows the new readiness.
    dashboard = screen.page(DashboardTab)
    screen.tabs.setCurrentWidget(dashboard)
    text = dashboard.feasibility_label.text()
    assert one_decimal(expected) in text and _(READINGS[CONDITIONS]) in text

    # Back on the tab, switching the language re-labels everything and keeps the scores.
    screen.tabs.setCurrentWidget(tab)
    other = "fr" if language == "en" else "en"
    window.switch_language(other)
    qtbot.waitUntil(lambda: row(tab, legal.id).text(0) == legal.title.get(other))
    tab.select_dimension(legal.id)
    assert tab.dimension_title.text() == legal.title.get(other)
    assert tab.editors[legal.criteria[0].id].evidence.text() == "Decree 2024-117"
    assert tab.editors[legal.criteria[2].id].buttons.checkedId() == 3
    assert tab.overall_score.text() == _("{score} out of 5").format(score=one_decimal(expected))


@pytest.mark.parametrize("language, scale, size", [("en", "100", (1366, 768)), ("fr", "100", (1366, 768)),
                                                   ("fr", "140", (1366, 768)), ("en", "100", (1024, 768)),
                                                   ("fr", "100", (1024, 768))])
def test_the_tab_fits_and_every_control_is_named(launch, qtbot, monkeypatch, language, scale, size):
    """At 1366×768 and 1024×768; also with every French text lengthened by 40 % (COMPANION_TRANS_SCALE),
    as the house fit test."""
    monkeypatch.setenv("COMPANION_TRANS_SCALE", scale)
    SHOTS.mkdir(parents=True, exist_ok=True)
    suffix = (language if scale == "100" else f"{language}_{scale}") + f"_{size[0]}"
    window, project_id, tab = open_feasibility(launch(language, size=size), qtbot)
    template = window.pilot.templates.feasibility["readiness"]
    for dimension, values in zip(template.dimensions[:4], ((4, 3, 4, 5), (2, 2, 3), (4, 4, 3), (3, 3, 4))):
        tab.select_dimension(dimension.id)
        for criterion, value in zip(dimension.criteria, values):
            score(tab, qtbot, criterion.id, value)
    tab.select_dimension(template.dimensions[0].id)
    first = template.dimensions[0].criteria[0].id
    evidence = "Lettre du ministre, 3 mai 2024" if language == "fr" else "Minister's letter, 3 May 2024"
    tab.editors[first].evidence.setText(evidence)
    qtbot.waitUntil(lambda: tab.editors[first].isVisible() and tab.editors[first].evidence.text() == evidence)
    # Nothing runs off to the side: the criteria wrap to the width of their pane.
    area = tab.criteria_area
    assert not area.horizontalScrollBar().isVisible()
    assert area.widget().width() <= area.viewport().width()
    for editor in tab.editors.values():
        assert editor.title.wordWrap() and editor.geometry().right() <= area.widget().width()
    controls = [w for w in tab.findChildren(QWidget) if w.isVisible() and w.focusPolicy() != Qt.FocusPolicy.NoFocus
                and not w.objectName().startswith("qt_")
                and isinstance(w, (QAbstractButton, QLineEdit, QAbstractItemView, QAbstractSpinBox, QPlainTextEdit))]
    assert tab.weight in controls and tab.dimensions in controls and len(controls) > 20
    for widget in controls:
        assert widget.objectName(), type(widget).__name__
        assert widget.accessibleName(), widget.objectName()
    cut = [w.objectName() for w in tab.findChildren(QLabel) + tab.findChildren(QAbstractButton)
           if w.isVisible() and w.text() and not (isinstance(w, QLabel) and w.wordWrap())
           and w.width() + 1 < (w.minimumSizeHint().width() if isinstance(w, QLabel) else w.sizeHint().width())]
    assert cut == []
    assert window.width() <= size[0] and window.height() <= 768
    window.grab().save(str(SHOTS / f"feasibility_{suffix}.png"))
    tab.select_dimension(SUMMARY)
    qtbot.waitUntil(lambda: tab.pages.currentIndex() == 1 and tab.chart.isVisible())
    window.grab().save(str(SHOTS / f"feasibility_chart_{suffix}.png"))
    # A weight out of range, as a user sees it.
    tab.select_dimension(template.dimensions[1].id)
    tab.weight.setFocus()
    tab.weight.lineEdit().selectAll()
    qtbot.keyClicks(tab.weight, "12")
    qtbot.waitUntil(tab.weight_error.isVisible)
    window.grab().save(str(SHOTS / f"feasibility_weight_error_{suffix}.png"))


def test_render_readiness_png_draws_the_chart(qapp):
    template = bundled_templates().feasibility["readiness"]
    scores = {c.id: 4 for c in template.dimensions[0].criteria}
    scores.update({c.id: 2 for c in template.dimensions[1].criteria})
    image = render_readiness_png(readiness(template, scores), template, "fr", 900, 450)
    assert not image.isNull() and (image.width(), image.height()) == (900, 450)
    bar = ChartColours.for_print().bar
    sample = [QColor(image.pixel(x, y)) for x in range(0, 900, 3) for y in range(0, 450, 3)]
    assert sum(1 for c in sample if c == bar) > 200  # the bars are drawn
    assert sum(1 for c in sample if c.lightness() < 100) > 100  # and the names
    QApplication.processEvents()
