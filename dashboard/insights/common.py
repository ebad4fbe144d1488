"""What several rules share: money per month, the part of a series within the last minutes, its trend,
and the words for times and amounts in evidence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from dashboard.cost.common import HOURS_PER_MONTH
from dashboard.models import MetricSeries, Sample

__all__ = [
    "HOURS_PER_MONTH",
    "clock",
    "last_minutes",
    "per_month",
    "slope_per_minute",
    "span_minutes",
]


def per_month(usd_per_hour: float | None) -> float | None:
    """Dollars per hour as dollars per month (730 hours, as Google's monthly prices)."""
    return None if usd_per_hour is None else usd_per_hour * HOURS_PER_MONTH


def last_minutes(series: MetricSeries | None, minutes: float) -> tuple[Sample, ...]:
    """The points of ``series`` within ``minutes`` of its newest point, oldest first (Monitoring's newest
    minute is a few minutes behind the snapshot: a trend is read up to the data, not up to now)."""
    if series is None or not series.points:
        return ()
    start = series.points[-1].t - timedelta(minutes=minutes)
    return tuple(p for p in series.points if p.t >= start)


def span_minutes(points: Sequence[Sample]) -> float:
    """Minutes from the first point to the last (0 for fewer than two)."""
    if len(points) < 2:
        return 0.0
    return (points[-1].t - points[0].t).total_seconds() / 60


def slope_per_minute(points: Sequence[Sample]) -> float | None:
    """The least-squares slope of the points, in value per minute; None for fewer than two distinct
    times."""
    if len(points) < 2:
        return None
    t0 = points[0].t
    xs = [(p.t - t0).total_seconds() / 60 for p in points]
    ys = [p.value for p in points]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    var = sum((x - mean_x) ** 2 for x in xs)
    if var == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / var


def clock(moment: datetime | None) -> str:
    """A UTC time of day as evidence states it: ``07:25``."""
    return "?" if moment is None else f"{moment:%H:%M}"
