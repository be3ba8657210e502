"""The costed business case: assumptions, cost and benefit lines, results, sensitivity, chart.

Every cell is saved the moment it is accepted; a value the maths refuses (text in a number
field, a negative quantity, a discount rate of 500 %) is shown as a message next to the field
or table and is not stored. All the figures come from companion.pilot.case_input (the one
place that feeds the maths); this screen only formats them.
"""

from __future__ import annotations

import html
from dataclasses import replace
from decimal import Decimal

from babel.numbers import format_decimal
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QScrollArea, QSizePolicy, QSpinBox,
                               QStyledItemDelegate, QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from companion.i18n import _, babel_locale, currency_symbol, current_language, format_amount, translated
from companion.pilot import business_case as bc
from companion.pilot.case_input import CATEGORY_LABELS, KIND_LABELS, case_result, stored, template_case
from companion.pilot.store import MAX_DESCRIPTION, WORKED_BUSINESS_CASE, LineRow
from ui.screens.pilot.base import PilotContext, PilotTab
from ui.undo import save_edit
from ui.widgets.cost_chart import build_cost_chart, cost_chart_view

CATEGORY, KIND, DESCRIPTION, UNIT_COST, QUANTITY, YEARS, AMOUNT = range(7)

ROW_HEIGHT = 28


def error_message(key: str) -> str:
    """What a refused value means, in the user's words."""
    messages = {
        "required": _("This field cannot be empty."),
        "not_a_number": _("Type a number, for example 1,250 or 1,250.50."),
        "not_finite": _("Type an ordinary number."),
        "negative": _("Amounts and quantities cannot be negative."),
        "too_large": _("This number is too large."),
        "too_many_decimals": _("Use at most 9 decimals."),
        "not_an_integer": _("Type a whole number."),
        "rate_out_of_range": _("The discount rate is a percentage from 0 to less than 100, for example 8."),
        "horizon_out_of_range": _("The horizon is from 1 to 30 years."),
        "insurees_out_of_range": _("The number of insurees must be at least 1."),
        "years_empty": _("Name at least one year, for example 1 or 1-5."),
        "year_out_of_range": _("Years go from 1 to the horizon."),
        "usd_rate_not_positive": _("The exchange rate must be more than 0."),
        "usd_rate_required": _("Type the exchange rate first: the example's amounts are in US dollars."),
        "description_too_long": _("Keep the description under 500 characters."),
    }
    return messages.get(key, _("This value is not valid."))


def error_colour(palette: QPalette) -> str:
    """A red that reads on the light and on the dark palette."""
    return "#ff8a80" if palette.color(QPalette.ColorRole.Window).lightness() < 128 else "#b00020"


def parse_years(text: str, horizon: int) -> tuple[list[int] | None, str | None]:
    """"1-5", "1, 3" or "2" → the years; checked against the horizon."""
    years: set[int] = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part:
                first, last = (int(x) for x in part.split("-", 1))
                if last < first:
                    return None, "year_out_of_range"
                years.update(range(first, last + 1))
            else:
                years.add(int(part))
        except ValueError:
            return None, "not_a_number"
    valid, error = bc.validate_years(years, horizon)
    return (sorted(valid), None) if valid is not None else (None, error)


def years_text(years: tuple[int, ...]) -> str:
    ordered = sorted(years)
    if ordered and ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{ordered[0]}-{ordered[-1]}"
    return ", ".join(str(year) for year in ordered)


def nowrap(text: str) -> str:
    """Escaped, on one line: Qt's rich text would break a figure at its narrow no-break spaces
    ("1 499 750 | 000 TZS")."""
    return f"<span style='white-space:nowrap'>{html.escape(text)}</span>"


def exact_number(value: Decimal | int, language: str) -> str:
    """A number as typed, in the language's style, with every decimal kept (1 234,567 8)."""
    return format_decimal(Decimal(value), locale=babel_locale(language), decimal_quantization=False)


def plain_amount(amount: Decimal, currency: str, language: str) -> str:
    """An amount without the currency sign, with the currency's own decimals (half-even):
    tables name the currency once, in their header, so the figures stay readable."""
    return format_amount(bc.round_money(amount), currency, language)


