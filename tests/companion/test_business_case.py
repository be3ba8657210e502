"""The business-case money maths: hand-worked examples, properties, validation and formatting."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from companion.pilot.business_case import (
    BENEFIT_CATEGORIES, COST_CATEGORIES, CURRENCIES, ERROR_KEYS, KINDS, Assumptions, InvalidInput, Line,
    compute, cost_drivers, format_money, format_percent, parse_number, round_money, round_ratio, to_usd,
    validate_amount, validate_category, validate_currency, validate_discount_rate, validate_horizon,
    validate_insurees, validate_usd_rate, validate_years,
)

NNBSP, NBSP = "\u202f", "\xa0"


def line(category: str, unit_cost: str, quantity: str, years, kind: str = "recurring", description: str = "") -> Line:
    return Line(category, kind, description, D(unit_cost), D(quantity), frozenset(years))


# --- Hand-worked example ------------------------------------------------------------------------------
#
# Horizon 3 years, discount rate 10 %, 1 000 insurees, USD.
#   cost    hardware   one-time   servers  5 000 × 2 = 10 000 in year 1
#   cost    personnel  recurring  staff    1 500 × 2 =  3 000 in years 1, 2, 3
#   benefit admin_savings         savings  7 000 × 1 =  7 000 in years 1, 2, 3
#
# Per year:   costs   C = 13 000, 3 000, 3 000      benefits B = 7 000, 7 000, 7 000
#             net B−C = −6 000, 4 000, 4 000        cumulative = −6 000, −2 000, +2 000
#             → break-even in year 3 (first cumulative ≥ 0).
# TCO = 13 000 + 3 000 + 3 000 = 19 000; ΣB = 21 000; net = 2 000.
# ROI = 2 000 / 19 000 = 0.105263… → 0.1053.
# Cost per insuree per year = 19 000 / 1 000 / 3 = 6.3333… → 6.33.
# Discounting, end of year (year t divided by 1.1^t); over the common denominator 1.1³ = 1.331:
#   1/1.1 = 1 210/1 331, 1/1.21 = 1 100/1 331, 1/1.331 = 1 000/1 331.
#   PV(C) = (13 000·1 210 + 3 000·1 100 + 3 000·1 000)/1 331 = 22 030 000/1 331 = 16 551.4650… → 16 551.47
#   PV(B) = 7 000·(1 210 + 1 100 + 1 000)/1 331 = 23 170 000/1 331 = 17 407.9639… → 17 407.96
#   NPV  = (23 170 000 − 22 030 000)/1 331 = 1 140 000/1 331 = 856.4988… → 856.50
# EAC = PV(C)·0.1/(1 − 1/1.331) = (22 030 000/1 331)·0.1·(1 331/331) = 2 203 000/331 = 6 655.5891… → 6 655.59
# Sensitivity (drivers: hardware 10 000, personnel 9 000; no other category has costs):
#   hardware ±20 % = ±2 000 in year 1 → TCO 17 000 / 21 000; cost per insuree 5.666… → 5.67 / 7.00;
#     PV change ±2 000·1 210/1 331 → NPV (1 140 000 + 2 420 000)/1 331 = 2 674.6807… → 2 674.68
#                                  and (1 140 000 − 2 420 000)/1 331 = −961.6829… → −961.68
#   personnel ±20 % = ±600 a year → TCO 17 200 / 20 800; cost per insuree 5.7333… → 5.73 / 6.9333… → 6.93;
#     PV change ±600·3 310/1 331 = ±1 986 000/1 331 → NPV 3 126 000/1 331 = 2 348.6100… → 2 348.61
#                                                    and −846 000/1 331 = −635.6123… → −635.61

HAND_ASSUMPTIONS = Assumptions(horizon_years=3, discount_rate=D("0.10"), insurees=1000, currency="USD")
HAND_COSTS = [line("hardware", "5000", "2", [1], "one_time", "Servers"),
              line("personnel", "1500", "2", [1, 2, 3], "recurring", "Staff")]
HAND_BENEFITS = [line("admin_savings", "7000", "1", [1, 2, 3], "recurring", "Savings")]


def test_hand_worked_example_every_figure():
    r = compute(HAND_ASSUMPTIONS, HAND_COSTS, HAND_BENEFITS)
    assert r.years == (1, 2, 3)
    assert r.cost_by_year == {1: D("13000.00"), 2: D("3000.00"), 3: D("3000.00")}
    assert r.benefit_by_year == {1: D("7000.00"), 2: D("7000.00"), 3: D("7000.00")}
    assert r.net_by_year == {1: D("-6000.00"), 2: D("4000.00"), 3: D("4000.00")}
    assert r.cumulative_net_by_year == {1: D("-6000.00"), 2: D("-2000.00"), 3: D("2000.00")}
    assert r.cost_by_category["hardware"] == D("10000.00")
    assert r.cost_by_category["personnel"] == D("9000.00")
    assert sum(r.cost_by_category.values()) == D("19000.00")
    assert list(r.cost_by_category) == list(COST_CATEGORIES)
    assert r.cost_by_category_and_year["personnel"] == {1: D("3000"), 2: D("3000"), 3: D("3000")}
    assert r.benefit_by_category == {"admin_savings": D("21000"), "claims_savings": 0, "contribution_revenue": 0,
                                     "paper_savings": 0, "other": 0}
    assert r.cost_by_kind == {"one_time": D("10000"), "recurring": D("9000")}
    assert r.total_cost == r.tco == D("19000.00")
    assert r.total_benefit == D("21000.00")
    assert r.net_benefit == D("2000.00")
    assert r.pv_costs == D("16551.47")
    assert r.pv_benefits == D("17407.96")
    assert r.npv == D("856.50")
    assert r.eac == D("6655.59")
    assert r.roi == D("0.1053")
    assert r.cost_per_insuree_per_year == D("6.33")
    assert r.break_even_year == 3
    assert [(s.category, s.change, s.category_total, s.total_cost, s.npv, s.cost_per_insuree_per_year)
            for s in r.sensitivity] == [
        ("hardware", D("-0.20"), D("10000"), D("17000.00"), D("2674.68"), D("5.67")),
        ("hardware", D("0.20"), D("10000"), D("21000.00"), D("-961.68"), D("7.00")),
        ("personnel", D("-0.20"), D("9000"), D("17200.00"), D("2348.61"), D("5.73")),
        ("personnel", D("0.20"), D("9000"), D("20800.00"), D("-635.61"), D("6.93")),
    ]


def test_hand_worked_example_exact_values_match_the_fractions():
    r = compute(HAND_ASSUMPTIONS, HAND_COSTS, HAND_BENEFITS, exact=True)
    tolerance = Fraction(1, 10**60)
    assert abs(Fraction(r.pv_costs) - Fraction(22_030_000, 1331)) < tolerance
    assert abs(Fraction(r.npv) - Fraction(1_140_000, 1331)) < tolerance
    assert abs(Fraction(r.eac) - Fraction(2_203_000, 331)) < tolerance
    assert abs(Fraction(r.roi) - Fraction(2_000, 19_000)) < tolerance
    assert r.total_cost == 19000          # sums are exact, not rounded


def test_reported_figures_are_rounded_half_even():
    assert round_money(D("0.125")) == D("0.12")
    assert round_money(D("0.135")) == D("0.14")
    assert round_money(D("-2.675")) == D("-2.68")
    assert str(round_money(D("-0.001"))) == "0.00"          # never "-0.00"
    assert round_ratio(D("0.12345")) == D("0.1234")
    assert round_ratio(D("0.12355")) == D("0.1236")
    a = Assumptions(1, D(0), 1, "USD")
    assert compute(a, [line("other", "0.125", "1", [1])], []).total_cost == D("0.12")
    assert compute(a, [line("other", "0.135", "1", [1])], []).total_cost == D("0.14")


def test_zero_rate_eac_is_pv_over_years_and_constant_cost_has_eac_of_itself():
    # r = 0: costs 300, 600, 900 a year; PV = 1 800 undiscounted; EAC = PV/n = 1 800/3 = 600.
    zero = Assumptions(3, D(0), 10, "EUR")
    steps = [line("hosting", "300", "1", [1, 2, 3]), line("hosting", "300", "1", [2, 3]), line("hosting", "300", "1", [3])]
    assert compute(zero, steps, []).eac == D("600.00")
    # End-of-year convention: a constant 1 000 a year is an EAC of exactly 1 000 at any rate.
    for rate in ("0.05", "0.08", "0.1", "0.35"):
        r = compute(Assumptions(5, D(rate), 10, "EUR"), [line("hosting", "1000", "1", range(1, 6))], [])
        assert r.eac == D("1000.00")


def test_edge_cases_roi_none_break_even_none_and_years_beyond_the_horizon():
    a = Assumptions(2, D("0.08"), 100, "XAF")
    only_benefits = compute(a, [], [line("paper_savings", "10", "1", [1])])
    assert only_benefits.roi is None and only_benefits.total_cost == 0
    assert only_benefits.break_even_year == 1 and only_benefits.sensitivity == ()
    never = compute(a, [line("training", "100", "1", [1, 2])], [line("claims_savings", "10", "1", [1, 2])])
    assert never.break_even_year is None and never.roi == D("-0.9000")
    # Year 3 lies beyond a 2-year horizon: it does not count (but the line keeps it).
    beyond = compute(a, [line("devices", "50", "2", [1, 3])], [])
    assert beyond.total_cost == D("100.00") and beyond.cost_by_year == {1: D("100"), 2: D("0")}


def test_sensitivity_takes_the_three_largest_cost_drivers():
    a = Assumptions(1, D(0), 1, "USD")
    costs = [line("printing", "5", "1", [1]), line("hardware", "40", "1", [1]), line("training", "30", "1", [1]),
             line("hosting", "30", "1", [1]), line("devices", "1", "1", [1])]
    r = compute(a, costs, [])
    # hardware 40, then the tie hosting/training 30 in COST_CATEGORIES order (hosting first).
    assert [s.category for s in r.sensitivity] == ["hardware", "hardware", "hosting", "hosting", "training", "training"]
    assert cost_drivers({"printing": D(1), "other": D(0)}) == ["printing"]
    assert len(compute(a, costs, [], sensitivity_drivers=1).sensitivity) == 2


def test_unknown_category_of_the_side_is_refused():
    a = Assumptions(1, D(0), 1, "USD")
    with pytest.raises(InvalidInput) as error:
        compute(a, [line("admin_savings", "1", "1", [1])], [])
    assert error.value.key == "unknown_category"
    with pytest.raises(InvalidInput):
        compute(a, [], [line("hardware", "1", "1", [1])])
    assert validate_category("hardware") is None and validate_category("hardware", "benefit") == "unknown_category"
    assert validate_category("other", "benefit") is None


def test_constructors_guard_their_invariants():
    with pytest.raises(InvalidInput) as error:
        Line("hardware", "one_time", "", D("-1"), D(1), frozenset({1}))
    assert error.value.key == "negative"
    with pytest.raises(InvalidInput):
        Line("hardware", "sometimes", "", D(1), D(1), frozenset({1}))
    with pytest.raises(TypeError):
        Line("hardware", "one_time", "", 0.1, D(1), frozenset({1}))      # floats are not money
    assert Line("hardware", "one_time", "", "2500", 2, {1}).amount == D(5000)   # str/int coerced
    for bad in (dict(horizon_years=0), dict(horizon_years=31), dict(discount_rate=D(5)),
                dict(discount_rate=D("-0.01")), dict(insurees=0), dict(currency="ZZZ"), dict(usd_rate=D(0))):
        values = dict(horizon_years=5, discount_rate=D("0.08"), insurees=10, currency="XAF", usd_rate=None) | bad
        with pytest.raises(InvalidInput):
            Assumptions(**values)
    assert Assumptions(5, "0.08", 10, "xaf").currency == "XAF"


def test_worked_template_computes():
    # The shipped template must use this module's categories, kinds and valid amounts.
    path = Path(__file__).resolve().parents[2] / "resources" / "templates" / "business-case" / "openimis-pilot.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def lines(key: str) -> list[Line]:
        return [Line(item["category"], item.get("kind", "recurring"), item["description"]["en"],
                     validate_amount(item["unit_cost"])[0], validate_amount(item.get("quantity", "1"))[0],
                     frozenset(item["years"])) for item in data[key]]

    a = Assumptions(int(data["horizon_years"]), D(data["discount_rate"]), int(data["insurees"]), data["currency"])
    r = compute(a, lines("cost_lines"), lines("benefit_lines"))
    assert r.total_cost > 0 and len(r.sensitivity) == 6


# --- Properties ---------------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False)
quantity = st.decimals(min_value=0, max_value=1_000, places=1, allow_nan=False, allow_infinity=False)
years = st.frozensets(st.integers(1, 12), max_size=12)


def lines_of(categories) -> st.SearchStrategy[list[Line]]:
    return st.lists(st.builds(Line, st.sampled_from(categories), st.sampled_from(KINDS),
                              st.sampled_from(["", "a", "b"]), money, quantity, years), max_size=8)


assumptions = st.builds(Assumptions, st.integers(1, 10),
                        st.decimals(min_value=0, max_value="0.5", places=3, allow_nan=False, allow_infinity=False),
                        st.integers(1, 100_000), st.sampled_from(CURRENCIES))
PROPERTY = settings(max_examples=100, deadline=None)


@PROPERTY
@given(assumptions, lines_of(COST_CATEGORIES), lines_of(BENEFIT_CATEGORIES))
def test_npv_at_zero_rate_is_the_undiscounted_sum(a, costs, benefits):
    a = Assumptions(a.horizon_years, D(0), a.insurees, a.currency)
    r = compute(a, costs, benefits, exact=True)
    undiscounted = sum((b.amount * sum(1 for y in b.years if y <= a.horizon_years) for b in benefits), D(0)) \
        - sum((c.amount * sum(1 for y in c.years if y <= a.horizon_years) for c in costs), D(0))
    assert r.npv == undiscounted == r.net_benefit


@PROPERTY
@given(assumptions, lines_of(COST_CATEGORIES), lines_of(BENEFIT_CATEGORIES))
def test_tco_is_the_sum_of_the_per_year_and_per_category_totals(a, costs, benefits):
    r = compute(a, costs, benefits, exact=True)
    assert r.total_cost == sum(r.cost_by_year.values()) == sum(r.cost_by_category.values())
    assert r.total_cost == sum(r.cost_by_kind.values())
    assert r.total_benefit == sum(r.benefit_by_year.values())
    rounded = compute(a, costs, benefits)
    assert rounded.total_cost == round_money(r.total_cost)


@PROPERTY
@given(st.integers(1, 10), st.lists(st.tuples(st.integers(0, 10**6).map(D), st.integers(0, 50), years), max_size=6))
def test_rounded_tco_is_the_sum_of_rounded_years_for_whole_amounts(horizon, specs):
    # With whole amounts there is nothing to round, so the reported figures add up too.
    a = Assumptions(horizon, D("0.08"), 7, "XAF")
    r = compute(a, [Line("other", "recurring", "", unit, D(q), ys) for unit, q, ys in specs], [])
    assert r.total_cost == sum(r.cost_by_year.values())


@PROPERTY
@given(assumptions, lines_of(COST_CATEGORIES), lines_of(BENEFIT_CATEGORIES), st.randoms(use_true_random=False))
def test_order_of_lines_never_changes_a_result(a, costs, benefits, rng):
    shuffled_costs, shuffled_benefits = costs[:], benefits[:]
    rng.shuffle(shuffled_costs)
    rng.shuffle(shuffled_benefits)
    for exact in (True, False):
        assert compute(a, costs, benefits, exact=exact) == compute(a, shuffled_costs, shuffled_benefits, exact=exact)


@PROPERTY
@given(assumptions, lines_of(COST_CATEGORIES), lines_of(BENEFIT_CATEGORIES))
def test_sensitivity_at_zero_equals_the_base(a, costs, benefits):
    for exact in (True, False):
        r = compute(a, costs, benefits, exact=exact, sensitivity_change=D(0))
        assert all(s.change == 0 for s in r.sensitivity)
        assert len(r.sensitivity) == len(cost_drivers(compute(a, costs, benefits, exact=True).cost_by_category))
        for s in r.sensitivity:
            assert (s.total_cost, s.npv, s.cost_per_insuree_per_year) == \
                (r.total_cost, r.npv, r.cost_per_insuree_per_year)


@PROPERTY
@given(assumptions, lines_of(COST_CATEGORIES), lines_of(BENEFIT_CATEGORIES))
def test_plus_twenty_percent_raises_tco_by_twenty_percent_of_the_category(a, costs, benefits):
    r = compute(a, costs, benefits, exact=True)
    for s in r.sensitivity:
        # The category's total, straight from its lines (independent of the module's tables).
        total = sum((c.amount * sum(1 for y in c.years if y <= a.horizon_years)
                     for c in costs if c.category == s.category), D(0))
        assert s.category_total == total
        assert s.total_cost - r.total_cost == s.change * total
        assert s.change in (D("-0.20"), D("0.20"))


@PROPERTY
@given(assumptions, lines_of(COST_CATEGORIES), lines_of(BENEFIT_CATEGORIES))
def test_npv_matches_an_exact_rational_oracle(a, costs, benefits):
    r = compute(a, costs, benefits, exact=True)
    rate = Fraction(a.discount_rate)
    oracle = Fraction(0)
    for sign, group in ((1, benefits), (-1, costs)):
        for item in group:
            for year in item.years:
                if year <= a.horizon_years:
                    oracle += sign * Fraction(item.amount) / (1 + rate) ** year
    assert abs(Fraction(r.npv) - oracle) < Fraction(1, 10**40)


# --- Validation ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, language, expected", [
    ("1 234,50", "fr", "1234.50"),
    (f"1{NBSP}234,50", "fr", "1234.50"),
    (f"1{NNBSP}234,50", "fr", "1234.50"),
    ("1234,5", "fr", "1234.5"),
    ("1,234.50", "en", "1234.50"),
    ("1234.5", "en", "1234.5"),
    ("1 234", "en", "1234"),
    (f"1{NBSP}234", "en", "1234"),
    ("1,234.50", "fr", "1234.50"),        # English style typed in the French UI
    ("1 234,50", "en", "1234.50"),        # French style typed in the English UI
    ("1.234,50", "en", "1234.50"),
    ("0,08", "en", "0.08"),               # one comma that cannot be grouping: a decimal comma
    ("1,234", "en", "1234"),              # Babel's reading for the locale decides the ambiguous case
    ("1,234", "fr", "1.234"),
    ("1,23,456", "en", "123456"),         # Indian grouping (Nepal)
    ("  42  ", "en", "42"),
    ("0", "en", "0"),
    ("-0", "en", "0"),
])
def test_number_formats_parse(text, language, expected):
    assert validate_amount(text, language) == (D(expected), None)


@pytest.mark.parametrize("text, error", [
    ("abc", "not_a_number"), ("12 apples", "not_a_number"), ("1e5", "not_a_number"), ("$5", "not_a_number"),
    ("1_000", "not_a_number"), ("12 34", "not_a_number"), (",", "not_a_number"), ("1,2,3", "not_a_number"),
    ("", "required"), ("   ", "required"),
    ("-5", "negative"), ("\u22125", "negative"), ("-0,5", "negative"),
    ("NaN", "not_finite"), ("Infinity", "not_finite"), ("-inf", "not_finite"),
    ("10000000000000000", "too_large"), ("0.1234567891", "too_many_decimals"),
])
def test_invalid_amounts_give_error_keys(text, error):
    for language in ("en", "fr"):
        assert validate_amount(text, language) == (None, error)
        assert error in ERROR_KEYS


def test_parse_number_keeps_the_sign_for_callers_that_allow_it():
    assert parse_number("-1 234,5", "fr") == (D("-1234.5"), None)


@pytest.mark.parametrize("text, expected", [
    ("8", "0.08"), ("8 %", "0.08"), ("8%", "0.08"), (f"8{NBSP}%", "0.08"), ("8,5", "0.085"), ("8.5 %", "0.085"),
    ("0", "0"), ("99,99", "0.9999"),
    ("0,08", "0.0008"),   # the field is a percentage: "0,08" is 0.08 %, never guessed as 8 %
])
def test_discount_rate_is_a_percentage(text, expected):
    assert validate_discount_rate(text, "fr") == (D(expected), None)


@pytest.mark.parametrize("text, error", [
    ("500 %", "rate_out_of_range"), ("500", "rate_out_of_range"), ("100", "rate_out_of_range"),
    ("-5", "rate_out_of_range"), ("huit", "not_a_number"), ("", "required"), ("%", "required"),
])
def test_invalid_discount_rates(text, error):
    assert validate_discount_rate(text, "en") == (None, error)


def test_horizon_insurees_years_currency_and_usd_rate():
    assert validate_horizon("5") == (5, None) and validate_horizon(30) == (30, None)
    assert validate_horizon("0") == (None, "horizon_out_of_range")
    assert validate_horizon("31") == (None, "horizon_out_of_range")
    assert validate_horizon("2,5", "fr") == (None, "not_an_integer")
    assert validate_horizon("cinq", "fr") == (None, "not_a_number")
    assert validate_insurees("50 000", "fr") == (50000, None)
    assert validate_insurees("50,000", "en") == (50000, None)
    assert validate_insurees("0") == (None, "insurees_out_of_range")
    assert validate_insurees("-3") == (None, "insurees_out_of_range")
    assert validate_insurees("1.5") == (None, "not_an_integer")
    assert validate_years([1, 3], 3) == (frozenset({1, 3}), None)
    assert validate_years([], 3) == (None, "years_empty")
    assert validate_years([0], 3) == (None, "year_out_of_range")
    assert validate_years([4], 3) == (None, "year_out_of_range")
    assert validate_currency(" xaf ") == ("XAF", None)
    assert validate_currency("ZZZ") == (None, "unknown_currency")
    assert validate_usd_rate("") == (None, None)
    assert validate_usd_rate("655,957", "fr") == (D("655.957"), None)
    assert validate_usd_rate("0") == (None, "usd_rate_not_positive")


def test_to_usd():
    assert to_usd(D("600000"), D("600")) == D("1000.00")
    assert to_usd(D("1000"), D("3")) == D("333.33")
    assert to_usd(D("1000"), None) is None
    with pytest.raises(InvalidInput):
        to_usd(D("1"), D("0"))


# --- Formatting ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("currency, language, expected", [
    # XAF has no minor unit: no decimals, rounded half-even (…567.891 → …568).
    ("XAF", "fr", f"1{NNBSP}234{NNBSP}568{NBSP}FCFA"),
    ("XAF", "en", f"FCFA{NBSP}1,234,568"),   # a letter next to the digits: a no-break space between
    # TZS: no cents in everyday amounts (CLDR's cash digits): whole shillings.
    ("TZS", "fr", f"1{NNBSP}234{NNBSP}568{NBSP}TZS"),
    ("TZS", "en", f"TZS{NBSP}1,234,568"),
    ("NPR", "en", f"NPR{NBSP}1,234,568"),
    ("USD", "fr", f"1{NNBSP}234{NNBSP}567,89{NBSP}$US"),
    ("USD", "en", "US$1,234,567.89"),        # International English (en_001): "US$", glued to the digits
    ("EUR", "fr", f"1{NNBSP}234{NNBSP}567,89{NBSP}€"),
    ("EUR", "en", "€1,234,567.89"),
])
def test_format_money(currency, language, expected):
    assert format_money(D("1234567.891"), currency, language) == expected


def test_format_money_details():
    assert format_money(D("2.5"), "XAF", "fr") == f"2{NBSP}FCFA"          # half-even
    assert format_money(D("3.5"), "XAF", "fr") == f"4{NBSP}FCFA"
    assert format_money(D("-0.001"), "USD", "en") == "US$0.00"             # no "-US$0.00"
    assert format_money(D("-961.68"), "USD", "en") == "-US$961.68"         # a minus sign, never "(US$961.68)"
    assert format_money(D("-1499750000"), "TZS", "en") == f"-TZS{NBSP}1,499,750,000"
    assert format_money(D("1000"), "XOF", "fr_SN").endswith("CFA")        # regional locales work
    assert format_money(D("1000"), "EUR", "xx-unknown") == "€1,000.00"    # unknown locale: English
    for currency in CURRENCIES:
        for language in ("en", "fr"):
            assert currency in format_money(D("1"), currency, language) or \
                any(symbol in format_money(D("1"), currency, language) for symbol in ("$", "€", "CFA"))


def test_format_percent():
    assert format_percent(D("0.08"), "en") == "8%"
    assert format_percent(D("0.08"), "fr") == f"8{NBSP}%"
    assert format_percent(D("0.085"), "fr") == f"8,5{NBSP}%"
    assert format_percent(D("0.1053"), "en") == "10.53%"
    assert format_percent(D("0.105263"), "en") == "10.53%"
    assert format_percent(D("-0.9"), "en") == "-90%"
