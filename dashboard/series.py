"""Merging Cloud Monitoring series across polls.

Monitoring is read incrementally: after the first poll a request asks only for the minutes since the last
one (with a small overlap), so each response carries the newest points. The store keeps a rolling window
by merging each poll's series into what it had.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import pairwise
from operator import attrgetter

import msgspec

from dashboard.models import MetricSeries, Sample

SERIES_WINDOW = timedelta(hours=1)
"""How much of each series the store keeps by default."""

DATAFLOW_TOTALS: frozenset[str] = frozenset(
    {
        "job/total_vcpu_time",
        "job/total_memory_usage_time",
        "job/total_pd_usage_time",
        "job/total_pd_usage_time:ssd",
        "job/billable_shuffle_data_processed",
        "job/total_streaming_data_processed",
    }
)
"""Dataflow's cumulative cost totals (dashboard.sources.dataflow.cost): the store keeps each job's last value
after the window, so a job that ended hours ago is still costed from its last known totals."""


def merge_series(
    old: Iterable[MetricSeries],
    new: Iterable[MetricSeries],
    *,
    keep: timedelta,
    now: datetime | None = None,
    keep_last: frozenset[str] = frozenset(),
    last_within: timedelta = timedelta(hours=24),
) -> tuple[MetricSeries, ...]:
    """Combine two polls' series: same (metric, key) series are joined point by point, a newer value
    replacing an older one at the same time, and points older than ``keep`` before the newest (or ``now``)
    are dropped; a series with no point left goes too, except that a series of a ``keep_last`` metric keeps
    its newest point for ``last_within`` (a cumulative total's last known value: what a finished job cost).

    Args:
        old: What the store had.
        new: What the latest poll brought.
        keep: How much history to keep.
        now: The reference for ``keep``; by default the newest point of all series.
        keep_last: Metrics whose newest point outlives ``keep``.
        last_within: How long such a newest point is kept.
    """
    merged: dict[tuple[str, str], MetricSeries] = {(s.metric, s.key): s for s in old}
    changed: set[tuple[str, str]] = set()
    for series in new:
        ident = (series.metric, series.key)
        before = merged.get(ident)
        if before is None or not before.points:
            merged[ident] = series
        elif series.points:
            merged[ident] = msgspec.structs.replace(series, points=_joined(before.points, series.points))
        changed.add(ident)
    newest = now or max((s.points[-1].t for s in merged.values() if s.points), default=None)
    if newest is None:
        return tuple(merged.values())
    cutoff = newest - keep
    result: list[MetricSeries] = []
    for ident, series in merged.items():
        kept = series
        if series.points and series.points[0].t < cutoff:
            points = tuple(p for p in series.points if p.t >= cutoff)
            if not points and series.metric in keep_last and series.points[-1].t >= newest - last_within:
                points = series.points[-1:]
            kept = msgspec.structs.replace(series, points=points)
        if kept.points or ident in changed:
            result.append(kept)
    return tuple(result)


_time = attrgetter("t")


def _joined(old: tuple[Sample, ...], new: tuple[Sample, ...]) -> tuple[Sample, ...]:
    """``old`` and ``new`` in time order, a point of ``new`` replacing one of ``old`` at the same time.

    A poll's points usually follow the store's, or overlap only its last few: when ``old`` is in time
    order and ``new`` strictly so, only the overlap is sorted (the points of ``old`` from ``new``'s first).
    """
    if all(a.t < b.t for a, b in pairwise(new)) and all(a.t <= b.t for a, b in pairwise(old)):
        start = bisect_left(old, new[0].t, key=_time)
        if start == len(old):
            return old + new
        head, tail = old[:start], old[start:]
    else:
        head, tail = (), old
    by_time: dict[datetime, Sample] = {p.t: p for p in tail}
    by_time.update((p.t, p) for p in new)
    return head + tuple(sorted(by_time.values(), key=_time))
