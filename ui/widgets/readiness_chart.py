"""The readiness of a feasibility assessment per dimension, as horizontal bars (QtCharts).

Horizontal bars read better than a radar for ten dimensions with long French names: each
name sits on one line at the left, and the bars are easy to compare. The colours come from
the palette (text, grid, bars in the highlight colour) plus one accent: the dashed line where
a dimension counts as ready. ``render_readiness_png`` draws the same chart offscreen for the
PDF report, on a light print palette.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCharts import (QBarCategoryAxis, QBarSet, QChart, QChartView, QHorizontalBarSeries, QLineSeries,
                              QValueAxis)
from PySide6.QtCore import QEvent, QMargins, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QGraphicsScene, QSizePolicy, QWidget

from companion.i18n import _, format_number
from companion.pilot.feasibility import READY_FROM, Readiness
from companion.pilot.templates import FeasibilityTemplate

ACCENT = QColor("#c77700")  # the app's one accent (also the reader's translation banner)
ACCENT_ON_DARK = QColor("#f0a030")
MAX_SCORE = 5


@dataclass(frozen=True)
class ChartColours:
    background: QColor
    text: QColor
    grid: QColor
    bar: QColor
    accent: QColor

    @classmethod
    def from_palette(cls, palette: QPalette) -> "ChartColours":
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        return cls(palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text),
                   palette.color(QPalette.ColorRole.Mid), palette.color(QPalette.ColorRole.Highlight),
                   ACCENT_ON_DARK if dark else ACCENT)

    @classmethod
    def for_print(cls) -> "ChartColours":
        """Paper is white whatever the screen's theme."""
        return cls(QColor("white"), QColor("#202020"), QColor("#c8c8c8"), QColor("#2f6db5"), ACCENT)


def dimension_label(name: str, score: float | None) -> str:
    """"Legal and policy · 3.5", or "· not scored": the figure stays readable without the bar."""
    value = _("not scored") if score is None else format_number(round(score, 1))
    return f"{name} · {value}"


def fitted_label(name: str, score: float | None, font: QFont, width: int | None) -> str:
    """The dimension's label as the chart draws it (QtCharts labels are rich text, so the name is
    escaped: a template's text is never markup). Without ``width``, whole on one line; with it, a
    name longer than about a third of ``width`` goes on two lines, and only what is still too long
    for two lines is shortened with "…". The score stays whole."""
    if not width:
        return escape(dimension_label(name, score), quote=False)
    # On screen an unscored dimension shows a dash (the caption above the chart says how many
    # are not scored yet), so its name keeps the room "not scored" would take.
    suffix = " · —" if score is None else dimension_label(name, score)[len(name):]
    metrics = QFontMetrics(font)
    budget = int(width * 0.36)
    if metrics.horizontalAdvance(name + suffix) <= budget:
        return escape(name + suffix, quote=False)
    words = name.split()
    first = ""
    for count in range(len(words) - 1, 0, -1):  # the most words that fit on the first line
        if metrics.horizontalAdvance(" ".join(words[:count])) <= budget:
            first = " ".join(words[:count])
            rest = " ".join(words[count:])
            break
    if not first:  # one long word: one line, shortened
        rest = name
    room = max(budget - metrics.horizontalAdvance(suffix), 40)
    rest = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, room)
    lines = ([first] if first else []) + [rest + suffix]
    return "<br>".join(escape(line, quote=False) for line in lines)


def label_lines(chart: QChart) -> int:
    """The most lines any dimension's label takes in ``chart`` (1 or 2)."""
    categories = [c for axis in chart.axes() if isinstance(axis, QBarCategoryAxis) for c in axis.categories()]
    return 2 if any("<br>" in category for category in categories) else 1


