"""The money maths of a pilot's costed business case (pure Python: no Qt, no database, no I/O).

A business case is a list of cost lines and benefit lines (unit cost × quantity, counted in each
of the years 1..horizon the line applies to) plus the :class:`Assumptions` (horizon, discount
rate, number of insurees, currency, optional exchange rate to USD). :func:`compute` turns them
into a :class:`Result`.

Conventions (the report states them too):

* **Exact maths.** Everything is :class:`decimal.Decimal` in a private context of
  ``PRECISION`` (80) significant digits, so sums and products of validated inputs
  (≤ 10^15, ≤ 9 decimals) are exact and only divisions (discounting) are rounded, far below a
  cent. Lines are sorted before summing, so the order of lines never changes a result.
* **Reported rounding.** Only the reported figures are rounded: money to 2 decimal places and
  ratios (ROI) to 4 places, both with ``ROUND_HALF_EVEN`` ("banker's rounding": 0.125 → 0.12,
  0.135 → 0.14). Each figure is rounded on its own from the exact value, so a rounded total
  can differ by a cent from the sum of rounded parts. ``compute(..., exact=True)`` returns the
  same :class:`Result` unrounded. :func:`format_money` then shows a figure with the number of
  decimals of its currency (0 for XAF/XOF), again half-even.
* **Discounting: end-of-year.** Amounts of year ``t`` (1..n) are treated as paid at the *end*
  of that year and discounted ``t`` times: ``NPV = Σ_{t=1..n} (B_t − C_t) / (1 + r)^t`` (as
  spreadsheet ``NPV()``). This matches the annuity formula used for the equivalent annual
  cost, ``EAC = PV(costs) · r / (1 − (1 + r)^−n)`` (``PV/n`` when ``r = 0``): a constant
  recurring cost ``C`` every year has an EAC of exactly ``C``.
* ``TCO`` = all costs over the horizon, undiscounted. ``ROI = (ΣB − ΣC) / ΣC``, undiscounted,
  ``None`` when there is no cost. Cost per insuree per year = ``TCO / insurees / horizon``.
  The break-even year is the first year whose cumulative undiscounted net benefit
  (Σ B − Σ C up to that year) is ≥ 0, ``None`` if it never is.
* **Sensitivity.** For the largest cost drivers (the 3 cost categories with the highest
  non-zero totals, ties in ``COST_CATEGORIES`` order) TCO, NPV and cost per insuree are
  recomputed with that category's costs at −20 % and +20 % (every year, every line).

Validation returns error *keys* (``ERROR_KEYS``), never English text: the UI translates them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import (ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow,
                     localcontext)

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, is_currency, parse_decimal
from babel.numbers import format_percent as babel_format_percent

from companion import i18n

# --- Vocabulary ------------------------------------------------------------------------------------

COST_CATEGORIES: tuple[str, ...] = (
    "hardware", "hosting", "customisation", "training", "personnel", "connectivity", "devices",
    "printing", "sms_mobile_money", "technical_assistance", "other",
)
BENEFIT_CATEGORIES: tuple[str, ...] = (
    "admin_savings", "claims_savings", "contribution_revenue", "paper_savings", "other",
)
# docs/templates-format.md points cost-line authors at "CATEGORIES" in this module.
CATEGORIES = COST_CATEGORIES
KINDS: tuple[str, ...] = ("one_time", "recurring")
# The currencies the UI offers (any ISO code Babel knows is accepted by validate_currency).
CURRENCIES: tuple[str, ...] = ("XAF", "XOF", "TZS", "NPR", "CDF", "GMD", "MRU", "USD", "EUR")

MIN_HORIZON = 1
MAX_HORIZON = 30
MAX_AMOUNT = Decimal(10) ** 15     # larger than any pilot budget in any currency we offer
MAX_DECIMALS = 9                   # keeps products and sums exact in PRECISION digits
MAX_TEXT_LENGTH = 64
DEFAULT_SENSITIVITY = Decimal("0.20")
DEFAULT_DRIVERS = 3

PRECISION = 80
MONEY_QUANTUM = Decimal("0.01")
RATIO_QUANTUM = Decimal("0.0001")

# --- Error keys (the UI maps each one to a translated message) ---------------------------------------

ERR_REQUIRED = "required"
ERR_NOT_A_NUMBER = "not_a_number"
ERR_NOT_FINITE = "not_finite"
ERR_NEGATIVE = "negative"
ERR_TOO_LARGE = "too_large"
ERR_TOO_MANY_DECIMALS = "too_many_decimals"
ERR_NOT_AN_INTEGER = "not_an_integer"
ERR_RATE_OUT_OF_RANGE = "rate_out_of_range"
ERR_HORIZON_OUT_OF_RANGE = "horizon_out_of_range"
ERR_INSUREES_OUT_OF_RANGE = "insurees_out_of_range"
ERR_YEARS_EMPTY = "years_empty"
ERR_YEAR_OUT_OF_RANGE = "year_out_of_range"
ERR_USD_RATE_NOT_POSITIVE = "usd_rate_not_positive"
ERR_UNKNOWN_CATEGORY = "unknown_category"
ERR_UNKNOWN_KIND = "unknown_kind"
ERR_UNKNOWN_CURRENCY = "unknown_currency"

ERROR_KEYS: tuple[str, ...] = (
    ERR_REQUIRED, ERR_NOT_A_NUMBER, ERR_NOT_FINITE, ERR_NEGATIVE, ERR_TOO_LARGE, ERR_TOO_MANY_DECIMALS,
    ERR_NOT_AN_INTEGER, ERR_RATE_OUT_OF_RANGE, ERR_HORIZON_OUT_OF_RANGE, ERR_INSUREES_OUT_OF_RANGE,
    ERR_YEARS_EMPTY, ERR_YEAR_OUT_OF_RANGE, ERR_USD_RATE_NOT_POSITIVE, ERR_UNKNOWN_CATEGORY,
    ERR_UNKNOWN_KIND, ERR_UNKNOWN_CURRENCY,
)


class InvalidInput(ValueError):
    """Raised by the constructors and :func:`compute` on values the validators would refuse."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key


