"""The costed business case: assumptions, cost and benefit lines, results, sensitivity, chart.

Every cell is saved the moment it is accepted; a value the maths refuses (text in a number
field, a negative quantity, a discount rate of 500 %) is shown as a message and not stored.
"""

from __future__ import annotations

import html
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QScrollArea, QSpinBox, QSplitter,
                               QStyledItemDelegate, QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from companion.i18n import _, current_language, format_number
from companion.pilot import business_case as bc
from companion.pilot.case_input import CATEGORY_LABELS, KIND_LABELS, case_result
from companion.pilot.store import LineRow
from ui.screens.pilot.base import PilotContext, PilotTab
from ui.undo import UndoableAction, save_edit
from ui.widgets.cost_chart import build_cost_chart, cost_chart_view

CATEGORY, KIND, DESCRIPTION, UNIT_COST, QUANTITY, YEARS, AMOUNT = range(7)


def error_message(key: str) -> str:
    """What a refused value means, in the user's words."""
    messages = {
        "required": _("This field cannot be empty."),
        "not_a_number": _("Type a number, for example 1 250 or 1 250,50."),
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
    }
    return messages.get(key, _("This value is not valid."))


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
                years.update(range(first, last + 1))
            else:
                years.add(int(part))
        except ValueError:
            return None, "not_a_number"
    valid, error = bc.validate_years(years, horizon)
    return (sorted(valid), None) if valid is not None else (None, error)


def plain_amount(amount: Decimal, currency: str) -> str:
    """An amount without the currency sign, with the currency's own decimals: table cells say
    the currency once, in their header, so the figures stay readable in narrow columns."""
    from babel.numbers import get_currency_precision

    digits = get_currency_precision(currency)
    return format_number(bc.round_money(amount).quantize(Decimal(1).scaleb(-digits)))


def years_text(years: tuple[int, ...]) -> str:
    ordered = sorted(years)
    if ordered and ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{ordered[0]}-{ordered[-1]}"
    return ", ".join(str(year) for year in ordered)


