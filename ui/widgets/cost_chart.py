"""Cost per year, stacked by category, with the benefits as a line (QtCharts); also as an
image for the PDF report."""

from __future__ import annotations

from PySide6.QtCharts import (QBarCategoryAxis, QBarSet, QChart, QChartView, QLineSeries, QStackedBarSeries,
                              QValueAxis)
from PySide6.QtCore import QLocale, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsScene

from companion.i18n import _, currency_symbol, current_language, format_locale_name, translated
from companion.pilot.business_case import COST_CATEGORIES, Result
from companion.pilot.case_input import CATEGORY_LABELS

# One colour per cost category (fixed, so a category keeps its colour on screen and on paper),
# readable on white and on dark backgrounds.
COLOURS = dict(zip(COST_CATEGORIES, ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                                     "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#aec7e8"]))
BENEFIT_COLOUR = "#2e7d32"


def build_cost_chart(result: Result, currency: str, palette: QPalette | None = None,
                     language: str | None = None) -> QChart:
    palette = palette or QApplication.palette()
    language = language or current_language()
    chart = QChart()
    chart.setLocale(QLocale(format_locale_name(language)))
    chart.setLocalizeNumbers(True)  # axis labels grouped as the language writes numbers
    chart.setTitle(_("Cost per year ({currency})").format(currency=currency_symbol(currency, language)))
    series = QStackedBarSeries()
    years = list(result.years)
    order = {c: i for i, c in enumerate(COST_CATEGORIES)}
    for category, per_year in sorted(result.cost_by_category_and_year.items(),
                                     key=lambda item: order.get(item[0], len(order))):
        values = [float(per_year.get(year, 0)) for year in years]
        if not any(values):
            continue
        bar = QBarSet(translated(CATEGORY_LABELS.get(category, category)))
        bar.append(values)
        bar.setColor(QColor(COLOURS.get(category, "#999999")))
        series.append(bar)
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append([str(year) for year in years])
    axis_x.setTitleText(_("Year"))
    top = max([float(result.cost_by_year.get(y, 0)) for y in years] +
              [float(result.benefit_by_year.get(y, 0)) for y in years] + [1.0])
    axis_y = QValueAxis()
    axis_y.setRange(0, top * 1.1)
    axis_y.setLabelFormat("%.0f")
    axis_y.applyNiceNumbers()
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_x)
    series.attachAxis(axis_y)
    if any(result.benefit_by_year.values()):
        benefits = QLineSeries()
        benefits.setName(_("Benefits"))
        for position, year in enumerate(years):
            benefits.append(QPointF(position, float(result.benefit_by_year.get(year, 0))))
        pen = benefits.pen()
        pen.setColor(QColor(BENEFIT_COLOUR))
        pen.setWidth(3)
        benefits.setPen(pen)
        chart.addSeries(benefits)
        benefits.attachAxis(axis_x)
        benefits.attachAxis(axis_y)
    text = palette.color(QPalette.ColorRole.WindowText)
    chart.setBackgroundBrush(palette.color(QPalette.ColorRole.Base))
    chart.setTitleBrush(text)
    chart.legend().setLabelColor(text)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)  # one category per line: no label cut off
    for axis in (axis_x, axis_y):
        axis.setLabelsColor(text)
        axis.setTitleBrush(text)
    return chart


def cost_chart_view(result: Result, currency: str) -> QChartView:
    view = QChartView(build_cost_chart(result, currency))
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setObjectName("costChart")
    view.setAccessibleName(_("Chart of cost per year"))
    view.setMinimumHeight(420)
    return view


def render_cost_png(result: Result, currency: str, language: str, width: int, height: int, font=None) -> QImage:
    """The chart on white (paper), for the PDF report. Call on the UI thread."""
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("white"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("black"))
    chart = build_cost_chart(result, currency, palette, language)
    if font is not None:
        chart.setFont(font)
        chart.setTitleFont(font)
        chart.legend().setFont(font)
        for axis in chart.axes():
            axis.setLabelsFont(font)
            axis.setTitleFont(font)
    # Laid out in a scene of the image's size: a QChartView that is never shown keeps its chart at
    # its tiny default geometry, and the report got a thumbnail with every label elided.
    scene = QGraphicsScene()
    scene.addItem(chart)
    chart.setGeometry(QRectF(0, 0, width, height))
    if chart.layout():
        chart.layout().activate()
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(0, 0, width, height), QRectF(0, 0, width, height))
    painter.end()
    scene.removeItem(chart)
    chart.deleteLater()
    return image
