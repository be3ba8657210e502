"""Hostile guides in the real reader, offscreen: titles stay text and read no file, nothing is
fetched from the network, and no guide blocks the window for more than a fraction of a second."""

from __future__ import annotations

import ctypes
import os
import socket
import sys
import threading
import time

import psutil
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from companion.content.importer import import_guides
from companion.content.loader import parse_guide
from companion.records import allow_writes
from companion.storage.models import Guide
from ui.navigation import Location
from tests.hostile_content import ACCEPTED_AT_THE_LIMITS, HOSTILE_TITLES, guide_text, stored_html_cases

STALL_SECONDS = 1.0  # the window answers within a second at worst, even on a busy 2-core machine
RSS_GROWTH_BYTES = 400 * 2**20


def add_guide(app, text: str) -> None:
    with app.data.library.sessions() as session:
        import_guides(session, [parse_guide(text, where="en/hostile.md")], remove_missing=False)
        session.commit()


class StallMeter:
    """The longest time the event loop went without running a 10 ms timer."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer(interval=10)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self._last)
        self._last = now

    def stop(self) -> float:
        self._tick()
        self._timer.stop()
        self._timer.deleteLater()
        return self.worst


def open_and_measure(qtbot, window, slug: str) -> float:
    """Open ``slug`` as a click would (from the event loop), wait until it is shown, scroll to its
    end and resize the window; return the longest stall of the event loop meanwhile."""
    reader = window.reader
    meter = StallMeter()
    try:
        QTimer.singleShot(0, lambda: window.open_guide(slug, "en"))
        qtbot.waitUntil(lambda: reader.view is not None and reader.view.slug == slug
                        and not reader.browser.loading and not reader._restoring, timeout=30_000)
        bar = reader.browser.verticalScrollBar()
        QTimer.singleShot(0, lambda: bar.setValue(bar.maximum()))  # the reader jumps to the end
        qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=30_000)
        QTimer.singleShot(0, lambda: window.resize(1024, 768))  # and narrows the window
        qtbot.waitUntil(lambda: window.width() == 1024, timeout=30_000)
    finally:
        worst = meter.stop()  # never left running: a live timer must not outlive the test
    return worst


# --- titles ---------------------------------------------------------------------------------------


class FileWatch:
    """Linux inotify: did anything open ``path``? (Qt reads files in C++, out of Python's sight.)"""

    IN_OPEN, IN_ACCESS, IN_NONBLOCK = 0x20, 0x01, 0o4000

    def __init__(self, path) -> None:
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self.libc.inotify_init1(self.IN_NONBLOCK)
        assert self.fd >= 0
        assert self.libc.inotify_add_watch(self.fd, str(path).encode(), self.IN_OPEN | self.IN_ACCESS) >= 0

    def opened(self) -> bool:
        try:
            return bool(os.read(self.fd, 4096))
        except BlockingIOError:
            return False

    def close(self) -> None:
        os.close(self.fd)


def red_pixels(image: QImage) -> int:
    red = QColor(255, 0, 0).rgb()
    return sum(1 for y in range(0, image.height(), 2) for x in range(0, image.width(), 2) if image.pixel(x, y) == red)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify shows which files Qt opens")
def test_a_title_with_an_image_tag_shows_as_text_and_reads_no_file(launch, qtbot, tmp_path):
    secret = tmp_path / "secret.png"
    picture = QImage(300, 300, QImage.Format.Format_RGB32)
    picture.fill(QColor(255, 0, 0))
    assert picture.save(str(secret))
    title = f'<img src="file://{secret}">'
    app = launch("en")
    window = app.window
    add_guide(app, guide_text("Xylofrontiq: a word to search for.\n", title=title))
    watch = FileWatch(secret)
    try:
        window.open_guide("hostile", "en")
        assert window.reader.view.title == title
        label = window.reader.title_label
        qtbot.waitUntil(lambda: label.isVisible())
        assert label.textFormat() == Qt.TextFormat.PlainText and label.text() == title
        shot = window.reader.grab().toImage()
        assert red_pixels(shot) == 0  # the picture is not drawn...
        assert label.height() < 120  # ...nor does it make room for one
        # The same title where the library, Home and search list it.
        window.go(Location("library", ("community",)))
        assert red_pixels(window.grab().toImage()) == 0
        window.go(Location("home"))
        window.grab()
        window.go(Location("search", ("Xylofrontiq",)))
        assert ("hostile", "en") in window.search_screen.results.keys()
        assert red_pixels(window.grab().toImage()) == 0
        assert not watch.opened(), "Qt opened the file named in a title"
    finally:
        watch.close()


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_show_as_the_characters_typed(launch, qtbot, title):
    app = launch("en")
    add_guide(app, guide_text(title=title))
    window = app.window
    window.open_guide("hostile", "en")
    label = window.reader.title_label
    assert label.text() == title and label.textFormat() == Qt.TextFormat.PlainText
    assert label.sizeHint().height() < 120  # no 400 px banner
    # No label of the window shows the title as markup.
    for other in window.findChildren(QLabel):
        if title in other.text():
            assert other.textFormat() == Qt.TextFormat.PlainText, other.objectName()


# --- nothing from the network ---------------------------------------------------------------------


class LoopbackListener:
    """A real socket on 127.0.0.1 that counts every connection made to it."""

    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _address = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()


def test_nothing_is_fetched_while_rendering(launch, qtbot):
    listener = LoopbackListener()
    base = f"http://127.0.0.1:{listener.port}"
    try:
        # The listener answers: a connection would be counted.
        socket.create_connection(("127.0.0.1", listener.port)).close()
        qtbot.waitUntil(lambda: listener.connections == 1)
        app = launch("en")
        body = (f"![remote]({base}/pixel.png)\n\n<img src=\"{base}/raw.png\">\n\n"
                f"<img src=\"//127.0.0.1:{listener.port}/scheme-relative.png\">\n\n"
                f"[a link]({base}/page) <a href=\"{base}/a\">html link</a>\n\n"
                f"Xylofrontiq <span style=\"background: url({base}/css.png)\">styled</span>\n\n"
                f"<link rel=\"stylesheet\" href=\"{base}/style.css\">\n\n"
                f"<iframe src=\"{base}/frame\"></iframe> <object data=\"{base}/object\"></object>\n\n"
                f"<video src=\"{base}/video.mp4\"></video>\n")
        add_guide(app, guide_text(body, title=f'<img src="{base}/title.png">'))
        window = app.window
        window.open_guide("hostile", "en")
        qtbot.waitUntil(lambda: not window.reader.browser.loading)
        window.reader.grab()
        window.reader.browser.document().size()  # laid out to the end
        window.go(Location("home"))
        window.grab()
        window.go(Location("library", ("community",)))
        window.grab()
        window.go(Location("search", ("Xylofrontiq",)))
        assert ("hostile", "en") in window.search_screen.results.keys()
        window.search_screen.grab()
        # A last connection of our own: the listener takes connections in the order they reach it,
        # so once it has counted this one, any connection started while rendering was counted too.
        socket.create_connection(("127.0.0.1", listener.port)).close()
        qtbot.waitUntil(lambda: listener.connections >= 2)
        assert listener.connections == 2
    finally:
        listener.close()


# --- size and shape: the window never freezes -----------------------------------------------------


@pytest.mark.parametrize("case", list(ACCEPTED_AT_THE_LIMITS))
def test_guides_at_the_limits_never_block_the_window(case, launch, qtbot):
    app = launch("en")
    add_guide(app, ACCEPTED_AT_THE_LIMITS[case])
    before = psutil.Process().memory_info().rss
    stall = open_and_measure(qtbot, app.window, "hostile")
    assert stall < STALL_SECONDS, f"{case}: the window was blocked for {stall:.2f} s"
    assert psutil.Process().memory_info().rss - before < RSS_GROWTH_BYTES
    assert app.window.reader.browser.too_large() is None  # shown with its layout


@pytest.mark.parametrize("case", list(stored_html_cases()))
def test_oversized_html_from_elsewhere_is_shown_as_text_without_blocking(case, launch, qtbot):
    """HTML that never went through today's importer (an older release, another path)."""
    app = launch("fr")
    add_guide(app, guide_text("Texte.\n"))
    html = stored_html_cases()[case]
    with allow_writes(), app.data.library.sessions() as session:  # as another release wrote it
        guide = session.scalar(select(Guide).where(Guide.slug == "hostile"))
        guide.body_html = html
        guide.toc = [[2, f"h{i}", f"Heading {i}"] for i in range(10_000)] if "headings" in case else []
        session.commit()
    before = psutil.Process().memory_info().rss
    stall = open_and_measure(qtbot, app.window, "hostile")
    reader = app.window.reader
    assert stall < STALL_SECONDS, f"{case}: the window was blocked for {stall:.2f} s"
    assert psutil.Process().memory_info().rss - before < RSS_GROWTH_BYTES
    assert reader.browser.too_large() is not None
    assert reader.banner.isVisible() and "trop" in reader.banner_text.text()
    assert reader.toc.topLevelItemCount() == 0
    last_words = {"5,000-row table": "more 4999", "10,000 headings with anchors": "Heading 9999\ntext",
                  "3,000 nested lists": "deep"}[case]
    assert reader.browser.toPlainText().rstrip().endswith(last_words)  # the words are all there