class LinesModel(QAbstractTableModel):
    """Cost or benefit lines; setData validates, then saves through the tab."""

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

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [_("Category"), _("Kind"), _("Description"), _("Unit cost"), _("Quantity"), _("Years"),
                    _("Per year ({currency})").format(currency=self.tab.currency)][section]
        return None

    def flags(self, index):
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if index.column() == AMOUNT else base | Qt.ItemFlag.ItemIsEditable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        row = self.rows[index.row()]
        language = current_language()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            column = index.column()
            if column == CATEGORY:
                return row.category if role == Qt.ItemDataRole.EditRole else _(CATEGORY_LABELS.get(row.category, row.category))
            if column == KIND:
                return row.kind if role == Qt.ItemDataRole.EditRole else _(KIND_LABELS.get(row.kind, row.kind))
            if column == DESCRIPTION:
                return row.description
            if column in (UNIT_COST, QUANTITY):
                value = Decimal(row.unit_cost if column == UNIT_COST else row.quantity)
                return format_number(value) if role == Qt.ItemDataRole.DisplayRole else format_number(value)
            if column == YEARS:
                return years_text(row.years)
            if column == AMOUNT:
                return plain_amount(Decimal(row.unit_cost) * Decimal(row.quantity), self.tab.currency)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (UNIT_COST, QUANTITY, AMOUNT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole:
            return False
        row = self.rows[index.row()]
        language = current_language()
        column = index.column()
        text = str(value).strip()
        if column == CATEGORY:
            error = bc.validate_category(text, self.side)
            changes = {"category": text}
        elif column == KIND:
            error = bc.validate_kind(text)
            changes = {"kind": text}
        elif column == DESCRIPTION:
            error = None if len(text) <= 500 else "too_large"
            changes = {"description": text}
        elif column in (UNIT_COST, QUANTITY):
            number, error = bc.validate_amount(text, language)
            changes = {"unit_cost" if column == UNIT_COST else "quantity": str(number) if number is not None else ""}
        elif column == YEARS:
            years, error = parse_years(text, self.tab.horizon)
            changes = {"years": years}
        else:
            return False
        if error:
            self.refused.emit(error_message(error))
            return False
        self.tab.save_line(row.id, changes)
        return True


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box of (key, label) choices for the category and kind columns."""

    def __init__(self, choices, parent=None) -> None:
        super().__init__(parent)
        self.choices = choices  # callable → [(key, label)]

    def createEditor(self, parent, option, index):
        editor = QComboBox(parent)
        editor.setObjectName("lineChoiceEditor")
        editor.setAccessibleName(_("Choose"))
        for key, label in self.choices():
            editor.addItem(label, key)
        return editor

    def setEditorData(self, editor, index) -> None:
        editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(self, editor, model, index) -> None:
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class BusinessCaseTab(PilotTab):
    def __init__(self, context: PilotContext, parent=None) -> None:
        super().__init__(context, parent)
        self.setObjectName("businessCaseTab")
        self.case_id: str | None = None
        self.currency = "USD"
        self.horizon = 5
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
        form = QFormLayout(self.assumptions_box)
        self.horizon_label, self.rate_label = QLabel(), QLabel()
        self.insurees_label, self.usd_label = QLabel(), QLabel()
        for label, field in ((self.horizon_label, self.horizon_field), (self.rate_label, self.rate_field),
                             (self.insurees_label, self.insurees_field), (self.usd_label, self.usd_field)):
            label.setBuddy(field)
            form.addRow(label, field)
        # Lines.
        self.costs = LinesModel(self, "cost")
        self.benefits = LinesModel(self, "benefit")
        self.cost_table = self._table(self.costs, "costLines", "cost")
        self.benefit_table = self._table(self.benefits, "benefitLines", "benefit")
        self.costs_label, self.benefits_label = QLabel(), QLabel()
        self.add_cost = QPushButton()
        self.add_cost.setObjectName("addCostLine")
        self.add_cost.clicked.connect(lambda: self.add_line("cost"))
        self.add_benefit = QPushButton()
        self.add_benefit.setObjectName("addBenefitLine")
        self.add_benefit.clicked.connect(lambda: self.add_line("benefit"))
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("removeLine")
        self.remove_button.clicked.connect(self.remove_selected_line)
        self.example_button = QPushButton()
        self.example_button.setObjectName("startFromExample")
        self.example_button.clicked.connect(self.start_from_example)
        self.error = QLabel()
        self.error.setObjectName("caseError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.costs.refused.connect(self.show_error)
        self.benefits.refused.connect(self.show_error)
        buttons = QHBoxLayout()
        for button in (self.add_cost, self.add_benefit, self.remove_button, self.example_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.assumptions_box)
        left_layout.addWidget(self.costs_label)
        left_layout.addWidget(self.cost_table, 3)
        left_layout.addWidget(self.benefits_label)
        left_layout.addWidget(self.benefit_table, 1)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.error)
        # Results.
        self.figures = QLabel()
        self.figures.setObjectName("caseFigures")
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.per_year = QTableWidget()
        self.per_year.setObjectName("casePerYear")
        self.per_year.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.per_year.verticalHeader().hide()
        self.sensitivity = QTableWidget()
        self.sensitivity.setObjectName("caseSensitivity")
        self.sensitivity.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sensitivity.verticalHeader().hide()
        self.chart = None
        self.results_box, self.per_year_label, self.sensitivity_label = QGroupBox(), QLabel(), QLabel()
        self.results_layout = QVBoxLayout(self.results_box)
        for widget in (self.figures, self.per_year_label, self.per_year, self.sensitivity_label, self.sensitivity):
            self.results_layout.addWidget(widget)
        results = QScrollArea()
        results.setWidgetResizable(True)
        results.setWidget(self.results_box)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(results)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([620, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.retranslate()

    def _table(self, model: LinesModel, name: str, side: str) -> QTableView:
        table = QTableView()
        table.setObjectName(name)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        categories = bc.COST_CATEGORIES if side == "cost" else bc.BENEFIT_CATEGORIES
        table.setItemDelegateForColumn(CATEGORY, ChoiceDelegate(
            lambda: [(key, _(CATEGORY_LABELS.get(key, key))) for key in categories], table))
        table.setItemDelegateForColumn(KIND, ChoiceDelegate(
            lambda: [(key, _(KIND_LABELS[key])) for key in bc.KINDS], table))
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        table.verticalHeader().hide()
        table.clicked.connect(lambda _i: self.error.hide())
        return table

    def tab_title(self) -> str:
        return _("Business case")

    def retranslate(self) -> None:
        self.setAccessibleName(_("Business case"))
        self.assumptions_box.setTitle(_("Assumptions"))
        self.horizon_label.setText(_("&Horizon (years):"))
        self.rate_label.setText(_("&Discount rate (%):"))
        self.insurees_label.setText(_("&Insurees:"))
        self.usd_label.setText(_("&Exchange rate (units per US dollar, optional):"))
        for field, name in ((self.horizon_field, _("Horizon in years")), (self.rate_field, _("Discount rate in percent")),
                            (self.insurees_field, _("Number of insurees")),
                            (self.usd_field, _("Exchange rate to the US dollar"))):
            field.setAccessibleName(name)
        self.costs_label.setText(_("Costs (double-click a cell to change it)"))
        self.benefits_label.setText(_("Benefits"))
        self.cost_table.setAccessibleName(_("Cost lines"))
        self.benefit_table.setAccessibleName(_("Benefit lines"))
        for button, text in ((self.add_cost, _("Add cost")), (self.add_benefit, _("Add benefit")),
                             (self.remove_button, _("Remove line")),
                             (self.example_button, _("Start from the worked example…"))):
            button.setText(text)
            button.setAccessibleName(text.rstrip("…"))
        self.results_box.setTitle(_("Results"))
        self.per_year.setAccessibleName(_("Totals per year"))
        self.sensitivity.setAccessibleName(_("Sensitivity table"))

    # --- loading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        if not self.project_id:
            return
        project = self.store.project(self.project_id)
        case, lines = self.store.business_case(self.project_id)
        self.case_id, self.currency, self.horizon = case.id, project.currency, case.horizon_years
        language = current_language()
        self.horizon_field.blockSignals(True)
        self.horizon_field.setValue(case.horizon_years)
        self.horizon_field.blockSignals(False)
        self.rate_field.setText(format_number(Decimal(case.discount_rate) * 100))
        self.insurees_field.setText(format_number(case.insurees))
        self.usd_field.setText(format_number(Decimal(project.usd_rate)) if project.usd_rate else "")
        self.costs.load([l for l in lines if l.side == "cost"])
        self.benefits.load([l for l in lines if l.side == "benefit"])
        for table in (self.cost_table, self.benefit_table):
            table.resizeColumnsToContents()
            table.horizontalHeader().setSectionResizeMode(DESCRIPTION, QHeaderView.ResizeMode.Stretch)
        self._show_results(language)

    def _show_results(self, language: str) -> None:
        try:
            result = case_result(self.store, self.project_id)
        except bc.InvalidInput as error:
            self.figures.setText(html.escape(error_message(error.key)))
            return
        money = lambda amount: bc.format_money(amount, self.currency, language)  # noqa: E731
        usd = bc.to_usd(result.tco, result.assumptions.usd_rate) if self.currency != "USD" else None
        rows = [
            (_("Total cost of ownership"), money(result.tco) + (f" ({bc.format_money(usd, 'USD', language)})" if usd is not None else "")),
            (_("Total benefits"), money(result.total_benefit)),
            (_("Net present value"), money(result.npv)),
            (_("Equivalent annual cost"), money(result.eac)),
            (_("Return on investment"), bc.format_percent(result.roi, language) if result.roi is not None else "—"),
            (_("Cost per insuree per year"), money(result.cost_per_insuree_per_year)),
            (_("Break-even year"), str(result.break_even_year) if result.break_even_year
             else _("not within {years} years").format(years=result.assumptions.horizon_years)),
        ]
        self.figures.setText("<table cellspacing='4'>" + "".join(
            f"<tr><td>{html.escape(label)}</td><td align='right'><b>{html.escape(value)}</b></td></tr>"
            for label, value in rows) + "</table>")
        amount = lambda value: plain_amount(value, self.currency)  # noqa: E731
        headers = [_("Year"), _("Costs"), _("Benefits"), _("Net"), _("Cumulative")]
        self.per_year_label.setText(_("Per year, in {currency}").format(currency=self.currency))
        self.per_year.clear()
        self.per_year.setColumnCount(len(headers))
        self.per_year.setHorizontalHeaderLabels(headers)
        self.per_year.setRowCount(len(result.years))
        for row, year in enumerate(result.years):
            values = [str(year), amount(result.cost_by_year[year]), amount(result.benefit_by_year[year]),
                      amount(result.net_by_year[year]), amount(result.cumulative_net_by_year[year])]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.per_year.setItem(row, column, item)
        self.per_year.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.per_year.setMinimumHeight(min(60 + 26 * len(result.years), 300))
        headers = [_("Cost driver"), _("Change"), _("Total cost"), _("NPV"), _("Per insuree/year")]
        self.sensitivity_label.setText(_("Sensitivity: the largest costs 20 % lower or higher, in {currency}")
                                       .format(currency=self.currency))
        self.sensitivity.clear()
        self.sensitivity.setColumnCount(len(headers))
        self.sensitivity.setHorizontalHeaderLabels(headers)
        self.sensitivity.setRowCount(len(result.sensitivity))
        for row, entry in enumerate(result.sensitivity):
            values = [_(CATEGORY_LABELS.get(entry.category, entry.category)),
                      ("+" if entry.change > 0 else "") + bc.format_percent(entry.change, language),
                      amount(entry.total_cost), amount(entry.npv), amount(entry.cost_per_insuree_per_year)]
            for column, value in enumerate(values):
                self.sensitivity.setItem(row, column, QTableWidgetItem(value))
        self.sensitivity.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.sensitivity.setWordWrap(True)
        self.sensitivity_label.setWordWrap(True)
        self.sensitivity.setMinimumHeight(min(60 + 26 * len(result.sensitivity), 220))
        if self.chart is None:
            self.chart = cost_chart_view(result, self.currency)
            self.results_layout.addWidget(self.chart)
        else:
            self.chart.setChart(build_cost_chart(result, self.currency))

    # --- editing ----------------------------------------------------------------------------

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _saved(self) -> None:
        self.error.hide()
        self.refresh()
        self.changed.emit()

    def _refresh_after_undo(self) -> None:
        if self.project_id:
            self.refresh()
        self.changed.emit()

    def save_line(self, line_id: str, changes: dict) -> None:
        save_edit(self.context.undo_stack, _("Edit a business case line"),
                  lambda values: self.store.update_line(line_id, **values), changes, self._refresh_after_undo)
        self._saved()

    def _save_case(self, changes: dict) -> None:
        case_id = self.case_id
        save_edit(self.context.undo_stack, _("Edit the business case assumptions"),
                  lambda values: self.store.update_case(case_id, **values), changes, self._refresh_after_undo)
        self._saved()

    def _save_horizon(self) -> None:
        horizon, error = bc.validate_horizon(self.horizon_field.value())
        if error:
            self.show_error(error_message(error))
        elif horizon != self.horizon:
            self._save_case({"horizon_years": horizon})

    def _save_rate(self) -> None:
        rate, error = bc.validate_discount_rate(self.rate_field.text(), current_language())
        if error:
            self.show_error(error_message(error))
            return
        case, _lines = self.store.business_case(self.project_id)
        if Decimal(case.discount_rate) != rate:
            self._save_case({"discount_rate": str(rate)})

    def _save_insurees(self) -> None:
        insurees, error = bc.validate_insurees(self.insurees_field.text(), current_language())
        if error:
            self.show_error(error_message(error))
            return
        case, _lines = self.store.business_case(self.project_id)
        if case.insurees != insurees:
            self._save_case({"insurees": insurees})

    def _save_usd_rate(self) -> None:
        rate, error = bc.validate_usd_rate(self.usd_field.text(), current_language())
        if error:
            self.show_error(error_message(error))
            return
        project_id = self.project_id
        value = str(rate) if rate is not None else None
        if self.store.project(project_id).usd_rate != value:
            save_edit(self.context.undo_stack, _("Edit the exchange rate"),
                      lambda values: self.store.update_project(project_id, **values), {"usd_rate": value},
                      self._refresh_after_undo)
            self._saved()

    def add_line(self, side: str) -> str:
        category = "other"
        years = list(range(1, self.horizon + 1))
        case_id = self.case_id
        line_id = self.store.add_line(case_id, side, category, "recurring", _("New line"), "0", "1", years)
        self.context.undo_stack.push(UndoableAction(
            _("Add a line"),
            lambda: self.store.add_line(case_id, side, category, "recurring", _("New line"), "0", "1", years,
                                        line_id=line_id),
            lambda: self.store.delete_line(line_id), self._refresh_after_undo))
        self._saved()
        table, model = (self.cost_table, self.costs) if side == "cost" else (self.benefit_table, self.benefits)
        row = next(i for i, r in enumerate(model.rows) if r.id == line_id)
        table.setCurrentIndex(model.index(row, DESCRIPTION))
        table.setFocus()
        return line_id

    def remove_selected_line(self) -> None:
        for table, model in ((self.cost_table, self.costs), (self.benefit_table, self.benefits)):
            index = table.currentIndex()
            if table.hasFocus() or (index.isValid() and table.selectionModel().hasSelection()):
                if not index.isValid():
                    continue
                row = model.rows[index.row()]
                removed = self.store.delete_line(row.id)
                case_id = self.case_id
                self.context.undo_stack.push(UndoableAction(
                    _("Remove a line"), lambda: self.store.delete_line(removed.id),
                    lambda: self.store.add_line(case_id, removed.side, removed.category, removed.kind,
                                                removed.description, removed.unit_cost, removed.quantity,
                                                list(removed.years), line_id=removed.id),
                    self._refresh_after_undo))
                self._saved()
                self.message.emit(_("Line removed. Press Ctrl+Z to bring it back."))
                return
        self.show_error(_("Select a line first."))

    def start_from_example(self) -> None:
        template = self.context.templates.business_cases.get("openimis-pilot")
        if template is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, _("Start from the worked example"),
                          _("Replace every line and assumption of this business case with the worked example? "
                            "Its figures are examples in US dollars: replace them with your own quotes."),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirmWorkedExample")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        case, old_lines = self.store.business_case(self.project_id)
        language = current_language()
        for old in old_lines:
            self.store.delete_line(old.id)
        self.store.update_case(case.id, horizon_years=template.horizon_years, discount_rate=template.discount_rate,
                               insurees=template.insurees)
        for line in template.lines:
            self.store.add_line(case.id, line.side, line.category, line.kind, line.description.get(language),
                                line.unit_cost, line.quantity, list(line.years))
        new_lines = self.store.business_case(self.project_id)[1]

        def restore(lines, values) -> None:
            for current in self.store.business_case(self.project_id)[1]:
                self.store.delete_line(current.id)
            self.store.update_case(case.id, **values)
            for line in lines:
                self.store.add_line(case.id, line.side, line.category, line.kind, line.description, line.unit_cost,
                                    line.quantity, list(line.years), line_id=line.id)

        before = {"horizon_years": case.horizon_years, "discount_rate": case.discount_rate, "insurees": case.insurees}
        after = {"horizon_years": template.horizon_years, "discount_rate": template.discount_rate,
                 "insurees": template.insurees}
        self.context.undo_stack.push(UndoableAction(_("Start from the worked example"),
                                                    lambda: restore(new_lines, after), lambda: restore(old_lines, before),
                                                    self._refresh_after_undo))
        self._saved()
