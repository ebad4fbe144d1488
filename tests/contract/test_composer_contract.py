"""The Composer source's live fetch with the real google-cloud-orchestration-airflow Environments client
and the real Monitoring client, against the fake gRPC server on 127.0.0.1 (tests/contract/fake_composer.py):
the requests they send, every page read, and what the poll parses to, read by hand from the fake's
payloads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from dashboard.parsers.poll import PollContext
from dashboard.recording import format as fmt
from dashboard.sources.composer.api import METRICS, ComposerClients, fetch_composer, make_clients
from dashboard.sources.composer.model import LIST_ENVIRONMENTS, LIST_WORKLOADS
from dashboard.sources.composer.parse import parse_composer
from dashboard.sources.composer.rules import dags

from .fake_composer import ANALYTICS, DEV, ETL, PROD, STAGING, T0, FakeComposerServer, world
from .fake_grpc import demo_clients

pytestmark = pytest.mark.timeout(60)
NOW = T0 + timedelta(minutes=16)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeComposerServer]:
    with FakeComposerServer(world()) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeComposerServer) -> FakeComposerServer:
    server.clear_faults()
    server.received.clear()
    server.serve(world())
    return server


def clients(address: str) -> ComposerClients:
    return make_clients(demo_clients(address, timeout=2.0, retry_deadline=2.0), address)


def poll(fake: FakeComposerServer) -> list[fmt.Exchange]:
    made = clients(fake.address)
    try:
        return fetch_composer(made, NOW)
    finally:
        made.shared.close()


def test_the_real_client_lists_every_region_and_page_then_each_environments_workloads(
    fake: FakeComposerServer,
) -> None:
    exchanges = poll(fake)
    listings = sorted((r["parent"], r.get("pageToken", "")) for r in fake.requests(LIST_ENVIRONMENTS))
    # one call per project and configured region (no "-" location), acme-etl/europe-west1 on two pages
    assert listings == [
        (f"projects/{ANALYTICS}/locations/europe-west1", ""),
        (f"projects/{ANALYTICS}/locations/us-central1", ""),
        (f"projects/{ETL}/locations/europe-west1", ""),
        (f"projects/{ETL}/locations/europe-west1", "page-2"),
        (f"projects/{ETL}/locations/us-central1", ""),
    ]
    assert sorted(r["parent"] for r in fake.requests(LIST_WORKLOADS)) == sorted([DEV, PROD, STAGING])
    reads = fake.requests(fmt.MON_LIST_TIME_SERIES)
    # 4 per-minute metrics × 2 projects, then the 2 metrics read over 24 h × 2 projects
    assert len(reads) == 4 * 2 + 2 * 2
    runs = [r for r in reads if "workflow/run_count" in r["filter"]]
    assert runs[0]["filter"] == (
        'metric.type = "composer.googleapis.com/workflow/run_count" '
        'AND resource.type = "cloud_composer_workflow"'
    )
    assert runs[0]["aggregation"]["groupByFields"] == [
        "resource.label.workflow_name",
        "metric.label.state",
        "resource.label.environment_name",
        "resource.label.location",
    ]
    assert {r["aggregation"]["alignmentPeriod"] for r in runs} == {"86400s", "60s"}
    healthy = next(r for r in reads if "environment/healthy" in r["filter"])
    assert healthy["aggregation"]["perSeriesAligner"] == "ALIGN_FRACTION_TRUE"
    durations = [r for r in reads if "workflow/run_duration" in r["filter"]]
    assert [r["aggregation"]["perSeriesAligner"] for r in durations] == ["ALIGN_MAX", "ALIGN_MAX"]
    assert {r["aggregation"]["alignmentPeriod"] for r in durations} == {"86400s"}  # 24 × 3,600 s
    assert {m.metric for m in METRICS} == {
        "composer.googleapis.com/workflow/run_count",
        "composer.googleapis.com/environment/healthy",
        "composer.googleapis.com/environment/dag_processing/parse_error_count",
        "composer.googleapis.com/environment/scheduler_heartbeat_count",
    }
    assert [e for e in exchanges if e.error is not None] == []
    assert {e.source for e in exchanges} == {"composer"}


def test_the_poll_parses_to_the_estate(fake: FakeComposerServer) -> None:
    data = parse_composer(poll(fake), PollContext("composer"))
    assert (data.warnings, data.incomplete, data.metrics_unavailable) == ((), (), None)
    by_key = {e.key: e for e in data.environments}
    assert sorted(by_key) == [
        "acme-analytics/us-central1/analytics-dev",
        "acme-etl/europe-west1/etl-prod",
        "acme-etl/europe-west1/etl-staging",
    ]
    prod = by_key["acme-etl/europe-west1/etl-prod"]
    assert (prod.state, prod.composer_version, prod.airflow_version, prod.size) == (
        "RUNNING",
        "2.9.7",
        "2.9.3",
        "MEDIUM",
    )
    assert prod.airflow_uri == "https://9f8e7d-dot-europe-west1.composer.googleusercontent.com"
    assert (prod.schedulers, prod.workers_min, prod.workers_max) == (2, 2, 6)
    assert prod.labels == {"team": "etl", "env": "prod"}
    assert prod.workloads_read
    assert len(prod.workloads) == 7
    assert all(w.ok for w in prod.workloads)
    dev = by_key["acme-analytics/us-central1/analytics-dev"]
    assert (dev.state, dev.size, dev.update_time) == ("ERROR", "SMALL", "2026-12-06T22:15:00Z")
    scheduler = next(w for w in dev.workloads if w.type == "SCHEDULER")
    assert (scheduler.state, scheduler.message) == (
        "ERROR",
        "CrashLoopBackOff: back-off restarting failed container",
    )
    assert sum(w.ok for w in dev.workloads) == 3  # of 4: the scheduler is not
    staging = by_key["acme-etl/europe-west1/etl-staging"]
    # a Composer 3 image names no composer patch version; no size sent
    assert (staging.composer_version, staging.airflow_version, staging.size) == ("3", "2.9.3-build.7", None)
    assert staging.workloads[0].state == "PENDING"
    series = {(s.metric, s.key): s for s in data.series}
    assert series[("environment/healthy", "acme-analytics/us-central1/analytics-dev")].last == 0.0
    assert (
        series[
            ("environment/dag_processing/parse_error_count", "acme-analytics/us-central1/analytics-dev")
        ].last
        == 2.0
    )
    found = {d.key: d for d in dags(data)}
    nightly = found["acme-etl/europe-west1/etl-prod/nightly_sales_load"]
    # the one failed run of the 24 h read; none in the per-minute window
    assert (nightly.runs, nightly.last_failed, nightly.longest_s) == ({"failed": 1.0}, None, 1260.0)
    hourly = found["acme-etl/europe-west1/etl-prod/hourly_sessions"]
    assert hourly.runs == {"success": 24.0}  # the 24 h read's, not the window's 2
    assert hourly.last_success == T0 + timedelta(minutes=10)  # minutes 0 and 10 of the window
    assert hourly.longest_s == 300.0
    assert next(iter(found)) == nightly.key  # the most failed runs first
