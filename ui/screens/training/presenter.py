"""The full-screen presenter: a lesson's slides on a projector, the speaker notes beside them.

Built for cheap projectors in rooms with no network: black text on white, large type computed
from the window's height (so the same slide reads at 1024×768 and at 1920×1080), and each slide
shrunk a little when it holds more than fits, rather than scrolled. Pictures come only from the
bundled images folders and are drawn at the size they are shown, so SVGs stay sharp.

Keys (a clicker sends PageUp/PageDown, and ``.`` or B for a black screen):
Right, Down, PageDown, Space, Return, N: next; Left, Up, PageUp, Backspace, P: previous;
Home/End: first/last; F5: back to the first slide; S: speaker notes on this screen;
B or ``.``: black screen; T: restart the timer; ? or F1: key help; Esc: quit.

With a second screen the notes open there, full screen (``NotesWindow``), and both windows take
the same keys. No SQL and no file writes here: the caller hands over the slides and is told,
through ``finished``, which slide was shown last.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QElapsedTimer, QEvent, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QImageReader, QKeyEvent, QPalette, QTextDocument
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QSizePolicy, QStackedLayout, QTextBrowser, QVBoxLayout,
                               QWidget)

from companion.config import bundled_image
from companion.content.render import render_markdown
from companion.i18n import _
from companion.training.slides import Slide
from ui.widgets.plain_text import plain_tooltip

KEY_HINT_MS = 8000  # the key help shows this long after start (and after ? or F1)
TICK_MS = 1000

NEXT_KEYS = {Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_Space, Qt.Key.Key_Return,
             Qt.Key.Key_Enter, Qt.Key.Key_N}
PREVIOUS_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace, Qt.Key.Key_P}
BLANK_KEYS = {Qt.Key.Key_B, Qt.Key.Key_Period}
HELP_KEYS = {Qt.Key.Key_Question, Qt.Key.Key_F1}

# Colours: the slide is black on white whatever the system theme (projectors wash out greys).
INK = "#000000"
PAPER = "#ffffff"
RULE = "#444444"
HEADER_FILL = "#e4e4e4"
LINK = "#0b3d91"
FOOTER_FILL = "#f0f0f0"
FOOTER_INK = "#1a1a1a"

# Shrinking steps tried when a slide holds more than fits, then the smallest allowed.
FIT_SCALES = (1.0, 0.93, 0.86, 0.8, 0.74, 0.68, 0.62, 0.57, 0.52)
MIN_PICTURE_SHARE = 0.22  # a picture keeps at least this share of the slide's height before text shrinks

_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r"""\bsrc="image:([^"?#]+)[^"]*\"""")
_ALT_ATTR = re.compile(r'\balt="([^"]*)"')
_IMAGE_PARAGRAPH = re.compile(r"<p>(\s*(?:<img\b[^>]*>\s*)+)</p>")
_TABLE = re.compile(r"<table\b[^>]*>")


def available_screens():
    """The screens Qt knows about (a function of its own so tests can pretend to have two)."""
    return QGuiApplication.screens()


def choose_screens(screens: list, laptop, notes_on_same_screen: bool) -> tuple[object, object | None]:
    """(screen for the slides, screen for the notes or None). With a projector connected, the
    audience's screen is the one the trainer is not working on: the slides go there and the notes
    stay on the laptop."""
    others = [screen for screen in screens if screen is not laptop]
    if notes_on_same_screen or len(screens) < 2:
        return laptop, None
    return (others[0] if others else laptop), laptop


def elapsed_text(milliseconds: int) -> str:
    """mm:ss (minutes keep counting past 59: a long lesson shows 72:05)."""
    seconds = max(0, milliseconds) // 1000
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


# --- pictures --------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def picture_size(name: str) -> tuple[int, int, bool] | None:
    """A bundled picture's own size and whether it is a drawing (SVG, free to enlarge); None if missing."""
    path = bundled_image(name)  # never outside the bundled images folders; nothing remote, ever
    if path is None:
        return None
    reader = QImageReader(str(path))
    size = reader.size()
    if not size.isValid() or size.isEmpty():
        image = reader.read()
        if image.isNull():
            return None
        size = image.size()
    return size.width(), size.height(), path.suffix.lower() in (".svg", ".svgz")


