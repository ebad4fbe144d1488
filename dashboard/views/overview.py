"""The overview pane: what the platform costs per hour now, what runs, and whether every source answers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard import registry
from dashboard.cost import SERVICE_TITLES, CostEstimate, estimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable

if TYPE_CHECKING:
    from dashboard.config import Config
    from dashboard.insights import Insight
from dashboard.views import cost as cost_view
from dashboard.views import fmt, plugins, status
from dashboard.views import insights as insights_view
from dashboard.views.collect import overview_section, sources_section
from dashboard.views.columns import Column, Row, heading, table
from dashboard.views.fmt import visible
from dashboard.views.items import Overview

BURN_COLUMNS = (
    Column("SERVICE", "service", min_width=18),
    Column("$/H NOW", "usd_per_hour", justify="right"),
    Column("SHARE", "share", justify="right"),
)

CHECK_COLUMNS = (
    Column("SERVICE", "service", min_width=18),
    Column("HOURS (UTC)", "hours"),
    Column("ESTIMATE", "estimate_usd", justify="right"),
    Column("BILLED", "billed_usd", justify="right"),
    Column("DIFFERENCE", "difference_usd", justify="right"),
    Column("DIFF %", "difference_pct", justify="right"),
)

RUNNING_COLUMNS = (
    Column("WHAT", "what", min_width=18),
    Column("NOW", "now", justify="right"),
    Column("DETAIL", "detail"),
)


def burn_rows(overview: Overview) -> list[Row]:
    """Burn rate per service with its share of the total."""
    total = overview.burn_rate_usd_per_hour
    return [
        Row.of(
            service,
            [
                SERVICE_TITLES.get(service, service),
                fmt.rate(usd),
                fmt.pct(usd / total * 100) if total > 0 else fmt.DASH,
            ],
        )
        for service, usd in overview.burn_rate_by_service.items()
    ]


def warn_style(n: int, style: str = "yellow") -> str:
    """``style`` when there are ``n`` things that need attention, dim when none."""
    return style if n else "dim"


def running_rows(overview: Overview) -> list[Row]:
    """Counts of what runs, with what needs attention highlighted: each registered source's lines (its
    spec's ``running``), in the order they are shown."""
    out: list[Row] = []
    for spec in registry.sources():
        if spec.running:
            out += spec.report_hook(spec.running)(overview)
    return out


def check_rows(cost: CostEstimate) -> list[Row]:
    """Per service: the estimate and the bill over the same hours (up to where that service's bill ends),
    and the difference."""
    if cost.billing is None:
        return []
    return [
        Row.of(
            c.service,
            [
                c.title,
                f"{c.start:%H:%M}–{cost_view.through_label(c.end, c.start)}",
                fmt.money(c.estimate_usd),
                fmt.money(c.billed_usd),
                cost_view.signed(c.difference_usd),
                cost_view.signed_pct(c.difference_pct),
            ],
        )
        for c in cost.billing.checks
    ]


def check_title(cost: CostEstimate) -> str:
    """The check's title: each service is compared over the same hours on both sides, up to where its own
    bill ends (its row's HOURS)."""
    bill = cost.billing
    if bill is None or bill.check_start is None:
        return "Estimate vs billed"
    return "Estimate vs billed, each service over the hours its bill covers"


def budget_lines(cost: CostEstimate) -> list[Text]:
    """A line per budget: spent and forecast against the amount, with their basis."""
    return [
        Text.assemble(
            ("Budget ", "bold"),
            visible(b.name),
            f": {fmt.money(b.spent_usd)} of {fmt.money(b.amount_usd)} spent, forecast ",
            (fmt.money(b.forecast_usd), "bold red" if b.over else "bold"),
            (
                f" ({fmt.pct(b.forecast_pct)})" if b.forecast_pct is not None else "",
                "bold red" if b.over else "",
            ),
            (" billed + estimate" if cost.billing is not None else " estimate", "dim"),
        )
        for b in cost.budgets
    ]


TOP_INSIGHTS = 5
"""How many insights the overview lists (the Insights pane has them all)."""


def render_overview(
    overview: Overview,
    cost: CostEstimate,
    snapshot: Snapshot,
    now: datetime,
    insights: Sequence[Insight] | None = None,
) -> RenderableType:
    """The pane from already collected data; with ``insights`` (the app's), the first
    :data:`TOP_INSIGHTS` of them and the count per severity under the burn rate."""
    month = cost_view.summary_line(cost)  # burn rate, today, month to date, forecast
    checks: list[RenderableType] = []
    bill = cost.billing
    if bill is not None and bill.checks:
        checks = [Text(""), table(CHECK_COLUMNS, check_rows(cost), title=check_title(cost))]
    budgets = budget_lines(cost)
    top: list[RenderableType] = []
    if insights is not None:
        top = [Text(""), insights_view.top(insights, TOP_INSIGHTS)]
    return Group(
        heading(
            "Overview",
            f"{snapshot.mode} · {now:%Y-%m-%d %H:%M:%S} UTC · price table {overview.price_version}",
        ),
        month,
        *budgets,
        *top,
        *checks,
        Text(""),
        table(BURN_COLUMNS, burn_rows(overview), title="Burn rate per service (estimate)"),
        Text(""),
        table(
            RUNNING_COLUMNS, [*running_rows(overview), *plugins.running_rows(snapshot, now)], title="Running"
        ),
        Text(""),
        table(
            status.COLUMNS,
            status.rows(sources_section(snapshot, now)),
            title=f"Sources ({overview.sources_ok}/{overview.sources_total} ok)",
            wide=False,
        ),
    )


def render(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable | None = None, config: Config | None = None
) -> RenderableType:
    """The overview pane."""
    cost = estimate(snapshot, prices, config=config)
    return render_overview(overview_section(snapshot, cost), cost, snapshot, now)
