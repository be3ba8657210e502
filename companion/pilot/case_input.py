"""The one place that turns a project's stored business case into the maths' inputs, and
typed values back into what the store keeps.

The store keeps exact decimals as text; the maths (companion.pilot.business_case) takes
Decimal values and checks them. A stored figure the maths refuses raises InvalidInput,
whose ``key`` the screens translate. Used by the business case tab, the dashboard and the
report.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from companion.i18n import N_
from companion.pilot.business_case import Assumptions, InvalidInput, Line, Result, compute
from companion.pilot.store import CaseRow, LineRow, PilotStore, ProjectInfo, _converted
from companion.pilot.templates import BusinessCaseTemplate

# Labels of categories and kinds, shown by the screens and the report.
CATEGORY_LABELS = {
    "hardware": N_("Hardware"), "hosting": N_("Hosting"), "customisation": N_("Customisation"),
    "training": N_("Training"), "personnel": N_("Personnel"), "connectivity": N_("Connectivity"),
    "devices": N_("Devices"), "printing": N_("Printing"), "sms_mobile_money": N_("SMS and mobile money"),
    "technical_assistance": N_("Technical assistance"), "other": N_("Other"),
    "admin_savings": N_("Administrative savings"), "claims_savings": N_("Claims savings"),
    "contribution_revenue": N_("Contribution revenue"), "paper_savings": N_("Paper savings"),
}
KIND_LABELS = {"one_time": N_("One-time"), "recurring": N_("Recurring")}


def _decimal(text: str | None, key: str) -> Decimal:
    try:
        return Decimal(str(text))
    except ArithmeticError:
        raise InvalidInput(key) from None


def stored(value: Decimal | int) -> str:
    """A validated number as the store keeps it: exact, plain digits (never "1E+3")."""
    text = format(Decimal(value), "f")
    return "0" if Decimal(text) == 0 else text


def assumptions(project: ProjectInfo, case: CaseRow) -> Assumptions:
    usd_rate = _decimal(project.usd_rate, "not_a_number") if project.usd_rate else None
    return Assumptions(horizon_years=case.horizon_years, discount_rate=_decimal(case.discount_rate, "not_a_number"),
                       insurees=case.insurees, currency=project.currency, usd_rate=usd_rate)


def line(row: LineRow) -> Line:
    return Line(category=row.category, kind=row.kind, description=row.description,
                unit_cost=_decimal(row.unit_cost, "not_a_number"), quantity=_decimal(row.quantity, "not_a_number"),
                years=frozenset(row.years))


def case_inputs(store: PilotStore, project_id: str) -> tuple[Assumptions, list[Line], list[Line]]:
    case, rows = store.business_case(project_id)
    project = store.project(project_id)
    costs = [line(r) for r in rows if r.side == "cost"]
    benefits = [line(r) for r in rows if r.side == "benefit"]
    return assumptions(project, case), costs, benefits


def case_result(store: PilotStore, project_id: str) -> Result:
    """The computed business case; raises InvalidInput (a ValueError) for a figure the maths refuses."""
    return compute(*case_inputs(store, project_id))


@dataclass(frozen=True)
class NewLine:
    """A line ready for ``PilotStore.add_line`` (amounts already in the project's currency)."""

    side: str
    category: str
    kind: str
    description: str
    unit_cost: str
    quantity: str
    years: tuple[int, ...]


def template_case(template: BusinessCaseTemplate, project: ProjectInfo,
                  language: str) -> tuple[dict, list[NewLine]]:
    """The worked example for this project: its assumptions (for ``update_case``) and lines, the
    example's amounts converted from its currency with the project's rate, exactly as a new
    project gets them. Raises InvalidInput("usd_rate_required") when a rate is needed and missing."""
    rate = None
    if project.currency != template.currency:
        if template.currency != "USD" or not project.usd_rate:
            raise InvalidInput("usd_rate_required")
        rate = _decimal(project.usd_rate, "not_a_number")
    values = {"horizon_years": template.horizon_years, "discount_rate": template.discount_rate,
              "insurees": template.insurees}
    lines = [NewLine(t.side, t.category, t.kind, t.description.get(language), _converted(t.unit_cost, rate),
                     t.quantity, tuple(t.years)) for t in template.lines]
    return values, lines
