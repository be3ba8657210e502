"""Text size and colours for the whole interface, remembered between runs (View menu).

Zoom scales the application font; widgets that chose a size of their own (headings at 1.4 times
the text) are scaled by the same ratio, and the reader lays its guide out again at the new size.
The theme follows the system's light or dark setting unless the user picks light, dark or high
contrast; icons (ui/icons.py) pick their variant from the palette each time they are drawn, so a
change of theme redraws them too.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from companion.i18n import N_
from ui import preferences

ZOOM_STEPS = (70, 80, 90, 100, 110, 120, 135, 150, 175)  # per cent of the system's text size
ZOOM_KEY = "appearance/zoom"
THEME_KEY = "appearance/theme"

SYSTEM, LIGHT, DARK, HIGH_CONTRAST = "system", "light", "dark", "high-contrast"
THEMES = {SYSTEM: N_("Follow the system"), LIGHT: N_("Light"), DARK: N_("Dark"), HIGH_CONTRAST: N_("High contrast")}

# High contrast: white on black, yellow for what is selected or a link (as Windows' "High Contrast Black"),
# and a visible edge on every control (Fusion draws edges a shade darker than black: invisible).
HIGH_CONTRAST_STYLE = """
QPushButton, QToolButton, QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QDateEdit, QAbstractItemView,
QTextEdit, QPlainTextEdit, QTabBar::tab, QCheckBox::indicator, QRadioButton::indicator { border: 1px solid #ffffff; }
QPushButton, QToolButton { padding: 3px 8px; }
QTabBar::tab { padding: 4px 12px; margin-right: 2px; }
QPushButton:focus, QToolButton:focus, QLineEdit:focus, QComboBox:focus, QAbstractItemView:focus, QTextEdit:focus,
QPlainTextEdit:focus, QTabBar::tab:focus, QSpinBox:focus, QDoubleSpinBox:focus, QDateEdit:focus { border: 2px solid #ffff00; }
QPushButton:checked, QToolButton:checked, QTabBar::tab:selected { background: #ffff00; color: #000000; }
QPushButton:disabled, QToolButton:disabled { border-color: #9a9a9a; }
"""


def _palette(colours: dict[QPalette.ColorRole, str], disabled: str) -> QPalette:
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return palette


def light_palette() -> QPalette:
    R = QPalette.ColorRole
    return _palette({R.Window: "#efefef", R.WindowText: "#1a1a1a", R.Base: "#ffffff", R.AlternateBase: "#f3f3f3",
                     R.Text: "#1a1a1a", R.Button: "#e8e8e8", R.ButtonText: "#1a1a1a", R.BrightText: "#ffffff",
                     R.Highlight: "#1f5fae", R.HighlightedText: "#ffffff", R.Link: "#0b4fa8", R.LinkVisited: "#6a2c91",
                     R.ToolTipBase: "#ffffdc", R.ToolTipText: "#1a1a1a", R.PlaceholderText: "#6b6b6b",
                     R.Light: "#ffffff", R.Midlight: "#e0e0e0", R.Mid: "#b8b8b8", R.Dark: "#9f9f9f", R.Shadow: "#767676"},
                    disabled="#8a8a8a")


def dark_palette() -> QPalette:
    R = QPalette.ColorRole
    return _palette({R.Window: "#2b2b2b", R.WindowText: "#ececec", R.Base: "#1f1f1f", R.AlternateBase: "#2a2a2a",
                     R.Text: "#ececec", R.Button: "#3a3a3a", R.ButtonText: "#ececec", R.BrightText: "#ffffff",
                     R.Highlight: "#3d7bd6", R.HighlightedText: "#ffffff", R.Link: "#8ab4f8", R.LinkVisited: "#c58af9",
                     R.ToolTipBase: "#3a3a3a", R.ToolTipText: "#ececec", R.PlaceholderText: "#9a9a9a",
                     R.Light: "#4a4a4a", R.Midlight: "#404040", R.Mid: "#5c5c5c", R.Dark: "#202020", R.Shadow: "#101010"},
                    disabled="#7d7d7d")


def high_contrast_palette() -> QPalette:
    R = QPalette.ColorRole
    return _palette({R.Window: "#000000", R.WindowText: "#ffffff", R.Base: "#000000", R.AlternateBase: "#1a1a1a",
                     R.Text: "#ffffff", R.Button: "#000000", R.ButtonText: "#ffffff", R.BrightText: "#ffffff",
                     R.Highlight: "#ffff00", R.HighlightedText: "#000000", R.Link: "#ffff00", R.LinkVisited: "#ff9cff",
                     R.ToolTipBase: "#000000", R.ToolTipText: "#ffffff", R.PlaceholderText: "#c8c8c8",
                     R.Light: "#ffffff", R.Midlight: "#ffffff", R.Mid: "#ffffff", R.Dark: "#ffffff", R.Shadow: "#ffffff"},
                    disabled="#a0a0a0")


class Appearance(QObject):
    """The app's zoom and theme; one per application, made at start (ui.app.start)."""

    zoom_changed = Signal(int)
    theme_changed = Signal(str)

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._base_point_size = app.font().pointSizeF()  # the system's text size: 100 %
        self._system_style = app.style().name()
        self._zoom = 100
        self._theme = SYSTEM
        # The system switched between light and dark: follow it (when the user left it to the system).
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)

    def restore(self) -> None:
        """Apply what was chosen last time (before the window is built: it is built at that size)."""
        zoom = preferences.value(ZOOM_KEY, 100, int)
        theme = preferences.value(THEME_KEY, SYSTEM, str)
        self.set_theme(theme if theme in THEMES else SYSTEM, remember=False)
        self.set_zoom(zoom, remember=False)

    # --- text size ---------------------------------------------------------------------------------

    @property
    def zoom(self) -> int:
        return self._zoom

    @property
    def factor(self) -> float:
        return self._zoom / 100

    def zoom_in(self) -> None:
        self.set_zoom(next((step for step in ZOOM_STEPS if step > self._zoom), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((step for step in reversed(ZOOM_STEPS) if step < self._zoom), ZOOM_STEPS[0]))

    def reset_zoom(self) -> None:
        self.set_zoom(100)

    def set_zoom(self, percent: int, remember: bool = True) -> None:
        percent = min(max(int(percent), ZOOM_STEPS[0]), ZOOM_STEPS[-1])
        if remember:
            preferences.set_value(ZOOM_KEY, percent)
        if percent == self._zoom:
            return
        ratio = percent / self._zoom
        # Widgets with a size of their own (a heading at 1.4 times the text) keep their proportion:
        # note their sizes now, scale them after the application font, parents before children.
        own = [(widget, widget.font().pointSizeF()) for widget in self._app.allWidgets()
               if widget.testAttribute(Qt.WidgetAttribute.WA_SetFont) and widget.font().pointSizeF() > 0]
        font = self._app.font()
        font.setPointSizeF(self._base_point_size * percent / 100)
        self._app.setFont(font)
        for widget, size in sorted(own, key=lambda pair: _depth(pair[0])):
            target = size * ratio
            if abs(widget.font().pointSizeF() - target) > 0.05:
                scaled = widget.font()
                scaled.setPointSizeF(target)
                widget.setFont(scaled)
        self._zoom = percent
        self.zoom_changed.emit(percent)

    # --- theme -------------------------------------------------------------------------------------

    @property
    def theme(self) -> str:
        return self._theme

    def set_theme(self, theme: str, remember: bool = True) -> None:
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r}")
        if remember:
            preferences.set_value(THEME_KEY, theme)
        if theme == self._theme:
            return
        self._theme = theme
        self._apply_theme()
        self.theme_changed.emit(theme)

    def _apply_theme(self) -> None:
        from ui import icons

        icons.checked_on_highlight = self._theme == HIGH_CONTRAST  # see HIGH_CONTRAST_STYLE
        hints = QGuiApplication.styleHints()
        if self._theme == SYSTEM:
            hints.unsetColorScheme()
            self._app.setStyleSheet("")
            self._app.setStyle(self._system_style)
            self._app.setPalette(QPalette())  # nothing set: every colour from the platform, as it changes
            return
        # Fusion draws every control from the palette on every platform (the native Windows style
        # ignores a dark palette), so a chosen theme looks the same everywhere.
        self._app.setStyle("Fusion")
        hints.setColorScheme(Qt.ColorScheme.Light if self._theme == LIGHT else Qt.ColorScheme.Dark)
        palette = {LIGHT: light_palette, DARK: dark_palette, HIGH_CONTRAST: high_contrast_palette}[self._theme]()
        self._app.setPalette(palette)
        self._app.setStyleSheet(HIGH_CONTRAST_STYLE if self._theme == HIGH_CONTRAST else "")

    def _system_scheme_changed(self, _scheme) -> None:
        if self._theme == SYSTEM:
            self._app.setPalette(QPalette())  # re-read from the platform, which has just changed


def _depth(widget: QWidget) -> int:
    depth = 0
    while widget.parentWidget() is not None:
        widget = widget.parentWidget()
        depth += 1
    return depth


_appearance: Appearance | None = None


def appearance() -> Appearance:
    """The application's one Appearance (made with the QApplication's first use of it)."""
    global _appearance
    if _appearance is None:
        _appearance = Appearance(QApplication.instance())
    return _appearance