def _context() -> Context:
    # Traps on: a NaN or a division by zero is a bug, never a figure to show.
    return Context(prec=PRECISION, rounding=ROUND_HALF_EVEN,
                   traps=[InvalidOperation, DivisionByZero, Overflow])


def _decimal(value: Decimal | int | str, what: str) -> Decimal:
    # Floats are refused: 0.1 as a float is not 0.1, and money must be exact.
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise TypeError(f"{what} must be a Decimal, int or str, not {type(value).__name__}")
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInput(ERR_NOT_A_NUMBER, what) from None


# --- Data ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """A cost or benefit line: ``unit_cost × quantity`` in each year of ``years``.

    ``kind`` (one-time / recurring) describes the line and gives the per-kind totals; the years
    decide when it counts. Years beyond the horizon are kept (the horizon may grow again) but not
    counted. ``years`` may be empty while a line is being drafted (it then counts nowhere).
    The category is checked against the cost or benefit list by :func:`compute`.
    """

    category: str
    kind: str
    description: str
    unit_cost: Decimal
    quantity: Decimal
    years: frozenset[int]

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidInput(ERR_UNKNOWN_KIND, repr(self.kind))
        for name in ("unit_cost", "quantity"):
            value = _decimal(getattr(self, name), name)
            _check_amount(value, name)
            object.__setattr__(self, name, value)
        years = frozenset(self.years)
        if any(isinstance(y, bool) or not isinstance(y, int) for y in years):
            raise TypeError("years must be integers")
        if any(not MIN_HORIZON <= y <= MAX_HORIZON for y in years):
            raise InvalidInput(ERR_YEAR_OUT_OF_RANGE, repr(sorted(years)))
        object.__setattr__(self, "years", years)

    @property
    def amount(self) -> Decimal:
        """The amount in each applicable year (exact)."""
        with localcontext(_context()):
            return self.unit_cost * self.quantity

    def sort_key(self) -> tuple:
        return (self.category, self.kind, self.description, self.unit_cost, self.quantity,
                tuple(sorted(self.years)))


@dataclass(frozen=True)
class Assumptions:
    """``discount_rate`` is a fraction (0.08 for 8 %); ``usd_rate`` is local currency per 1 USD."""

    horizon_years: int
    discount_rate: Decimal
    insurees: int
    currency: str
    usd_rate: Decimal | None = None

    def __post_init__(self) -> None:
        if isinstance(self.horizon_years, bool) or not isinstance(self.horizon_years, int):
            raise TypeError("horizon_years must be an int")
        if not MIN_HORIZON <= self.horizon_years <= MAX_HORIZON:
            raise InvalidInput(ERR_HORIZON_OUT_OF_RANGE, str(self.horizon_years))
        rate = _decimal(self.discount_rate, "discount_rate")
        if not rate.is_finite() or not Decimal(0) <= rate < Decimal(1):
            raise InvalidInput(ERR_RATE_OUT_OF_RANGE, str(rate))
        object.__setattr__(self, "discount_rate", rate)
        if isinstance(self.insurees, bool) or not isinstance(self.insurees, int):
            raise TypeError("insurees must be an int")
        if not 1 <= self.insurees <= MAX_AMOUNT:
            raise InvalidInput(ERR_INSUREES_OUT_OF_RANGE, str(self.insurees))
        code, error = validate_currency(self.currency)
        if error:
            raise InvalidInput(error, repr(self.currency))
        object.__setattr__(self, "currency", code)
        if self.usd_rate is not None:
            usd = _decimal(self.usd_rate, "usd_rate")
            if not usd.is_finite() or usd <= 0:
                raise InvalidInput(ERR_USD_RATE_NOT_POSITIVE, str(usd))
            object.__setattr__(self, "usd_rate", usd)


@dataclass(frozen=True)
class SensitivityRow:
    """One scenario: ``category``'s costs changed by ``change`` (a fraction, e.g. -0.20)."""

    category: str
    change: Decimal
    category_total: Decimal      # the driver's base total over the horizon
    total_cost: Decimal
    npv: Decimal
    cost_per_insuree_per_year: Decimal


