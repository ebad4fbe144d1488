"""The Pub/Sub source merges as ``series``: a poll's listing replaces the last, its Monitoring points join
the ones kept (the next poll asks from the last window's end minus an overlap)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard.merge import merge
from dashboard.models import MetricSeries, Sample
from dashboard.sources.pubsub.model import PubsubData, Subscription
from dashboard.sources.pubsub.spec import SPEC

T = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
KEY = "acme-etl/events-sub"


def poll(name: str, *minutes: int) -> PubsubData:
    points = tuple(Sample(t=T + timedelta(minutes=m), value=float(m)) for m in minutes)
    return PubsubData(
        subscriptions=(
            Subscription(
                project="acme-etl",
                subscription_id=name,
                name=f"projects/acme-etl/subscriptions/{name}",
                topic="",
            ),
        ),
        series=(MetricSeries(metric="subscription/num_undelivered_messages", key=KEY, points=points),),
    )


def test_points_join_and_the_listing_is_the_newest() -> None:
    merged = merge(SPEC, poll("events-sub", 0, 1, 2), poll("renamed", 2, 3), series_window=timedelta(hours=1))
    assert [s.subscription_id for s in merged.subscriptions] == ["renamed"]
    [series] = merged.series
    # minutes 0, 1, 2 kept, 2 again (the overlap) once, 3 new
    assert [p.t for p in series.points] == [T + timedelta(minutes=m) for m in (0, 1, 2, 3)]
