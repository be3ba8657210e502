"""The full-screen presenter: keys, counter, notes, black screen, fit at projector sizes."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QUrl, Qt
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QApplication

from companion.i18n import set_language
from companion.training.slides import split_slides
from ui.screens.training import presenter as presenter_module
from ui.screens.training.presenter import NotesWindow, PresenterWindow, elapsed_text

SHOTS = Path("/tmp/presenter-shots")

LESSON = """\
## Why a pilot comes first

- Test the scheme's rules with real members
- Find the gaps in forms and workflows
- Train staff before the scale-up
- Measure enrolment and claim times

???
Ask the room which of these their own scheme skipped, and what it cost them later.

---

## Kalanda's one-time costs

| One-time cost, in year 1 | USD |
|---|---|
| Customisation and configuration | 50,000 |
| Hardware: 55 phones, 10 computers, backup server | 25,000 |
| Training: 6 trainers, then about 100 users | 15,000 |
| ID cards: 40,000 × 0.25 | 10,000 |
| **Total** | **100,000** |

???
The figures are illustrative: replace them with **local quotes** before sharing any result.

---

## The four stages

![The four stages of an openIMIS implementation](images/implementation-journey.svg)

---

## What to remember

1. A pilot is small on purpose
2. Budget the years after the launch

???
Close with the question: who pays once the pilot's funding ends?
"""

TABLE_SLIDE, IMAGE_SLIDE = 1, 2


@pytest.fixture
def slides():
    result = split_slides(LESSON)
    assert len(result) == 4
    return result


@pytest.fixture
def open_presenter(qtbot):
    def _open(slides, size=(1024, 768), start=0, **options):
        window = PresenterWindow("Pilot implementation for managers", slides, start=start, **options)
        qtbot.addWidget(window)
        window.start(size=size)
        qtbot.waitExposed(window)
        return window

    return _open


def key(qtbot, window, *keys):
    for each in keys:
        qtbot.keyClick(window, each)


def test_keys_counter_notes_black_screen_and_finish(qtbot, open_presenter, slides):
    window = open_presenter(slides, notes_on_same_screen=False)
    assert window.notes_window is None  # one screen: notes stay hidden until S
    assert window.current == 0 and window.counter_label.text() == "1 / 4"
    assert not window.notes_visible

    key(qtbot, window, Qt.Key.Key_Right)
    assert window.current == 1 and window.counter_label.text() == "2 / 4"
    key(qtbot, window, Qt.Key.Key_Space)
    assert window.current == 2
    key(qtbot, window, Qt.Key.Key_PageDown)  # a clicker's "next"
    assert window.current == 3 and window.counter_label.text() == "4 / 4"

    key(qtbot, window, Qt.Key.Key_PageDown)  # nothing after the last slide, but it says so
    assert window.current == 3 and window.end_label.isVisible()
    key(qtbot, window, Qt.Key.Key_Left)
    assert window.current == 2 and not window.end_label.isVisible()
    key(qtbot, window, Qt.Key.Key_PageUp)  # a clicker's "back"
    assert window.current == 1 and window.counter_label.text() == "2 / 4"
    key(qtbot, window, Qt.Key.Key_End)
    assert window.current == 3
    key(qtbot, window, Qt.Key.Key_Home)
    assert window.current == 0
    key(qtbot, window, Qt.Key.Key_Home, Qt.Key.Key_Left)  # nothing before the first slide
    assert window.current == 0

    key(qtbot, window, Qt.Key.Key_S)
    assert window.notes_visible and window.notes_panel.isVisible()
    assert "Ask the room" in window.notes_view.toPlainText()
    assert window.notes_next.full_text() == "Next: Kalanda's one-time costs"
    key(qtbot, window, Qt.Key.Key_N)  # notes follow the slide
    assert "local quotes" in window.notes_view.toPlainText()
    key(qtbot, window, Qt.Key.Key_N)
    assert window.notes_view.toPlainText() == "No notes for this slide."
    key(qtbot, window, Qt.Key.Key_S)
    assert not window.notes_visible

    key(qtbot, window, Qt.Key.Key_B)
    assert window.blanked and window.blank_page.isVisible() and not window.slide_view.isVisible()
    key(qtbot, window, Qt.Key.Key_B)
    assert not window.blanked and window.slide_view.isVisible()
    key(qtbot, window, Qt.Key.Key_Period)  # what clickers send for "black screen"
    assert window.blanked
    key(qtbot, window, Qt.Key.Key_Right)  # any slide key brings the slide back, on the same slide
    assert not window.blanked and window.current == 2

    key(qtbot, window, Qt.Key.Key_Backspace, Qt.Key.Key_P)
    assert window.current == 0
    key(qtbot, window, Qt.Key.Key_Return, Qt.Key.Key_Down)
    assert window.current == 2
    key(qtbot, window, Qt.Key.Key_F5)
    assert window.current == 0
    key(qtbot, window, Qt.Key.Key_End, Qt.Key.Key_Up)
    assert window.current == 2

    with qtbot.waitSignal(window.finished, timeout=2000) as finished:
        key(qtbot, window, Qt.Key.Key_Escape)
    assert finished.args == [2]
    assert not window.isVisible()


def test_timer_key_hint_and_go_to(qtbot, open_presenter, slides):
    window = open_presenter(slides, start=2)
    assert window.current == 2 and window.counter_label.text() == "3 / 4"
    assert window.timer_label.text() == "00:00"
    assert elapsed_text(65_000) == "01:05" and elapsed_text(4_325_000) == "72:05"
    assert window.hint_label.isVisible()  # shown for the first seconds
    key(qtbot, window, Qt.Key.Key_F1)
    assert not window.hint_label.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    assert window.hint_label.isVisible()
    window._clock.restart()
    key(qtbot, window, Qt.Key.Key_T)
    assert window.timer_label.text() == "00:00"
    window.go_to(99)
    assert window.current == 3
    window.go_to(-5)
    assert window.current == 0
    window.next()
    window.previous()
    assert window.current == 0
    qtbot.mouseClick(window.slide_view.viewport(), Qt.MouseButton.LeftButton)
    assert window.current == 1


def test_notes_on_same_screen_and_a_second_screen(qtbot, open_presenter, slides, monkeypatch):
    window = open_presenter(slides, notes_on_same_screen=True)
    assert window.notes_visible and window.notes_window is None
    window.close()

    screen = QApplication.primaryScreen()
    monkeypatch.setattr(presenter_module, "available_screens", lambda: [screen, screen])
    window = open_presenter(slides)
    notes = window.notes_window
    assert isinstance(notes, NotesWindow) and notes.isVisible()
    assert not window.notes_visible  # the notes are on the other screen
    assert "Ask the room" in notes.notes_view.toPlainText()
    assert notes.counter_label.text() == "1 / 4" and notes.next_label.text() == "Next: Kalanda's one-time costs"
    qtbot.keyClick(notes, Qt.Key.Key_PageDown)  # the trainer drives from the notes screen
    assert window.current == 1 and notes.counter_label.text() == "2 / 4"
    assert notes.title_label.text() == "Kalanda's one-time costs"
    qtbot.keyClick(notes, Qt.Key.Key_B)
    assert window.blanked and notes.blank_label.isVisible()
    qtbot.keyClick(notes, Qt.Key.Key_B)
    key(qtbot, window, Qt.Key.Key_End)
    assert notes.next_label.text() == "This is the last slide."
    assert notes.objectName() and notes.accessibleName()
    with qtbot.waitSignal(window.finished, timeout=2000) as finished:
        qtbot.keyClick(notes, Qt.Key.Key_Escape)
    assert finished.args == [3]
    assert not notes.isVisible()  # closes with the presenter


def test_pictures_are_bundled_only(qtbot, open_presenter, slides):
    window = open_presenter(slides, start=IMAGE_SLIDE)
    html = window.slide_view.toHtml()
    assert "image:implementation-journey.svg?size=" in html
    view = window.slide_view
    image = view.loadResource(QTextDocument.ResourceType.ImageResource.value,
                              QUrl("image:implementation-journey.svg?size=800x220"))
    assert isinstance(image, QImage) and (image.width(), image.height()) == (800, 220)
    assert view.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl("https://example.org/x.png")) is None
    assert view.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl("file:///etc/passwd")) is None
    missing = view.loadResource(QTextDocument.ResourceType.ImageResource.value, QUrl("image:../../config.py"))
    assert isinstance(missing, QImage) and missing.isNull()

    remote = split_slides("## Remote\n\n![A chart](https://example.org/chart.png)\n\n![Gone](images/no-such.svg)")
    other = open_presenter(remote)
    assert "<img" not in other.fitted.html  # a remote picture is never fetched: it became a plain link
    assert "A chart" in other.slide_view.toPlainText()
    assert "Gone" in other.slide_view.toPlainText()  # a missing picture shows its description


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)])
def test_slides_fit_at_projector_sizes(qtbot, open_presenter, slides, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    window = open_presenter(slides, size=size)
    qtbot.waitUntil(lambda: (window.width(), window.height()) == size)
    for index in range(len(slides)):
        window.go_to(index)
        QApplication.processEvents()
        view = window.slide_view
        assert view.horizontalScrollBar().maximum() == 0, f"slide {index} is wider than the screen"
        assert view.verticalScrollBar().maximum() == 0, f"slide {index} is taller than the screen"
        assert not window.fitted.overflows
    window.go_to(TABLE_SLIDE)
    window.grab().save(str(SHOTS / f"table-{size[0]}x{size[1]}.png"))
    window.go_to(IMAGE_SLIDE)
    window.grab().save(str(SHOTS / f"image-{size[0]}x{size[1]}.png"))
    picture_width = int(window.slide_view.toHtml().split('width="')[1].split('"')[0])
    assert picture_width > size[0] * 0.6  # the picture uses the slide's width
    window.go_to(0)
    key(qtbot, window, Qt.Key.Key_S)
    window.grab().save(str(SHOTS / f"notes-{size[0]}x{size[1]}.png"))
    assert window.slide_view.horizontalScrollBar().maximum() == 0


def test_type_grows_with_the_screen(qtbot, open_presenter, slides):
    window = open_presenter(slides, size=(1024, 768))
    small_title, small_body = window.fitted.title_px, window.fitted.body_px
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: window.height() == 1080)
    assert window.fitted.title_px > small_title and window.fitted.body_px > small_body
    assert window.fitted.title_px >= 1080 / 14 and window.fitted.body_px >= 1080 / 24
    assert window.counter_label.font().pixelSize() > 13


def test_accessible_names_and_french(qtbot, open_presenter, slides):
    window = open_presenter(slides)
    for widget in (window, window.slide_view, window.notes_view):
        assert widget.objectName() and widget.accessibleName()
    try:
        set_language("fr")
        QApplication.sendEvent(window, QEvent(QEvent.Type.LanguageChange))
        assert window.counter_label.text() == "1 / 4"
        assert window.slide_view.accessibleName()
        key(qtbot, window, Qt.Key.Key_Right, Qt.Key.Key_S)
        assert window.current == 1 and window.notes_visible
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / "french-1024x768.png"))
    finally:
        set_language("en")
        QApplication.sendEvent(window, QEvent(QEvent.Type.LanguageChange))


def test_with_a_projector_the_slides_go_to_the_screen_the_trainer_is_not_using():
    laptop, projector, third = object(), object(), object()
    assert presenter_module.choose_screens([laptop, projector], laptop, False) == (projector, laptop)
    assert presenter_module.choose_screens([projector, laptop], laptop, False) == (projector, laptop)
    assert presenter_module.choose_screens([laptop, projector, third], laptop, False) == (projector, laptop)
    assert presenter_module.choose_screens([laptop, projector], laptop, True) == (laptop, None)
    assert presenter_module.choose_screens([laptop], laptop, False) == (laptop, None)
