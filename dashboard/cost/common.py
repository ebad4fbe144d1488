"""What every estimator shares: the per-service result, the services' names, spans of time and pro-rating."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

import msgspec

from dashboard import registry
from dashboard.models import MetricSeries, Snapshot
from dashboard.pricing import CONFIDENCE_ORDER, Confidence, PriceTable

ServiceName = str
"""A priced service: one of :data:`SERVICES`, or a registered source's own (its spec's ``cost``)."""
SERVICES: tuple[ServiceName, ...] = tuple(s.name for spec in registry.sources() for s in spec.services)
"""The services the sources' estimators price and the billing export is checked against, in the sources'
order (their specs' ``services``)."""
UtcTime = Annotated[datetime, msgspec.Meta(tz=True, description="RFC 3339 date-time, UTC")]

SERVICE_TITLES: dict[str, str] = {s.name: s.title for spec in registry.sources() for s in spec.services}
"""Each service's title."""


def service_title(service: ServiceName) -> str:
    """A service's title (its name when no spec declares it)."""
    return SERVICE_TITLES.get(service, service)


TIB = 2**40
GIB = 2**30
HOURS_PER_MONTH = 730.0
"""The hours of a month in Google's monthly prices (GiB-month)."""

BURN_WINDOW = timedelta(hours=1)
"""On-demand burn rate: the trailing window of finished jobs it is computed from."""


class CostItem(msgspec.Struct, frozen=True, kw_only=True):
    """One part of a service's estimate priced on its own (a Pub/Sub topic): a row under its line."""

    key: str
    """What it is, as its pane names it (``project/topic_id``)."""
    burn_rate_usd_per_hour: float
    window_spend_usd: float
    basis: str = ""
    """What was priced, in a few words."""


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
    breakdown_by: str = ""
    """What :attr:`breakdown`'s rows are (``topic``); empty without a breakdown."""
    breakdown: tuple[CostItem, ...] = ()
    """Its estimate per item (costliest first), the rows adding up to the line."""


class Attribution(msgspec.Struct, frozen=True, kw_only=True):
    """Estimated on-demand spend of one project, principal or label within the snapshot's window."""

    dimension: Literal["project", "principal", "label"]
    key: str
    """The project id, the principal's email, or ``key=value`` of a label."""
    usd: float
    jobs: int


def window(snapshot: Snapshot) -> tuple[datetime, datetime]:
    """The span a snapshot's data covers: from its oldest job, hour bucket (organisation mode) or metric
    point to ``snapshot.at``: the earliest moment of the sources whose moments decide first (their specs'
    ``window_first``), else of every other source's ``window_from``."""
    specs = [s for s in registry.sources() if s.window_from is not None]
    starts: list[datetime] = []
    for first in (True, False):
        for spec in specs:
            if spec.window_first is first and spec.window_from is not None:
                data = getattr(snapshot, spec.name) if spec.builtin else spec.data_in(snapshot)
                starts += spec.window_from(data)
        if first and snapshot.job_aggregates is not None:  # organisation mode: BigQuery's hour buckets
            starts += [b.hour for b in snapshot.job_aggregates.buckets]
        if starts:
            break
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

    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, name: str, compute: Callable[[Inputs], _T]) -> _T:
        """``compute(self)``, computed once per estimate under ``name`` (what several estimators derive
        from the inputs, e.g. the on-demand jobs)."""
        if name not in self._memo:
            self._memo[name] = compute(self)
        found: _T = self._memo[name]
        return found


_T = TypeVar("_T")

Spend = Callable[[Inputs, datetime, datetime], float]
"""An estimator's spend within an interval."""


@dataclass(frozen=True)
class Estimator:
    """A source's part of the cost estimate (its spec names it: ``estimator = "module:ESTIMATOR"``)."""

    cost: Callable[[Inputs, datetime, datetime], tuple[ServiceCost | Sequence[ServiceCost], list[str]]]
    """``cost(inputs, window_start, today_start)``: its service's line (or its services' lines) and notes."""
    spend: Mapping[ServiceName, Spend] = field(default_factory=dict)
    """Per service it prices, its estimated spend within an interval (checked against the bill, and the
    month's forecast)."""
    modes: Callable[[Snapshot, Mapping[str, str]], dict[str, ProjectMode]] | None = None
    """Each project's BigQuery billing mode from the snapshot, over the config's overrides."""
    extra: Callable[[Inputs, datetime, datetime], dict[str, Any]] | None = None
    """Fields of the estimate it fills, from the window."""
    late_notes: Callable[[Snapshot], list[str]] | None = None
    """Notes that come after the price overrides'."""


def normal_modes(overrides: Mapping[str, str]) -> dict[str, ProjectMode]:
    """``[cost] project_modes`` as modes (``on-demand``, ``ondemand``, ``on_demand`` or ``editions``,
    any case); other values are left out."""
    modes: dict[str, ProjectMode] = {}
    for project, wanted in overrides.items():
        normal = wanted.strip().lower().replace("_", "-").replace("ondemand", "on-demand")
        if normal in ("on-demand", "editions"):
            modes[project] = "on-demand" if normal == "on-demand" else "editions"
    return modes


def edition_key(edition: str | None, term: str = "payg") -> str:
    """The price key of a BigQuery edition's slot-hour (``payg``, ``1yr`` or ``3yr``).

    Unknown editions are priced as Enterprise.
    """
    name = (edition or "").upper()
    if name not in ("STANDARD", "ENTERPRISE", "ENTERPRISE_PLUS"):
        name = "ENTERPRISE"
    return f"bigquery.editions.{name.lower()}.{term}"


def series_index(series: Iterable[MetricSeries]) -> dict[tuple[str, str], MetricSeries]:
    """Monitoring series by (metric, key)."""
    return {(s.metric, s.key): s for s in series}
