"""``evaluate`` as a whole: the demo recording's findings, the order, and the config's switches and
thresholds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboard import cost
from dashboard.config import load_config
from dashboard.errors import UsageError
from dashboard.insights import (
    DEFAULT_THRESHOLDS,
    RULES,
    SEVERITY_RANK,
    config_settings,
    counts,
    evaluate,
    settings_from,
)
from dashboard.models import Snapshot
from dashboard.recording.demo import demo_path
from dashboard.replay import load_snapshot

OPENS_AT = datetime(2026, 11, 26, 7, 25, tzinfo=UTC)
"""Where the app opens the demo."""


def demo(at: datetime | None = None) -> Snapshot:
    snapshot, _ = load_snapshot(demo_path(), at=at, mode="demo")
    return snapshot


@pytest.fixture(scope="module")
def demo_end() -> Snapshot:
    return demo()


@pytest.fixture(scope="module")
def demo_open() -> Snapshot:
    return demo(OPENS_AT)


def test_every_rule_is_registered_with_its_thresholds() -> None:
    settings_from()  # loads the rule modules
    # bigquery.model_retrained; Pub/Sub's 5, Data Fusion's 1, data quality's 3, BI Engine's 2, Vertex AI's 3,
    # Composer's 4; bigquery.stale_table
    assert len(RULES) == 14 + 5 + 1 + 3 + 2 + 3 + 4 + 1
    assert {rule.split(".")[0] for rule in RULES} == {
        "bigquery",
        "reservations",
        "dataproc",
        "dataflow",
        "budget",
        "pubsub",
        "datafusion",
        "dataquality",
        "vertex",
        "composer",
    }
    assert all(key.rsplit(".", 1)[0] in RULES for key in DEFAULT_THRESHOLDS)


@pytest.mark.parametrize("moment", ["demo_end", "demo_open"])
def test_the_demo_triggers_at_least_five_rules(moment: str, request: pytest.FixtureRequest) -> None:
    snapshot: Snapshot = request.getfixturevalue(moment)
    found = evaluate(snapshot, cost.estimate(snapshot))
    rules = {i.rule for i in found}
    # what the demo was made to show, at both moments
    assert {
        "dataproc.idle_cluster",  # adhoc-spark, no TTL
        "dataproc.error_cluster",  # ml-features
        "dataflow.growing_lag",  # clickstream-enrich
        "dataflow.failed_job",  # customer-360-backfill
        "reservations.idle_baseline",  # adhoc
        "reservations.bi_full",  # acme-analytics' BI reservation, 7.9 of 8 GiB
        "budget.forecast_over",  # the platform budget
        "bigquery.unlabelled_spend",  # acme-analytics' on-demand queries
    } <= rules
    assert len(rules) >= 5
    idle = next(i for i in found if i.rule == "dataproc.idle_cluster" and i.resource == "adhoc-spark")
    assert idle.severity == "critical"
    assert idle.usd_per_hour is not None
    assert idle.usd_per_hour > 0
    # critical first, then warnings, then info
    ranks = [SEVERITY_RANK[i.severity] for i in found]
    assert ranks == sorted(ranks)
    assert sum(counts(found).values()) == len(found)


def test_the_demo_at_the_end_shows_the_stalled_stream(demo_end: Snapshot) -> None:
    found = evaluate(demo_end, cost.estimate(demo_end))
    assert ("dataflow.zero_throughput", "iot-ingest") in {(i.rule, i.resource) for i in found}


def test_disabled_rules_and_thresholds_from_the_config_take_effect(
    tmp_path: Path, demo_end: Snapshot
) -> None:
    path = tmp_path / "gcpdash.toml"
    path.write_text(
        "[insights]\n"
        'disabled = ["dataproc.error_cluster", "budget.forecast_over"]\n'
        "[insights.thresholds]\n"
        '"dataproc.idle_cluster.minutes" = 600\n',
        encoding="utf-8",
    )
    settings = config_settings(load_config(path, env={}))
    assert settings.threshold("dataproc.idle_cluster.minutes") == 600
    assert (
        settings.threshold("dataflow.growing_lag.minutes")
        == DEFAULT_THRESHOLDS["dataflow.growing_lag.minutes"]
    )
    estimate = cost.estimate(demo_end)
    before = {i.rule for i in evaluate(demo_end, estimate)}
    after = {i.rule for i in evaluate(demo_end, estimate, settings)}
    assert {"dataproc.error_cluster", "budget.forecast_over", "dataproc.idle_cluster"} <= before
    # switched off, and adhoc-spark's hour of idleness is under 600 minutes
    assert after == before - {"dataproc.error_cluster", "budget.forecast_over", "dataproc.idle_cluster"}


def test_unknown_rules_or_thresholds_are_an_error() -> None:
    with pytest.raises(UsageError, match=r"unknown rule\(s\) dataproc.idle_clusters"):
        settings_from(disabled=["dataproc.idle_clusters"])
    with pytest.raises(UsageError, match=r"unknown key\(s\) dataproc.idle_cluster.hours"):
        settings_from(thresholds={"dataproc.idle_cluster.hours": 1.0})


def test_docs_list_every_rule_and_threshold_with_its_default() -> None:
    settings_from()
    text = (Path(__file__).resolve().parents[2] / "docs" / "insights.md").read_text(encoding="utf-8")
    for rule_id in RULES:
        assert f"**`{rule_id}`**" in text
    for key, default in DEFAULT_THRESHOLDS.items():
        assert f"| `{key}` | {default:g} |" in text


@pytest.mark.parametrize(
    ("hour", "minute", "rule", "resource"),
    [
        (7, 50, "bigquery.failure_spike", "acme-analytics"),  # the 07:20-07:40 IAM change
        (8, 10, "reservations.autoscale_at_max", "prod"),  # the 07:44 backfill
    ],
)
def test_the_demo_shows_its_incidents_when_they_happen(
    hour: int, minute: int, rule: str, resource: str
) -> None:
    snapshot = demo(datetime(2026, 11, 26, hour, minute, tzinfo=UTC))
    found = evaluate(snapshot, cost.estimate(snapshot))
    assert (rule, resource) in {(i.rule, i.resource) for i in found}
