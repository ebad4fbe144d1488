"""Snapshots built for the insight rules, with round test prices that keep the arithmetic checkable.

The snapshot moment is 09:00 of 2026-11-26; series are one point a minute.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from cost.prices import PRICES

from dashboard import cost
from dashboard.insights import Insight, InsightSettings, evaluate, settings_from
from dashboard.models import MetricSeries, Sample, Snapshot
from dashboard.pricing import PriceTable, load_prices

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
TIB = 2**40


def t(hours: float = 0, minutes: float = 0, seconds: float = 0) -> datetime:
    """A moment relative to 09:00."""
    return AT + timedelta(hours=hours, minutes=minutes, seconds=seconds)


def prices() -> PriceTable:
    """The shipped table with the round test prices."""
    return load_prices(overrides=PRICES)


def minutes_series(metric: str, key: str, values: Sequence[float], *, end: datetime = AT) -> MetricSeries:
    """A series of one point a minute, the last one at ``end``."""
    n = len(values)
    return MetricSeries(
        metric=metric,
        key=key,
        points=tuple(Sample(t=end - timedelta(minutes=n - 1 - i), value=v) for i, v in enumerate(values)),
    )


def run(
    snapshot: Snapshot, rule: str | None = None, settings: InsightSettings | None = None, **thresholds: float
) -> list[Insight]:
    """The insights ``evaluate`` finds on ``snapshot`` at the test prices: those of ``rule`` when given.
    ``thresholds`` override ``<rule>.<name>`` by name."""
    if thresholds:
        assert rule is not None
        assert settings is None
        settings = settings_from(thresholds={f"{rule}.{k}": v for k, v in thresholds.items()})
    found = evaluate(snapshot, cost.estimate(snapshot, prices()), settings)
    return [i for i in found if rule is None or i.rule == rule]