@dataclass(frozen=True)
class Result:
    """Every figure of a business case. Mappings are keyed by year (1..horizon) or category and
    list every year / every category of the side (zeros included) in canonical order."""

    assumptions: Assumptions
    exact: bool                                   # False: money rounded to 0.01, ratios to 0.0001
    years: tuple[int, ...]
    cost_by_year: dict[int, Decimal]
    benefit_by_year: dict[int, Decimal]
    net_by_year: dict[int, Decimal]               # benefit − cost
    cumulative_net_by_year: dict[int, Decimal]
    cost_by_category: dict[str, Decimal]
    benefit_by_category: dict[str, Decimal]
    cost_by_category_and_year: dict[str, dict[int, Decimal]]
    benefit_by_category_and_year: dict[str, dict[int, Decimal]]
    cost_by_kind: dict[str, Decimal]
    benefit_by_kind: dict[str, Decimal]
    total_cost: Decimal                           # TCO
    total_benefit: Decimal
    net_benefit: Decimal
    pv_costs: Decimal
    pv_benefits: Decimal
    npv: Decimal
    eac: Decimal
    roi: Decimal | None
    cost_per_insuree_per_year: Decimal
    break_even_year: int | None
    sensitivity: tuple[SensitivityRow, ...]

    @property
    def tco(self) -> Decimal:
        return self.total_cost


# --- Rounding --------------------------------------------------------------------------------------

def _quantize(value: Decimal, quantum: Decimal) -> Decimal:
    with localcontext(_context()):
        rounded = value.quantize(quantum, rounding=ROUND_HALF_EVEN)
    # No "-0.00" in a report: a tiny negative that rounds to zero is zero.
    return rounded.copy_abs() if rounded == 0 else rounded


def round_money(value: Decimal) -> Decimal:
    """A money figure as reported: 2 decimal places, ROUND_HALF_EVEN."""
    return _quantize(value, MONEY_QUANTUM)


def round_ratio(value: Decimal) -> Decimal:
    """A ratio (ROI) as reported: 4 decimal places, ROUND_HALF_EVEN."""
    return _quantize(value, RATIO_QUANTUM)


# --- Computation -----------------------------------------------------------------------------------

Table = dict[str, dict[int, Decimal]]   # category -> year -> amount


def _aggregate(lines: Iterable[Line], categories: Sequence[str], horizon: int) -> Table:
    table: Table = {c: {y: Decimal(0) for y in range(1, horizon + 1)} for c in categories}
    for line in sorted(lines, key=Line.sort_key):   # sorted: the result never depends on line order
        if line.category not in table:
            raise InvalidInput(ERR_UNKNOWN_CATEGORY, repr(line.category))
        amount = line.amount
        for year in sorted(line.years):
            if year <= horizon:                      # only the years within the horizon count
                table[line.category][year] += amount
    return table


