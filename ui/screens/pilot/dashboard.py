"""The project dashboard, the page pilot teams show to decision-makers: key figures as cards
(checklist progress, overdue items, feasibility readiness, total cost) with what each means; the
readiness chart beside the checklist progress; the overdue items as a list that opens the item;
the business case's headline figures. Re-read on every refresh, so an undo or a sync shows at once."""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QGroupBox, QLabel, QListWidget,
                               QListWidgetItem, QProgressBar, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout,
                               QWidget)

from companion.i18n import _, current_language, format_date, format_number, format_percent, ngettext, translated
from companion.pilot.business_case import format_money, to_usd
from companion.pilot.case_input import case_result
from companion.pilot.feasibility import NOT_YET, READINGS, readiness
from companion.pilot.progress import checklist_progress, overdue
from ui.icons import icon
from ui.screens.pilot.base import PilotContext, PilotTab
from ui.widgets.readiness_chart import ReadinessChart

CHECKLIST_ROLE = Qt.ItemDataRole.UserRole + 1  # an overdue entry's checklist id
ITEM_ROLE = Qt.ItemDataRole.UserRole + 2       # an overdue entry's item id
CARDS_IN_A_ROW = 4
MAX_OVERDUE_SHOWN = 50


def _nowrap(text: str) -> str:
    """Escaped, on one line: a figure never breaks between its digit groups."""
    return f"<span style='white-space:nowrap'>{html.escape(text)}</span>"