class LinesModel(QAbstractTableModel):
    """Cost or benefit lines; setData validates, then saves through the tab (undoable)."""

    refused = Signal(str)

    def __init__(self, tab: "BusinessCaseTab", side: str) -> None:
        super().__init__(tab)
        self.tab, self.side = tab, side
        self.rows: list[LineRow] = []

    def load(self, rows: list[LineRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 7

    def headers(self) -> list[str]:
        return [_("Category"), _("Kind"), _("Description"), _("Unit cost"), _("Quantity"), _("Years"),
                _("Per year ({currency})").format(currency=currency_symbol(self.tab.currency))]

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole and section == YEARS:
            return _("The years the line counts in, for example 1 or 1-5 or 1, 3")
        return None

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if index.column() == AMOUNT else base | Qt.ItemFlag.ItemIsEditable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        language = current_language()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            edit = role == Qt.ItemDataRole.EditRole
            if column == CATEGORY:
                return row.category if edit else translated(CATEGORY_LABELS.get(row.category, row.category))
            if column == KIND:
                return row.kind if edit else translated(KIND_LABELS.get(row.kind, row.kind))
            if column == DESCRIPTION:
                return row.description
            if column in (UNIT_COST, QUANTITY):
                return exact_number(Decimal(row.unit_cost if column == UNIT_COST else row.quantity), language)
            if column == YEARS:
                return years_text(row.years)
            if column == AMOUNT:
                return plain_amount(Decimal(row.unit_cost) * Decimal(row.quantity), self.tab.currency, language)
        if role == Qt.ItemDataRole.ToolTipRole and column == DESCRIPTION:
            return row.description
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (UNIT_COST, QUANTITY, AMOUNT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row = self.rows[index.row()]
        column = index.column()
        text = str(value).strip()
        if column == CATEGORY:
            error = bc.validate_category(text, self.side)
            changes = {"category": text}
        elif column == KIND:
            error = bc.validate_kind(text)
            changes = {"kind": text}
        elif column == DESCRIPTION:
            error = None if len(text) <= MAX_DESCRIPTION else "description_too_long"
            changes = {"description": text}
        elif column in (UNIT_COST, QUANTITY):
            number, error = bc.validate_amount(text, current_language())
            changes = {"unit_cost" if column == UNIT_COST else "quantity": stored(number) if number is not None else ""}
        elif column == YEARS:
            years, error = parse_years(text, self.tab.horizon)
            changes = {"years": years}
        else:
            return False
        if error:
            self.refused.emit(error_message(error))
            return False
        current = {"category": row.category, "kind": row.kind, "description": row.description,
                   "unit_cost": row.unit_cost, "quantity": row.quantity, "years": list(row.years)}
        if all(current[key] == new for key, new in changes.items()):
            self.tab.clear_errors()
            return True
        self.tab.save_line(row.id, changes)
        # Update the row in place: a reset now would destroy the editor that is committing.
        self.rows[index.row()] = replace(row, **{k: tuple(v) if k == "years" else v for k, v in changes.items()})
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1))
        return True


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box of (key, label) choices for the category and kind columns."""

    def __init__(self, choices, name: str, parent=None) -> None:
        super().__init__(parent)
        self.choices, self.name = choices, name  # choices: callable → [(key, label)]; name: callable → text

    def createEditor(self, parent, option, index):
        editor = QComboBox(parent)
        editor.setObjectName("lineChoiceEditor")
        editor.setAccessibleName(self.name())
        for key, label in self.choices():
            editor.addItem(label, key)
        return editor

    def setEditorData(self, editor, index) -> None:
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor, model, index) -> None:
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class TextDelegate(QStyledItemDelegate):
    """The text editor of a cell, named after its column (screen readers, tests)."""

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setObjectName("lineCellEditor")
        editor.setAccessibleName(str(index.model().headerData(index.column(), Qt.Orientation.Horizontal)))
        editor.setFrame(False)
        return editor


class BusinessCaseTab(PilotTab):
    def __init__(self, context: PilotContext, parent=None) -> None:
        super().__init__(context, parent)
        self.setObjectName("businessCaseTab")
        self.case_id: str | None = None
        self.currency = "USD"
        self.horizon = 5

        # What applies to the whole case: a hint and the two big actions.
        self.hint = QLabel()
        self.hint.setObjectName("caseHint")
        self.hint.setWordWrap(True)
        self.example_button = QPushButton()
        self.example_button.setObjectName("startFromExample")
        self.example_button.clicked.connect(self.start_from_example)
        self.clear_button = QPushButton()
        self.clear_button.setObjectName("clearAllLines")
        self.clear_button.clicked.connect(self.clear_all_lines)
        top = QHBoxLayout()
        top.addWidget(self.hint, 1)
        top.addWidget(self.example_button)
        top.addWidget(self.clear_button)

        # Assumptions.
        self.horizon_field = QSpinBox()
        self.horizon_field.setObjectName("caseHorizon")
        self.horizon_field.setRange(bc.MIN_HORIZON, bc.MAX_HORIZON)
        self.horizon_field.editingFinished.connect(self._save_horizon)
        self.rate_field = QLineEdit()
        self.rate_field.setObjectName("caseDiscountRate")
        self.rate_field.editingFinished.connect(self._save_rate)
        self.insurees_field = QLineEdit()
        self.insurees_field.setObjectName("caseInsurees")
        self.insurees_field.editingFinished.connect(self._save_insurees)
        self.usd_field = QLineEdit()
        self.usd_field.setObjectName("caseUsdRate")
        self.usd_field.editingFinished.connect(self._save_usd_rate)
        self.assumptions_box = QGroupBox()
        self.assumptions_box.setObjectName("caseAssumptions")
        grid = QGridLayout(self.assumptions_box)
        self.horizon_label, self.rate_label = QLabel(), QLabel()
        self.insurees_label, self.usd_label = QLabel(), QLabel()
        for position, (label, field) in enumerate(((self.horizon_label, self.horizon_field),
                                                   (self.rate_label, self.rate_field),
                                                   (self.insurees_label, self.insurees_field),
                                                   (self.usd_label, self.usd_field))):
            label.setBuddy(field)
            label.setWordWrap(True)
            field.setMinimumWidth(110)
            grid.addWidget(label, position // 2, (position % 2) * 2)
            grid.addWidget(field, position // 2, (position % 2) * 2 + 1)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 2)
        grid.setColumnStretch(3, 1)
        grid.setRowStretch(3, 1)
        self.assumption_error = self._error_label("caseAssumptionError")
        grid.addWidget(self.assumption_error, 2, 0, 1, 4)
        self.assumptions_note = QLabel()
        self.assumptions_note.setObjectName("caseAssumptionsNote")
        self.assumptions_note.setWordWrap(True)
        self.assumptions_note.setAlignment(Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.assumptions_note, 3, 0, 1, 4)

        # Key figures, beside the assumptions so they stay in view while lines are edited.
        self.figures_box = QGroupBox()
        self.figures_box.setObjectName("caseKeyFigures")
        self.figures = QLabel()
        self.figures.setObjectName("caseFigures")
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QVBoxLayout(self.figures_box).addWidget(self.figures)
        head = QHBoxLayout()
        head.addWidget(self.assumptions_box, 3)
        head.addWidget(self.figures_box, 2)

        # Lines.
        self.costs = LinesModel(self, "cost")
        self.benefits = LinesModel(self, "benefit")
        self.cost_table = self._table(self.costs, "costLines", "cost", rows=8)
        self.benefit_table = self._table(self.benefits, "benefitLines", "benefit", rows=4)
        self.add_cost, self.remove_button, self.cost_error, self.costs_box = self._lines_box(
            self.cost_table, self.costs, "cost")
        self.add_benefit, self.remove_benefit, self.benefit_error, self.benefits_box = self._lines_box(
            self.benefit_table, self.benefits, "benefit")
        self.error = self.cost_error  # the message next to the cost lines

        # Results.
        self.per_year = self._results_table("casePerYear")
        self.sensitivity = self._results_table("caseSensitivity")
        self.per_year_box, self.sensitivity_box = QGroupBox(), QGroupBox()
        self.per_year_box.setObjectName("casePerYearBox")
        self.sensitivity_box.setObjectName("caseSensitivityBox")
        QVBoxLayout(self.per_year_box).addWidget(self.per_year)
        self.sensitivity_note = QLabel()
        self.sensitivity_note.setObjectName("caseSensitivityNote")
        self.sensitivity_note.setWordWrap(True)
        sensitivity_layout = QVBoxLayout(self.sensitivity_box)
        sensitivity_layout.addWidget(self.sensitivity_note)
        sensitivity_layout.addWidget(self.sensitivity)
        self.chart = None
        self.chart_box = QGroupBox()
        self.chart_box.setObjectName("caseChartBox")
        self.chart_layout = QVBoxLayout(self.chart_box)

        content = QWidget()
        content.setObjectName("caseContent")
        page = QVBoxLayout(content)
        page.addLayout(top)
        page.addLayout(head)
        page.addWidget(self.costs_box)
        page.addWidget(self.benefits_box)
        page.addWidget(self.per_year_box)
        page.addWidget(self.sensitivity_box)
        page.addWidget(self.chart_box)
        page.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("caseScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self.retranslate()

    # --- building -----------------------------------------------------------------------------

    def _error_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)  # content or user text: never markup
        label.setObjectName(name)
        label.setWordWrap(True)
        label.hide()
        return label

    def _table(self, model: LinesModel, name: str, side: str, rows: int) -> QTableView:
        table = QTableView()
        table.setObjectName(name)
        table.setTabKeyNavigation(False)  # Tab goes on to the next control; the arrows move between cells
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
                              | QAbstractItemView.EditTrigger.AnyKeyPressed)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setItemDelegate(TextDelegate(table))
        categories = bc.COST_CATEGORIES if side == "cost" else bc.BENEFIT_CATEGORIES
        table.setItemDelegateForColumn(CATEGORY, ChoiceDelegate(
            lambda: [(key, translated(CATEGORY_LABELS.get(key, key))) for key in categories], lambda: _("Category"), table))
        table.setItemDelegateForColumn(KIND, ChoiceDelegate(
            lambda: [(key, translated(KIND_LABELS[key])) for key in bc.KINDS], lambda: _("Kind"), table))
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        table.setMinimumHeight(ROW_HEIGHT * (rows + 1) + 6)
        table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        return table

    def _lines_box(self, table: QTableView, model: LinesModel, side: str):
        box = QGroupBox()
        box.setObjectName(f"{side}LinesBox")
        add = QPushButton()
        add.setObjectName("addCostLine" if side == "cost" else "addBenefitLine")
        add.clicked.connect(lambda: self.add_line(side))
        remove = QPushButton()
        remove.setObjectName("removeCostLine" if side == "cost" else "removeBenefitLine")
        remove.clicked.connect(lambda: self.remove_line(side))
        error = self._error_label(f"{side}LineError")
        model.refused.connect(lambda message: self.show_error(message, error))
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addWidget(error, 1)
        buttons.addStretch(0)
        layout = QVBoxLayout(box)
        layout.addWidget(table)
        layout.addLayout(buttons)
        return add, remove, error, box

    def _results_table(self, name: str) -> QTableWidget:
        table = QTableWidget()
        table.setObjectName(name)
        table.setTabKeyNavigation(False)  # Tab goes on to the next control; the arrows move between cells
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return table

    def tab_title(self) -> str:
        return _("Business case")

    def retranslate(self) -> None:
        self.setAccessibleName(_("Business case"))
        self.scroll.setAccessibleName(_("Business case"))  # it takes the focus, to scroll with the keys
        self.assumptions_box.setTitle(_("Assumptions"))
        self.figures_box.setTitle(_("Key figures"))
        self.horizon_label.setText(_("&Horizon (years):"))
        self.rate_label.setText(_("&Discount rate (%):"))
        self.insurees_label.setText(_("&Insurees:"))
        self.usd_label.setText(_("&US dollar rate (optional):"))
        self.usd_field.setPlaceholderText(_("for example 600"))
        self.assumptions_note.setText(_("The discount rate turns future amounts into today's money for the net "
                                        "present value. With a US dollar rate, the total is also shown in US dollars."))
        self.usd_field.setToolTip(_("How many units of the project's currency make one US dollar."))
        self.rate_field.setToolTip(_("A percentage: type 8 for 8 %."))
        for field, name in ((self.horizon_field, _("Horizon in years")), (self.rate_field, _("Discount rate in percent")),
                            (self.insurees_field, _("Number of insurees")),
                            (self.usd_field, _("Exchange rate: units of the currency per US dollar"))):
            field.setAccessibleName(name)
        self.costs_box.setTitle(_("Cost lines"))
        self.benefits_box.setTitle(_("Benefit lines"))
        self.cost_table.setAccessibleName(_("Cost lines"))
        self.benefit_table.setAccessibleName(_("Benefit lines"))
        for button, text, name in (
                (self.add_cost, _("Add a cost line"), _("Add a cost line")),
                (self.remove_button, _("Remove the selected line"), _("Remove the selected cost line")),
                (self.add_benefit, _("Add a benefit line"), _("Add a benefit line")),
                (self.remove_benefit, _("Remove the selected line"), _("Remove the selected benefit line")),
                (self.example_button, _("Start from the worked example…"), _("Start from the worked example")),
                (self.clear_button, _("Clear all lines…"), _("Clear all lines"))):
            button.setText(text)
            button.setAccessibleName(name)
        self.chart_box.setTitle(_("Chart"))
        self.per_year.setAccessibleName(_("Totals per year"))
        self.sensitivity.setAccessibleName(_("Sensitivity table"))
        colour = error_colour(self.palette())
        for label in (self.assumption_error, self.cost_error, self.benefit_error):
            label.setStyleSheet(f"color: {colour};")

    # --- loading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.project_id:
            return
        project = self.store.project(self.project_id)
        case, lines = self.store.business_case(self.project_id)
        self.case_id, self.currency, self.horizon = case.id, project.currency, case.horizon_years
        language = current_language()
        self.hint.setText(_("Amounts are in {currency}. Every change is saved at once; Ctrl+Z undoes it. "
                            "Double-click a cell, or start typing, to change it.").format(currency=currency_symbol(self.currency)))
        self.horizon_field.blockSignals(True)
        self.horizon_field.setValue(case.horizon_years)
        self.horizon_field.blockSignals(False)
        self.rate_field.setText(exact_number(Decimal(case.discount_rate) * 100, language))
        self.insurees_field.setText(exact_number(case.insurees, language))
        self.usd_field.setText(exact_number(Decimal(project.usd_rate), language) if project.usd_rate else "")
        self.usd_field.setEnabled(self.currency != "USD")
        self.costs.load([l for l in lines if l.side == "cost"])
        self.benefits.load([l for l in lines if l.side == "benefit"])
        for table in (self.cost_table, self.benefit_table):
            self._size_columns(table)
        self._show_results(language)

    def _size_columns(self, table: QTableView) -> None:
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.resizeColumnsToContents()
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        for column, minimum in ((CATEGORY, 150), (KIND, 95), (UNIT_COST, 110), (QUANTITY, 80), (YEARS, 60),
                                (AMOUNT, 130)):
            table.setColumnWidth(column, min(max(table.columnWidth(column), minimum), 240))

    def _fill(self, table: QTableWidget, headers: list[str], rows: list[list[str]], visible_rows: int) -> None:
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        height = table.horizontalHeader().sizeHint().height() + ROW_HEIGHT * max(min(len(rows), visible_rows), 1) + 4
        table.setFixedHeight(height)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded if len(rows) > visible_rows
                                         else Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def _show_results(self, language: str) -> None:
        try:
            result = case_result(self.store, self.project_id)
        except bc.InvalidInput as error:
            self.figures.setText(html.escape(error_message(error.key)))
            return

        def money(amount: Decimal) -> str:
            return bc.format_money(amount, self.currency, language)

        def amount(value: Decimal) -> str:
            return plain_amount(value, self.currency, language)

        usd = bc.to_usd(result.tco, result.assumptions.usd_rate) if self.currency != "USD" else None
        years = result.assumptions.horizon_years
        rows = [
            (_("Total cost of ownership"), money(result.tco)),
            (_("Net present value"), money(result.npv)),
            (_("Equivalent annual cost"), money(result.eac)),
            (_("Return on investment"), bc.format_percent(result.roi, language) if result.roi is not None else "—"),
            (_("Cost per insuree per year"), money(result.cost_per_insuree_per_year)),
            (_("Break-even year"), str(result.break_even_year) if result.break_even_year
             else _("not within {years} years").format(years=years)),
        ]
        text = "<table cellspacing='3'>" + "".join(
            f"<tr><td>{html.escape(label)}</td><td align='right'><b>{nowrap(value)}</b></td></tr>"
            for label, value in rows) + "</table>"
        if usd is not None:
            text += "<p>" + html.escape(_("Total cost of ownership in US dollars: {amount}")).format(
                amount=nowrap(bc.format_money(usd, "USD", language))) + "</p>"
        self.figures.setText(text)

        self.per_year_box.setTitle(_("Per year, in {currency}").format(currency=currency_symbol(self.currency)))
        per_year = [[str(year), amount(result.cost_by_year[year]), amount(result.benefit_by_year[year]),
                     amount(result.net_by_year[year]), amount(result.cumulative_net_by_year[year])]
                    for year in result.years]
        self._fill(self.per_year, [_("Year"), _("Costs"), _("Benefits"), _("Net"), _("Cumulative")], per_year, 10)

        self.sensitivity_box.setTitle(_("Sensitivity, in {currency}").format(currency=currency_symbol(self.currency)))
        self.sensitivity_note.setText(_("What the results become when each of the largest costs is {change} lower "
                                        "or higher.").format(change=bc.format_percent(bc.DEFAULT_SENSITIVITY, language)))
        sensitivity = [[translated(CATEGORY_LABELS.get(entry.category, entry.category)),
                        ("+" if entry.change > 0 else "") + bc.format_percent(entry.change, language),
                        amount(entry.total_cost), amount(entry.npv), amount(entry.cost_per_insuree_per_year)]
                       for entry in result.sensitivity]
        self._fill(self.sensitivity, [_("Cost driver"), _("Change"), _("Total cost"), _("Net present value"),
                                      _("Cost per insuree per year")], sensitivity, 8)
        self.sensitivity.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        if self.chart is None:
            self.chart = cost_chart_view(result, self.currency)
            self.chart_layout.addWidget(self.chart)
        else:
            self.chart.setChart(build_cost_chart(result, self.currency))
        self.chart.setAccessibleName(_("Chart of cost per year"))

    # --- editing ----------------------------------------------------------------------------

    def show_error(self, message: str, label: QLabel | None = None) -> None:
        label = label or self.cost_error
        label.setText(message)
        label.show()

    def clear_errors(self) -> None:
        for label in (self.assumption_error, self.cost_error, self.benefit_error):
            label.hide()

    def _saved(self) -> None:
        self.clear_errors()
        self.refresh()
        self.changed.emit()

    def _refresh_after_undo(self) -> None:
        if self.project_id:
            self.refresh()
        self.changed.emit()

    def save_line(self, line_id: str, changes: dict) -> None:
        """Save a cell (the model shows the new value itself); the results follow at once."""
        save_edit(self.context.undo_stack, _("Edit a business case line"),
                  lambda values: self.store.update_line(line_id, **values), changes, self._refresh_after_undo)
        self.clear_errors()
        self._show_results(current_language())
        self.changed.emit()

    def _save_case(self, changes: dict) -> None:
        case_id = self.case_id
        save_edit(self.context.undo_stack, _("Edit the business case assumptions"),
                  lambda values: self.store.update_case(case_id, **values), changes, self._refresh_after_undo)
        self._saved()

    def _refuse(self, key: str, field: QWidget) -> None:
        self.show_error(error_message(key), self.assumption_error)
        field.setFocus()

    def _save_horizon(self) -> None:
        if not self.project_id:
            return
        horizon, error = bc.validate_horizon(self.horizon_field.value())
        if error:
            self._refuse(error, self.horizon_field)
        elif horizon != self.horizon:
            self._save_case({"horizon_years": horizon})
        else:
            self.assumption_error.hide()

    def _save_rate(self) -> None:
        if not self.project_id:
            return
        rate, error = bc.validate_discount_rate(self.rate_field.text(), current_language())
        if error:
            self._refuse(error, self.rate_field)
            return
        case, _lines = self.store.business_case(self.project_id)
        if Decimal(case.discount_rate) != rate:
            self._save_case({"discount_rate": stored(rate)})
        else:
            self.assumption_error.hide()

    def _save_insurees(self) -> None:
        if not self.project_id:
            return
        insurees, error = bc.validate_insurees(self.insurees_field.text(), current_language())
        if error:
            self._refuse(error, self.insurees_field)
            return
        case, _lines = self.store.business_case(self.project_id)
        if case.insurees != insurees:
            self._save_case({"insurees": insurees})
        else:
            self.assumption_error.hide()

    def _save_usd_rate(self) -> None:
        if not self.project_id:
            return
        rate, error = bc.validate_usd_rate(self.usd_field.text(), current_language())
        if error:
            self._refuse(error, self.usd_field)
            return
        project_id = self.project_id
        value = stored(rate) if rate is not None else None
        previous = self.store.project(project_id).usd_rate
        if previous == value or (previous is not None and value is not None and Decimal(previous) == Decimal(value)):
            self.assumption_error.hide()
            return
        save_edit(self.context.undo_stack, _("Edit the exchange rate"),
                  lambda values: self.store.update_project(project_id, **values), {"usd_rate": value},
                  self._refresh_after_undo)
        self._saved()

    def _view(self, side: str) -> tuple[QTableView, LinesModel]:
        return (self.cost_table, self.costs) if side == "cost" else (self.benefit_table, self.benefits)

    def add_line(self, side: str) -> str:
        category = "other"
        years = list(range(1, self.horizon + 1))
        description = _("New line")
        case_id = self.case_id
        line_id = self.context.undo_stack.record(
            _("Add a line"), lambda: self.store.add_line(case_id, side, category, "recurring", description, "0", "1",
                                                         years), self._refresh_after_undo)
        self._saved()
        table, model = self._view(side)
        row = next(i for i, r in enumerate(model.rows) if r.id == line_id)
        table.setCurrentIndex(model.index(row, DESCRIPTION))
        table.scrollTo(model.index(row, DESCRIPTION))
        table.setFocus()
        return line_id

    def remove_line(self, side: str) -> None:
        table, model = self._view(side)
        error_label = self.cost_error if side == "cost" else self.benefit_error
        index = table.currentIndex()
        if not index.isValid() or index.row() >= len(model.rows):
            self.show_error(_("Select a line first."), error_label)
            return
        line_id = model.rows[index.row()].id
        self.context.undo_stack.record(_("Remove a line"), lambda: self.store.delete_line(line_id),
                                       self._refresh_after_undo)
        self._saved()
        if model.rows:
            table.setCurrentIndex(model.index(min(index.row(), len(model.rows) - 1), DESCRIPTION))
        self.message.emit(_("Line removed. Press Ctrl+Z to bring it back."))

    def remove_selected_line(self) -> None:
        """Remove the selected line of the table that has the focus (costs otherwise)."""
        self.remove_line("benefit" if self.benefit_table.hasFocus() else "cost")

    def _confirm(self, name: str, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName(name)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _replace_case(self, title: str, values: dict, new_lines: list) -> None:
        """Replace every line (and some assumptions) in one undoable step."""
        case_id = self.store.business_case(self.project_id)[0].id
        self.context.undo_stack.record(title, lambda: self.store.replace_lines(case_id, values, new_lines),
                                       self._refresh_after_undo)
        self._saved()

    def start_from_example(self) -> None:
        template = self.context.templates.business_cases.get(WORKED_BUSINESS_CASE)
        if template is None or not self.project_id:
            return
        try:
            values, lines = template_case(template, self.store.project(self.project_id), current_language())
        except bc.InvalidInput as error:
            self._refuse(error.key, self.usd_field)
            return
        if not self._confirm("confirmWorkedExample", _("Start from the worked example"),
                             _("Replace every line and assumption of this business case with the worked example? "
                               "Its figures are examples, not real prices: replace them with your own quotes. "
                               "Ctrl+Z brings your lines back.")):
            return
        self._replace_case(_("Start from the worked example"), values, lines)
        self.message.emit(_("The worked example is in place. Replace its figures with your own."))

    def clear_all_lines(self) -> None:
        if not self.project_id or not self.store.business_case(self.project_id)[1]:
            return
        if not self._confirm("confirmClearLines", _("Clear all lines"),
                             _("Remove every cost and benefit line of this business case? "
                               "The assumptions stay. Ctrl+Z brings the lines back.")):
            return
        self._replace_case(_("Clear all lines"), {}, [])
        self.message.emit(_("All lines removed. Press Ctrl+Z to bring them back."))