def _by_kind(lines: Iterable[Line], horizon: int) -> dict[str, Decimal]:
    totals = {k: Decimal(0) for k in KINDS}
    for line in sorted(lines, key=Line.sort_key):
        totals[line.kind] += line.amount * sum(1 for y in line.years if y <= horizon)
    return totals


@dataclass(frozen=True)
class _Figures:
    cost_by_year: dict[int, Decimal]
    benefit_by_year: dict[int, Decimal]
    total_cost: Decimal
    total_benefit: Decimal
    pv_costs: Decimal
    pv_benefits: Decimal
    npv: Decimal
    eac: Decimal
    roi: Decimal | None
    cost_per_insuree_per_year: Decimal
    cumulative: dict[int, Decimal]
    break_even_year: int | None


def _figures(a: Assumptions, costs: Table, benefits: Table) -> _Figures:
    """The headline figures from the per-category tables (call inside the exact context)."""
    n, r = a.horizon_years, a.discount_rate
    years = range(1, n + 1)
    cost_by_year = {y: sum((costs[c][y] for c in costs), Decimal(0)) for y in years}
    benefit_by_year = {y: sum((benefits[c][y] for c in benefits), Decimal(0)) for y in years}
    total_cost = sum(cost_by_year.values(), Decimal(0))
    total_benefit = sum(benefit_by_year.values(), Decimal(0))
    growth = Decimal(1) + r
    # End-of-year convention: year t is discounted t times (see the module docstring).
    pv_costs = sum((cost_by_year[y] / growth ** y for y in years), Decimal(0))
    pv_benefits = sum((benefit_by_year[y] / growth ** y for y in years), Decimal(0))
    npv = pv_benefits - pv_costs
    if r == 0:
        eac = pv_costs / n
    else:
        eac = pv_costs * r / (Decimal(1) - growth ** -n)
    roi = None if total_cost == 0 else (total_benefit - total_cost) / total_cost
    cost_per_insuree = total_cost / a.insurees / n
    cumulative: dict[int, Decimal] = {}
    running = Decimal(0)
    break_even = None
    for y in years:
        running += benefit_by_year[y] - cost_by_year[y]
        cumulative[y] = running
        if break_even is None and running >= 0:    # compared exactly, not after rounding
            break_even = y
    return _Figures(cost_by_year, benefit_by_year, total_cost, total_benefit, pv_costs, pv_benefits, npv,
                    eac, roi, cost_per_insuree, cumulative, break_even)


def cost_drivers(cost_by_category: dict[str, Decimal], count: int = DEFAULT_DRIVERS) -> list[str]:
    """The ``count`` cost categories with the largest non-zero totals (ties: canonical order)."""
    order = {c: i for i, c in enumerate(COST_CATEGORIES)}
    ranked = sorted((c for c, total in cost_by_category.items() if total > 0),
                    key=lambda c: (-cost_by_category[c], order.get(c, len(order)), c))
    return ranked[:count]


