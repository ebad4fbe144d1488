"""The cost pane: the estimated burn rate and spend per service, with how each figure was computed."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.cost import CostEstimate, ServiceCost, estimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.views import fmt
from dashboard.views.columns import Column, Row, heading, table

COLUMNS = (
    Column("SERVICE", "service", min_width=18),
    Column("$/H NOW", "burn_rate_usd_per_hour", justify="right"),
    Column("SPEND IN WINDOW", "window_spend_usd", justify="right"),
    Column("PRICED", "items", justify="right"),
    Column("UNPRICED", "unpriced", justify="right"),
    Column("CONFIDENCE", "confidence"),
    Column("HOW", "basis", max_width=70, wrap=True),
)

_CONFIDENCE_STYLE = {"high": "green", "medium": "yellow", "low": "red"}


def service_row(service: ServiceCost) -> Row:
    """One service as a table row."""
    return Row.of(
        service.service,
        [
            service.title,
            fmt.rate(service.burn_rate_usd_per_hour),
            fmt.money(service.window_spend_usd),
            fmt.count(service.items),
            Text(fmt.count(service.unpriced), style="yellow" if service.unpriced else "dim"),
            Text(service.confidence, style=_CONFIDENCE_STYLE.get(service.confidence, "")),
            service.basis,
        ],
    )


def total_row(cost: CostEstimate) -> Row:
    """The total of every service."""
    return Row.of(
        "total",
        [
            Text("Total", style="bold"),
            Text(fmt.rate(cost.burn_rate_usd_per_hour), style="bold"),
            Text(fmt.money(cost.window_spend_usd), style="bold"),
            None,
            None,
            None,
            None,
        ],
    )


def window_label(cost: CostEstimate) -> str:
    """``06:00-09:00 UTC (3h00m)`` (an en dash between), with dates when the window spans more than a day."""
    dated = fmt.needs_dates(cost.window_start, cost.window_end)
    start = fmt.when(cost.window_start, dated=dated)
    end = fmt.when(cost.window_end, dated=dated)
    return f"{start}–{end} UTC ({fmt.duration(cost.window_hours * 3600)})"


def render_estimate(cost: CostEstimate) -> RenderableType:
    """The pane from an estimate."""
    notes = Text()
    for note in cost.notes:
        notes.append(f"• {note}\n", style="dim")
    return Group(
        heading("Cost (estimate)", f"price table {cost.price_version} · window {window_label(cost)}"),
        table(COLUMNS, [*(service_row(s) for s in cost.services), total_row(cost)]),
        notes,
    )


def render(snapshot: Snapshot, now: datetime, *, prices: PriceTable | None = None) -> RenderableType:
    """The cost pane."""
    return render_estimate(estimate(snapshot, prices))