@lru_cache(maxsize=8)  # a full-HD picture is a few MB: keep only the last few sizes
def picture(name: str, width: int, height: int) -> QImage | None:
    """A bundled picture drawn at the size it is shown (SVGs are re-drawn, not stretched)."""
    path = bundled_image(name)
    if path is None or width <= 0 or height <= 0:
        return None
    reader = QImageReader(str(path))
    reader.setScaledSize(QSize(width, height))
    image = reader.read()
    return None if image.isNull() else image


def size_pictures(fragment: str, box: QSize | None, per_picture_height: int | None = None,
                  pixel_ratio: float = 1.0) -> tuple[str, int]:
    """Give every ``image:`` picture an explicit width and height that fit ``box`` (None: 1×1, to
    measure the text alone), and a URL carrying the size it is drawn at. A missing picture becomes
    its alternative text. Returns the HTML and how many pictures it holds."""
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        tag = match.group(0)
        source = _SRC.search(tag)
        alt_match = _ALT_ATTR.search(tag)
        alt = alt_match.group(1) if alt_match else ""
        size = picture_size(source.group(1)) if source else None
        if size is None:
            return f"<em>{alt}</em>" if alt else ""
        count += 1
        natural_w, natural_h, drawing = size
        if box is None:
            width = height = 1
        else:
            limit = 1e9 if drawing else 2.0  # photos are not blown up beyond twice their size
            scale = min(box.width() / natural_w, (per_picture_height or box.height()) / natural_h, limit)
            width, height = max(1, int(natural_w * scale)), max(1, int(natural_h * scale))
        drawn = f"{round(width * pixel_ratio)}x{round(height * pixel_ratio)}"
        title = f' title="{alt}"' if alt else ""
        return (f'<img src="image:{source.group(1)}?size={drawn}" alt="{alt}"{title} '
                f'width="{width}" height="{height}" />')

    fragment = _IMG.sub(replace, fragment)
    return fragment, count


def centre_pictures(fragment: str) -> str:
    """A paragraph holding only pictures is centred; tables use the slide's width."""
    fragment = _IMAGE_PARAGRAPH.sub(lambda m: f'<p align="center" class="picture">{m.group(1)}</p>', fragment)
    return _TABLE.sub('<table width="100%" cellspacing="0">', fragment)


# --- the look ----------------------------------------------------------------------------------------------


def slide_style(body_px: int, title_px: int) -> str:
    gap = max(4, round(body_px * 0.45))
    pad_v, pad_h = max(3, round(body_px * 0.22)), max(4, round(body_px * 0.4))
    border = 2 if body_px >= 40 else 1
    return f"""
        body {{ color: {INK}; background-color: {PAPER}; font-size: {body_px}px; }}
        h1, h2 {{ font-size: {title_px}px; font-weight: bold; color: {INK};
                  margin-top: 0px; margin-bottom: {round(body_px * 0.85)}px; }}
        h3 {{ font-size: {round(body_px * 1.12)}px; font-weight: bold; margin-top: {gap}px; margin-bottom: {gap // 2}px; }}
        h4, h5, h6 {{ font-size: {body_px}px; font-weight: bold; margin-top: {gap}px; margin-bottom: {gap // 2}px; }}
        p {{ margin-top: 0px; margin-bottom: {gap}px; line-height: 118%; }}
        p.picture {{ line-height: 100%; }}
        ul, ol {{ margin-top: 0px; margin-bottom: {gap}px; }}
        li {{ margin-bottom: {round(body_px * 0.28)}px; line-height: 118%; }}
        table {{ border-collapse: collapse; margin-top: {gap // 2}px; margin-bottom: {gap}px; }}
        th {{ background-color: {HEADER_FILL}; font-weight: bold; }}
        th, td {{ border: {border}px solid {RULE}; padding-top: {pad_v}px; padding-bottom: {pad_v}px;
                  padding-left: {pad_h}px; padding-right: {pad_h}px; }}
        a {{ color: {LINK}; text-decoration: underline; }}
        code {{ font-family: monospace; }}
        pre {{ font-family: monospace; background-color: #f2f2f2; padding: {gap}px; }}
        blockquote {{ margin-left: {body_px}px; }}
    """


def notes_style(body_px: int) -> str:
    gap = max(4, round(body_px * 0.5))
    return f"""
        body {{ color: {INK}; background-color: {PAPER}; font-size: {body_px}px; }}
        h1, h2, h3, h4, h5, h6 {{ font-size: {round(body_px * 1.1)}px; font-weight: bold;
                                  margin-top: {gap}px; margin-bottom: {gap // 2}px; }}
        p {{ margin-top: 0px; margin-bottom: {gap}px; line-height: 125%; }}
        li {{ margin-bottom: {gap // 2}px; line-height: 125%; }}
        table {{ border-collapse: collapse; margin-bottom: {gap}px; }}
        th {{ background-color: {HEADER_FILL}; font-weight: bold; }}
        th, td {{ border: 1px solid {RULE}; padding: {max(3, gap // 2)}px; }}
        a {{ color: {LINK}; }}
        .muted {{ color: #444444; }}
    """


