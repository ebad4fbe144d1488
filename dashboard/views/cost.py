"""The cost pane: burn rate, today, month-to-date and forecast, budgets, the estimate per service and the
bill next to it.

Every figure says what it is: *estimate* (from list prices, with the price table's version) or *billed*
(from the Cloud Billing export). The tables are built once here (:func:`sections`) and laid out by the pane,
the text report and the Markdown report alike.

Estimate vs billed compares like with like: each service over the same whole hours on both sides, from the
first hour the snapshot's data and the export's hourly rows both cover (across midnight) to the end of the
last hour *that service's* bill covers (its BILLED THROUGH: each service's export lags on its own). The
table's title gives the hours every service's bill covers (the laggiest service's end).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.cost import CostEstimate, ServiceCost, estimate
from dashboard.cost.billing import BILLED_ONLY, BILLING_SERVICES, GROUP_TITLES, STORAGE_READ, BillingSummary
from dashboard.models import Snapshot, SourceStatus
from dashboard.pricing import PriceTable

if TYPE_CHECKING:
    from dashboard.config import Config
from dashboard.views import fmt
from dashboard.views.collect import source_status
from dashboard.views.columns import Column, Row, heading, table
from dashboard.views.cost_breakdown import breakdown_table
from dashboard.views.status import badge

COLUMNS = (
    Column("SERVICE", "service", min_width=18),
    Column("$/H NOW", "burn_rate_usd_per_hour", justify="right"),
    Column("TODAY", "today_usd", justify="right"),
    Column("SPEND IN WINDOW", "window_spend_usd", justify="right"),
    Column("PRICED", "items", justify="right"),
    Column("UNPRICED", "unpriced", justify="right"),
    Column("CONFIDENCE", "confidence"),
    Column("HOW", "basis", max_width=70, wrap=True),
)

BILLED_COLUMNS = (
    Column("SERVICE", "service", min_width=18),
    Column("BILLED MTD", "mtd_usd", justify="right"),
    Column("BILLED TODAY", "today_usd", justify="right"),
    Column("CREDITS MTD", "credits_usd", justify="right"),
    Column("BILLED THROUGH", "billed_through", justify="right"),
    Column("CHECKED: ESTIMATE", "estimate_usd", justify="right"),
    Column("BILLED", "billed_usd", justify="right"),
    Column("DIFFERENCE", "difference_usd", justify="right"),
    Column("DIFF %", "difference_pct", justify="right"),
)

MONTH_COLUMNS = (
    Column("SERVICE", "service", min_width=18),
    Column("MONTH TO DATE", "mtd_usd", justify="right"),
    Column("FORECAST", "forecast_usd", justify="right"),
    Column("$/H ASSUMED", "rate_usd_per_hour", justify="right"),
)

BUDGET_COLUMNS = (
    Column("BUDGET", "name", min_width=12),
    Column("AMOUNT", "amount_usd", justify="right"),
    Column("SPENT", "spent_usd", justify="right"),
    Column("SPENT %", "spent_pct", justify="right"),
    Column("FORECAST", "forecast_usd", justify="right"),
    Column("FORECAST %", "forecast_pct", justify="right"),
    Column("FROM", "source"),
    Column("SERVICES", "services", max_width=50, wrap=True),
)

_BILLED_GROUPS = tuple(key for key in GROUP_TITLES if key not in BILLED_ONLY and BILLING_SERVICES.get(key))
"""The estimated groups the bill has lines for (BigQuery ML is billed as ``BigQuery``: on the on-demand
line); the billed-only groups (Storage Read, other) come after them."""

DAY_COLUMNS = (
    Column("DAY", "day"),
    *(Column(GROUP_TITLES[key].upper(), key, justify="right") for key in _BILLED_GROUPS),
    Column("STORAGE READ", STORAGE_READ, justify="right"),
    Column("OTHER", "other", justify="right"),
    Column("TOTAL", "total_usd", justify="right"),
)

ATTRIBUTION_COLUMNS = (
    Column("BY", "dimension"),
    Column("WHO / WHAT", "key", max_width=50),
    Column("ESTIMATE", "usd", justify="right"),
    Column("JOBS", "jobs", justify="right"),
)

_CONFIDENCE_STYLE = {"high": "green", "medium": "yellow", "low": "red"}
DAYS_SHOWN = 7


class CostTable(NamedTuple):
    """One table of the pane: its title (which says estimate or billed), columns, rows."""

    title: str
    columns: tuple[Column, ...]
    rows: list[Row]
    empty: str = "none"


def signed(usd: float | None) -> str:
    """A difference in dollars with its sign: ``+$1.20``, ``-$0.35``; under half a cent is ``$0.00``."""
    if usd is None:
        return fmt.DASH
    if abs(usd) < 0.005:
        return "$0.00"
    return ("+" if usd > 0 else "-") + fmt.money(abs(usd))


def signed_pct(pct: float | None) -> str:
    """A percentage with its sign; under 0.05 % is ``0.0%``."""
    if pct is None:
        return fmt.DASH
    if abs(pct) < 0.05:
        return "0.0%"
    return ("+" if pct > 0 else "") + fmt.pct(pct)


def price_label(cost: CostEstimate) -> str:
    """``price table 2026.12.1`` (``+ N overrides`` when the config replaced prices)."""
    n = len(cost.price_overrides)
    return f"price table {cost.price_version}" + (f" + {n} override(s)" if n else "")


def service_row(service: ServiceCost) -> Row:
    """One service as a table row."""
    return Row.of(
        service.service,
        [
            service.title,
            fmt.rate(service.burn_rate_usd_per_hour),
            fmt.money(service.today_usd),
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
            Text(fmt.money(cost.today_usd), style="bold"),
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


def _hhmm(moment: datetime | None) -> str:
    return fmt.DASH if moment is None else f"{moment:%Y-%m-%d %H:%M}"


def through_label(moment: datetime | None, ref: datetime | None) -> str:
    """``14:00``, or ``25 Nov 23:00`` when not on the day of ``ref``."""
    if moment is None:
        return fmt.DASH
    return f"{moment:%H:%M}" if ref is not None and moment.date() == ref.date() else f"{moment:%d %b %H:%M}"


def billed_rows(bill: BillingSummary) -> list[Row]:
    """Per service group: billed month-to-date and today, and the estimate checked against the bill."""
    checks = {c.service: c for c in bill.checks}
    rows = []
    for s in bill.services:
        c = checks.get(s.service)
        off = c is not None and c.difference_pct is not None and abs(c.difference_pct) > 20
        rows.append(
            Row.of(
                s.service,
                [
                    s.title,
                    fmt.money(s.mtd_usd),
                    fmt.money(s.today_usd),
                    signed(s.credits_usd) if s.credits_usd else fmt.DASH,
                    through_label(s.billed_through, bill.check_end or bill.billed_through),
                    fmt.money(c.estimate_usd) if c else fmt.DASH,
                    fmt.money(c.billed_usd) if c else fmt.DASH,
                    Text(signed(c.difference_usd) if c else fmt.DASH, style="yellow" if off else ""),
                    Text(signed_pct(c.difference_pct) if c else fmt.DASH, style="yellow" if off else ""),
                ],
            )
        )
    rows.append(
        Row.of(
            "total",
            [
                Text("Total", style="bold"),
                Text(fmt.money(bill.mtd_usd), style="bold"),
                Text(fmt.money(bill.today_usd), style="bold"),
                None,
                through_label(bill.billed_through, bill.check_end or bill.billed_through),
                fmt.money(bill.check_estimate_usd) if bill.checks else fmt.DASH,
                fmt.money(bill.check_billed_usd) if bill.checks else fmt.DASH,
                signed(bill.check_estimate_usd - bill.check_billed_usd) if bill.checks else fmt.DASH,
                signed_pct(
                    (bill.check_estimate_usd - bill.check_billed_usd) / bill.check_billed_usd * 100
                    if bill.check_billed_usd > 0
                    else None
                ),
            ],
        )
    )
    return rows


def day_rows(bill: BillingSummary, days: int = DAYS_SHOWN) -> list[Row]:
    """The last ``days`` days of the bill, newest first, per service group."""
    rows = []
    for day in reversed(bill.days[-days:]):
        label = f"{day.day:%a %d %b}" + ("" if day.complete else " (so far)")
        cells: list[Text | str | None] = [label]
        cells += [fmt.money(day.usd.get(key, 0.0)) for key in _BILLED_GROUPS]
        cells += [fmt.money(day.usd.get(key, 0.0)) for key in BILLED_ONLY]
        cells.append(Text(fmt.money(day.total_usd), style="bold"))
        rows.append(Row.of(day.day.isoformat(), cells))
    return rows


def summary_line(cost: CostEstimate) -> Text:
    """Burn rate, today, month-to-date and forecast, each with what it is."""
    month = cost.month
    out = Text.assemble(
        ("Burn rate ", "bold"),
        (fmt.rate(cost.burn_rate_usd_per_hour), "bold yellow"),
        (" estimate", "dim"),
        " · today ",
        (fmt.money(cost.today_usd), "bold"),
        (f" estimate since {fmt.when(cost.today_start)} UTC" if cost.today_start else " estimate", "dim"),
    )
    if cost.billing is not None:
        out.append_text(
            Text.assemble(" · billed today ", (fmt.money(cost.billing.today_usd), "bold"), (" billed", "dim"))
        )
    if month is not None:
        mtd = "unknown (no billing export)" if month.mtd_usd is None else fmt.money(month.mtd_usd)
        out.append_text(
            Text.assemble(
                f" · {month.month} to date ",
                (mtd, "bold"),
                (f" {month.mtd_basis}" if month.mtd_usd is not None else "", "dim"),
                " · month-end forecast ",
                (fmt.money(month.forecast_usd), "bold"),
                (" billed + estimate" if month.mtd_usd is not None else " estimate (run rate)", "dim"),
            )
        )
    return out


def sections(cost: CostEstimate) -> list[CostTable]:
    """Every table of the pane, in order, each titled with what its figures are."""
    label = price_label(cost)
    out = [
        CostTable(
            f"Per service (estimate, {label})", COLUMNS, [*map(service_row, cost.services), total_row(cost)]
        ),
        *(CostTable(*breakdown_table(s)) for s in cost.services if s.breakdown),
    ]
    month = cost.month
    if month is not None:
        out.append(
            CostTable(
                f"{month.month}: month to date ({month.mtd_basis}) and forecast",
                MONTH_COLUMNS,
                [
                    Row.of(
                        g.service,
                        [
                            g.title,
                            fmt.money(g.mtd_usd),
                            fmt.money(g.forecast_usd),
                            fmt.rate(g.rate_usd_per_hour),
                        ],
                    )
                    for g in month.services
                ],
            )
        )
    if cost.budgets:
        out.append(
            CostTable(
                "Budgets (spent and forecast: " + ("billed + estimate" if cost.billing else "estimate") + ")",
                BUDGET_COLUMNS,
                [
                    Row.of(
                        b.name,
                        [
                            b.name,
                            fmt.money(b.amount_usd),
                            fmt.money(b.spent_usd),
                            fmt.pct(b.spent_pct),
                            Text(fmt.money(b.forecast_usd), style="bold red" if b.over else ""),
                            Text(fmt.pct(b.forecast_pct), style="bold red" if b.over else ""),
                            b.source,
                            ", ".join(GROUP_TITLES.get(s, s) for s in b.services)
                            + (f" (unknown: {', '.join(b.unmatched)})" if b.unmatched else ""),
                        ],
                    )
                    for b in cost.budgets
                ],
            )
        )
    bill = cost.billing
    if bill is not None:
        since = through_label(bill.check_start, bill.billed_through)
        checked = (
            f"from {since} UTC to each service's billed-through"
            if bill.check_start and bill.check_end
            else "no full hour both cover yet"
        )
        out.append(
            CostTable(
                f"Billed (billing export through {_hhmm(bill.billed_through)} UTC for every service) "
                f"vs estimate ({checked})",
                BILLED_COLUMNS,
                billed_rows(bill),
            )
        )
        out.append(CostTable("Billed per day (billed, net of credits)", DAY_COLUMNS, day_rows(bill)))
    if cost.on_demand_by:
        out.append(
            CostTable(
                "BigQuery on-demand in the window by project, principal, label (estimate)",
                ATTRIBUTION_COLUMNS,
                [
                    Row.of(
                        f"{a.dimension}:{a.key}", [a.dimension, a.key, fmt.money(a.usd), fmt.count(a.jobs)]
                    )
                    for a in cost.on_demand_by
                    if a.dimension != "label" or a.usd > 0
                ][:15],
            )
        )
    return out


def no_bill_line(billing: SourceStatus | None) -> Text:
    """Why there are no billed figures: the billing source off (not configured), failing or still read."""
    if billing is None or billing.state == "off":
        return Text("No billed figures: set [billing] export_table to check the estimate.", style="dim")
    if billing.state == "loading":
        return Text("No billed figures yet: the billing export is being read.", style="dim")
    return Text("No billed figures: the billing export could not be read (the reason is above).", style="red")


def render_estimate(
    cost: CostEstimate, snapshot: Snapshot | None = None, now: datetime | None = None
) -> RenderableType:
    """The pane from an estimate; with ``snapshot`` and ``now``, its heading carries the billing source's
    badge (its state, data age and reason)."""
    notes = Text()
    for note in cost.notes:
        notes.append(f"• {note}\n", style="dim")
    top = heading("Cost", f"estimate: {price_label(cost)} · window {window_label(cost)}")
    billing = None
    if snapshot is not None and now is not None:
        billing = source_status(snapshot, "billing")
        top.append("  ")
        top.append_text(badge(snapshot, "billing", now))
    parts: list[RenderableType] = [top, summary_line(cost)]
    for part in sections(cost):
        parts += [Text(""), table(part.columns, part.rows, title=part.title)]
    if cost.billing is None:
        parts += [Text(""), no_bill_line(billing)]
    return Group(*parts, Text(""), notes)


def render(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable | None = None, config: Config | None = None
) -> RenderableType:
    """The cost pane."""
    return render_estimate(estimate(snapshot, prices, config=config), snapshot, now)
