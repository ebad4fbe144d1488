"""The Pub/Sub source's insight rules and cost line, each on a payload that triggers it and one that does
not; the figures by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.cost.common import Inputs
from dashboard.models import MetricSeries, Sample, Snapshot
from dashboard.pricing import default_prices, load_prices
from dashboard.sources.pubsub import rules
from dashboard.sources.pubsub.cost import pubsub_cost
from dashboard.sources.pubsub.model import PubsubData, Subscription

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=16)


def sub(sub_id: str = "events-sub", **fields: object) -> Subscription:
    return Subscription(
        project="acme-etl",
        subscription_id=sub_id,
        name=f"projects/acme-etl/subscriptions/{sub_id}",
        topic="projects/acme-etl/topics/events",
        **fields,  # type: ignore[arg-type]
    )


def series(metric: str, values: list[float], key: str = "acme-etl/events-sub") -> MetricSeries:
    """One point a minute from T0."""
    points = tuple(Sample(t=T0 + timedelta(minutes=i), value=v) for i, v in enumerate(values))
    return MetricSeries(metric=metric, key=key, points=points)


def data(subs: list[Subscription], *found: MetricSeries) -> PubsubData:
    return PubsubData(subscriptions=tuple(subs), series=found)


UNDELIVERED = "subscription/num_undelivered_messages"
OLDEST = "subscription/oldest_unacked_message_age"


def test_a_growing_backlog() -> None:
    # 1,000 + 100 a minute for 15 minutes: 1,000 → 2,500, +1,500 ≥ the 1,000 threshold
    found = rules.growing_backlog(
        data([sub()], series(UNDELIVERED, [1000 + 100 * i for i in range(16)])), NOW
    )
    [insight] = found
    assert insight.rule == "pubsub.growing_backlog"
    assert insight.severity == "warning"
    assert insight.resource_key == "acme-etl/events-sub"
    assert insight.evidence == (
        "1,000 → 2,500 undelivered messages in 15 min (+1,500; threshold +1,000 in 15 min)"
    )


@pytest.mark.parametrize(
    "values",
    [
        [1000 + 50 * i for i in range(16)],  # 1,000 → 1,750: +750 < 1,000
        [1000] * 15 + [3000],  # one high point: both halves' median 1,000
    ],
    ids=["slow", "spike"],
)
def test_no_growing_backlog(values: list[float]) -> None:
    assert rules.growing_backlog(data([sub()], series(UNDELIVERED, values)), NOW) == []


def test_retention_risk_critical_with_the_time_left() -> None:
    # 82,080 s of an 86,400 s retention: 95 %, 4,320 s (1.2 h) left
    found = rules.retention_risk(data([sub(retention_s=86400.0)], series(OLDEST, [81180.0, 82080.0])), NOW)
    [insight] = found
    assert insight.severity == "critical"
    assert insight.title == (
        "Subscription events-sub loses messages in 1.2 h: oldest unacked 22.8 h of 1.0 d retention"
    )
    assert insight.evidence == (
        "oldest unacknowledged message 82,080 s old = 95% of the 86,400 s retention; 4,320 s left before "
        "Pub/Sub drops it unread"
    )


def test_retention_risk_warning_and_none() -> None:
    # 70,000 / 86,400 = 81 %: from 80 % a warning, from 95 % critical
    [warning] = rules.retention_risk(data([sub(retention_s=86400.0)], series(OLDEST, [70000.0])), NOW)
    assert warning.severity == "warning"
    # 60,000 / 86,400 = 69 %: nothing
    assert rules.retention_risk(data([sub(retention_s=86400.0)], series(OLDEST, [60000.0])), NOW) == []
    # the default 7-day retention (604,800 s): 82,080 s is 14 %
    assert rules.retention_risk(data([sub()], series(OLDEST, [82080.0])), NOW) == []


def test_a_subscription_nobody_reads() -> None:
    # 5,000 waiting all window, never fewer, oldest 2 h 15 min (8,100 s) ≥ 1 h
    steady = data(
        [sub()], series(UNDELIVERED, [5000.0] * 16), series(OLDEST, [7200.0 + 60 * i for i in range(16)])
    )
    [insight] = rules.nobody_reads(steady, NOW)
    assert insight.rule == "pubsub.nobody_reads"
    assert insight.evidence == (
        "5,000 undelivered messages, never fewer over the window; oldest unacked 2.2 h (threshold 1.0 h)"
    )


def test_a_subscription_someone_reads() -> None:
    # the backlog fell once (5,000 → 4,000): someone acknowledges
    read = data([sub()], series(UNDELIVERED, [5000.0, 4000.0, 4500.0]), series(OLDEST, [7200.0] * 3))
    assert rules.nobody_reads(read, NOW) == []
    # a push subscription is not read by a subscriber of its own
    push = data([sub(type="push")], series(UNDELIVERED, [5000.0] * 3), series(OLDEST, [7200.0] * 3))
    assert rules.nobody_reads(push, NOW) == []


def test_dead_letters() -> None:
    dlq = "projects/acme-etl/topics/events-dlq"
    subs = [sub(dead_letter_topic=dlq, max_delivery_attempts=5)]
    # 0 + ... + 0 + 3 = 3 publishes to the dead-letter topic
    sends = series("topic/send_request_count", [0.0] * 15 + [3.0], key="acme-etl/events-dlq")
    [insight] = rules.dead_letters(data(subs, sends), NOW)
    assert insight.evidence == (
        "3 publish requests to projects/acme-etl/topics/events-dlq over the window (after 5 delivery "
        "attempts each)"
    )
    quiet = series("topic/send_request_count", [0.0] * 16, key="acme-etl/events-dlq")
    assert rules.dead_letters(data(subs, quiet), NOW) == []


def test_a_failing_push_subscription() -> None:
    push = [sub("events-push", type="push", push_endpoint="https://ingest-abc123-ew.a.run.app/push")]
    key = "acme-etl/events-push"
    ok = series("subscription/push_request_count:success", [10.0] * 16, key)
    bad = series("subscription/push_request_count:remote_error", [30.0] * 16, key)
    # 16 × 30 = 480 failed of 16 × 40 = 640: 75 % ≥ 10 %; some succeed, so a warning
    [insight] = rules.push_failing(data(push, ok, bad), NOW)
    assert insight.severity == "warning"
    assert insight.title == "Push subscription events-push fails: 75% of pushes"
    assert insight.evidence == (
        "480 of 640 push requests failed (remote_error 480) to https://ingest-abc123-ew.a.run.app/push"
    )
    # 16 × 5 = 80 of 16 × 105 = 1,680: 4.8 % < 10 %
    few = series("subscription/push_request_count:remote_error", [5.0] * 16, key)
    many = series("subscription/push_request_count:success", [100.0] * 16, key)
    assert rules.push_failing(data(push, many, few), NOW) == []


def test_the_throughput_cost() -> None:
    published = series("topic/byte_cost", [2.0**30] * 16, key="acme-etl/events")
    delivered = series("subscription/byte_cost", [2.0**29] * 16, key="acme-etl/events-to-bq")
    snapshot = Snapshot(at=NOW, extra={"pubsub": PubsubData(series=(published, delivered))})
    inputs = Inputs(snapshot=snapshot, prices=default_prices())
    cost, notes = pubsub_cost(inputs, T0, T0)
    # 16 × 1 GiB + 16 × 0.5 GiB = 24 GiB = 24/1,024 TiB × $40 = $0.9375, all of it in the last hour
    assert cost.window_spend_usd == pytest.approx(0.9375)
    assert cost.burn_rate_usd_per_hour == pytest.approx(0.9375)
    assert cost.basis == "24.00 GiB published and delivered × $40/TiB (list price, assumed)"
    assert (cost.confidence, cost.price_keys, notes) == ("low", ("pubsub.throughput.per_tib",), [])
    # a window from T0 + 8 min keeps the points from minute 8 on: 8 × 1.5 GiB = 12 GiB → $0.46875
    later, _ = pubsub_cost(inputs, T0 + timedelta(minutes=8), T0 + timedelta(minutes=8))
    assert later.window_spend_usd == pytest.approx(0.46875)
    # [prices] overrides it: $20/TiB halves it
    cheaper = Inputs(snapshot=snapshot, prices=load_prices(overrides={"pubsub.throughput.per_tib": 20.0}))
    assert pubsub_cost(cheaper, T0, T0)[0].window_spend_usd == pytest.approx(0.9375 / 2)


def test_fail_on_metrics() -> None:
    two = data(
        [sub(), sub("other")],
        series(UNDELIVERED, [10.0, 20.0]),
        series(UNDELIVERED, [5.0], key="acme-etl/other"),
        series(OLDEST, [300.0]),
    )
    # 20 + 5 undelivered now; the oldest of all 300 s
    assert rules.metrics(two) == {"undelivered": 25.0, "oldest_unacked_s": 300.0}


def test_every_rule_of_the_module_is_registered_with_its_thresholds() -> None:
    from dashboard.insights import DEFAULT_THRESHOLDS, RULES, settings_from

    settings_from()  # loads the rule modules the specs name
    names = [fn.__name__ for fn in rules.RULES]
    assert [r for r in RULES if r.startswith("pubsub.")] == [f"pubsub.{n}" for n in names]
    assert {k: v for k, v in DEFAULT_THRESHOLDS.items() if k.startswith("pubsub.")} == {
        "pubsub.growing_backlog.minutes": 15.0,
        "pubsub.growing_backlog.min_growth": 1000.0,
        "pubsub.retention_risk.warn_pct": 80.0,
        "pubsub.retention_risk.critical_pct": 95.0,
        "pubsub.nobody_reads.oldest_s": 3600.0,
        "pubsub.dead_letters.min_publishes": 1.0,
        "pubsub.push_failing.error_pct": 10.0,
    }


def test_pubsub_series_alone_give_the_cost_estimate_its_window() -> None:
    from dashboard import cost

    # no jobs, no other source: the window begins at the first Pub/Sub point (10:00), not at 10:16
    published = series("topic/byte_cost", [2.0**30] * 16, key="acme-etl/events")
    estimate = cost.estimate(Snapshot(at=NOW, extra={"pubsub": PubsubData(series=(published,))}))
    assert (estimate.window_start, estimate.window_end) == (T0, NOW)
    # 16 × 1 GiB = 16/1,024 TiB × $40 = $0.625, every point of the window
    assert estimate.service("pubsub").window_spend_usd == pytest.approx(0.625)
