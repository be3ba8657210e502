"""What a screen-reader user meets, walked on every screen and dialog of the main window, in English and
French: the QAccessible tree (what AT-SPI / UI Automation read) and the Tab chain.

It fails on a focusable control with no name, a table or tree whose column header is empty or reads as a
number ("1": Qt's default), and a control that Tab cannot leave."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog, QTableView, QTextBrowser, QTreeView, QWidget

from tests.ui.test_accessibility_and_fit import visit_every_screen

MAX_TAB_STOPS = 400


def unnamed_focusable(root: QWidget) -> list[str]:
    """Focusable, visible objects of the accessible tree under ``root`` that have no name."""
    found = []

    def walk(interface, path: str, depth: int) -> None:
        if interface is None or not interface.isValid() or depth > 40:
            return
        state = interface.state()
        if state.invisible:
            return
        role = interface.role()
        widget = interface.object() if isinstance(interface.object(), QWidget) else None
        if state.focusable and not interface.text(QAccessible.Text.Name).strip():
            if widget is None or (widget.isVisible() and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
                name = widget.objectName() if widget is not None else ""
                found.append(f"{path}/{role.name}({type(interface.object()).__name__} {name!r})")
        if isinstance(interface.object(), QAbstractItemView):
            return  # one Tab stop, named as a whole: its rows and cells are read by their text
        for index in range(interface.childCount()):
            child = interface.child(index)
            walk(child, f"{path}/{role.name}", depth + 1)

    walk(QAccessible.queryAccessibleInterface(root), "", 0)
    return found


def headerless_views(root: QWidget) -> list[str]:
    """Visible tables and trees whose first column header is empty or a bare number."""
    faults = []
    for view in root.findChildren(QAbstractItemView):
        if not isinstance(view, (QTableView, QTreeView)) or not view.isVisible() or view.model() is None:
            continue
        if view.window() is not root.window():
            continue
        for column in range(view.model().columnCount()):
            if isinstance(view, QTableView) and view.isColumnHidden(column):
                continue
            if isinstance(view, QTreeView) and view.isColumnHidden(column):
                continue
            # What a screen reader reads: the accessible text when there is one, else the words shown.
            header = (view.model().headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.AccessibleTextRole)
                      or view.model().headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole))
            text = str(header if header is not None else "").strip()
            if not text or text.isdigit():
                faults.append(f"{view.objectName() or type(view).__name__} column {column} header {text!r}")
    return faults


def link_count(widget: QWidget) -> int:
    """The links of a text view: Tab stops on each (as on a web page), then leaves."""
    if not isinstance(widget, QTextBrowser):
        return 0
    count, block = 0, widget.document().begin()
    while block.isValid():
        fragments, previous = block.begin(), ""
        while not fragments.atEnd():
            href = fragments.fragment().charFormat().anchorHref() if fragments.fragment().charFormat().isAnchor() else ""
            if href and href != previous:
                count += 1
            previous = href
            fragments += 1
        block = block.next()
    return count


def tab_traps(window: QWidget, qtbot) -> list[str]:
    """Press Tab round the window; a control that keeps the focus for three presses (more in a text with
    links: one stop per link) is a trap."""
    first = window.focusWidget() or QApplication.focusWidget()
    if first is None or first.window() is not window:
        window.focusNextChild()
        first = QApplication.focusWidget()
    traps, seen, repeats = [], set(), 0
    current = first
    for _press in range(MAX_TAB_STOPS):
        qtbot.keyClick(current, Qt.Key.Key_Tab)
        after = QApplication.focusWidget()
        if after is None:
            traps.append(f"focus lost after {current.objectName() or type(current).__name__}")
            break
        if after is current:
            repeats += 1
            if repeats >= 3 + link_count(current):
                traps.append(f"Tab cannot leave {current.objectName() or type(current).__name__}")
                break
        else:
            repeats = 0
        if after is first or id(after) in seen and after is not current:
            break
        seen.add(id(after))
        current = after
    return traps


def check(root: QWidget, where: str, qtbot, with_tab: bool = True) -> list[str]:
    faults = [f"{where}: unnamed {name}" for name in unnamed_focusable(root)]
    faults += [f"{where}: {fault}" for fault in headerless_views(root)]
    if with_tab:
        faults += [f"{where}: {trap}" for trap in tab_traps(root, qtbot)]
    return faults


def open_dialogs(window):
    """Every dialog the main window opens from its menus and top bar, one after another."""
    yield "about", window.menus.show_about()
    yield "shortcuts", window.menus.show_shortcuts()
    yield "manual", window.menus.show_manual()
    if getattr(window, "sync_ui", None) is not None:
        yield "sync details", window.sync_ui.show_details()
        yield "sign in", window.sync_ui.sign_in()
        yield "bundles", window.sync_ui.show_bundles()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_screen_reads_well_with_a_screen_reader_and_tab_alone(launch, qtbot, language):
    window = launch(language).window
    faults = []
    for screen in visit_every_screen(window):
        qtbot.waitUntil(lambda: not getattr(window.reader.browser, "loading", False))
        current = window.stack.currentWidget()
        current.setFocus(Qt.FocusReason.OtherFocusReason)
        if current.focusWidget() is None:
            current.focusNextChild()
        faults += check(window, screen, qtbot)
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_dialog_reads_well_with_a_screen_reader_and_tab_alone(launch, qtbot, language):
    window = launch(language).window
    faults = []
    for name, dialog in open_dialogs(window):
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        faults += check(dialog, name, qtbot)
        if isinstance(dialog, QDialog):
            dialog.reject()
        else:
            dialog.close()
        qtbot.waitUntil(lambda: not dialog.isVisible())
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_menus_are_named_for_a_screen_reader(launch, language):
    window = launch(language).window
    for menu in window.menus.menus():
        assert menu.title().replace("&", "").strip()
        for action in menu.actions():
            if not action.isSeparator():
                assert action.text().replace("&", "").strip(), f"{menu.objectName()}: an action without words"