def build_chart(readiness: Readiness, template: FeasibilityTemplate, language: str, colours: ChartColours,
                font: QFont | None = None, width: int | None = None) -> QChart:
    """A chart of the score (0-5) of each dimension, the first dimension at the top. With ``width``
    (the chart's width on screen), names longer than about a third of it take two lines (see
    ``fitted_label``), so the bars keep their room; the score stays whole."""
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundBrush(QBrush(colours.background))
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(4, 4, 12, 4))
    chart.setTitle("")
    font = QFont(font) if font is not None else QFont(QApplication.font())

    names, values = [], []
    for score in readiness.dimensions:
        dimension = template.dimension(score.dimension_id)
        name = dimension.title.get(language) if dimension else score.dimension_id
        names.append(fitted_label(name, score.score, font, width))
        values.append(0.0 if score.score is None else round(score.score, 2))
    # A horizontal bar chart draws its first category at the bottom: reverse to read top-down.
    names.reverse()
    values.reverse()

    bar_set = QBarSet(_("Score out of 5"))
    bar_set.append(values)
    bar_set.setColor(colours.bar)
    bar_set.setBorderColor(colours.bar)
    series = QHorizontalBarSeries()
    series.append(bar_set)
    series.setBarWidth(0.6)
    chart.addSeries(series)

    threshold = QLineSeries()
    threshold.setName(_("Ready from {score}").format(score=format_number(READY_FROM)))
    pen = QPen(colours.accent, 2, Qt.PenStyle.DashLine)
    threshold.setPen(pen)
    count = max(len(names), 1)
    threshold.append(QPointF(READY_FROM, -0.5))
    threshold.append(QPointF(READY_FROM, count - 0.5))
    chart.addSeries(threshold)

    axis_values = QValueAxis()
    axis_values.setRange(0, MAX_SCORE)
    axis_values.setTickCount(MAX_SCORE + 1)
    axis_values.setLabelFormat("%d")
    title = _("Score (1 = not in place, 5 = fully in place)")
    if width and QFontMetrics(font).horizontalAdvance(title) > width * 0.55:
        title = ""  # it would be cut under the narrow plot: the legend says "Score out of 5"
    axis_values.setTitleText(title)
    axis_names = QBarCategoryAxis()
    axis_names.append(names)
    if hasattr(axis_names, "setTruncateLabels"):
        axis_names.setTruncateLabels(False)  # full names; the plot area gives way
    for axis in (axis_values, axis_names):
        axis.setLabelsColor(colours.text)
        axis.setLabelsFont(font)
        axis.setLinePenColor(colours.grid)
        axis.setGridLineColor(colours.grid)
        axis.setTitleBrush(QBrush(colours.text))
        axis.setTitleFont(font)
    axis_names.setGridLineVisible(False)
    chart.addAxis(axis_values, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_names, Qt.AlignmentFlag.AlignLeft)
    for attached in (series, threshold):
        attached.attachAxis(axis_values)
        attached.attachAxis(axis_names)

    legend = chart.legend()
    legend.setVisible(True)
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    legend.setLabelColor(colours.text)
    legend.setFont(font)
    return chart


class ReadinessChart(QChartView):
    """The chart on screen; ``show_readiness`` redraws it, a palette change recolours it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("readinessChart")
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._height_range = (260, 16777215)
        self._labels_height = 0  # the height ten two-line names need, when they are on two lines
        self._apply_height()
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._shown: tuple[Readiness, FeasibilityTemplate, str] | None = None
        self.setChart(QChart())

    def show_readiness(self, readiness: Readiness, template: FeasibilityTemplate, language: str) -> None:
        self._shown = (readiness, template, language)
        self._draw()
        scored = sum(1 for d in readiness.dimensions if d.score is not None)
        self.setAccessibleDescription(_("{scored} of {total} dimensions scored").format(
            scored=format_number(scored), total=format_number(len(readiness.dimensions))))
        # The full names, which a narrow chart shortens, are in the tooltip.
        names = []
        for score in readiness.dimensions:
            dimension = template.dimension(score.dimension_id)
            names.append(dimension_label(dimension.title.get(language) if dimension else score.dimension_id,
                                         score.score))
        self.setToolTip("\n".join(names))

    # The screen sets the height range; two-line names may need more (see _draw).
    def setMinimumHeight(self, height: int) -> None:
        self._height_range = (height, self._height_range[1])
        self._apply_height()

    def setMaximumHeight(self, height: int) -> None:
        self._height_range = (self._height_range[0], height)
        self._apply_height()

    def _apply_height(self) -> None:
        low, high = self._height_range
        super().setMinimumHeight(max(low, self._labels_height))
        super().setMaximumHeight(max(high, self._labels_height))

    def _draw(self) -> None:
        readiness, template, language = self._shown
        old = self.chart()
        self._drawn_width = self.width()
        chart = build_chart(readiness, template, language, ChartColours.from_palette(self.palette()),
                            self.font(), self.width())
        self.setChart(chart)
        # Two-line names need taller rows (every row gets the same height): about 2.3 lines each,
        # plus the axis and the legend. One-line names keep the height range the screen gave.
        two_lines = label_lines(chart) == 2
        self._labels_height = int(len(readiness.dimensions) * 2.3 * self.fontMetrics().lineSpacing()) + 90 \
            if two_lines else 0
        self._apply_height()
        self.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Base))
        if old is not None:
            old.deleteLater()
        for child in self.findChildren(QWidget):  # the view's inner widgets: no Tab stop without a name
            child.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # Labels are fitted to the width: draw again when it changes enough to matter.
        if self._shown and abs(self.width() - getattr(self, "_drawn_width", 0)) > 24:
            self._draw()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange) and self._shown:
            self._draw()


def render_readiness_png(readiness: Readiness, template: FeasibilityTemplate, language: str, width: int,
                         height: int, colours: ChartColours | None = None, font: QFont | None = None) -> QImage:
    """The chart drawn offscreen into an image (``width`` × ``height`` pixels), for the PDF report.

    Needs a running QApplication (the app, or the tests' qapp) and must run on the GUI thread
    (charts are graphics widgets): render it first, then hand the image to a background export.
    The texts are in the current UI language; the dimension names in ``language``.
    ``image.save(path, "PNG")`` writes it; ``QTextDocument.addResource`` embeds it."""
    chart = build_chart(readiness, template, language, colours or ChartColours.for_print(), font)
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.setGeometry(QRectF(0, 0, width, height))
    if chart.layout():
        chart.layout().activate()
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(chart.backgroundBrush().color())
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(0, 0, width, height), QRectF(0, 0, width, height))
    painter.end()
    scene.removeItem(chart)
    chart.deleteLater()
    return image
