"""What the screenshot sweep of issue 12 found at 1024×768 in French, guarded: the sync status gives way
in the top bar instead of covering the search box, the sync details grow with their words, the
guide's contents wrap long headings instead of cutting them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from ui.sync_controller import ERROR, OFFLINE, SIGNED_OUT, SYNCING, SyncStatus


def settle() -> None:
    """Deliver the posted layout requests: geometries are then those of what is shown now."""
    for _ in range(3):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def show(app, widget, status: SyncStatus) -> None:
    """Show a state as if the sync had reached it (a language change or a polish shows it again)."""
    app.sync.controller._status = status
    widget.show_status(status)
    settle()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_long_sync_state_never_covers_the_search_box(launch, qtbot, language):
    app = launch(language, size=(1024, 768))
    window, button = app.window, app.sync.button
    show(app, button, SyncStatus(OFFLINE, pending=1234, problem="unreachable"))
    assert button.geometry().left() >= window.search_field.geometry().right(), "the sync state covers the search box"
    assert window.minimumSizeHint().width() <= 1024  # the window still fits a 1024-pixel screen
    assert button.text() in button.toolTip()  # the whole state, even when the button shows "…"
    assert button.accessibleName().endswith(button.text())
    if button.is_elided():
        assert button.shown_text().endswith("…") and len(button.shown_text()) < len(button.text())
    show(app, button, SyncStatus(SIGNED_OUT))
    assert not button.is_elided()  # short words: shown whole
    assert button.width() >= button.sizeHint().width()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_sync_details_grow_with_their_words(launch, qtbot, language):
    from sync.credentials import Account

    app = launch(language, size=(1024, 768))
    sync = app.sync
    details = sync.show_details()  # signed out: a short dialog
    qtbot.waitExposed(details)
    sync.controller.account = Account("https://sync.openimis-companion.example.org", "amina.ndiaye-diallo", 7,
                                      "cst_" + "x" * 43)
    show(app, details, SyncStatus(ERROR, pending=3, problem="server-error", last_success_ms=1_764_000_000_000,
                                  conflicts=2, refused=1))
    settle()
    for label in (details.headline, details.account_label, details.reason, details.facts):
        assert label.isVisible()
        needed = label.heightForWidth(label.width()) if label.wordWrap() else label.sizeHint().height()
        assert label.height() >= needed, f"{label.objectName()} squeezed: {label.text()!r}"
        assert label.width() >= label.minimumSizeHint().width()
    labels = sorted((details.headline, details.account_label, details.reason, details.facts), key=lambda w: w.y())
    for upper, lower in zip(labels, labels[1:]):
        assert upper.geometry().bottom() < lower.geometry().top(), "two lines of the dialog overlap"
    show(app, details, SyncStatus(SYNCING, done=1234, total=10_000))
    settle()
    assert details.progress.text() == ("12\u00a0%" if language == "fr" else "12%")
    details.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_contents_of_a_guide_wrap_long_headings(launch, qtbot, language):
    window = launch(language, size=(1024, 768)).window
    window.open_guide("data-flow-facility-to-national", language)
    reader = window.reader
    qtbot.waitUntil(lambda: not reader.browser.loading and reader.toc.topLevelItemCount() > 5)
    settle()
    toc = reader.toc
    metrics = toc.fontMetrics()
    wrapped = 0
    for row in range(toc.topLevelItemCount()):
        item = toc.topLevelItem(row)
        rect = toc.visualItemRect(item)
        assert item.toolTip(0) == item.text(0)
        if metrics.horizontalAdvance(item.text(0)) > rect.width():
            wrapped += 1
            assert rect.height() >= 2 * metrics.height(), f"{item.text(0)!r} is cut, not wrapped"
    assert wrapped, "no heading is longer than the column: the test shows nothing"
