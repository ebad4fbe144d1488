"""The data-quality source's live fetch with the real google-cloud-dataplex DataScanServiceClient against
the fake gRPC server on 127.0.0.1 (tests/contract/fake_dataplex.py): the requests it sends (every project
and region, every page, FULL only for a finished job not read before, proven by the fake's request log)
and what the poll parses to, read by hand from the fake's payloads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from dashboard.models_catalog import GET_ENTRY
from dashboard.parsers.poll import PollContext
from dashboard.sources.dataquality.api import DataplexClients, fetch_dataquality, make_clients
from dashboard.sources.dataquality.model import GET_DATA_SCAN_JOB, LIST_DATA_SCAN_JOBS, LIST_DATA_SCANS
from dashboard.sources.dataquality.parse import parse_dataquality
from dashboard.sources.dataquality.summary import states

from .fake_dataplex import (
    NOW,
    ORDERS,
    ORDERS_ENTRY,
    ORDERS_FAILED,
    ORDERS_OK,
    SESSIONS,
    SESSIONS_ENTRY,
    SESSIONS_OK,
    SINCE,
    FakeDataplexServer,
    world,
)
from .fake_grpc import demo_clients

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeDataplexServer]:
    with FakeDataplexServer(world()) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeDataplexServer) -> FakeDataplexServer:
    server.clear_faults()
    server.received.clear()
    server.serve(world())
    return server


def clients(address: str) -> DataplexClients:
    return make_clients(demo_clients(address, timeout=2.0, retry_deadline=2.0), address)


def test_every_project_and_region_every_page_and_full_reads_of_finished_jobs(
    fake: FakeDataplexServer,
) -> None:
    made = clients(fake.address)
    try:
        exchanges = fetch_dataquality(made, NOW)
    finally:
        made.shared.close()
    # 2 projects × (2 regions + the BigQuery location US, as Dataplex's "us"), one page each
    assert sorted(r["parent"] for r in fake.requests(LIST_DATA_SCANS)) == [
        "projects/acme-analytics/locations/europe-west1",
        "projects/acme-analytics/locations/us",
        "projects/acme-analytics/locations/us-central1",
        "projects/acme-etl/locations/europe-west1",
        "projects/acme-etl/locations/us",
        "projects/acme-etl/locations/us-central1",
    ]
    listed = fake.requests(LIST_DATA_SCAN_JOBS)
    # the two data-quality scans (not the profile scan); sessions-dq on two pages
    assert sorted((r["parent"], r.get("pageToken", "")) for r in listed) == [
        (SESSIONS, ""),
        (SESSIONS, "page-2"),
        (ORDERS, ""),
    ]
    assert {r["filter"] for r in listed} == {f'start_time > "{SINCE}"'}  # NOW less 2 days
    gets = fake.requests(GET_DATA_SCAN_JOB)
    # the three finished jobs, FULL view; the RUNNING one is not read
    assert sorted(r["name"] for r in gets) == sorted([ORDERS_FAILED, ORDERS_OK, SESSIONS_OK])
    assert {r["view"] for r in gets} == {"FULL"}
    # each scanned table's catalog entry, BASIC view (the entry without its aspects)
    entries = fake.requests(GET_ENTRY)
    assert sorted(r["name"] for r in entries) == sorted([ORDERS_ENTRY, SESSIONS_ENTRY])
    assert {r["view"] for r in entries} == {"BASIC"}
    assert [e for e in exchanges if e.error is not None] == []
    assert {e.source for e in exchanges} == {"dataquality"}


def test_a_job_seen_twice_is_read_in_full_once(fake: FakeDataplexServer) -> None:
    made = clients(fake.address)
    try:
        first = fetch_dataquality(made, NOW)
        second = fetch_dataquality(made, NOW)
    finally:
        made.shared.close()
    names = [r["name"] for r in fake.requests(GET_DATA_SCAN_JOB)]
    assert sorted(names) == sorted([ORDERS_FAILED, ORDERS_OK, SESSIONS_OK])  # each once, over two polls
    assert not [e for e in second if e.method == GET_DATA_SCAN_JOB]
    assert len(fake.requests(LIST_DATA_SCAN_JOBS)) == 3 * 2  # the listings are made every poll
    # the catalog entries: read once, not again within 30 minutes
    assert len(fake.requests(GET_ENTRY)) == 2
    assert {e.poll for e in first} == {1}
    assert {e.poll for e in second} == {2}


def test_the_poll_parses_to_the_estate(fake: FakeDataplexServer) -> None:
    made = clients(fake.address)
    try:
        exchanges = fetch_dataquality(made, NOW)
    finally:
        made.shared.close()
    data = parse_dataquality(exchanges, PollContext("dataquality"))
    assert (data.warnings, data.incomplete) == ((), ())
    assert sorted(s.key for s in data.scans) == [
        "acme-analytics/europe-west1/sessions-dq",
        "acme-etl/europe-west1/orders-dq",
    ]
    orders = next(s for s in data.scans if s.scan_id == "orders-dq")
    assert (orders.table, orders.trigger, orders.cron) == (
        "acme-etl.sales.orders",
        "schedule",
        "TZ=UTC 30 7 * * *",
    )
    assert orders.latest_job_start == NOW.replace(hour=7, minute=30)
    found = {s.key: s for s in states(data)}
    state = found["acme-etl/europe-west1/orders-dq"]
    assert state.status == "failed"
    result = state.result
    assert result is not None
    assert result.name == ORDERS_FAILED
    assert (result.passed, result.score, result.row_count) == (False, 50.0, 120000)
    assert result.dimensions == {"COMPLETENESS": 0.0, "UNIQUENESS": 0.0, "VALIDITY": 100.0}
    failed = {r.column: r for r in state.failed_rules}
    assert sorted(failed) == ["customer_id", "order_id"]
    nulls = failed["customer_id"]
    assert (nulls.rule_type, nulls.dimension, nulls.threshold) == ("non_null", "COMPLETENESS", 0.99)
    assert (nulls.pass_ratio, nulls.evaluated_count, nulls.null_count) == (0.91, 120000, 10800)
    assert nulls.failing_rows_query.endswith("WHERE customer_id IS NULL")
    assert failed["order_id"].rule_type == "uniqueness"
    assert state.scores == [100.0, 50.0]  # yesterday's, then today's
    sessions = found["acme-analytics/europe-west1/sessions-dq"]
    # the RUNNING job is the newest; the newest result is 06:00's
    assert sessions.last is not None
    assert sessions.last.state == "RUNNING"
    assert sessions.result is not None
    assert sessions.result.name == SESSIONS_OK
    assert sessions.status == "passed"
    assert next(s.key for s in states(data)) == "acme-etl/europe-west1/orders-dq"  # failed first
    assert NOW - timedelta(hours=4) == sessions.result.started
    catalog = data.catalog
    # entrySource.updateTime (09:40), not the entry's own 09:41
    assert catalog["acme-etl.sales.orders"].updated == NOW - timedelta(minutes=20)
    assert catalog["acme-etl.sales.orders"].entry == ORDERS_ENTRY
    # no entrySource.updateTime: the entry's updateTime, 2026-12-06 02:00
    assert catalog["acme-analytics.web.sessions"].updated == NOW - timedelta(hours=32)
    assert catalog["acme-analytics.web.sessions"].read_at == NOW
