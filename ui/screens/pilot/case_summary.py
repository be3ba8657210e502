"""The business case's headline figures as a few lines of escaped HTML (dashboard)."""

from __future__ import annotations

import html

from companion.i18n import _, format_money_with_usd
from companion.pilot.business_case import to_usd
from companion.pilot.case_input import case_result
from companion.pilot.store import PilotStore


def _nowrap(text: str) -> str:
    """Escaped, and kept on one line: an amount never breaks between its digit groups."""
    return f"<span style='white-space:nowrap'>{html.escape(text)}</span>"


def headline(store: PilotStore, project_id: str, language: str) -> str:
    """TCO, NPV, cost per insuree per year and the break-even year, money in the project's
    currency (and in US dollars when the project has a rate)."""
    try:
        result = case_result(store, project_id)
    except ValueError:
        return html.escape(_("The business case has a figure that is not valid: open the Business case tab to fix it."))
    currency = result.assumptions.currency
    if not result.total_cost and not result.total_benefit:
        return html.escape(_("No cost or benefit lines yet."))

    def money(amount) -> str:
        usd = to_usd(amount, result.assumptions.usd_rate) if currency != "USD" else None
        return format_money_with_usd(amount, currency, usd, language, figure=_nowrap)

    years = result.assumptions.horizon_years
    lines = [
        html.escape(_("Total cost of ownership over {years} years: {amount}")).format(years=years,
                                                                                     amount=money(result.tco)),
        html.escape(_("Net present value: {amount}")).format(amount=money(result.npv)),
        html.escape(_("Cost per insuree per year: {amount}")).format(amount=money(result.cost_per_insuree_per_year)),
        html.escape(_("Break-even in year {year}").format(year=result.break_even_year) if result.break_even_year
                    else _("No break-even within {years} years").format(years=years)),
    ]
    return "<br>".join(lines)
