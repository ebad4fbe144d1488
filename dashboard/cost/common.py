"""What every estimator shares: the per-service result, the services' names, spans of time and pro-rating."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Annotated, Literal

import msgspec

from dashboard.models import Job, Snapshot
from dashboard.pricing import CONFIDENCE_ORDER, Confidence, PriceTable

ServiceName = str
"""A priced service: one of :data:`SERVICES`, or a registered source's own (its spec's ``cost``)."""
SERVICES: tuple[ServiceName, ...] = ("bigquery_on_demand", "bigquery_editions", "dataproc", "dataflow")
"""The built-in sources' services."""
UtcTime = Annotated[datetime, msgspec.Meta(tz=True, description="RFC 3339 date-time, UTC")]

SERVICE_TITLES: dict[str, str] = {
    "bigquery_on_demand": "BigQuery on-demand",
    "bigquery_editions": "BigQuery editions",
    "dataproc": "Dataproc",
    "dataflow": "Dataflow",
}

TIB = 2**40
GIB = 2**30
HOURS_PER_MONTH = 730.0
"""The hours of a month in Google's monthly prices (GiB-month)."""

BURN_WINDOW = timedelta(hours=1)
"""On-demand burn rate: the trailing window of finished jobs it is computed from."""


class ServiceCost(msgspec.Struct, frozen=True, kw_only=True):
    """The estimated cost of one service."""

    service: ServiceName
    title: str
    burn_rate_usd_per_hour: float
    """Estimated $ per hour, now."""
    window_spend_usd: float
    """Estimated $ spent within the snapshot's window."""
    items: int
    """How many things (jobs, reservations, clusters, Dataflow jobs) were priced."""
    unpriced: int = 0
    """Things that bill but could not be priced (unknown machine type, missing metrics)."""
    basis: str
    """How the figure was computed, in a sentence."""
    price_keys: tuple[str, ...] = ()
    confidence: Confidence = "high"
    """The lowest confidence among the prices used."""
    estimate: bool = True
    today_usd: float = 0.0
    """Estimated $ spent today (UTC) within the part of the day the snapshot's data covers."""


def window(snapshot: Snapshot) -> tuple[datetime, datetime]:
    """The span a snapshot's data covers: from its oldest job (or metric point) to ``snapshot.at``."""
    starts = [j.created for j in snapshot.jobs if j.created is not None]
    if not starts:
        series = (*snapshot.reservations.slot_usage, *snapshot.dataproc.series, *snapshot.dataflow.series)
        starts = [s.points[0].t for s in series if s.points]
    start = min(starts, default=snapshot.at)
    return min(start, snapshot.at), snapshot.at


def hours(a: datetime, b: datetime) -> float:
    """Hours from ``a`` to ``b`` (zero when ``b`` is not after ``a``)."""
    return max(0.0, (b - a).total_seconds() / 3600)


def overlap_hours(since: datetime | None, until: datetime | None, start: datetime, end: datetime) -> float:
    """Hours of ``[since, until]`` (open-ended when None) inside ``[start, end]``."""
    lo = start if since is None else max(since, start)
    hi = end if until is None else min(until, end)
    return hours(lo, hi)


def pro_rated(total: float, since: datetime | None, until: datetime, start: datetime, end: datetime) -> float:
    """The part of ``total`` (spent evenly from ``since`` to ``until``) that falls within ``[start, end]``.

    Without a ``since`` the whole total counts when ``until`` is inside the interval.
    """
    if since is None:
        return total if start <= until <= end else 0.0
    life = hours(since, until)
    if life <= 0:
        return total if start <= until <= end else 0.0
    return total * overlap_hours(since, until, start, end) / life


def lowest(prices: PriceTable, keys: Iterable[str]) -> Confidence:
    """The lowest confidence among the prices of ``keys``."""
    found = [prices.prices[k].confidence for k in keys if k in prices.prices]
    return min(found, key=CONFIDENCE_ORDER.__getitem__, default="high")


def day_start(moment: datetime) -> datetime:
    """Midnight (UTC) of the day of ``moment``."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def month_start(moment: datetime) -> datetime:
    """Midnight of the first day of the month of ``moment``."""
    return day_start(moment).replace(day=1)


def next_month(moment: datetime) -> datetime:
    """Midnight of the first day of the month after ``moment``'s."""
    first = month_start(moment)
    return (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )


ProjectMode = Literal["on-demand", "editions"]


@dataclass(frozen=True, eq=False)
class Inputs:
    """What every estimator reads: the snapshot, the prices, and each project's BigQuery billing mode.

    Built once per estimate; what several estimators derive from it (the on-demand jobs) is computed once.
    """

    snapshot: Snapshot
    prices: PriceTable
    modes: dict[str, ProjectMode] = field(default_factory=dict)
    """Per project, how its BigQuery queries are billed: from assignments, then config."""
    overrides: dict[str, ProjectMode] = field(default_factory=dict)
    """The modes set in config: they decide over each job's own reservation."""

    @cached_property
    def on_demand_jobs(self) -> list[tuple[Job, float]]:
        """Every job billed by bytes, with what its bytes cost (see :mod:`dashboard.cost.bigquery`)."""
        from dashboard.cost.bigquery import on_demand_jobs

        return on_demand_jobs(self)
