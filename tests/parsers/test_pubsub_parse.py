"""The Pub/Sub parser: Google's shapes with fields left out, values gcpdash does not know, and failed or
garbage pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard.errors import SourceError
from dashboard.parsers.poll import PollContext
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange, ExchangeError
from dashboard.sources.pubsub.model import LIST_SUBSCRIPTIONS, LIST_TOPICS
from dashboard.sources.pubsub.parse import parse_pubsub, subscription_from_json

T = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def ex(method: str, project: str, response: Any = None, error: ExchangeError | None = None) -> Exchange:
    return Exchange(
        v=1,
        poll=1,
        t=T,
        source="pubsub",
        api="grpc",
        method=method,
        request={"project": f"projects/{project}"},
        response=response,
        error=error,
    )


def test_a_bare_subscription_takes_pubsubs_defaults() -> None:
    sub = subscription_from_json({"name": "projects/p/subscriptions/s", "topic": "projects/p/topics/t"})
    # ack deadline 10 s, retention 7 days = 604,800 s, a pull subscription, no state sent
    assert (sub.type, sub.ack_deadline_s, sub.retention_s, sub.state) == (
        "pull",
        10.0,
        604800.0,
        "STATE_UNSPECIFIED",
    )
    assert (sub.dead_letter_topic, sub.push_endpoint, sub.bigquery_table, sub.labels) == (
        None,
        None,
        None,
        {},
    )
    assert sub.topic_key == "p/t"


def test_values_gcpdash_does_not_know_are_kept() -> None:
    sub = subscription_from_json(
        {
            "name": "projects/p/subscriptions/s",
            "topic": "_deleted-topic_",
            "state": "SUSPENDED_FOR_AUDIT",
            "bigqueryConfig": {"table": "p:raw.events", "state": "SOME_NEW_STATE"},
            "someFieldFrom2027": {"x": 1},
        }
    )
    assert (sub.state, sub.type, sub.export_state) == ("SUSPENDED_FOR_AUDIT", "bigquery", "SOME_NEW_STATE")
    assert sub.bigquery_table == "p:raw.events"
    assert sub.topic_key == "_deleted-topic_"


def test_a_failed_topic_listing_is_a_warning_and_a_garbage_subscription_page_marks_its_project() -> None:
    good = {
        "subscriptions": [
            {"name": "projects/acme-etl/subscriptions/a", "topic": "projects/acme-etl/topics/t"}
        ]
    }
    exchanges = [
        ex(LIST_TOPICS, "acme-etl", error=ExchangeError(code="PERMISSION_DENIED", message="denied")),
        ex(LIST_SUBSCRIPTIONS, "acme-etl", good),
        ex(LIST_SUBSCRIPTIONS, "acme-analytics", {"subscriptions": [{"topic": "no name"}]}),
    ]
    data = parse_pubsub(exchanges, PollContext("pubsub"))
    assert [s.key for s in data.subscriptions] == ["acme-etl/a"]
    assert data.incomplete == ("acme-analytics",)
    assert any(w.startswith("Pub/Sub topics of acme-etl not shown") for w in data.warnings), data.warnings


def test_no_subscription_listing_answered_fails_the_poll() -> None:
    denied = ExchangeError(code="PERMISSION_DENIED", message="denied")
    exchanges = [ex(LIST_SUBSCRIPTIONS, p, error=denied) for p in ("acme-etl", "acme-analytics")]
    with pytest.raises(SourceError):
        parse_pubsub(exchanges, PollContext("pubsub"))


def test_a_failed_metric_read_is_a_warning_and_says_metrics_are_unavailable() -> None:
    sub = {
        "subscriptions": [
            {"name": "projects/acme-etl/subscriptions/a", "topic": "projects/acme-etl/topics/t"}
        ]
    }
    read = Exchange(
        v=1,
        poll=1,
        t=T,
        source="pubsub",
        api="grpc",
        method=fmt.MON_LIST_TIME_SERIES,
        request={
            "name": "projects/acme-etl",
            "filter": 'metric.type = "pubsub.googleapis.com/subscription/backlog_bytes"',
        },
        error=ExchangeError(code="UNAVAILABLE", message="try later"),
    )
    data = parse_pubsub([ex(LIST_SUBSCRIPTIONS, "acme-etl", sub), read], PollContext("pubsub"))
    assert len(data.subscriptions) == 1
    assert data.series == ()
    assert data.metrics_unavailable is not None
    assert "503" in data.metrics_unavailable
    assert data.warnings
