"""The bill: actual spend from the Cloud Billing export, per service, and the estimate checked against it.

Billing names services by ``service.description``; gcpdash's estimate groups them as it prices them:
``BigQuery`` is on-demand analysis, ``BigQuery Reservation API`` the editions' slots, ``Cloud Dataproc`` the
premium and ``Compute Engine`` the clusters' VMs (and any other VM of the projects), ``Cloud Dataflow`` the
pipelines. The Storage Read API's reads (SKU ``BigQuery Storage API - Read``, which the export query reports
apart) are a group of their own, ``bigquery_storage_read``: billed only, as no job metadata carries them.
Everything else billed is ``other``: shown, never estimated.

The check compares, service by service, the estimate and the bill over the same whole hours: from the first
full hour the snapshot's data, the export's hourly rows (the query asks for the last day per hour, across
midnight) and the invoice month all cover, to the end of the last hour *that service's* bill covers. Each
service's export lags on its own (BigQuery's by about an hour, Dataflow's by several), so each service is
checked up to its own ``billed_through``; a group of several billing services (Dataproc: ``Cloud Dataproc``
and ``Compute Engine``) up to the laggiest of them. The overall ``billed_through`` is the laggiest service's:
it never claims an hour some service's bill does not cover yet.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import msgspec

from dashboard import registry
from dashboard.cost.common import (
    SERVICE_TITLES,
    SERVICES,
    Inputs,
    Spend,
    UtcTime,
    day_start,
    hours,
    overlap_hours,
)
from dashboard.models import BillingData, BillingRow
from dashboard.queries import STORAGE_READ_SKU, invoice_month_bounds

BILLING_SERVICES: dict[str, tuple[str, ...]] = {
    s.name: s.billed_as for spec in registry.sources() for s in spec.services
}
"""Per estimated service, the billing ``service.description`` values it corresponds to (its spec's)."""

OTHER = "other"
STORAGE_READ = "bigquery_storage_read"
"""The Storage Read API's group: billed only (:data:`dashboard.queries.STORAGE_READ_SKU`)."""
GROUP_TITLES: dict[str, str] = {
    **SERVICE_TITLES,
    STORAGE_READ: "BigQuery Storage Read API (billed only, no estimate)",
    OTHER: "Other services (billed only)",
}
GROUPS: tuple[str, ...] = (*SERVICES, STORAGE_READ, OTHER)
BILLED_ONLY: tuple[str, ...] = (STORAGE_READ, OTHER)
"""The groups without an estimate: shown when billed."""

_BY_DESCRIPTION = {d.lower(): s for s, ds in BILLING_SERVICES.items() for d in ds}
_BY_DESCRIPTION[STORAGE_READ_SKU.lower()] = STORAGE_READ


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


class ServiceThrough(msgspec.Struct, frozen=True, kw_only=True):
    """How far one billing service's export has delivered."""

    service: str
    """``service.description``, as billing says it."""
    group: str
    """The service group it counts in (``bigquery_on_demand`` … ``other``)."""
    billed_through: UtcTime
    """End of the service's newest hourly row, at most its newest export time rounded down to the hour."""
    exported: UtcTime | None
    """The newest ``export_time`` of its rows."""


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
    billed_through: UtcTime | None
    """Where the group's bill ends: the laggiest of its billing services' (None when none has hourly rows:
    nothing says how far its export has delivered, so it is not checked)."""


class ServiceCheck(msgspec.Struct, frozen=True, kw_only=True):
    """The estimate of one service next to the bill, over the same hours."""

    service: str
    title: str
    start: UtcTime
    end: UtcTime
    """The hours compared: ``end`` is where this service's bill ends (or the last full hour)."""
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
    """End of the last hour the export has delivered for every service: the laggiest service's."""
    service_through: tuple[ServiceThrough, ...] = ()
    """Per billing service with hourly rows (or of an estimated group, lagging past them), where its bill
    ends; laggiest first."""
    hourly_from: UtcTime | None = None
    """Where the export's hourly rows begin (the query's ``@hourly_since``, at the earliest the invoice
    month's start): the check starts no earlier."""
    mtd_usd: float
    today_usd: float
    services: tuple[BilledService, ...]
    days: tuple[DayBill, ...]
    """Each day of the month so far, oldest first."""
    check_start: UtcTime | None
    check_end: UtcTime | None
    """The hours checked: from the first hour the estimate and the bill both cover to the latest service's
    ``end`` (each check says its own; None when they share no full hour)."""
    checks: tuple[ServiceCheck, ...]
    check_estimate_usd: float
    check_billed_usd: float


def _end(row: BillingRow) -> datetime:
    return row.start + timedelta(hours=row.hours)


def _floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _ceil_hour(moment: datetime) -> datetime:
    floor = _floor_hour(moment)
    return floor if floor == moment else floor + timedelta(hours=1)


def services_through(data: BillingData) -> tuple[ServiceThrough, ...]:
    """Per billing service with hourly rows, the end of its newest one, at most its newest export time rounded
    down to the hour; laggiest first.

    A service of an estimated group whose rows are all daily but were exported since the hourly rows begin
    lags past them: its export is delivering hours before they begin, so its bill ends there at the latest.
    """
    ends: dict[str, datetime] = {}
    exported: dict[str, datetime] = {}
    for r in data.rows:
        if r.exported is not None and (r.service not in exported or r.exported > exported[r.service]):
            exported[r.service] = r.exported
        if r.hours == 1 and (r.service not in ends or _end(r) > ends[r.service]):
            ends[r.service] = _end(r)
    since = hourly_from(data)
    for name, newest in exported.items():
        if name not in ends and since is not None and newest >= since and group_of(name) not in BILLED_ONLY:
            ends[name] = since
    out = [
        ServiceThrough(
            service=name,
            group=group_of(name),
            billed_through=min(end, _floor_hour(exported[name])) if name in exported else end,
            exported=exported.get(name),
        )
        for name, end in ends.items()
    ]
    return tuple(sorted(out, key=lambda t: (t.billed_through, t.service)))


def billed_through(data: BillingData) -> datetime | None:
    """End of the last complete hour the export delivered for every service: the laggiest service's
    :func:`services_through`; without hourly rows, the end of the newest daily row, at most the export time
    rounded down to the hour."""
    per_service = services_through(data)
    if per_service:
        return per_service[0].billed_through
    ends = [_end(r) for r in data.rows]
    if not ends:
        return None
    newest = max(ends)
    if data.exported_through is not None:
        newest = min(newest, _floor_hour(data.exported_through))
    return newest


def group_through(per_service: tuple[ServiceThrough, ...]) -> dict[str, datetime | None]:
    """Per group, the laggiest of its billing services' ``billed_through``; None for a group without hourly
    rows (nothing says how far its export has delivered)."""
    out: dict[str, datetime | None] = dict.fromkeys(GROUPS)
    for t in per_service:  # laggiest first: the first of a group is its laggiest
        if out[t.group] is None:
            out[t.group] = t.billed_through
    return out


def billed_between(data: BillingData, group: str, start: datetime, end: datetime) -> float:
    """Net billed $ of a group from rows entirely within ``[start, end]`` (hourly rows for part of a day)."""
    return sum(
        r.net for r in data.rows if start <= r.start and _end(r) <= end and group_of(r.service) == group
    )


def hourly_from(data: BillingData) -> datetime | None:
    """Where the export's hourly rows begin: the query's ``@hourly_since`` (else the first hourly row), no
    earlier than the invoice month's start; None without either."""
    starts = [r.start for r in data.rows if r.hours == 1]
    hourly = data.hourly_since or min(starts, default=None)
    if hourly is None:
        return None
    if data.invoice_month is not None and len(data.invoice_month) == 6 and data.invoice_month.isdigit():
        hourly = max(hourly, invoice_month_bounds(data.invoice_month)[0])
    return hourly


def _checks(
    data: BillingData,
    inputs: Inputs,
    start: datetime,
    ends: dict[str, datetime | None],
    spend: dict[str, Spend],
) -> list[ServiceCheck]:
    """Each estimated service against its bill, from ``start`` to where its bill ends (at most the last full
    hour); a service without hourly rows, or whose bill covers no full hour since ``start``, is not
    checked."""
    checks: list[ServiceCheck] = []
    last_hour = _floor_hour(inputs.snapshot.at)
    for service in SERVICES:
        billed_to = ends[service]
        end = min(last_hour, billed_to) if billed_to is not None else None
        if end is None or hours(start, end) < 1:
            continue
        est = spend[service](inputs, start, end)
        bill = billed_between(data, service, start, end)
        checks.append(
            ServiceCheck(
                service=service,
                title=SERVICE_TITLES[service],
                start=start,
                end=end,
                estimate_usd=est,
                billed_usd=bill,
                difference_usd=est - bill,
                difference_pct=(est - bill) / bill * 100 if bill > 0 else None,
            )
        )
    return checks


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
    per_service = services_through(data)
    through = billed_through(data)
    ends = group_through(per_service)
    hourly = hourly_from(data)
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
    start = max(_ceil_hour(window_start), hourly) if hourly is not None else None
    checks = _checks(data, inputs, start, ends, spend) if start is not None else []
    return BillingSummary(
        invoice_month=data.invoice_month,
        currency=currency,
        exported_through=data.exported_through,
        billed_through=through,
        service_through=per_service,
        hourly_from=hourly,
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
                billed_through=ends[g],
            )
            for g in GROUPS
            # a service billed under another's name (BigQuery ML: "BigQuery") has no line of its own
            if names[g] or (g not in BILLED_ONLY and BILLING_SERVICES.get(g))
        ),
        days=days,
        check_start=checks[0].start if checks else None,
        check_end=max((c.end for c in checks), default=None),
        checks=tuple(checks),
        check_estimate_usd=sum(c.estimate_usd for c in checks),
        check_billed_usd=sum(c.billed_usd for c in checks),
    )


def complete_days_rate(summary: BillingSummary, group: str) -> float | None:
    """A group's average billed $/h over the month's complete days (None before the first one).

    A day counts the hours of it the invoice month holds: the month begins at midnight Pacific time, so its
    first UTC day holds 16 or 17 of them, and a day before it (usage billed late, in this invoice) none."""
    month = summary.invoice_month
    bounds = invoice_month_bounds(month) if month and len(month) == 6 and month.isdigit() else None
    total = 0.0
    covered = 0.0
    for d in summary.days:
        if not d.complete:
            continue
        start = datetime.combine(d.day, datetime.min.time(), UTC)
        span = overlap_hours(*bounds, start, start + timedelta(days=1)) if bounds else 24.0
        if span > 0:
            total += d.usd.get(group, 0.0)
            covered += span
    return total / covered if covered and not math.isnan(total) else None
