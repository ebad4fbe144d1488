"""The bill: actual spend from the Cloud Billing export, per service, and the estimate checked against it.

Billing names services by ``service.description``; gcpdash's estimate groups them as it prices them:
``BigQuery`` is on-demand analysis, ``BigQuery Reservation API`` the editions' slots, ``Cloud Dataproc`` the
premium and ``Compute Engine`` the clusters' VMs (and any other VM of the projects), ``Cloud Dataflow`` the
pipelines. Everything else billed is ``other``: shown, never estimated.

The check compares, service by service, the estimate and the bill over the whole hours both cover: from the
first full hour of the snapshot's data to the last hour the export has delivered.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, timedelta

import msgspec

from dashboard.cost.common import SERVICE_TITLES, SERVICES, Inputs, UtcTime, day_start, hours
from dashboard.models import BillingData, BillingRow

BILLING_SERVICES: dict[str, tuple[str, ...]] = {
    "bigquery_on_demand": ("BigQuery",),
    "bigquery_editions": ("BigQuery Reservation API",),
    "dataproc": ("Cloud Dataproc", "Compute Engine"),
    "dataflow": ("Cloud Dataflow",),
}
"""Per estimated service, the billing ``service.description`` values it corresponds to."""

OTHER = "other"
GROUP_TITLES: dict[str, str] = {**SERVICE_TITLES, OTHER: "Other services (billed only)"}
GROUPS: tuple[str, ...] = (*SERVICES, OTHER)

_BY_DESCRIPTION = {d.lower(): s for s, ds in BILLING_SERVICES.items() for d in ds}

Spend = Callable[[Inputs, datetime, datetime], float]
"""An estimator's spend within an interval."""


def group_of(description: str) -> str:
    """The estimated service a billing service belongs to, or ``other``."""
    return _BY_DESCRIPTION.get(description.strip().lower(), OTHER)


class DayBill(msgspec.Struct, frozen=True, kw_only=True):
    """Net billed $ of one day, per service group."""

    day: date
    usd: dict[str, float]
    """Per group (``bigquery_on_demand`` … ``other``); groups without cost are left out."""
    total_usd: float
    complete: bool
    """False for today, and for a day the export has not finished delivering."""


class BilledService(msgspec.Struct, frozen=True, kw_only=True):
    """What the bill says about one service group this month."""

    service: str
    title: str
    billing_services: tuple[str, ...]
    """The ``service.description`` values seen in the export for it."""
    mtd_usd: float
    """Net billed month-to-date (invoice month), credits included."""
    today_usd: float
    """Net billed today so far (the export lags: usually hours behind)."""
    credits_usd: float
    """Credits month-to-date (zero or negative), already in ``mtd_usd``."""


class ServiceCheck(msgspec.Struct, frozen=True, kw_only=True):
    """The estimate of one service next to the bill, over the same hours."""

    service: str
    title: str
    estimate_usd: float
    billed_usd: float
    difference_usd: float
    """estimate - billed: positive when the estimate is too high."""
    difference_pct: float | None
    """The difference as a percentage of the bill (None when nothing was billed)."""


class BillingSummary(msgspec.Struct, frozen=True, kw_only=True):
    """Actual spend from the billing export, and the estimate checked against it."""

    billed: bool = True
    """Always true: these figures come from the bill, not from list prices."""
    invoice_month: str | None
    currency: str
    exported_through: UtcTime | None
    """The newest export time: cost after it is not billed yet."""
    billed_through: UtcTime | None
    """End of the last hour the export has delivered."""
    mtd_usd: float
    today_usd: float
    services: tuple[BilledService, ...]
    days: tuple[DayBill, ...]
    """Each day of the month so far, oldest first."""
    check_start: UtcTime | None
    check_end: UtcTime | None
    """The hours both the estimate and the bill cover (None when they share no full hour)."""
    checks: tuple[ServiceCheck, ...]
    check_estimate_usd: float
    check_billed_usd: float


def _end(row: BillingRow) -> datetime:
    return row.start + timedelta(hours=row.hours)


