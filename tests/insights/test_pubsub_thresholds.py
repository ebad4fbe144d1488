"""The Pub/Sub rules' thresholds from the config's ``[insights.thresholds]``: each payload sits between a
rule's default threshold and the one the config sets, so the config decides whether the rule fires. The
rules run the way the app and ``--once`` run them (:func:`dashboard.insights.evaluate` on a snapshot)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dashboard import cost
from dashboard.config import load_config
from dashboard.insights import Insight, InsightSettings, config_settings, evaluate
from dashboard.models import MetricSeries, Sample, Snapshot
from dashboard.sources.pubsub.model import PubsubData, Subscription

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
NOW = T0 + timedelta(minutes=16)
ETL, ANALYTICS = "acme-etl", "acme-analytics"


def sub(project: str, sub_id: str, **fields: object) -> Subscription:
    return Subscription(
        project=project,
        subscription_id=sub_id,
        name=f"projects/{project}/subscriptions/{sub_id}",
        topic=f"projects/{project}/topics/events",
        **fields,  # type: ignore[arg-type]
    )


def series(metric: str, key: str, values: list[float]) -> MetricSeries:
    """One point a minute from T0."""
    points = tuple(Sample(t=T0 + timedelta(minutes=i), value=v) for i, v in enumerate(values))
    return MetricSeries(metric=metric, key=key, points=points)


def snapshot(subs: list[Subscription], *found: MetricSeries) -> Snapshot:
    return Snapshot(at=NOW, extra={"pubsub": PubsubData(subscriptions=tuple(subs), series=found)})


def settings(tmp_path: Path, thresholds: dict[str, float]) -> InsightSettings:
    path = tmp_path / "gcpdash.toml"
    lines = [f'"{key}" = {value}' for key, value in thresholds.items()]
    path.write_text("[insights.thresholds]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return config_settings(load_config(path, env={}))


def found(shot: Snapshot, rule: str, chosen: InsightSettings | None = None) -> list[Insight]:
    return [i for i in evaluate(shot, cost.estimate(shot), chosen) if i.rule == rule]


UNDELIVERED = "subscription/num_undelivered_messages"
OLDEST = "subscription/oldest_unacked_message_age"
DLQ = f"projects/{ETL}/topics/events-dlq"

CASES = {
    # 1,000 + 50 a minute for 15 min = +750: under the default +1,000, over +500
    "growing_backlog": (
        snapshot(
            [sub(ETL, "events-sub")],
            series(UNDELIVERED, f"{ETL}/events-sub", [1000 + 50 * i for i in range(16)]),
        ),
        {"pubsub.growing_backlog.min_growth": 500},
    ),
    # 60,480 s of a 86,400 s retention = 70 %: under the default 80 %, over 60 %
    "retention_risk": (
        snapshot(
            [sub(ANALYTICS, "audit-sub", retention_s=86400.0)],
            series(OLDEST, f"{ANALYTICS}/audit-sub", [60420.0, 60480.0]),
        ),
        {"pubsub.retention_risk.warn_pct": 60},
    ),
    # 5,000 waiting all window, oldest 2,700 s (45 min): under the default 3,600 s, over 1,800 s
    "nobody_reads": (
        snapshot(
            [sub(ETL, "events-sub")],
            series(UNDELIVERED, f"{ETL}/events-sub", [5000.0] * 16),
            series(OLDEST, f"{ETL}/events-sub", [1800.0 + 60 * i for i in range(16)]),
        ),
        {"pubsub.nobody_reads.oldest_s": 1800},
    ),
    # 16 × 5 = 80 of 16 × 105 = 1,680 pushes failed: 4.8 %, under the default 10 %, over 4 %
    "push_failing": (
        snapshot(
            [sub(ETL, "events-push", type="push", push_endpoint="https://ingest-abc123-ew.a.run.app/push")],
            series("subscription/push_request_count:success", f"{ETL}/events-push", [100.0] * 16),
            series("subscription/push_request_count:remote_error", f"{ETL}/events-push", [5.0] * 16),
        ),
        {"pubsub.push_failing.error_pct": 4},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_lower_threshold_in_the_config_makes_the_rule_fire(name: str, tmp_path: Path) -> None:
    shot, lowered = CASES[name]
    rule = f"pubsub.{name}"
    assert found(shot, rule) == []  # the default threshold: nothing
    [insight] = found(shot, rule, settings(tmp_path, lowered))
    assert insight.severity == "warning"


def test_the_changed_threshold_is_in_the_evidence(tmp_path: Path) -> None:
    shot, lowered = CASES["growing_backlog"]
    [insight] = found(shot, "pubsub.growing_backlog", settings(tmp_path, lowered))
    assert insight.evidence == (
        "1,000 → 1,750 undelivered messages in 15 min (+750; threshold +500 in 15 min)"
    )
    shot, lowered = CASES["nobody_reads"]
    [insight] = found(shot, "pubsub.nobody_reads", settings(tmp_path, lowered))
    # oldest 1,800 + 60 × 15 = 2,700 s = 45 min; threshold 1,800 s = 30 min
    assert insight.evidence == (
        "5,000 undelivered messages, never fewer over the window; oldest unacked 45 min (threshold 30 min)"
    )


def test_retention_risk_turns_critical_at_the_configured_share(tmp_path: Path) -> None:
    # 73,440 s of 86,400 s = 85 %: over the 80 % warning, under the default 95 % critical, over 85 %
    shot = snapshot(
        [sub(ANALYTICS, "audit-sub", retention_s=86400.0)],
        series(OLDEST, f"{ANALYTICS}/audit-sub", [73440.0]),
    )
    [default] = found(shot, "pubsub.retention_risk")
    assert default.severity == "warning"
    [changed] = found(
        shot, "pubsub.retention_risk", settings(tmp_path, {"pubsub.retention_risk.critical_pct": 85})
    )
    assert changed.severity == "critical"


def test_a_higher_dead_letter_threshold_keeps_a_few_dead_letters_quiet(tmp_path: Path) -> None:
    # 0 + ... + 0 + 3 = 3 publishes to the dead-letter topic: at least the default 1, under 5
    shot = snapshot(
        [sub(ETL, "events-sub", dead_letter_topic=DLQ, max_delivery_attempts=5)],
        series("topic/send_request_count", f"{ETL}/events-dlq", [0.0] * 15 + [3.0]),
    )
    [insight] = found(shot, "pubsub.dead_letters")
    assert insight.resource == f"{ETL}/events-sub"
    assert (
        found(shot, "pubsub.dead_letters", settings(tmp_path, {"pubsub.dead_letters.min_publishes": 5})) == []
    )


def test_a_pubsub_threshold_name_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    from dashboard.errors import UsageError

    with pytest.raises(UsageError, match=r"unknown key\(s\) pubsub.nobody_reads.minutes"):
        settings(tmp_path, {"pubsub.nobody_reads.minutes": 30})
