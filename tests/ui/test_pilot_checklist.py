"""What a pilot team does in a project's checklists, in the real main window, in English and French:
tick items, give owners and due dates, filter, attach evidence, undo, take a newer template."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QFileDialog, QLabel, QLineEdit,
                               QPlainTextEdit, QProgressBar, QWidget)

from companion.i18n import _
from companion.pilot.templates import ChecklistItemTemplate, Templates, Text
from ui.screens.pilot.checklist import COLUMN_DUE, COLUMN_EVIDENCE, COLUMN_STATUS, OVERDUE_ROLE, ChecklistTab
from ui.screens.pilot.dashboard import DashboardTab

LANGUAGES = ["en", "fr"]
TEAM = ["Awa Ndiaye", "Jean Mbarga"]


def open_checklists(app, qtbot):
    window = app.window
    project_id = window.pilot.create_project("Pilote Kolda", country="Cameroon", scheme="CBHI", team=TEAM)
    screen = window.project_screen
    tab = screen.page(ChecklistTab)
    screen.tabs.setCurrentWidget(tab)  # the project opens on the Checklists tab
    window.open_project(project_id)
    assert screen.tabs.currentWidget() is tab
    qtbot.waitUntil(lambda: tab.tree.topLevelItemCount() > 0)
    return window, project_id, tab


def choose(tab: ChecklistTab, qtbot, item_key: str) -> str:
    item_id = tab.item_id(item_key)
    tab.tree.setFocus()
    tab.tree.setCurrentItem(tab._rows[item_id])
    assert tab.detail.currentIndex() == 1
    return item_id


def stored(window, tab, item_id):
    return next(i for i in window.pilot.items(tab.checklist_id) if i.id == item_id)


def visible_item_ids(tab):
    return [row.data(0, Qt.ItemDataRole.UserRole + 1) for row in tab._rows.values() if not row.isHidden()
            and not row.parent().isHidden()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_tick_items_and_see_section_and_dashboard_progress(launch, qtbot, language):
    window, project_id, tab = open_checklists(launch(language), qtbot)
    tabs = window.project_screen.tabs
    assert tabs.tabText(tabs.indexOf(tab)) == _("Checklists")
    assert tabs.indexOf(tab) == tabs.indexOf(window.project_screen.page(DashboardTab)) + 1
    template = window.pilot.templates.checklists["pilot-implementation"]
    governance = template.sections[0]
    assert tab.tree.topLevelItem(0).text(0) == governance.title.get(language)
    first_row = tab._rows[tab.item_id(governance.items[0].id)]
    assert first_row.text(0) == governance.items[0].title.get(language)
    section = tab._section_rows[governance.id]
    assert section.isFirstColumnSpanned()  # the section's name is never squeezed into the Item column
    assert tab.section_progress(governance.id) == (0, len(governance.items))

    # Tick with the keyboard: Space on the chosen item marks it done.
    item_id = choose(tab, qtbot, governance.items[0].id)
    qtbot.keyClick(tab.tree, Qt.Key.Key_Space)
    assert stored(window, tab, item_id).status == "done"
    assert first_row.text(COLUMN_STATUS) == _("Done")
    assert tab.section_progress(governance.id)[0] == 1
    # The editor's status list does the same for the next item.
    second = choose(tab, qtbot, governance.items[1].id)
    tab.status_combo.setCurrentIndex(tab.status_combo.findData("done"))
    tab.status_combo.activated.emit(tab.status_combo.currentIndex())
    assert stored(window, tab, second).status == "done"
    assert tab.section_progress(governance.id)[0] == 2
    assert _("{done} of {total} done").format(done=2, total=len(governance.items)) in section.toolTip(0)
    assert section.data(0, Qt.ItemDataRole.AccessibleTextRole).startswith(governance.title.get(language))
    total = len(template.items())
    assert tab.overall_bar.value() == 2 and tab.overall_bar.maximum() == total
    # "Not applicable" leaves the item out of the count.
    third = choose(tab, qtbot, governance.items[2].id)
    tab.status_combo.setCurrentIndex(tab.status_combo.findData("na"))
    tab.status_combo.activated.emit(tab.status_combo.currentIndex())
    assert tab.section_progress(governance.id)[1] == len(governance.items) - 1

    # The dashboard shows the new progress.
    dashboard = window.project_screen.page(DashboardTab)
    window.project_screen.tabs.setCurrentWidget(dashboard)

    def shown_bar(key):  # the bars of the last refresh (the old ones are deleted once the event loop runs)
        bars = [b for b in dashboard.findChildren(QProgressBar, f"progress_{tab.checklist_id[:8]}_{key}")
                if b.isVisible()]
        return bars[0] if len(bars) == 1 else None

    qtbot.waitUntil(lambda: shown_bar(governance.id) is not None and shown_bar("all") is not None)
    section_bar, overall_bar = shown_bar(governance.id), shown_bar("all")
    assert section_bar.value() == 2 and section_bar.maximum() == len(governance.items) - 1
    assert overall_bar.value() == 2 and overall_bar.maximum() == total - 1
    assert stored(window, tab, third).status == "na"


@pytest.mark.parametrize("language", LANGUAGES)
def test_owner_and_past_due_date_make_an_overdue_item_the_filters_find(launch, qtbot, language):
    window, project_id, tab = open_checklists(launch(language), qtbot)
    item_id = choose(tab, qtbot, "steering-committee-formed")
    # The owner list offers the project's team; typing a name works too.
    assert [tab.owner_combo.itemText(i) for i in range(tab.owner_combo.count())] == TEAM
    tab.owner_combo.lineEdit().setFocus()
    qtbot.keyClicks(tab.owner_combo.lineEdit(), "Awa Ndiaye")
    qtbot.keyClick(tab.owner_combo.lineEdit(), Qt.Key.Key_Return)
    assert stored(window, tab, item_id).owner == "Awa Ndiaye"
    # A due date: first "no due date", then a date in the past.
    assert tab.no_due_date.isChecked() and not tab.due_edit.isEnabled()
    tab.no_due_date.click()
    assert stored(window, tab, item_id).due_date is not None
    past = dt.date.today() - dt.timedelta(days=10)
    tab.due_edit.setDate(QDate(past))
    qtbot.waitUntil(lambda: stored(window, tab, item_id).due_date == past)
    row = tab._rows[item_id]
    assert row.data(0, OVERDUE_ROLE) is True
    assert not row.icon(COLUMN_DUE).isNull()
    assert tab.overdue_label.isVisible() and tab.overdue_label.text() == _("Overdue: the due date has passed.")
    from companion.i18n import format_date
    assert row.text(COLUMN_DUE) == format_date(past)

    # Filters: overdue only, then by owner, then by status.
    tab.overdue_only.click()
    assert visible_item_ids(tab) == [item_id]
    assert tab.clear_filters_button.isVisible()
    tab.clear_filters_button.click()
    assert len(visible_item_ids(tab)) == len(tab._rows)
    tab.owner_filter.setCurrentIndex(tab.owner_filter.findData("Awa Ndiaye"))
    assert visible_item_ids(tab) == [item_id]
    tab.owner_filter.setCurrentIndex(tab.owner_filter.findData("Jean Mbarga"))
    assert visible_item_ids(tab) == [] and tab.empty_label.isVisible()
    tab.clear_filters()
    tab.status_filter.setCurrentIndex(tab.status_filter.findData("done"))
    assert visible_item_ids(tab) == []
    tab.clear_filters()
    # Done items are never overdue.
    tab.select_item(item_id)
    tab.status_combo.setCurrentIndex(tab.status_combo.findData("done"))
    tab.status_combo.activated.emit(tab.status_combo.currentIndex())
    assert row.data(0, OVERDUE_ROLE) is False
    tab.overdue_only.click()
    assert visible_item_ids(tab) == []
    # The dashboard's list of overdue items agrees.
    tab.clear_filters()


@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_input_gets_an_inline_message_and_changes_nothing(launch, qtbot, language):
    window, project_id, tab = open_checklists(launch(language), qtbot)
    item_id = choose(tab, qtbot, "sponsor-named")
    tab.owner_combo.setCurrentText("x" * 300)
    tab.owner_combo.lineEdit().editingFinished.emit()
    assert tab.error.isVisible() and "200" in tab.error.text()
    assert stored(window, tab, item_id).owner == ""
    tab.owner_combo.setCurrentText("  Jean   Mbarga ")
    tab.owner_combo.lineEdit().editingFinished.emit()
    assert not tab.error.isVisible()
    assert stored(window, tab, item_id).owner == "Jean Mbarga"


@pytest.mark.parametrize("language", LANGUAGES)
def test_notes_are_saved_after_a_pause_and_when_leaving_the_field(launch, qtbot, language):
    window, project_id, tab = open_checklists(launch(language), qtbot)
    item_id = choose(tab, qtbot, "sponsor-named")
    tab.notes.setFocus()
    qtbot.keyClicks(tab.notes, "Letter signed by the minister")
    qtbot.waitUntil(lambda: stored(window, tab, item_id).notes == "Letter signed by the minister", timeout=3000)
    qtbot.keyClicks(tab.notes, " on 3 March")
    # Moving to another item saves at once, without waiting for the pause.
    choose(tab, qtbot, "legal-basis-confirmed")
    assert stored(window, tab, item_id).notes == "Letter signed by the minister on 3 March"
    tab.select_item(item_id)
    assert tab.notes.toPlainText() == "Letter signed by the minister on 3 March"


class _UrlCatcher(QObject):
    def __init__(self):
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url):
        self.opened.append(url.toLocalFile())


@pytest.mark.parametrize("language", LANGUAGES)
def test_attach_open_and_remove_evidence(launch, qtbot, language, paths, tmp_path, monkeypatch):
    window, project_id, tab = open_checklists(launch(language), qtbot)
    item_id = choose(tab, qtbot, "sponsor-named")
    evidence = tmp_path / "lettre de nomination.pdf"
    evidence.write_bytes(b"%PDF-1.4 sponsor letter " + language.encode() * 100)
    sha = hashlib.sha256(evidence.read_bytes()).hexdigest()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *args, **kwargs: ([str(evidence)], ""))
    tab.attach_button.click()
    # Copied into the content-addressed store under the data folder, named by its SHA-256.
    blob = paths.blobs_dir / sha[:2] / sha
    assert blob.is_file() and blob.read_bytes() == evidence.read_bytes()
    assert Path(window.pilot.blob_path(sha)).is_relative_to(paths.data_dir)
    assert stored(window, tab, item_id).attachments == 1
    assert tab._rows[item_id].text(COLUMN_EVIDENCE) == "1"
    assert tab.attachments.count() == 1 and "lettre de nomination.pdf" in tab.attachments.item(0).text()

    # Open: a copy with the original name goes to the system's program for that type.
    catcher = _UrlCatcher()
    QDesktopServices.setUrlHandler("file", catcher, "open")
    try:
        tab.attachments.setCurrentRow(0)
        tab.open_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert len(catcher.opened) == 1
    opened = Path(catcher.opened[0])
    assert opened.name == "lettre de nomination.pdf" and opened.read_bytes() == evidence.read_bytes()

    # Remove, then bring it back with Ctrl+Z.
    tab.remove_button.click()
    assert stored(window, tab, item_id).attachments == 0
    assert tab._rows[item_id].text(COLUMN_EVIDENCE) == ""
    tab.tree.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window, tab, item_id).attachments == 1
    assert [a.name for a in window.pilot.attachments(item_id)] == ["lettre de nomination.pdf"]
    assert tab._rows[item_id].text(COLUMN_EVIDENCE) == "1"
    # A file that is not there: a clear message, nothing attached.
    tab.attach_files([tmp_path / "missing.pdf"])
    assert tab.error.isVisible() and "missing.pdf" in tab.error.text()
    assert stored(window, tab, item_id).attachments == 1


def test_a_big_file_is_copied_in_the_background(launch, qtbot, paths, tmp_path):
    window, project_id, tab = open_checklists(launch("en"), qtbot)
    item_id = choose(tab, qtbot, "sponsor-named")
    big = tmp_path / "training-photos.zip"
    big.write_bytes(b"\0" * (3 * 1024 * 1024))
    tab.attach_files([big])
    qtbot.waitUntil(lambda: stored(window, tab, item_id).attachments == 1, timeout=10_000)
    qtbot.waitUntil(lambda: tab.attach_button.isEnabled() and not tab.attach_progress.isVisible())
    sha = hashlib.sha256(big.read_bytes()).hexdigest()
    assert (paths.blobs_dir / sha[:2] / sha).stat().st_size == big.stat().st_size
    # Attaching can be undone and redone like any edit.
    tab.tree.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window, tab, item_id).attachments == 0
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert [a.name for a in window.pilot.attachments(item_id)] == ["training-photos.zip"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_ctrl_z_restores_the_previous_status(launch, qtbot, language):
    window, project_id, tab = open_checklists(launch(language), qtbot)
    item_id = choose(tab, qtbot, "legal-basis-confirmed")
    tab.status_combo.setCurrentIndex(tab.status_combo.findData("in_progress"))
    tab.status_combo.activated.emit(tab.status_combo.currentIndex())
    tab.tree.setFocus()
    qtbot.keyClick(tab.tree, Qt.Key.Key_Space)  # ticked: done
    assert stored(window, tab, item_id).status == "done"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window, tab, item_id).status == "in_progress"
    assert tab._rows[item_id].text(COLUMN_STATUS) == _("In progress")
    assert tab.status_combo.currentData() == "in_progress"
    assert tab._rows[item_id].checkState(0) == Qt.CheckState.Unchecked
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored(window, tab, item_id).status == "done"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(window, tab, item_id).status == "todo"


def newer(templates: Templates) -> Templates:
    """The bundled templates with a version 2 of the pilot checklist that adds one item."""
    pilot = templates.checklists["pilot-implementation"]
    added = ChecklistItemTemplate("budget-line-secured", Text("Secure a budget line", "Obtenir une ligne budgétaire"),
                                  Text("The ministry's budget funds the scheme's running costs.",
                                       "Le budget du ministère finance le fonctionnement du régime."))
    governance = pilot.sections[0]
    sections = (dataclasses.replace(governance, items=(governance.items[0], added, *governance.items[1:])),
                *pilot.sections[1:])
    checklists = dict(templates.checklists)
    checklists[pilot.id] = dataclasses.replace(pilot, version=pilot.version + 1, sections=sections)
    return Templates(checklists, templates.feasibility, templates.business_cases)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_newer_template_offers_its_new_items_and_keeps_every_entry(launch, qtbot, language):
    window, project_id, tab = open_checklists(launch(language), qtbot)
    item_id = choose(tab, qtbot, "sponsor-named")
    window.pilot.update_item(item_id, status="done", owner="Awa Ndiaye", notes="Signed",
                             due_date=dt.date(2026, 3, 1))
    assert not tab.upgrade_banner.isVisible()
    # The app is updated: its templates now include a version 2 of the pilot checklist.
    updated = newer(window.pilot.templates)
    window.pilot.templates = updated
    window.project_screen.context.templates = updated
    tab.refresh()
    assert tab.upgrade_banner.isVisible()
    assert "1" in tab.upgrade_text.text()
    before = len(window.pilot.items(tab.checklist_id))
    qtbot.mouseClick(tab.upgrade_button, Qt.MouseButton.LeftButton)
    assert not tab.upgrade_banner.isVisible()
    items = window.pilot.items(tab.checklist_id)
    assert len(items) == before + 1
    assert [i.item_key for i in items][:3] == ["sponsor-named", "budget-line-secured", "steering-committee-formed"]
    kept = next(i for i in items if i.id == item_id)
    assert (kept.status, kept.owner, kept.notes, kept.due_date) == ("done", "Awa Ndiaye", "Signed",
                                                                   dt.date(2026, 3, 1))
    new_row = tab._rows[tab.item_id("budget-line-secured")]
    assert new_row.text(0) == ("Obtenir une ligne budgétaire" if language == "fr" else "Secure a budget line")
    assert new_row.parent() is tab._section_rows["governance"]
    assert tab.section_progress("governance")[1] == len(updated.checklists["pilot-implementation"]
                                                        .sections[0].items)


@pytest.mark.parametrize("language", LANGUAGES)
def test_add_the_migration_checklist(launch, qtbot, language):
    window, project_id, tab = open_checklists(launch(language), qtbot)
    assert tab.checklist_picker.count() == 1 and tab.add_checklist_button.isEnabled()
    action = next(a for a in tab.add_menu.actions() if a.objectName() == "addChecklist_legacy-to-modular-migration")
    action.trigger()
    migration = window.pilot.templates.checklists["legacy-to-modular-migration"]
    assert tab.checklist_picker.count() == 2
    assert tab.checklist_picker.currentText() == migration.title.get(language)
    assert len(tab._rows) == len(migration.items())
    assert not tab.add_checklist_button.isEnabled()
    # Back to the pilot checklist.
    pilot = window.pilot.templates.checklists["pilot-implementation"]
    tab.checklist_picker.setCurrentIndex(tab.checklist_picker.findText(pilot.title.get(language)))
    assert len(tab._rows) == len(pilot.items())


def test_switching_language_relabels_the_checklist(launch, qtbot):
    window, project_id, tab = open_checklists(launch("en"), qtbot)
    template = window.pilot.templates.checklists["pilot-implementation"]
    item_id = choose(tab, qtbot, template.sections[0].items[0].id)
    assert tab.item_title.text() == template.sections[0].items[0].title.en
    qtbot.mouseClick(window.findChild(QAbstractButton, "language_fr"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.tree.topLevelItem(0).text(0) == template.sections[0].title.fr)
    assert tab._rows[item_id].text(0) == template.sections[0].items[0].title.fr
    assert tab.item_title.text() == template.sections[0].items[0].title.fr
    assert tab.checklist_picker.currentText() == template.title.fr
    assert tab.guidance.text() == template.sections[0].items[0].guidance.fr


INTERACTIVE = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QPlainTextEdit)


def cut_off(widget: QWidget) -> bool:
    if not widget.text() or (isinstance(widget, QLabel) and widget.wordWrap()):
        return False
    needed = widget.minimumSizeHint().width() if isinstance(widget, QLabel) else widget.sizeHint().width()
    return widget.width() + 1 < needed


@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_control_is_named_and_fits(launch, qtbot, language, size, monkeypatch):
    # At 1366×768 every French text is also lengthened by 40 %; at 1024×768, the real French.
    monkeypatch.setenv("COMPANION_TRANS_SCALE", "140" if language == "fr" and size[0] == 1366 else "100")
    window, project_id, tab = open_checklists(launch(language, size=size), qtbot)
    # The items' names are readable, not squeezed to nothing: the Item column keeps 200 px at 1024×768.
    qtbot.waitUntil(lambda: tab.tree.columnWidth(0) >= 200)
    choose(tab, qtbot, "sponsor-named")
    tab.overdue_only.click()  # shows the "Show all" button too
    qtbot.waitUntil(lambda: tab.clear_filters_button.isVisible())
    widgets = [w for w in tab.findChildren(QWidget) if w.isVisible()]
    for widget in widgets:
        if isinstance(widget, INTERACTIVE) and not widget.objectName().startswith("qt_") and widget.focusPolicy():
            assert widget.objectName(), f"{type(widget).__name__} has no objectName"
            assert widget.accessibleName(), f"{widget.objectName()} has no accessibleName"
    problems = [f"{w.objectName() or type(w).__name__}: {w.text()!r}" for w in widgets
                if isinstance(w, (QLabel, QAbstractButton)) and cut_off(w)]
    assert problems == []
    # The editor fits its column: nothing hidden past the right edge.
    assert tab.detail.width() <= tab.detail.parentWidget().width()
    assert window.width() <= size[0] and window.height() <= 768