def compute(assumptions: Assumptions, costs: Iterable[Line], benefits: Iterable[Line], *,
            exact: bool = False, sensitivity_change: Decimal = DEFAULT_SENSITIVITY,
            sensitivity_drivers: int = DEFAULT_DRIVERS) -> Result:
    """Compute a business case (see the module docstring for every convention).

    ``exact=False`` (the default) rounds the reported figures: money to 0.01 and ROI to 0.0001,
    ROUND_HALF_EVEN. ``sensitivity_change`` is a fraction; each of the ``sensitivity_drivers``
    largest cost categories gets a row at ``−change`` and one at ``+change`` (a single row when
    the change is 0). Raises :class:`InvalidInput` on a line whose category is not of its side.
    """
    costs, benefits = list(costs), list(benefits)
    a = assumptions
    change = _decimal(sensitivity_change, "sensitivity_change")
    with localcontext(_context()):
        cost_table = _aggregate(costs, COST_CATEGORIES, a.horizon_years)
        benefit_table = _aggregate(benefits, BENEFIT_CATEGORIES, a.horizon_years)
        base = _figures(a, cost_table, benefit_table)
        cost_by_category = {c: sum(cost_table[c].values(), Decimal(0)) for c in COST_CATEGORIES}
        benefit_by_category = {c: sum(benefit_table[c].values(), Decimal(0)) for c in BENEFIT_CATEGORIES}
        rows = []
        # A zero change gives one row (no "-0 %" twin); otherwise the lower scenario first.
        changes = [Decimal(0)] if change == 0 else [-abs(change), abs(change)]
        for driver in cost_drivers(cost_by_category, sensitivity_drivers):
            for delta in changes:
                factor = Decimal(1) + delta
                scaled = {c: ({y: v * factor for y, v in by_year.items()} if c == driver else by_year)
                          for c, by_year in cost_table.items()}
                f = _figures(a, scaled, benefit_table)
                rows.append(SensitivityRow(driver, delta, cost_by_category[driver], f.total_cost, f.npv,
                                           f.cost_per_insuree_per_year))
        net_by_year = {y: base.benefit_by_year[y] - base.cost_by_year[y] for y in base.cost_by_year}
        cost_by_kind = _by_kind(costs, a.horizon_years)
        benefit_by_kind = _by_kind(benefits, a.horizon_years)

    money = (lambda v: v) if exact else round_money
    ratio = (lambda v: v) if exact else round_ratio

    def per(mapping: dict) -> dict:
        return {k: money(v) for k, v in mapping.items()}

    return Result(
        assumptions=a,
        exact=exact,
        years=tuple(range(1, a.horizon_years + 1)),
        cost_by_year=per(base.cost_by_year),
        benefit_by_year=per(base.benefit_by_year),
        net_by_year=per(net_by_year),
        cumulative_net_by_year=per(base.cumulative),
        cost_by_category=per(cost_by_category),
        benefit_by_category=per(benefit_by_category),
        cost_by_category_and_year={c: per(t) for c, t in cost_table.items()},
        benefit_by_category_and_year={c: per(t) for c, t in benefit_table.items()},
        cost_by_kind=per(cost_by_kind),
        benefit_by_kind=per(benefit_by_kind),
        total_cost=money(base.total_cost),
        total_benefit=money(base.total_benefit),
        net_benefit=money(base.total_benefit - base.total_cost),
        pv_costs=money(base.pv_costs),
        pv_benefits=money(base.pv_benefits),
        npv=money(base.npv),
        eac=money(base.eac),
        roi=None if base.roi is None else ratio(base.roi),
        cost_per_insuree_per_year=money(base.cost_per_insuree_per_year),
        break_even_year=base.break_even_year,
        sensitivity=tuple(SensitivityRow(r.category, r.change, money(r.category_total), money(r.total_cost),
                                         money(r.npv), money(r.cost_per_insuree_per_year)) for r in rows),
    )


def to_usd(amount: Decimal, usd_rate: Decimal | None) -> Decimal | None:
    """``amount`` (local currency) in USD, rounded to 0.01 half-even; None without a rate.

    ``usd_rate`` is units of local currency per 1 USD (e.g. 600 for XAF).
    """
    if usd_rate is None:
        return None
    rate = _decimal(usd_rate, "usd_rate")
    if not rate.is_finite() or rate <= 0:
        raise InvalidInput(ERR_USD_RATE_NOT_POSITIVE, str(rate))
    with localcontext(_context()):
        return round_money(_decimal(amount, "amount") / rate)


# --- Parsing and validation of user input ------------------------------------------------------------

_SPACES = " \u00a0\u202f\u2009\u2007"          # space, NBSP, narrow NBSP, thin space, figure space
_APOSTROPHES = "'\u2019"                       # Swiss-style grouping
_MINUS = "-\u2212"                             # hyphen-minus and the true minus sign
_ALLOWED = re.compile(r"[0-9.,%s%s]+" % (_SPACES, _APOSTROPHES))
_NON_FINITE = {"nan", "snan", "inf", "infinity", "∞"}