def billed_through(data: BillingData) -> datetime | None:
    """End of the last complete hour the export delivered: the end of the newest hourly row, at most the
    export time rounded down to the hour."""
    ends = [_end(r) for r in data.rows if r.hours == 1]
    if not ends:
        ends = [_end(r) for r in data.rows]
    if not ends:
        return None
    newest = max(ends)
    if data.exported_through is not None:
        newest = min(newest, data.exported_through.replace(minute=0, second=0, microsecond=0))
    return newest


def billed_between(data: BillingData, group: str, start: datetime, end: datetime) -> float:
    """Net billed $ of a group from rows entirely within ``[start, end]`` (hourly rows for part of a day)."""
    return sum(
        r.net for r in data.rows if start <= r.start and _end(r) <= end and group_of(r.service) == group
    )


def _ceil_hour(moment: datetime) -> datetime:
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(hours=1)


def summarize(
    data: BillingData, inputs: Inputs, window_start: datetime, spend: dict[str, Spend]
) -> BillingSummary:
    """The bill of the month so far, per group and per day, and each estimator checked against it.

    Args:
        data: The latest billing export result.
        inputs: What the estimators read.
        window_start: Where the snapshot's data begins.
        spend: Per estimated service, its spend within an interval.
    """
    at = inputs.snapshot.at
    today = day_start(at)
    mtd: dict[str, float] = dict.fromkeys(GROUPS, 0.0)
    credits: dict[str, float] = dict.fromkeys(GROUPS, 0.0)
    today_usd: dict[str, float] = dict.fromkeys(GROUPS, 0.0)
    names: dict[str, set[str]] = {g: set() for g in GROUPS}
    by_day: dict[date, dict[str, float]] = {}
    currency = "USD"
    for row in data.rows:
        group = group_of(row.service)
        currency = row.currency or currency
        names[group].add(row.service)
        mtd[group] += row.net
        credits[group] += row.credits
        if row.start >= today:
            today_usd[group] += row.net
        day = row.start.date()
        by_day.setdefault(day, dict.fromkeys(GROUPS, 0.0))[group] += row.net
    through = billed_through(data)
    days = tuple(
        DayBill(
            day=day,
            usd={g: v for g, v in usd.items() if v},
            total_usd=sum(usd.values()),
            complete=through is not None
            and through >= datetime.combine(day, datetime.min.time(), at.tzinfo) + timedelta(days=1),
        )
        for day, usd in sorted(by_day.items())
    )
    check_start = _ceil_hour(window_start)
    check_end = min(at.replace(minute=0, second=0, microsecond=0), through) if through else None
    checks: list[ServiceCheck] = []
    if check_end is not None and hours(check_start, check_end) >= 1:
        for service in SERVICES:
            est = spend[service](inputs, check_start, check_end)
            bill = billed_between(data, service, check_start, check_end)
            checks.append(
                ServiceCheck(
                    service=service,
                    title=SERVICE_TITLES[service],
                    estimate_usd=est,
                    billed_usd=bill,
                    difference_usd=est - bill,
                    difference_pct=(est - bill) / bill * 100 if bill > 0 else None,
                )
            )
    else:
        check_end = None
    return BillingSummary(
        invoice_month=data.invoice_month,
        currency=currency,
        exported_through=data.exported_through,
        billed_through=through,
        mtd_usd=sum(mtd.values()),
        today_usd=sum(today_usd.values()),
        services=tuple(
            BilledService(
                service=g,
                title=GROUP_TITLES[g],
                billing_services=tuple(sorted(names[g])),
                mtd_usd=mtd[g],
                today_usd=today_usd[g],
                credits_usd=credits[g],
            )
            for g in GROUPS
            if names[g] or g != OTHER
        ),
        days=days,
        check_start=check_start if check_end is not None else None,
        check_end=check_end,
        checks=tuple(checks),
        check_estimate_usd=sum(c.estimate_usd for c in checks),
        check_billed_usd=sum(c.billed_usd for c in checks),
    )


def complete_days_rate(summary: BillingSummary, group: str) -> float | None:
    """A group's average billed $/h over the month's complete days (None before the first one)."""
    complete = [d for d in summary.days if d.complete]
    if not complete:
        return None
    total = sum(d.usd.get(group, 0.0) for d in complete)
    return total / (24 * len(complete)) if not math.isnan(total) else None
