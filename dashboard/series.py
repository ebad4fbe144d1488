"""Merging Cloud Monitoring series across polls.

Monitoring is read incrementally: after the first poll a request asks only for the minutes since the last
one (with a small overlap), so each response carries the newest points. The store keeps a rolling window
by merging each poll's series into what it had.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import msgspec

from dashboard.models import MetricSeries, Sample

SERIES_WINDOW = timedelta(hours=1)
"""How much of each series the store keeps by default."""


def merge_series(
    old: Iterable[MetricSeries], new: Iterable[MetricSeries], *, keep: timedelta, now: datetime | None = None
) -> tuple[MetricSeries, ...]:
    """Combine two polls' series: same (metric, key) series are joined point by point, a newer value
    replacing an older one at the same time, and points older than ``keep`` before the newest (or ``now``)
    are dropped; a series with no point left goes too.

    Args:
        old: What the store had.
        new: What the latest poll brought.
        keep: How much history to keep.
        now: The reference for ``keep``; by default the newest point of all series.
    """
    merged: dict[tuple[str, str], MetricSeries] = {(s.metric, s.key): s for s in old}
    changed: set[tuple[str, str]] = set()
    for series in new:
        ident = (series.metric, series.key)
        before = merged.get(ident)
        if before is None or not before.points:
            merged[ident] = series
        elif series.points:
            by_time: dict[datetime, Sample] = {p.t: p for p in before.points}
            by_time.update((p.t, p) for p in series.points)
            points = tuple(sorted(by_time.values(), key=lambda p: p.t))
            merged[ident] = msgspec.structs.replace(series, points=points)
        changed.add(ident)
    newest = now or max((s.points[-1].t for s in merged.values() if s.points), default=None)
    if newest is None:
        return tuple(merged.values())
    cutoff = newest - keep
    result: list[MetricSeries] = []
    for ident, series in merged.items():
        kept = series
        if series.points and series.points[0].t < cutoff:
            kept = msgspec.structs.replace(series, points=tuple(p for p in series.points if p.t >= cutoff))
        if kept.points or ident in changed:
            result.append(kept)
    return tuple(result)
