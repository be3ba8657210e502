"""Pilot projects as a team uses them: create, open, duplicate, archive, delete and undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from companion.i18n import _, format_percent, ngettext
from ui.dialogs.project_dialog import ProjectDialog
from ui.navigation import Location
from tests.ui.dialogs import when_dialog_opens


def fill_new_project_dialog(name: str, currency: str = "XAF", empty_first: bool = False):
    def fill():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ProjectDialog)
        if empty_first:  # a project without a name is refused with a message, nothing is created
            dialog.accept()
            assert dialog.isVisible() and dialog.error.isVisible()
        dialog.name.setText(name)
        # Countries are named in the interface language; what is stored stays English.
        dialog.country.setCurrentText(dialog.country.itemText(dialog.country.findData("CM")))
        dialog.scheme.setText("Mutuelle de santé")
        dialog.currency.setCurrentIndex(dialog.currency.findData(currency))
        dialog.usd_rate.setText("600")
        dialog.start.setDate(QDate(2027, 3, 1))
        dialog.team.setPlainText("Amina\nJoseph")
        dialog.accept()
    when_dialog_opens(fill)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_create_a_project_and_see_its_dashboard(launch, qtbot, language):
    window = launch(language).window
    window.go(Location("projects"))
    # With no project, the screen says so and offers the button to create one, where the list would be.
    screen = window.projects_screen
    assert screen.empty.isVisible() and not screen.list.isVisible()
    assert screen.empty_title.text() == _("No pilot project yet")
    assert screen.create_button.isVisible() and screen.create_button.accessibleName()
    fill_new_project_dialog("Pilote Ouest", empty_first=True)
    qtbot.mouseClick(screen.create_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.project_screen
    assert window.project_screen.title.text() == "Pilote Ouest"
    details = window.project_screen.details.text()
    assert ("Cameroon" if language == "en" else "Cameroun") in details and "FCFA" in details and "XAF" not in details
    [project] = window.pilot.projects()
    assert project.country == "Cameroon" and project.currency == "XAF"
    assert project.team == ("Amina", "Joseph") and project.start_date.isoformat() == "2027-03-01"
    dashboard = window.project_screen.pages[0]
    bars = [b for b in dashboard.findChildren(type(window.import_progress)) if b.isVisible()]
    assert bars and bars[0].value() == 0 and bars[0].maximum() == 34
    # The key figures are cards that say what they mean.
    assert dashboard.checklist_card.caption.text() == ngettext(
        "{done} of {total} item done", "{done} of {total} items done", 34).format(done=0, total=34)
    assert format_percent(0) in dashboard.checklist_card.value_text()
    assert dashboard.overdue_card.caption.text() == _("Nothing is overdue.")
    assert not dashboard.overdue_list.isVisible()


def test_duplicate_archive_delete_and_undo(launch, qtbot):
    window = launch("en").window
    screen = window.projects_screen
    original = window.pilot.create_project("Pilot North", "Chad", currency="XAF", usd_rate="600")
    window.go(Location("projects"))
    screen.duplicate_button.click()
    assert sorted(p.name for p in window.pilot.projects()) == ["Pilot North", "Pilot North (copy)"]
    # Archive hides it; undo brings it back.
    screen.list.setCurrentRow([p.id for p in window.pilot.projects()].index(original))
    screen.archive_button.click()
    assert [p.name for p in window.pilot.projects()] == ["Pilot North (copy)"]
    window.undo_action.trigger()
    assert len(window.pilot.projects()) == 2
    # Delete asks first; undo restores it until the app closes.
    copy_row = [p.name for p in window.pilot.projects()].index("Pilot North (copy)")
    screen.list.setCurrentRow(copy_row)
    when_dialog_opens(lambda: QApplication.activeModalWidget().button(QMessageBox.StandardButton.Yes).click())
    screen.delete_button.click()
    assert [p.name for p in window.pilot.projects()] == ["Pilot North"]
    window.activateWindow()  # back from the confirmation box
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(window.pilot.projects()) == 2
    # Deleted again and the app closes: gone for good.
    screen.refresh()
    screen.list.setCurrentRow([p.name for p in window.pilot.projects()].index("Pilot North (copy)"))
    when_dialog_opens(lambda: QApplication.activeModalWidget().button(QMessageBox.StandardButton.Yes).click())
    screen.delete_button.click()
    window = launch().window
    assert [p.name for p in window.pilot.projects(include_archived=True)] == ["Pilot North"]


def test_edit_details_is_saved_at_once_and_undoable(launch, qtbot):
    window = launch("en").window
    project_id = window.pilot.create_project("Pilot East", "Niger")
    window.open_project(project_id)

    def rename():
        dialog = QApplication.activeModalWidget()
        dialog.name.setText("Pilot East (phase 2)")
        dialog.accept()

    when_dialog_opens(rename)
    window.project_screen.edit_button.click()
    assert window.project_screen.title.text() == "Pilot East (phase 2)"
    assert window.pilot.project(project_id).name == "Pilot East (phase 2)"
    window.undo_action.trigger()
    assert window.project_screen.title.text() == "Pilot East"
    window.redo_action.trigger()
    assert window.pilot.project(project_id).name == "Pilot East (phase 2)"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_project_dialog_names_every_country_and_shows_medium_dates(launch, qtbot, language):
    window = launch(language).window
    project_id = window.pilot.create_project("Pilote Kinshasa", "DR Congo", currency="CDF",
                                             start_date=QDate(2026, 12, 3).toPython(), worked_business_case=False)
    dialog = ProjectDialog(window.pilot.project(project_id), window)
    qtbot.addWidget(dialog)
    names = [dialog.country.itemText(row) for row in range(dialog.country.count())]
    # The openIMIS countries first, then every country, in the interface language.
    first = names[:names.index("")] if "" in names else names[:8]
    assert len(first) == 8 and (("Cameroon" in first and "Chad" in first) if language == "en"
                                else ("Cameroun" in first and "Tchad" in first))
    assert ("Mali" in names and "Guinea" in names) if language == "en" else ("Mali" in names and "Guinée" in names)
    # A country stored under an older English spelling is shown in the interface language and
    # kept as it was when the user leaves it alone.
    assert dialog.country.currentText() == ("Congo - Kinshasa" if language == "en" else "Congo-Kinshasa")
    assert dialog.values()["country"] == "DR Congo"
    dialog.country.setCurrentText("Mali")
    assert dialog.values()["country"] == "Mali"
    dialog.country.setCurrentText("Guinée" if language == "fr" else "Guinea")
    assert dialog.values()["country"] == "Guinea"   # stored in English, whatever the interface shows
    # The currency is named as its amounts are written; the start date as every date is.
    assert dialog.currency.currentData() == "CDF" and "CDF" in dialog.currency.currentText()
    assert dialog.start.text() == ("3 Dec 2026" if language == "en" else "3 déc. 2026")
    dialog.reject()


def test_home_lists_checklist_items_coming_up(launch):
    import datetime as dt

    window = launch("en").window
    project_id = window.pilot.create_project("Pilot South", "Gambia")
    [(checklist_id, *_)] = window.pilot.checklists(project_id)
    first, second = window.pilot.items(checklist_id)[:2]
    window.pilot.update_item(first.id, due_date=dt.date.today() - dt.timedelta(days=2))
    window.pilot.update_item(second.id, due_date=dt.date.today() + dt.timedelta(days=400))  # too far off
    window.go(Location("home"))
    home = window.home
    assert home.due_list.isVisible() and home.due_list.count() == 1
    item = home.due_list.item(0)
    assert "Pilot South" in item.text() and "overdue since" in item.data(Qt.ItemDataRole.UserRole + 1)
    home.due_list.itemActivated.emit(item)
    assert window.stack.currentWidget() is window.project_screen


def test_dashboard_readiness_text_shows_apostrophes_as_typed(launch):
    window = launch("fr").window
    project_id = window.pilot.create_project("Pilote", "Niger", currency="USD")
    window.open_project(project_id)
    text = window.project_screen.pages[0].feasibility_label.text()
    assert "&#" not in text and "32" in text