class FigureCard(QFrame):
    """A key figure: what it is, the figure, and what it means."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(f"#{name} {{ background: palette(base); border: 1px solid palette(mid); "
                           "border-radius: 6px; }")
        self.title = QLabel()
        self.title.setObjectName(f"{name}Title")
        self.title.setWordWrap(True)
        self.title.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.value = QLabel()
        self.value.setObjectName(f"{name}Value")
        self.value.setTextFormat(Qt.TextFormat.RichText)  # escaped, kept on one line
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel()
        self.caption.setObjectName(f"{name}Caption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        self.caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def show_figure(self, value: str, caption: str, colour=None) -> None:
        self.value.setText(_nowrap(value))
        palette = self.value.palette()
        palette.setColor(QPalette.ColorRole.WindowText, colour or self.palette().color(QPalette.ColorRole.WindowText))
        self.value.setPalette(palette)
        self.caption.setText(caption)
        # A screen reader reads the card as one sentence.
        self.setAccessibleName(self.title.text())
        self.setAccessibleDescription(f"{value}. {caption}")

    def value_text(self) -> str:
        return self.value.text()


class DashboardTab(PilotTab):
    open_item_requested = Signal(str, str)  # checklist id, item id
    open_tab_requested = Signal(int)        # the index of a tab of the project

    def __init__(self, context: PilotContext, parent=None) -> None:
        super().__init__(context, parent)
        self.setObjectName("dashboardTab")
        self.checklist_card = FigureCard("cardChecklist")
        self.overdue_card = FigureCard("cardOverdue")
        self.readiness_card = FigureCard("cardReadiness")
        self.cost_card = FigureCard("cardCost")
        self.cards = [self.checklist_card, self.overdue_card, self.readiness_card, self.cost_card]
        self.cards_grid = QGridLayout()
        self.cards_grid.setSpacing(10)
        self._cards_per_row = 0

        # The readiness chart, beside the checklist progress.
        self.feasibility_box = QGroupBox()
        self.feasibility_box.setObjectName("dashboardFeasibility")
        self.chart = ReadinessChart()
        self.chart.setObjectName("dashboardReadinessChart")
        self.chart.setMinimumHeight(240)
        self.chart.setMaximumHeight(320)  # ten bars read well at this height; the overdue list stays near
        self.feasibility_label = QLabel()
        self.feasibility_label.setObjectName("dashboardReadiness")
        self.feasibility_label.setWordWrap(True)
        self.feasibility_label.setTextFormat(Qt.TextFormat.PlainText)  # user text: never markup
        feasibility_layout = QVBoxLayout(self.feasibility_box)
        feasibility_layout.addWidget(self.feasibility_label)
        feasibility_layout.addWidget(self.chart)
        feasibility_layout.addStretch(1)
        self.checklist_box = QGroupBox()
        self.checklist_box.setObjectName("dashboardChecklist")
        self.checklist_layout = QGridLayout(self.checklist_box)
        self.checklist_layout.setColumnStretch(1, 1)

        # Overdue items, each opening the item; the business case's headline figures.
        self.overdue_box = QGroupBox()
        self.overdue_box.setObjectName("dashboardOverdueBox")
        self.overdue_label = QLabel()
        self.overdue_label.setObjectName("dashboardOverdue")
        self.overdue_label.setWordWrap(True)
        self.overdue_label.setTextFormat(Qt.TextFormat.PlainText)
        self.overdue_list = QListWidget()
        self.overdue_list.setObjectName("dashboardOverdueList")
        self.overdue_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.overdue_list.setWordWrap(True)
        self.overdue_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.overdue_list.setCursor(Qt.CursorShape.PointingHandCursor)
        self.overdue_list.setIconSize(QSize(16, 16))
        self.overdue_list.itemClicked.connect(self._open_overdue)
        self.overdue_list.itemActivated.connect(self._open_overdue)
        overdue_layout = QVBoxLayout(self.overdue_box)
        overdue_layout.addWidget(self.overdue_label)
        overdue_layout.addWidget(self.overdue_list, 1)
        self.case_box = QGroupBox()
        self.case_box.setObjectName("dashboardCaseBox")
        self.case_label = QLabel()
        self.case_label.setObjectName("dashboardBusinessCase")
        self.case_label.setWordWrap(True)
        self.case_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.case_button = QPushButton()
        self.case_button.setObjectName("dashboardOpenCase")
        self.case_button.clicked.connect(lambda: self.open_tab_requested.emit(3))
        case_layout = QVBoxLayout(self.case_box)
        case_layout.addWidget(self.case_label)
        case_layout.addStretch(1)
        case_layout.addWidget(self.case_button, 0, Qt.AlignmentFlag.AlignLeft)

        content = QWidget()
        content.setObjectName("dashboardContent")
        grid = QGridLayout(content)
        grid.setSpacing(10)
        grid.addLayout(self.cards_grid, 0, 0, 1, 2)
        # The chart at the left; the progress and what is late beside it; the money below.
        grid.addWidget(self.feasibility_box, 1, 0, 2, 1)
        grid.addWidget(self.checklist_box, 1, 1)
        grid.addWidget(self.overdue_box, 2, 1)
        grid.addWidget(self.case_box, 3, 0, 1, 2)
        grid.setColumnStretch(0, 3)  # the chart's dimension names need the room
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(4, 1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("dashboardScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self._place_cards()
        self.retranslate()

    def tab_title(self) -> str:
        return _("Dashboard")

    def retranslate(self) -> None:
        self.setAccessibleName(_("Project dashboard"))
        self.scroll.setAccessibleName(_("Project dashboard"))
        self.checklist_card.title.setText(_("Checklist"))
        self.overdue_card.title.setText(_("Overdue items"))
        self.readiness_card.title.setText(_("Feasibility"))
        self.cost_card.title.setText(_("Total cost"))
        self.checklist_box.setTitle(_("Checklist progress"))
        self.overdue_box.setTitle(_("Overdue items"))
        self.overdue_list.setAccessibleName(_("Overdue items"))
        self.overdue_list.setToolTip(_("Click an item, or press Enter, to open it in the checklist"))
        self.feasibility_box.setTitle(_("Readiness by dimension"))
        self.chart.setAccessibleName(_("Chart of the readiness per dimension"))
        self.case_box.setTitle(_("Business case"))
        self.case_button.setText(_("Open the business case"))
        self.case_button.setAccessibleName(_("Open the business case"))

    # --- the cards reflow: four in a row when they fit, else two ------------------------------

    def _place_cards(self) -> None:
        needed = sum(card.minimumSizeHint().width() for card in self.cards) + 10 * (len(self.cards) - 1)
        per_row = CARDS_IN_A_ROW if self.scroll.viewport().width() >= needed else 2
        if per_row == self._cards_per_row:
            return
        self._cards_per_row = per_row
        for card in self.cards:
            self.cards_grid.removeWidget(card)
        for index, card in enumerate(self.cards):
            self.cards_grid.addWidget(card, index // per_row, index % per_row)
        for column in range(CARDS_IN_A_ROW):
            self.cards_grid.setColumnStretch(column, 1 if column < per_row else 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_cards()

    # --- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.project_id:
            return
        language = current_language()
        self._show_checklists(language)
        self._show_feasibility(language)
        self._show_business_case(language)
        self._cards_per_row = 0  # the figures' widths changed: place the cards again
        self._place_cards()

    def _show_checklists(self, language: str) -> None:
        while self.checklist_layout.count():
            widget = self.checklist_layout.takeAt(0).widget()
            if widget:
                widget.hide()
                widget.deleteLater()
        for stretched in range(self.checklist_layout.rowCount()):
            self.checklist_layout.setRowStretch(stretched, 0)
        row, late, done, applicable = 0, [], 0, 0
        for checklist_id, template_id, _version in self.store.checklists(self.project_id):
            template = self.context.templates.checklists.get(template_id)
            items = self.store.items(checklist_id)
            overall, sections = checklist_progress(template, items)
            done += overall.done
            applicable += overall.applicable
            title = QLabel(f"<b>{html.escape(template.title.get(language) if template else template_id)}</b>")
            title.setWordWrap(True)
            self.checklist_layout.addWidget(title, row, 0, 1, 2)
            row += 1
            titles = {s.id: s.title.get(language) for s in template.sections} if template else {}
            for progress in [overall, *sections]:
                label = QLabel(titles.get(progress.key, progress.key) if progress.key else _("All items"))
                label.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
                label.setWordWrap(True)
                bar = QProgressBar()
                bar.setObjectName(f"progress_{checklist_id[:8]}_{progress.key or 'all'}")
                bar.setRange(0, max(progress.applicable, 1))
                bar.setValue(progress.done)
                text = _("{done} of {total} done").format(done=format_number(progress.done),
                                                          total=format_number(progress.applicable))
                bar.setFormat(f"{format_number(progress.done)} / {format_number(progress.applicable)}")
                bar.setToolTip(text)
                bar.setAccessibleName(label.text())
                bar.setAccessibleDescription(text)
                bar.setMinimumWidth(90)
                self.checklist_layout.addWidget(label, row, 0)
                self.checklist_layout.addWidget(bar, row, 1)
                row += 1
            item_titles = {i.id: i for _s, i in template.items()} if template else {}
            for item in overdue(items, dt.date.today()):
                entry = item_titles.get(item.item_key)
                name = entry.title.get(language) if entry else item.item_key
                late.append((item.due_date, name, item.owner, checklist_id, item.id))
        self.checklist_layout.setRowStretch(row, 1)  # the bars keep together at the top
        late.sort()
        share = done / applicable if applicable else 0
        self.checklist_card.show_figure(format_percent(share), ngettext(
            "{done} of {total} item done", "{done} of {total} items done", applicable).format(
            done=format_number(done), total=format_number(applicable)))
        self._show_overdue(late)

    def _show_overdue(self, late: list) -> None:
        self.overdue_list.clear()
        if late:
            self.overdue_card.show_figure(format_number(len(late)), ngettext(
                "item is past its due date", "items are past their due date", len(late)),
                colour=_late_colour(self.palette()))
            self.overdue_label.setText(ngettext("{count} item is overdue. Click one to open it.",
                                                "{count} items are overdue. Click one to open it.",
                                                len(late)).format(count=format_number(len(late))))
        else:
            self.overdue_card.show_figure(format_number(0), _("Nothing is overdue."))
            self.overdue_label.setText(_("Nothing is overdue."))
        link = self.palette().color(QPalette.ColorRole.Link)
        for due, name, owner, checklist_id, item_id in late[:MAX_OVERDUE_SHOWN]:
            when = _("due {date}").format(date=format_date(due))
            text = f"{name} — {when}" + (f" · {owner}" if owner else "")
            entry = QListWidgetItem(icon("warning"), text)
            entry.setData(CHECKLIST_ROLE, checklist_id)
            entry.setData(ITEM_ROLE, item_id)
            entry.setForeground(QBrush(link))
            entry.setToolTip(text)
            font = entry.font()
            font.setUnderline(True)
            entry.setFont(font)
            self.overdue_list.addItem(entry)
        if len(late) > MAX_OVERDUE_SHOWN:
            more = QListWidgetItem(_("and {count} more: use “Overdue only” in the checklist").format(
                count=format_number(len(late) - MAX_OVERDUE_SHOWN)))
            self.overdue_list.addItem(more)
        self.overdue_list.setVisible(bool(late))
        # Room for up to four entries of two lines each; more scroll.
        line = self.overdue_list.fontMetrics().lineSpacing()
        self.overdue_list.setMinimumHeight(min(len(late), 4) * (2 * line + 8) + 6 if late else 0)

    def _open_overdue(self, entry: QListWidgetItem) -> None:
        if entry.data(ITEM_ROLE):
            self.open_item_requested.emit(entry.data(CHECKLIST_ROLE), entry.data(ITEM_ROLE))

    def _show_feasibility(self, language: str) -> None:
        from ui.screens.pilot.feasibility import reading_colour  # the colours of the readings

        template = self.context.templates.feasibility.get("readiness")
        if template is None:
            return
        _feasibility_id, scores, weights, _recommendation = self.store.feasibility(self.project_id)
        result = readiness(template, {key: row.score for key, row in scores.items()}, weights)
        scored = sum(d.scored for d in result.dimensions)
        total = sum(d.criteria for d in result.dimensions)
        if result.overall is None:
            self.readiness_card.show_figure(_("— out of 5"), _("No criterion scored yet ({total} to score).")
                                            .format(total=format_number(total)))
            text = _("No criterion scored yet ({total} to score).").format(total=format_number(total)) + " " + \
                _("Score the criteria in the Feasibility tab to see how ready the project is.")
        else:
            value = _("{score} out of 5").format(score=format_number(round(result.overall, 1)))
            self.readiness_card.show_figure(value, _("{reading} · {scored} of {total} criteria scored").format(
                reading=translated(READINGS[result.reading]), scored=format_number(scored), total=format_number(total)),
                colour=reading_colour(result.reading, self.palette()))
            text = _("Readiness {score} out of 5 ({percent}): {reading}.").format(
                score=format_number(round(result.overall, 1)), percent=format_percent(result.percent / 100),
                reading=translated(READINGS[result.reading]))
            if result.weak_dimensions:
                names = [template.dimension(d).title.get(language) for d in result.weak_dimensions]
                text += " " + _("Weakest: {names}.").format(names=", ".join(names))
        self.feasibility_label.setText(text)
        self.chart.show_readiness(result, template, language)

    def _show_business_case(self, language: str) -> None:
        from ui.screens.pilot.case_summary import headline  # the business case figures, formatted

        self.case_label.setText(headline(self.store, self.project_id, language))
        try:
            result = case_result(self.store, self.project_id)
        except ValueError:
            self.cost_card.show_figure("—", _("The business case has a figure that is not valid."))
            return
        currency = result.assumptions.currency
        if not result.total_cost and not result.total_benefit:
            self.cost_card.show_figure("—", _("No cost line yet: open the business case to add them."))
            return
        caption = _("Total cost of ownership over {years} years").format(years=result.assumptions.horizon_years)
        usd = to_usd(result.tco, result.assumptions.usd_rate) if currency != "USD" else None
        if usd is not None:
            caption += " · " + format_money(usd, "USD", language)  # never "(US$…)", read as a negative
        self.cost_card.show_figure(format_money(result.tco, currency, language), caption)


def _late_colour(palette: QPalette):
    from ui.screens.pilot.feasibility import reading_colour

    return reading_colour(NOT_YET, palette)