def pixel_font(base: QFont, pixels: int, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPixelSize(max(8, int(pixels)))
    font.setBold(bold)
    return font


def high_contrast(widget: QWidget, background: str = PAPER, text: str = INK) -> None:
    palette = widget.palette()
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        palette.setColor(role, QColor(background))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        palette.setColor(role, QColor(text))
    widget.setPalette(palette)
    widget.setAutoFillBackground(True)


@dataclass(frozen=True)
class FittedSlide:
    html: str
    style: str
    body_px: int
    title_px: int
    margin: int
    scale: float
    overflows: bool


def _layout_size(fragment: str, style: str, font: QFont, body_px: int, margin: int, width: int) -> tuple[float, float]:
    document = QTextDocument()
    document.setDefaultFont(pixel_font(font, body_px))
    document.setDefaultStyleSheet(style)
    document.setDocumentMargin(margin)
    document.setIndentWidth(round(body_px * 1.3))
    document.setHtml(fragment)  # pictures carry their size: nothing is loaded to measure them
    document.setTextWidth(width)
    size = document.size()
    return size.width(), size.height()


def fit_slide(fragment: str, width: int, height: int, body_px: int, title_px: int, font: QFont,
              pixel_ratio: float = 1.0) -> FittedSlide:
    """The largest type (from ``body_px``/``title_px`` down to about half) at which the slide fits
    ``width``×``height`` with no scrolling; pictures take the height the text leaves them."""
    fragment = centre_pictures(fragment)
    margin = max(12, round(min(width, height) * 0.045))
    best: FittedSlide | None = None
    for scale in FIT_SCALES:
        body, title = max(10, round(body_px * scale)), max(12, round(title_px * scale))
        style = slide_style(body, title)
        text_only, pictures = size_pictures(fragment, None)
        text_w, text_h = _layout_size(text_only, style, font, body, margin, width)
        if pictures:
            smallest = int(height * MIN_PICTURE_SHARE)
            each = int((height - text_h - 4) / pictures)
            if each < smallest and scale != FIT_SCALES[-1]:
                continue
            box = QSize(max(1, width - 2 * margin - 2), max(1, height - 2 * margin))
            for _attempt in range(3):  # a picture's line is a little taller than the picture: settle it
                final, _count = size_pictures(fragment, box, max(smallest, each), pixel_ratio)
                text_w, text_h = _layout_size(final, style, font, body, margin, width)
                if text_h <= height + 0.5 or each <= smallest:
                    break
                each -= int((text_h - height) / pictures) + 2
        else:
            final = text_only
        fits = text_w <= width + 0.5 and text_h <= height + 0.5
        best = FittedSlide(final, style, body, title, margin, scale, not fits)
        if fits:
            return best
    assert best is not None
    return best


# --- the views -------------------------------------------------------------------------------------------


class _ReadOnlyBrowser(QTextBrowser):
    """Rendered Markdown that follows no link and loads only bundled pictures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setSearchPaths([])
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the presenter, never scroll by surprise
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        high_contrast(self)
        self.viewport().setAutoFillBackground(True)

    def show_fragment(self, fragment: str, style: str, font: QFont, body_px: int, margin: int) -> None:
        document = self.document()
        document.setDefaultFont(pixel_font(font, body_px))
        document.setDefaultStyleSheet(style)
        document.setDocumentMargin(margin)
        document.setIndentWidth(round(body_px * 1.3))
        self.setHtml(fragment)

    def loadResource(self, kind: int, url: QUrl):
        if url.scheme() == "image":
            width = height = 0
            query = url.query()
            if query.startswith("size=") and "x" in query:
                w, _x, h = query[len("size="):].partition("x")
                if w.isdigit() and h.isdigit():
                    width, height = int(w), int(h)
            image = picture(url.path(), width, height) if width and height else None
            if image is None:
                path_size = picture_size(url.path())
                image = picture(url.path(), path_size[0], path_size[1]) if path_size else None
            return image if image is not None else QImage()
        return None  # http, https, file, anything else: never loaded


class SlideView(_ReadOnlyBrowser):
    """One slide, as large as the room allows. A click goes forward, a right click back; the
    wheel scrolls a slide that overflows and otherwise moves between slides."""

    resized = Signal()
    step_requested = Signal(int)  # +1 next, -1 previous

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._wheel = 0

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resized.emit()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.step_requested.emit(1)
        elif event.button() == Qt.MouseButton.RightButton:
            self.step_requested.emit(-1)
        event.accept()

    def wheelEvent(self, event) -> None:
        delta = event.angleDelta().y()
        bar = self.verticalScrollBar()
        if bar.maximum() > 0 and ((delta < 0 and bar.value() < bar.maximum()) or (delta > 0 and bar.value() > 0)):
            super().wheelEvent(event)
            return
        self._wheel += delta
        if abs(self._wheel) >= 120:  # one notch; touchpads send many small steps
            self.step_requested.emit(1 if self._wheel < 0 else -1)
            self._wheel = 0
        event.accept()


class NotesView(_ReadOnlyBrowser):
    """Speaker notes: rendered Markdown, smaller than the slide, scrolls with the wheel."""

    def show_notes(self, notes_html: str, font: QFont, body_px: int, margin: int = 12) -> None:
        box = QSize(max(1, int(self.viewport().width() * 0.7)), max(1, int(self.viewport().height() * 0.5)))
        fragment, _count = size_pictures(centre_pictures(notes_html), box, None, self.devicePixelRatioF())
        self.show_fragment(fragment, notes_style(body_px), font, body_px, margin)
        self.verticalScrollBar().setValue(0)


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with … rather than push its neighbours away."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # slide titles are text, never markup
        self._full = ""

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(plain_tooltip(text))
        self._elide()

    def full_text(self) -> str:
        return self._full

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 4, super().sizeHint().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(0, self.width())))


def key_hint_text() -> str:
    return _("→ next · ← back · S notes · B black screen · Esc quit")


def next_title_text(slides: list[Slide], index: int) -> str:
    if index + 1 < len(slides):
        return _("Next: {title}").format(title=slides[index + 1].title or _("Untitled slide"))
    return _("This is the last slide.")


# --- the presenter ---------------------------------------------------------------------------------------


_open_windows: set[QWidget] = set()  # keeps a presenter alive until Qt is done with its last event


def no_notes_text() -> str:
    return _("No notes for this slide.")


class PresenterWindow(QWidget):
    """The lesson, one slide at a time, full screen. ``start()`` shows it."""

    finished = Signal(int)  # the index of the slide shown last, when the presenter closes

    def __init__(self, lesson_title: str, slides: list[Slide], start: int = 0, parent: QWidget | None = None,
                 notes_on_same_screen: bool = False) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("presenterWindow")
        self.lesson_title = lesson_title
        self.slides = list(slides)
        self._current = self._clamp(start)
        self._notes_on_same_screen = notes_on_same_screen
        self.notes_window: NotesWindow | None = None
        self._slide_html: dict[int, str] = {}
        self._notes_html: dict[int, str] = {}
        self._rendered_key: tuple | None = None
        self._rendering = False
        self._blank = False
        self._at_end_notice = False
        self._finished_sent = False
        self.fitted: FittedSlide | None = None  # how the current slide was laid out (tests, diagnostics)

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        high_contrast(self)

        # The slide, the notes under it (S), and the footer.
        self.slide_view = SlideView()
        self.slide_view.setObjectName("presenterSlide")
        self.slide_view.resized.connect(self._render_slide)
        self.slide_view.step_requested.connect(self._step)

        self.notes_panel = QFrame()
        self.notes_panel.setObjectName("presenterNotesPanel")
        self.notes_panel.setStyleSheet(f"#presenterNotesPanel {{ background: {PAPER}; border-top: 3px solid {RULE}; }}")
        self.notes_heading = QLabel()
        self.notes_heading.setObjectName("presenterNotesHeading")
        self.notes_next = ElidedLabel()
        self.notes_next.setObjectName("presenterNotesNext")
        self.notes_next.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.notes_view = NotesView()
        self.notes_view.setObjectName("presenterNotes")
        heading_row = QHBoxLayout()
        heading_row.setContentsMargins(12, 8, 12, 0)
        heading_row.addWidget(self.notes_heading)
        heading_row.addWidget(self.notes_next, 1)
        notes_layout = QVBoxLayout(self.notes_panel)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        notes_layout.setSpacing(0)
        notes_layout.addLayout(heading_row)
        notes_layout.addWidget(self.notes_view, 1)
        self.notes_panel.setVisible(notes_on_same_screen)

        self.footer = QFrame()
        self.footer.setObjectName("presenterFooter")
        self.footer.setStyleSheet(f"#presenterFooter {{ background: {FOOTER_FILL}; border-top: 1px solid #b0b0b0; }}"
                                  f"#presenterFooter QLabel {{ color: {FOOTER_INK}; }}")
        self.title_label = ElidedLabel()
        self.title_label.setObjectName("presenterLessonTitle")
        self.hint_label = ElidedLabel()  # long translations shorten rather than widen the window
        self.hint_label.setObjectName("presenterKeyHint")
        self.end_label = ElidedLabel()
        self.end_label.setObjectName("presenterEndNotice")
        self.end_label.hide()
        self.counter_label = QLabel()
        self.counter_label.setObjectName("presenterCounter")
        self.timer_label = QLabel()
        self.timer_label.setObjectName("presenterTimer")
        for label in (self.hint_label, self.end_label, self.counter_label, self.timer_label):
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        footer_layout = QHBoxLayout(self.footer)
        footer_layout.setContentsMargins(12, 3, 12, 3)
        footer_layout.setSpacing(24)
        # The lesson title takes what is left, so the key help and the counter keep their words.
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        footer_layout.addWidget(self.title_label, 1)
        footer_layout.addWidget(self.hint_label)
        footer_layout.addWidget(self.end_label)
        footer_layout.addWidget(self.counter_label)
        footer_layout.addWidget(self.timer_label)

        self.content = QWidget()
        self.content.setObjectName("presenterContent")
        content_layout = QVBoxLayout(self.content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)
        content_layout.addWidget(self.slide_view, 68)
        content_layout.addWidget(self.notes_panel, 32)
        content_layout.addWidget(self.footer)

        self.blank_page = QWidget()
        self.blank_page.setObjectName("presenterBlackScreen")
        high_contrast(self.blank_page, "#000000", "#000000")

        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._stack.addWidget(self.content)
        self._stack.addWidget(self.blank_page)

        self._clock = QElapsedTimer()
        self._clock.start()
        self._tick = QTimer(self, interval=TICK_MS)
        self._tick.timeout.connect(self._update_time)
        self._hint_timer = QTimer(self, singleShot=True, interval=KEY_HINT_MS)
        self._hint_timer.timeout.connect(self.hint_label.hide)

        self.retranslate()
        self._apply_sizes()
        self._show_current()

    # --- public interface ----------------------------------------------------------------------------

    @property
    def current(self) -> int:
        return self._current

    @property
    def blanked(self) -> bool:
        return self._blank

    @property
    def notes_visible(self) -> bool:
        """True when the notes show under the slide on this screen."""
        return not self.notes_panel.isHidden()

    def start(self, size: QSize | tuple[int, int] | None = None, laptop_screen=None) -> None:
        """Show full screen. With a second screen (a projector), the slides go there and the notes
        stay full screen on the laptop's screen (``laptop_screen``: where the main window is; the
        primary screen by default); X swaps them. Unless the notes were asked for on this screen.
        ``size`` (tests): plain windows of that size."""
        _open_windows.add(self)
        self._clock.restart()
        self._tick.start()
        self._show_hint()
        laptop = laptop_screen or QGuiApplication.primaryScreen()
        slides_screen, notes_screen = choose_screens(list(available_screens()), laptop, self._notes_on_same_screen)
        two_screens = notes_screen is not None
        if size is not None:
            self.resize(QSize(*size) if isinstance(size, tuple) else size)
            self.show()
        else:
            self._fill_screen(self, slides_screen)
        if two_screens and self.notes_window is None:
            self.notes_window = NotesWindow(self)
            if size is not None:
                self.notes_window.resize(self.size())
                self.notes_window.show()
            else:
                self._fill_screen(self.notes_window, notes_screen)
            self._update_notes_window()
        self.raise_()
        self.activateWindow()
        self.setFocus()

    @staticmethod
    def _fill_screen(window: QWidget, screen) -> None:
        if screen is not None:
            window.setScreen(screen)
            window.setGeometry(screen.geometry())
        window.showFullScreen()

    def swap_screens(self) -> None:
        """Slides and notes change screens (when the projector turned out to be the other one)."""
        if self.notes_window is None:
            return
        slides_screen, notes_screen = self.screen(), self.notes_window.screen()
        if slides_screen is notes_screen:
            return
        self._fill_screen(self, notes_screen)
        self._fill_screen(self.notes_window, slides_screen)
        self.activateWindow()

    def go_to(self, index: int) -> None:
        index = self._clamp(index)
        self._at_end_notice = False
        if index != self._current:
            self._current = index
            self._show_current()
        else:
            self._update_footer()
        if self._blank:
            self.set_blank(False)

    def next(self) -> None:
        if self.slides and self._current >= len(self.slides) - 1:
            self._at_end_notice = True  # nothing after the last slide: say so, quietly
            self._update_footer()
            return
        self.go_to(self._current + 1)

    def previous(self) -> None:
        self.go_to(self._current - 1)

    def toggle_notes(self) -> None:
        self.notes_panel.setVisible(self.notes_panel.isHidden())
        self._update_notes_panel()

    def set_blank(self, blank: bool) -> None:
        self._blank = blank
        self._stack.setCurrentWidget(self.blank_page if blank else self.content)
        self.setFocus()
        if self.notes_window is not None:
            self.notes_window.set_blank(blank)

    def toggle_blank(self) -> None:
        self.set_blank(not self._blank)

    def reset_timer(self) -> None:
        self._clock.restart()
        self._update_time()

    def elapsed(self) -> str:
        return elapsed_text(self._clock.elapsed())

    def toggle_key_hint(self) -> None:
        if self.hint_label.isVisible() and not self._at_end_notice:
            self._hint_timer.stop()
            self.hint_label.hide()
        else:
            self._at_end_notice = False
            self._show_hint()

    # --- keys and mouse ------------------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        """The presenter's keys, from this window or the notes window; False if not one of them."""
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                        | Qt.KeyboardModifier.MetaModifier):
            return False
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
        elif key in HELP_KEYS or event.text() == "?":
            self.toggle_key_hint()
        elif self._blank and (key in NEXT_KEYS or key in PREVIOUS_KEYS or key in BLANK_KEYS
                              or key in (Qt.Key.Key_Home, Qt.Key.Key_End, Qt.Key.Key_F5)):
            self.set_blank(False)  # any slide key brings the picture back, on the same slide
        elif key == Qt.Key.Key_Space and modifiers & Qt.KeyboardModifier.ShiftModifier:
            self.previous()
        elif key in NEXT_KEYS:
            self.next()
        elif key in PREVIOUS_KEYS:
            self.previous()
        elif key == Qt.Key.Key_Home:
            self.go_to(0)
        elif key == Qt.Key.Key_End:
            self.go_to(len(self.slides) - 1)
        elif key == Qt.Key.Key_F5:
            if not modifiers & Qt.KeyboardModifier.ShiftModifier:
                self.go_to(0)  # a clicker's "start the show" button; Shift+F5 stays where it is
        elif key in BLANK_KEYS:
            self.toggle_blank()
        elif key == Qt.Key.Key_S:
            self.toggle_notes()
        elif key == Qt.Key.Key_T:
            self.reset_timer()
        elif key == Qt.Key.Key_X:
            self.swap_screens()
        else:
            return False
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.handle_key(event):
            event.accept()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:
        if self._blank:
            self.set_blank(False)
        event.accept()

    def _step(self, direction: int) -> None:
        if self._blank:
            self.set_blank(False)
        elif direction > 0:
            self.next()
        else:
            self.previous()

    # --- showing -------------------------------------------------------------------------------------

    def _clamp(self, index: int) -> int:
        return max(0, min(int(index), len(self.slides) - 1)) if self.slides else 0

    def slide_html(self, index: int) -> str:
        """The slide's body, rendered and sanitised once."""
        if index not in self._slide_html:
            body = self.slides[index].body_markdown if 0 <= index < len(self.slides) else ""
            self._slide_html[index] = render_markdown(body).html
        return self._slide_html[index]

    def notes_html(self, index: int) -> str:
        if index not in self._notes_html:
            notes = self.slides[index].notes_markdown if 0 <= index < len(self.slides) else ""
            self._notes_html[index] = render_markdown(notes).html if notes.strip() else ""
        return self._notes_html[index]

    def _show_current(self) -> None:
        self._rendered_key = None
        self._render_slide()
        self._update_footer()
        self._update_notes_panel()
        self._update_notes_window()
        title = self.slides[self._current].title if self.slides else ""
        self.slide_view.setAccessibleDescription(title)

    def _nominal_sizes(self) -> tuple[int, int]:
        """Body ≈ height/22 and title ≈ height/13, from the window (4:3 or wider)."""
        reference = min(self.height(), self.width() * 0.75)
        return max(12, round(reference / 22)), max(16, round(reference / 13))

    def _render_slide(self) -> None:
        if self._rendering:
            return
        viewport = self.slide_view.viewport()
        width, height = viewport.width(), viewport.height()
        body_px, title_px = self._nominal_sizes()
        key = (self._current, width, height, body_px)
        if key == self._rendered_key or width < 40 or height < 40:
            return
        self._rendering = True
        try:
            self._rendered_key = key
            fitted = fit_slide(self.slide_html(self._current), width, height, body_px, title_px,
                               self.font(), self.devicePixelRatioF())
            self.fitted = fitted
            self.slide_view.show_fragment(fitted.html, fitted.style, self.font(), fitted.body_px, fitted.margin)
            self.slide_view.verticalScrollBar().setValue(0)
        finally:
            self._rendering = False
        # A scroll bar that came or went changed the width: lay the slide out again for it.
        if self.slide_view.viewport().width() != width:
            self._render_slide()

    def _apply_sizes(self) -> None:
        height = min(self.height(), self.width() * 0.75)
        footer_px = max(13, round(height / 46))
        for label in (self.title_label, self.hint_label, self.end_label):
            label.setFont(pixel_font(self.font(), footer_px))
        for label in (self.counter_label, self.timer_label):
            label.setFont(pixel_font(self.font(), footer_px, bold=True))
        self.timer_label.setMinimumWidth(self.timer_label.fontMetrics().horizontalAdvance("000:00") + 4)
        notes_px = max(14, round(height / 38))
        self.notes_heading.setFont(pixel_font(self.font(), notes_px, bold=True))
        self.notes_next.setFont(pixel_font(self.font(), notes_px))
        self._update_notes_panel()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._apply_sizes()
        self._render_slide()

    def _update_footer(self) -> None:
        total = len(self.slides)
        self.counter_label.setText(_("{current} / {total}").format(current=self._current + 1 if total else 0,
                                                                    total=total))
        self.counter_label.setAccessibleDescription(
            _("Slide {current} of {total}").format(current=self._current + 1 if total else 0, total=total))
        self.end_label.setVisible(self._at_end_notice)
        if self._at_end_notice:
            self.hint_label.hide()
        self._update_time()

    def _update_time(self) -> None:
        text = self.elapsed()
        self.timer_label.setText(text)
        if self.notes_window is not None:
            self.notes_window.set_time(text)

    def _show_hint(self) -> None:
        self.end_label.hide()
        self.hint_label.show()
        self._hint_timer.start()

    def _update_notes_panel(self) -> None:
        if self.notes_panel.isHidden():
            return
        self.notes_next.set_full_text(next_title_text(self.slides, self._current))
        notes = self.notes_html(self._current) or f'<p class="muted">{html.escape(no_notes_text())}</p>'
        height = min(self.height(), self.width() * 0.75)
        self.notes_view.show_notes(notes, self.font(), max(14, round(height / 38)))

    def _update_notes_window(self) -> None:
        if self.notes_window is not None:
            self.notes_window.show_slide(self._current)

    # --- language and closing ------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("{lesson} — presenter").format(lesson=self.lesson_title))
        self.setAccessibleName(_("Presenter"))
        self.slide_view.setAccessibleName(_("Slide"))
        self.notes_view.setAccessibleName(_("Speaker notes"))
        self.notes_heading.setText(_("Speaker notes"))
        self.title_label.set_full_text(self.lesson_title)
        self.title_label.setAccessibleName(_("Lesson"))
        self.counter_label.setAccessibleName(_("Slide number"))
        self.timer_label.setAccessibleName(_("Time since the start"))
        self.hint_label.set_full_text(key_hint_text())
        self.hint_label.setAccessibleName(_("Keys"))
        self.end_label.set_full_text(_("End of the lesson — Esc to quit"))
        self.blank_page.setAccessibleName(_("Black screen"))
        self._update_footer()
        self._update_notes_panel()
        if self.notes_window is not None:
            self.notes_window.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event) -> None:
        self._tick.stop()
        self._hint_timer.stop()
        if self.notes_window is not None:
            self.notes_window.close_with_presenter()
        super().closeEvent(event)
        if not self._finished_sent:
            self._finished_sent = True
            self.finished.emit(self._current)
        # Whoever opened us may drop their reference now: let Qt finish this event first.
        QTimer.singleShot(0, lambda: _open_windows.discard(self))

    def _notes_window_closed(self) -> None:
        self.notes_window = None
        self.activateWindow()


