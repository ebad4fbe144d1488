"""The Data Fusion source's live fetch with the real google-cloud-data-fusion client against the fake gRPC
server on 127.0.0.1 (tests/contract/fake_datafusion.py): the requests it sends, every page read, and what
the poll parses to, read by hand from the fake's payloads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.parsers.poll import PollContext
from dashboard.sources.datafusion.api import DatafusionClients, fetch_datafusion, make_clients
from dashboard.sources.datafusion.model import LIST_INSTANCES, RUNNING
from dashboard.sources.datafusion.parse import parse_datafusion

from .fake_datafusion import ANALYTICS, ETL, T0, FakeDatafusionServer, world
from .fake_grpc import demo_clients

pytestmark = pytest.mark.timeout(60)
NOW = T0 + timedelta(minutes=1)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeDatafusionServer]:
    with FakeDatafusionServer(world()) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeDatafusionServer) -> FakeDatafusionServer:
    server.clear_faults()
    server.received.clear()
    server.serve(world())
    return server


def clients(address: str) -> DatafusionClients:
    return make_clients(demo_clients(address, timeout=2.0, retry_deadline=2.0), address)


def test_the_real_client_lists_every_location_of_each_project_and_every_page(
    fake: FakeDatafusionServer,
) -> None:
    made = clients(fake.address)
    try:
        exchanges = fetch_datafusion(made, NOW)
    finally:
        made.shared.close()
    asked = sorted((r["parent"], r.get("pageToken", "")) for r in fake.requests(LIST_INSTANCES))
    # the "-" wildcard: one listing per project for every location; acme-etl's second page asked with
    # the first's nextPageToken
    assert asked == [
        (f"projects/{ANALYTICS}/locations/-", ""),
        (f"projects/{ETL}/locations/-", ""),
        (f"projects/{ETL}/locations/-", "page-2"),
    ]
    assert [e for e in exchanges if e.error is not None] == []
    assert {e.source for e in exchanges} == {"datafusion"}
    assert len(exchanges) == 3


def test_the_poll_parses_to_the_estate(fake: FakeDatafusionServer) -> None:
    made = clients(fake.address)
    try:
        exchanges = fetch_datafusion(made, NOW)
    finally:
        made.shared.close()
    data = parse_datafusion(exchanges, PollContext("datafusion"))
    assert data.incomplete == ()
    assert data.unreachable == ("acme-etl/asia-east1",)
    assert data.warnings == (
        "Data Fusion could not reach acme-etl/asia-east1: their instances are missing from this poll",
    )
    by_key = {i.key: i for i in data.instances}
    assert sorted(by_key) == [
        "acme-analytics/us-east1/sandbox-fusion",
        "acme-etl/europe-west1/etl-fusion",
        "acme-etl/us-east1/broken-fusion",
    ]
    etl = by_key["acme-etl/europe-west1/etl-fusion"]
    assert (etl.edition, etl.state, etl.version, etl.zone) == (
        "ENTERPRISE",
        "ACTIVE",
        "6.10.1",
        "europe-west1-c",
    )
    assert etl.created == datetime(2026, 10, 2, 8, 15, tzinfo=UTC)
    assert etl.labels == {"team": "ingest", "env": "prod"}
    assert etl.private is True
    assert etl.service_endpoint == "https://etl-fusion-acme-etl-dot-euw1.datafusion.googleusercontent.com"
    sandbox = by_key["acme-analytics/us-east1/sandbox-fusion"]
    assert (sandbox.edition, sandbox.state, sandbox.display_name) == ("DEVELOPER", "ACTIVE", "Sandbox")
    broken = by_key["acme-etl/us-east1/broken-fusion"]
    assert (broken.edition, broken.state) == ("BASIC", "FAILED")
    assert broken.state_message == "Instance creation failed: quota 'CPUS' exceeded in region us-east1"
    assert broken.service_endpoint is None  # left out: proto3's empty string, read as none
    # one point per instance at the poll: 1 while up (ACTIVE), 0 for the FAILED one
    running = {s.key: [(p.t, p.value) for p in s.points] for s in data.series if s.metric == RUNNING}
    assert running == {
        "acme-analytics/us-east1/sandbox-fusion": [(NOW, 1.0)],
        "acme-etl/europe-west1/etl-fusion": [(NOW, 1.0)],
        "acme-etl/us-east1/broken-fusion": [(NOW, 0.0)],
    }
