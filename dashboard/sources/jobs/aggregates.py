"""Organisation mode's totals: what BigQuery grouped by hour and dimension (:mod:`.org_sql`), kept per
location as hour buckets, merged poll after poll without ever re-aggregating jobs.

A poll re-reads its location from ``since`` (a whole hour) on: its buckets replace those hours, the older
hours are kept (:func:`merge_aggregates`). Prices stay out of the model: :func:`estimated_usd` prices the
on-demand bytes with the price table, overrides included.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from dashboard.models_aggregates import SUMS, Bucket, Dimension, JobAggregates, Totals

if TYPE_CHECKING:
    from dashboard.pricing import PriceTable


def merge_aggregates(
    old: JobAggregates | None, new: JobAggregates, *, keep_from: datetime | None = None
) -> JobAggregates:
    """``new``'s buckets over ``old``'s: in each location ``new`` read, the hours from its ``since`` on are
    replaced, the older ones kept (from the hour of ``keep_from`` on, when given: the store's window); the
    other locations' buckets stay as they were. Cost: O(buckets)."""
    if old is None or (old.scope, old.scope_id) != (new.scope, new.scope_id):
        return new
    since = {w.location: w.since for w in new.windows}
    first = hour_start(keep_from) if keep_from is not None else None
    kept = [
        b
        for b in old.buckets
        if (b.location not in since or b.hour < since[b.location]) and (first is None or b.hour >= first)
    ]
    windows = {w.location: w for w in old.windows} | {w.location: w for w in new.windows}
    return JobAggregates(
        scope=new.scope,
        scope_id=new.scope_id,
        view=new.view,
        windows=tuple(windows.values()),
        buckets=(*kept, *new.buckets),
    )


def totals(aggregates: JobAggregates, dim: Dimension, *, since: datetime | None = None) -> list[Totals]:
    """Per key of ``dim``, the sums of its hour buckets (from ``since`` on), costliest first (on-demand
    bytes, then slot time); the remainder (key None) last."""
    sums: dict[str | None, list[int]] = {}
    for b in _in(aggregates.buckets, dim, since):
        acc = sums.setdefault(b.key, [0] * len(SUMS))
        for n, name in enumerate(SUMS):
            acc[n] += getattr(b, name)
    rows = [Totals(key=k, **dict(zip(SUMS, a, strict=True))) for k, a in sums.items()]
    rows.sort(key=lambda t: (t.key is None, -t.ondemand_bytes, -t.slot_ms, t.key or ""))
    return rows


def _in(buckets: Iterable[Bucket], dim: str, since: datetime | None) -> Iterable[Bucket]:
    return (b for b in buckets if b.dim == dim and (since is None or b.hour >= since))


TIB = 1024**4


def reserved_usd(t: Totals | Bucket, prices: PriceTable) -> float:
    """The slot time of the jobs on a reservation times its edition's pay-as-you-go $/slot-hour: what a
    job's own cost attributes to it (``slot_attribution``), summed."""
    from dashboard.cost.common import edition_key

    slot_hours = (
        (t.standard_slot_ms, "STANDARD"),
        (t.enterprise_slot_ms, "ENTERPRISE"),
        (t.enterprise_plus_slot_ms, "ENTERPRISE_PLUS"),
    )
    return sum(ms / 3.6e6 * prices.value(edition_key(edition)) for ms, edition in slot_hours if ms)


def estimated_usd(ondemand_bytes: int, per_tib: float) -> float:
    """On-demand bytes billed times $/TiB (the price table's ``bigquery.on_demand.per_tib``)."""
    return ondemand_bytes / TIB * per_tib


def hour_start(moment: datetime) -> datetime:
    """The start of ``moment``'s hour (a bucket's ``hour``)."""
    return moment.replace(minute=0, second=0, microsecond=0)


def spend_between(aggregates: JobAggregates, per_tib: float, start: datetime, end: datetime) -> float:
    """Estimated on-demand spend of the hour buckets that begin in ``[hour of start, end]``: the ``total``
    rows' on-demand bytes times ``per_tib``."""
    first = hour_start(start)
    ondemand = sum(
        b.ondemand_bytes for b in aggregates.buckets if b.dim == "total" and first <= b.hour <= end
    )
    return estimated_usd(ondemand, per_tib)


def job_count(aggregates: JobAggregates) -> int:
    """Jobs the buckets count (every location, every hour)."""
    return sum(b.jobs for b in aggregates.buckets if b.dim == "total")


def failures_by_project(aggregates: JobAggregates, since: datetime) -> dict[str, tuple[int, int, int, int]]:
    """Per project BigQuery named (its own ``project`` row, not the remainder past the top K): jobs and
    failures in the hours from ``since``'s on, then in the hours before: ``(jobs, failed, jobs_before,
    failed_before)``, every location summed."""
    cut = hour_start(since)
    found: dict[str, list[int]] = {}
    for b in aggregates.buckets:
        if b.dim != "project" or b.key is None:
            continue
        acc = found.setdefault(b.key, [0, 0, 0, 0])
        at = 0 if b.hour >= cut else 2
        acc[at] += b.jobs
        acc[at + 1] += b.failures
    return {k: (a[0], a[1], a[2], a[3]) for k, a in found.items()}