def _locale(language: str | None) -> Locale:
    try:
        return Locale.parse((language or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse("en")


def _tolerant(body: str) -> Decimal | None:
    """Read ``1 234,50``, ``1,234.50``, ``1.234,50``, ``1234.5``, ``1,23,456``: the last of ',' / '.'
    is the decimal separator when both occur; one kind occurring several times groups digits;
    a single ',' or '.' is the decimal separator (Babel already took the locale's reading of
    an unambiguous grouping such as ``1,234`` in English)."""
    commas, dots = body.count(","), body.count(".")
    if commas and dots:
        decimal_sep = "," if body.rfind(",") > body.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
    elif commas + dots > 1:
        decimal_sep, group_sep = None, ("," if commas else ".")
    elif commas + dots == 1:
        decimal_sep, group_sep = ("," if commas else "."), None
    else:
        decimal_sep = group_sep = None
    if decimal_sep is not None and body.count(decimal_sep) != 1:
        return None
    whole, _sep, fraction = body.partition(decimal_sep) if decimal_sep else (body, "", "")
    if decimal_sep and not fraction.isdigit():
        return None                                 # "5," or "1,2 3"
    separators = _SPACES + _APOSTROPHES + (group_sep or "")
    chunks = re.split("[%s]" % re.escape(separators), whole)
    if len(chunks) > 1:
        # Groups of 3 (or of 2 before the last 3: Indian grouping, as used in Nepal).
        if not (1 <= len(chunks[0]) <= 3 and len(chunks[-1]) == 3
                and all(len(c) in (2, 3) for c in chunks[1:-1])):
            return None
    digits = "".join(chunks)
    if not digits and not fraction:
        return None
    if not all(c.isdigit() for c in digits):
        return None
    return Decimal(f"{digits or '0'}.{fraction}" if fraction else digits)


def parse_number(text: str, language: str = "en") -> tuple[Decimal | None, str | None]:
    """Parse a number typed in English or French style; signs allowed. ``(value, None)`` or
    ``(None, error_key)``. Babel's strict reading for ``language`` first, then a tolerant one."""
    if not isinstance(text, str):
        return None, ERR_NOT_A_NUMBER
    body = text.strip()
    if not body:
        return None, ERR_REQUIRED
    if len(body) > MAX_TEXT_LENGTH:
        return None, ERR_NOT_A_NUMBER
    negative = body[0] in _MINUS
    if body[0] in _MINUS + "+":
        body = body[1:].strip()
    if body.lower() in _NON_FINITE:
        return None, ERR_NOT_FINITE
    # ASCII digits and separators only: no exponents ("1e5"), underscores, letters or symbols.
    if not _ALLOWED.fullmatch(body):
        return None, ERR_NOT_A_NUMBER
    locale = _locale(language)
    try:
        value: Decimal | None = parse_decimal(body, locale=locale, strict=True)
    except NumberFormatError:
        value = _tolerant(body)
    if value is None or not value.is_finite():
        return None, ERR_NOT_A_NUMBER
    return (-value if negative else value), None


def _check_amount(value: Decimal, what: str = "") -> None:
    error = _amount_error(value)
    if error:
        raise InvalidInput(error, what)


def _amount_error(value: Decimal) -> str | None:
    if not value.is_finite():
        return ERR_NOT_FINITE
    if value < 0:
        return ERR_NEGATIVE
    if value > MAX_AMOUNT:
        return ERR_TOO_LARGE
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_DECIMALS:
        with localcontext(_context()):
            if value != value.quantize(Decimal(1).scaleb(-MAX_DECIMALS)):   # "1.50000000000" is fine
                return ERR_TOO_MANY_DECIMALS
    return None


def validate_amount(text: str, language: str = "en") -> tuple[Decimal | None, str | None]:
    """A unit cost or a quantity: a number ≥ 0 and ≤ 10^15 with at most 9 decimals.

    Error keys: required, not_a_number, not_finite, negative, too_large, too_many_decimals.
    """
    value, error = parse_number(text, language)
    if error:
        return None, error
    assert value is not None
    error = _amount_error(value)
    if error:
        return None, error
    return (value.copy_abs() if value == 0 else value), None


def validate_discount_rate(text: str, language: str = "en") -> tuple[Decimal | None, str | None]:
    """The discount rate field is a *percentage*: "8", "8 %", "8%" and "8,0" all mean 8 % and
    give the fraction ``Decimal("0.08")``. "0,08" therefore means 0.08 % (0.0008): one reading
    for every input, no guessing. Accepted: 0 ≤ rate < 100 %; negative or ≥ 100 % (e.g. 500 %)
    gives rate_out_of_range.
    """
    if isinstance(text, str):
        text = text.strip()
        if text.endswith("%"):
            text = text[:-1]
    value, error = parse_number(text, language)
    if error:
        return None, error
    assert value is not None
    if not Decimal(0) <= value < Decimal(100):
        return None, ERR_RATE_OUT_OF_RANGE
    if _amount_error(value) == ERR_TOO_MANY_DECIMALS:
        return None, ERR_TOO_MANY_DECIMALS
    with localcontext(_context()):
        fraction = value / 100
    return (fraction.copy_abs() if fraction == 0 else fraction), None


def _integer(text: str | int, language: str) -> tuple[int | None, str | None]:
    if isinstance(text, bool):
        return None, ERR_NOT_A_NUMBER
    if isinstance(text, int):
        return text, None
    value, error = parse_number(text, language)
    if error:
        return None, error
    assert value is not None
    if value != value.to_integral_value():
        return None, ERR_NOT_AN_INTEGER
    if abs(value) > MAX_AMOUNT:
        return None, ERR_TOO_LARGE
    return int(value), None


def validate_horizon(text: str | int, language: str = "en") -> tuple[int | None, str | None]:
    """A whole number of years from 1 to 30 (horizon_out_of_range otherwise)."""
    value, error = _integer(text, language)
    if error:
        return None, error
    assert value is not None
    if not MIN_HORIZON <= value <= MAX_HORIZON:
        return None, ERR_HORIZON_OUT_OF_RANGE
    return value, None


def validate_insurees(text: str | int, language: str = "en") -> tuple[int | None, str | None]:
    """A whole number of insurees ≥ 1 ("50 000" and "50,000" are fine)."""
    value, error = _integer(text, language)
    if error:
        return None, error
    assert value is not None
    if value < 1:
        return None, ERR_INSUREES_OUT_OF_RANGE
    if value > MAX_AMOUNT:
        return None, ERR_TOO_LARGE
    return value, None


def validate_usd_rate(text: str, language: str = "en") -> tuple[Decimal | None, str | None]:
    """Optional exchange rate (local currency per 1 USD): empty gives ``(None, None)``."""
    if isinstance(text, str) and not text.strip():
        return None, None
    value, error = parse_number(text, language)
    if error:
        return None, error
    assert value is not None
    if value <= 0:
        return None, ERR_USD_RATE_NOT_POSITIVE
    error = _amount_error(value)
    return (None, error) if error else (value, None)


def validate_years(years: Iterable[int], horizon: int) -> tuple[frozenset[int] | None, str | None]:
    """At least one year, each a whole number in 1..horizon."""
    chosen = list(years)
    if not chosen:
        return None, ERR_YEARS_EMPTY
    if any(isinstance(y, bool) or not isinstance(y, int) or not 1 <= y <= horizon for y in chosen):
        return None, ERR_YEAR_OUT_OF_RANGE
    return frozenset(chosen), None


def validate_category(category: str, side: str = "cost") -> str | None:
    """None when ``category`` belongs to ``side`` ("cost" or "benefit"), else unknown_category."""
    allowed = BENEFIT_CATEGORIES if side == "benefit" else COST_CATEGORIES
    return None if category in allowed else ERR_UNKNOWN_CATEGORY


def validate_kind(kind: str) -> str | None:
    return None if kind in KINDS else ERR_UNKNOWN_KIND


def validate_currency(code: str) -> tuple[str | None, str | None]:
    """An ISO 4217 code Babel knows (upper-cased), e.g. " xaf " → "XAF"."""
    if not isinstance(code, str) or not code.strip():
        return None, ERR_UNKNOWN_CURRENCY
    normalized = code.strip().upper()
    if normalized in CURRENCIES or (len(normalized) == 3 and is_currency(normalized)):
        return normalized, None
    return None, ERR_UNKNOWN_CURRENCY


# --- Formatting ------------------------------------------------------------------------------------

def format_money(amount: Decimal, currency: str, language: str) -> str:
    """``amount`` in ``currency`` for ``language``: :func:`companion.i18n.format_money` (the one
    way money is shown: "1 234 568 FCFA" in French, "FCFA 1,234,568" in English, "TZS 1,499,750,000"),
    rounded half-even to the decimals the currency is shown with."""
    return i18n.format_money(_decimal(amount, "amount"), currency, language)


def format_percent(fraction: Decimal, language: str, max_decimals: int = 2) -> str:
    """A fraction as a percentage for ``language`` (0.085 → "8.5%" / "8,5 %"), with at most
    ``max_decimals`` decimals (half-even) and no trailing zeros."""
    with localcontext(_context()):
        percent = _quantize(_decimal(fraction, "fraction") * 100, Decimal(1).scaleb(-max_decimals))
        trimmed = percent.normalize() if percent != percent.to_integral_value() else percent.quantize(Decimal(1))
        value = trimmed / 100
    return babel_format_percent(value, locale=_locale(language), decimal_quantization=False)