class NotesWindow(QWidget):
    """The trainer's screen: this slide's notes, the next slide's title, the counter and the time.
    It takes the presenter's keys, so either window drives the lesson, and closes with it."""

    def __init__(self, presenter: PresenterWindow) -> None:
        super().__init__(presenter, Qt.WindowType.Window)
        self.setObjectName("presenterNotesWindow")
        self.presenter = presenter
        self._closing_with_presenter = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        high_contrast(self)

        self.counter_label = QLabel()
        self.counter_label.setObjectName("notesCounter")
        self.blank_label = QLabel()
        self.blank_label.setObjectName("notesBlackScreenNotice")
        self.blank_label.setStyleSheet("color: #ffffff; background: #000000; padding: 4px 10px;")
        self.blank_label.setWordWrap(True)
        self.blank_label.hide()
        self.timer_label = QLabel()
        self.timer_label.setObjectName("notesTimer")
        self.timer_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.title_label = QLabel()
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.title_label.setObjectName("notesSlideTitle")
        self.title_label.setWordWrap(True)
        self.notes_view = NotesView()
        self.notes_view.setObjectName("notesText")
        self.next_label = QLabel()
        self.next_label.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.next_label.setObjectName("notesNextSlide")
        self.next_label.setWordWrap(True)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet("color: #888888;")
        self.hint_label = QLabel()
        self.hint_label.setObjectName("notesKeyHint")
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet("color: #333333;")

        top = QHBoxLayout()
        top.addWidget(self.counter_label)
        top.addStretch(1)
        top.addWidget(self.timer_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.addLayout(top)
        layout.addWidget(self.blank_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.notes_view, 1)
        layout.addWidget(rule)
        layout.addWidget(self.next_label)
        layout.addWidget(self.hint_label)
        self.retranslate()
        self._apply_sizes()

    def show_slide(self, index: int) -> None:
        slides = self.presenter.slides
        total = len(slides)
        self.counter_label.setText(_("{current} / {total}").format(current=index + 1 if total else 0, total=total))
        self.title_label.setText(slides[index].title if total else "")
        self.next_label.setText(next_title_text(slides, index))
        notes = self.presenter.notes_html(index) if total else ""
        notes = notes or f'<p class="muted">{html.escape(no_notes_text())}</p>'
        self.notes_view.show_notes(notes, self.font(), self._notes_px(), margin=0)

    def set_time(self, text: str) -> None:
        self.timer_label.setText(text)

    def set_blank(self, blank: bool) -> None:
        self.blank_label.setVisible(blank)

    def _notes_px(self) -> int:
        return max(16, round(min(self.height(), self.width() * 0.75) / 30))

    def _apply_sizes(self) -> None:
        px = self._notes_px()
        self.counter_label.setFont(pixel_font(self.font(), round(px * 1.3), bold=True))
        self.timer_label.setFont(pixel_font(self.font(), round(px * 1.3), bold=True))
        self.blank_label.setFont(pixel_font(self.font(), px, bold=True))
        self.title_label.setFont(pixel_font(self.font(), round(px * 1.25), bold=True))
        self.next_label.setFont(pixel_font(self.font(), px))
        self.hint_label.setFont(pixel_font(self.font(), max(12, round(px * 0.6))))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._apply_sizes()
        self.show_slide(self.presenter.current)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.presenter.handle_key(event):
            event.accept()
        else:
            super().keyPressEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(_("{lesson} — speaker notes").format(lesson=self.presenter.lesson_title))
        self.setAccessibleName(_("Speaker notes"))
        self.notes_view.setAccessibleName(_("Speaker notes"))
        self.counter_label.setAccessibleName(_("Slide number"))
        self.timer_label.setAccessibleName(_("Time since the start"))
        self.blank_label.setText(_("The audience sees a black screen (B to show the slide)"))
        self.hint_label.setText(_("→ next · ← back · B black screen · X swap screens · Esc quit"))
        self.show_slide(self.presenter.current)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def close_with_presenter(self) -> None:
        self._closing_with_presenter = True
        self.close()

    def closeEvent(self, event) -> None:
        super().closeEvent(event)
        if not self._closing_with_presenter:
            self.presenter._notes_window_closed()  # the trainer closed only the notes
