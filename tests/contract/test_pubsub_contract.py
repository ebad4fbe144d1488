"""The Pub/Sub source's live fetch with the real google-cloud-pubsub Publisher and Subscriber and the real
Monitoring client, against the fake gRPC server on 127.0.0.1 (tests/contract/fake_pubsub.py): the requests
they send, every page read, and what the poll parses to, read by hand from the fake's payloads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from dashboard.parsers.poll import PollContext
from dashboard.recording import format as fmt
from dashboard.sources.pubsub.api import METRICS, PubsubClients, fetch_pubsub, make_clients
from dashboard.sources.pubsub.model import LIST_SUBSCRIPTIONS, LIST_TOPICS
from dashboard.sources.pubsub.parse import parse_pubsub

from .fake_grpc import demo_clients
from .fake_pubsub import ANALYTICS, ETL, T0, FakePubsubServer, world

pytestmark = pytest.mark.timeout(60)
NOW = T0 + timedelta(minutes=16)


@pytest.fixture(scope="module")
def server() -> Iterator[FakePubsubServer]:
    with FakePubsubServer(world()) as fake:
        yield fake


@pytest.fixture
def fake(server: FakePubsubServer) -> FakePubsubServer:
    server.clear_faults()
    server.received.clear()
    server.serve(world())
    return server


def clients(address: str) -> PubsubClients:
    return make_clients(demo_clients(address, timeout=2.0, retry_deadline=2.0), address)


def test_the_real_clients_list_every_page_and_read_each_metric_once_per_project(
    fake: FakePubsubServer,
) -> None:
    made = clients(fake.address)
    try:
        exchanges = fetch_pubsub(made, NOW)
    finally:
        made.shared.close()
    topics = sorted(r["project"] for r in fake.requests(LIST_TOPICS))  # projects side by side
    assert topics == [f"projects/{ANALYTICS}", f"projects/{ETL}"]
    subs = sorted((r["project"], r.get("pageToken", "")) for r in fake.requests(LIST_SUBSCRIPTIONS))
    # acme-analytics: one page; acme-etl: two (the second asked with the first's nextPageToken)
    assert subs == [(f"projects/{ANALYTICS}", ""), (f"projects/{ETL}", ""), (f"projects/{ETL}", "page-2")]
    reads = fake.requests(fmt.MON_LIST_TIME_SERIES)
    # 8 metrics × 2 projects, one call each (no page of the fake goes on)
    assert len(reads) == 8 * 2 == len(METRICS) * 2
    assert {(r["name"], r["filter"]) for r in reads} == {
        (f"projects/{p}", m.filter) for p in (ANALYTICS, ETL) for m in METRICS
    }
    backlog = next(r for r in reads if "num_undelivered_messages" in r["filter"])
    assert backlog["filter"] == (
        'metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages" '
        'AND resource.type = "pubsub_subscription"'
    )
    assert backlog["aggregation"]["groupByFields"] == ["resource.label.subscription_id"]
    assert backlog["aggregation"]["crossSeriesReducer"] == "REDUCE_SUM"
    push = next(r for r in reads if "push_request_count" in r["filter"])
    assert push["aggregation"]["groupByFields"] == [
        "resource.label.subscription_id",
        "metric.label.response_class",
    ]
    # every exchange a page or an answer: none failed
    assert [e for e in exchanges if e.error is not None] == []
    assert {e.source for e in exchanges} == {"pubsub"}


def test_the_poll_parses_to_the_estate(fake: FakePubsubServer) -> None:
    made = clients(fake.address)
    try:
        exchanges = fetch_pubsub(made, NOW)
    finally:
        made.shared.close()
    data = parse_pubsub(exchanges, PollContext("pubsub"))
    assert data.warnings == ()
    assert data.incomplete == ()
    assert data.metrics_unavailable is None
    assert sorted(t.key for t in data.topics) == [
        "acme-analytics/clicks",
        "acme-etl/events",
        "acme-etl/events-dlq",
    ]
    clicks = next(t for t in data.topics if t.topic_id == "clicks")
    assert clicks.regions == ("europe-west1",)
    assert clicks.labels == {"env": "prod"}
    by_key = {s.key: s for s in data.subscriptions}
    assert sorted(by_key) == [
        "acme-analytics/events-sub",
        "acme-etl/events-archive",
        "acme-etl/events-push",
        "acme-etl/events-sub",
        "acme-etl/events-to-bq",
    ]
    sub = by_key["acme-etl/events-sub"]
    assert (sub.type, sub.state, sub.ack_deadline_s, sub.retention_s) == ("pull", "ACTIVE", 60.0, 86400.0)
    assert sub.dead_letter_topic == "projects/acme-etl/topics/events-dlq"
    assert sub.max_delivery_attempts == 5
    assert sub.labels == {"team": "ingest"}
    assert sub.name == "projects/acme-etl/subscriptions/events-sub"
    bq = by_key["acme-etl/events-to-bq"]
    assert (bq.type, bq.bigquery_table, bq.export_state) == ("bigquery", "acme-etl.raw.events", "ACTIVE")
    assert bq.filter == 'attributes.kind = "order"'
    assert bq.retention_s == 604800.0
    push = by_key["acme-etl/events-push"]
    assert (push.type, push.push_endpoint) == ("push", "https://ingest-abc123-ew.a.run.app/push")
    # left out: Pub/Sub's defaults (10 s ack deadline, 7 days = 604,800 s retention)
    assert (push.ack_deadline_s, push.retention_s) == (20.0, 604800.0)
    archive = by_key["acme-etl/events-archive"]
    assert (archive.type, archive.state, archive.export_state) == (
        "cloud_storage",
        "RESOURCE_ERROR",
        "IN_TRANSIT_LOCATION_RESTRICTION",
    )
    assert by_key["acme-analytics/events-sub"].topic == "projects/acme-analytics/topics/clicks"
    series = {(s.metric, s.key): s for s in data.series}
    # the same subscription id in two projects: two series
    etl = series[("subscription/num_undelivered_messages", "acme-etl/events-sub")]
    ana = series[("subscription/num_undelivered_messages", "acme-analytics/events-sub")]
    assert (etl.points[0].value, etl.last, len(etl.points)) == (1000.0, 7000.0, 16)  # 1,000 + 400 × 15
    assert ana.last == 5000.0
    assert etl.points[0].t == T0
    assert series[("subscription/push_request_count:remote_error", "acme-etl/events-push")].last == 30.0
    assert series[("topic/byte_cost", "acme-etl/events")].last == 2**30
