"""Budget rule: a monthly budget the month-end forecast exceeds.

The budgets and the forecast are the cost estimate's (:mod:`dashboard.cost.budget`,
:mod:`dashboard.cost.forecast`): spent is billed + estimate with the billing export, the forecast a run rate
without it, as each budget's ``basis`` says.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from dashboard.cost import BudgetStatus
from dashboard.cost.billing import GROUP_TITLES
from dashboard.insights import Context, Insight, rule
from dashboard.views.fmt import money

OVER = "budget.forecast_over"


def _largest(ctx: Context, budget: BudgetStatus) -> str:
    month = ctx.cost.month
    if month is None:
        return ""
    covered = [g for g in month.services if g.service in budget.services]
    if not covered:
        return ""
    top = max(covered, key=lambda g: g.forecast_usd)
    return f"; largest: {GROUP_TITLES.get(top.service, top.title)} {money(top.forecast_usd)} forecast"


@rule(OVER, forecast_pct=100.0, spent_critical_pct=100.0)
def forecast_over(ctx: Context) -> Iterator[Insight]:
    """A budget whose month-end forecast reaches ``forecast_pct`` % of its amount: a warning; critical once
    the month's spend so far reaches ``spent_critical_pct`` %. At stake: the forecast overrun per month, and
    per hour the cut that would keep the month within the budget."""
    forecast_pct = ctx.threshold(OVER, "forecast_pct")
    critical_pct = ctx.threshold(OVER, "spent_critical_pct")
    month = ctx.cost.month
    for budget in ctx.cost.budgets:
        amount = budget.amount_usd
        if not amount or budget.forecast_pct is None or budget.forecast_pct < forecast_pct:
            continue
        overrun = max(0.0, budget.forecast_usd - amount)
        hours_left = month.hours_left if month is not None else 0.0
        last_day = ctx.snapshot.at + timedelta(hours=hours_left) - timedelta(seconds=1)
        spent = ""
        if budget.spent_usd is not None and budget.spent_pct is not None:
            spent = f"; {money(budget.spent_usd)} ({budget.spent_pct:.0f}%) spent so far"
        critical = budget.spent_pct is not None and budget.spent_pct >= critical_pct
        cut = overrun / hours_left if hours_left > 0 else None
        yield Insight(
            rule=OVER,
            severity="critical" if critical else "warning",
            title=(
                f"Budget {budget.name} {'exceeded' if critical else 'forecast to be exceeded'}: "
                f"{money(budget.forecast_usd)} of {money(amount)} by month end"
            ),
            source="billing",
            resource=budget.name,
            resource_key=budget.name,
            evidence=(
                f"forecast {money(budget.forecast_usd)} = {budget.forecast_pct:.0f}% of {money(amount)} "
                f"by {last_day:%d %b}{spent}{_largest(ctx, budget)} ({budget.basis})"
            ),
            usd_per_hour=cut,
            usd_per_month=overrun,
            fix=(
                f"{f'Cut about {money(cut)}/h' if cut else 'Cut spend'} for the rest of the month (the "
                "critical and waste findings first), or raise the budget if the growth is planned"
            ),
        )
