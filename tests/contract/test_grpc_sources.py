"""The live gRPC sources against the fake server serving the demo recording: the same data as the
recording, the same requests (parents, filters, windows, aggregation, page tokens), routing headers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from dashboard.parsers import parse_poll
from dashboard.recording import format as fmt

from .fake_grpc import (
    DEMO_PROJECTS,
    DEMO_REGIONS,
    LIST_FIELDS,
    SOURCES,
    FakeGrpcServer,
    demo_clients,
    fetcher,
    poll_exchanges,
)

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeGrpcServer]:
    with FakeGrpcServer() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeGrpcServer) -> FakeGrpcServer:
    server.clear_faults()
    server.received.clear()
    return server


@pytest.mark.parametrize("split", [False, True], ids=["one-page", "two-pages"])
@pytest.mark.parametrize(
    ("source", "number"),
    [
        ("reservations", 1),
        ("reservations", 76),  # commitments denied
        ("reservations", 151),  # BI reservations read every 5 polls, as on a first poll
        ("dataproc", 1),
        ("dataproc", 120),
        ("dataflow", 1),
        ("dataflow", 60),
        ("dataflow", 170),
    ],
)
def test_a_live_poll_parses_to_the_recorded_polls_data(
    fake: FakeGrpcServer, source: str, number: int, split: bool
) -> None:
    recorded = poll_exchanges(source, number)
    fake.serve(recorded, split_pages=split)
    clients = demo_clients(fake.address)
    try:
        got = fetcher(source)(clients, recorded[0].t)
    finally:
        clients.close()
    assert parse_poll(source, got) == parse_poll(source, recorded)  # type: ignore[arg-type]
    assert {e.error for e in got if e.error} == {e.error for e in recorded if e.error}
    assert all(e.source == source and e.poll == 1 and e.t == recorded[0].t for e in got)
    splittable = any(
        len((e.response or {}).get(LIST_FIELDS[e.method]) or ()) >= 2
        for e in recorded
        if e.method in LIST_FIELDS
    )
    assert any(e.request.get("pageToken") == "page-2" for e in got) == (split and splittable)


@pytest.mark.parametrize("source", SOURCES)
def test_two_polls_send_the_recorded_requests_windows_included(fake: FakeGrpcServer, source: str) -> None:
    clients = demo_clients(fake.address)
    sent = []
    try:
        for number in (1, 2):
            recorded = poll_exchanges(source, number)
            fake.serve(recorded)
            got = fetcher(source)(clients, recorded[0].t)
            expected = [(e.method, e.request) for e in recorded]
            assert [(e.method, e.request) for e in got] == expected
            assert {e.poll for e in got} == {number}
            sent.extend((e.method, e.request) for e in recorded)
    finally:
        clients.close()
    # Projects' metrics are read side by side: the server sees the same requests, interleaved.
    received = sorted(json.dumps([r.method, r.request], sort_keys=True) for r in fake.received)
    assert received == sorted(json.dumps(pair, sort_keys=True) for pair in sent)


def test_monitoring_windows_are_incremental_with_a_three_minute_overlap(fake: FakeGrpcServer) -> None:
    recorded = poll_exchanges("dataflow", 1)
    t1 = recorded[0].t
    fake.serve(recorded)
    clients = demo_clients(fake.address)
    try:
        fetcher("dataflow")(clients, t1)
        fetcher("dataflow")(clients, t1 + timedelta(seconds=30))
    finally:
        clients.close()
    asked = [r.request for r in fake.received if r.method == fmt.MON_LIST_TIME_SERIES]
    windows = [r["interval"] for r in asked]
    # first poll, per project: 9 metrics over the last hour, and the 5 running totals also over the 24 h
    # before it as one alignment period (a batch job that ended hours ago has only its last totals there)
    assert len(windows) == 2 * (9 + 5) + 2 * 9
    first_hour = {"startTime": "2026-11-26T05:00:00Z", "endTime": "2026-11-26T06:00:00Z"}
    lookback = {"startTime": "2026-11-25T05:00:00Z", "endTime": "2026-11-26T05:00:00Z"}
    assert windows[:28].count(first_hour) == 18
    assert windows[:28].count(lookback) == 10
    assert {r["aggregation"]["alignmentPeriod"] for r in asked[:28] if r["interval"] == lookback} == {
        "86400s"
    }
    assert {
        r["filter"].split('"')[1].rsplit("/", 1)[-1] for r in asked[:28] if r["interval"] == lookback
    } == {
        "total_vcpu_time",
        "total_memory_usage_time",
        "total_pd_usage_time",
        "billable_shuffle_data_processed",
        "total_streaming_data_processed",
    }
    assert set(map(str, windows[28:])) == {
        str({"startTime": "2026-11-26T05:57:00Z", "endTime": "2026-11-26T06:00:30Z"})
    }


def test_a_failed_metric_is_asked_again_from_its_last_good_window(fake: FakeGrpcServer) -> None:
    from .fake_grpc import Fault

    recorded = poll_exchanges("dataproc", 1)
    t1 = recorded[0].t
    fake.serve(recorded)
    clients = demo_clients(fake.address)
    try:
        fetcher("dataproc")(clients, t1)
        fake.fault(fmt.MON_LIST_TIME_SERIES, Fault(code="PERMISSION_DENIED", message="denied"))
        denied = fetcher("dataproc")(clients, t1 + timedelta(minutes=1))
        fake.clear_faults()
        fake.received.clear()
        fetcher("dataproc")(clients, t1 + timedelta(minutes=2))
    finally:
        clients.close()
    data = parse_poll("dataproc", denied)
    assert data.clusters  # type: ignore[union-attr]
    assert data.warnings == (
        "Monitoring metrics not shown: PERMISSION_DENIED: needs roles/monitoring.viewer on project "
        "acme-analytics (ListTimeSeries)",
        "Monitoring metrics not shown: PERMISSION_DENIED: needs roles/monitoring.viewer on project "
        "acme-etl (ListTimeSeries)",
    )
    # Denied: the first metric of each project was asked, the project's other metric was not.
    assert sum(e.method == fmt.MON_LIST_TIME_SERIES for e in denied) == 2
    starts = [
        r.request["interval"]["startTime"] for r in fake.received if r.method == fmt.MON_LIST_TIME_SERIES
    ]
    assert starts == ["2026-11-26T05:57:00Z"] * 4


def test_pages_are_requested_with_the_previous_pages_token(fake: FakeGrpcServer) -> None:
    recorded = poll_exchanges("dataproc", 1)
    fake.serve(recorded, split_pages=True)
    clients = demo_clients(fake.address)
    try:
        got = fetcher("dataproc")(clients, recorded[0].t)
    finally:
        clients.close()
    listed = [r for r in fake.requests(fmt.DATAPROC_LIST_CLUSTERS) if r["projectId"] == "acme-analytics"]
    assert listed[:2] == [
        {"projectId": "acme-analytics", "region": "us-central1"},
        {"projectId": "acme-analytics", "region": "us-central1", "pageToken": "page-2"},
    ]
    assert len(listed) == 3
    assert len(fake.requests(fmt.DATAPROC_LIST_CLUSTERS)) == 5
    pages = [e for e in got if e.method == fmt.DATAPROC_LIST_CLUSTERS]
    assert pages[0].response is not None
    assert pages[0].response["nextPageToken"] == "page-2"
    assert [len(p.response["clusters"]) for p in pages[:2] if p.response] == [1, 1]


def test_routing_headers_name_the_resource(fake: FakeGrpcServer) -> None:
    fake.serve(
        poll_exchanges("dataproc", 1) + poll_exchanges("dataflow", 1) + poll_exchanges("reservations", 1)
    )
    clients = demo_clients(fake.address)
    try:
        for source in SOURCES:
            fetcher(source)(clients, poll_exchanges(source, 1)[0].t)
    finally:
        clients.close()
    headers: dict[str, set[str]] = {}
    for r in fake.received:
        headers.setdefault(r.method, set()).add(r.metadata.get("x-goog-request-params", ""))
    assert headers[fmt.DATAPROC_LIST_CLUSTERS] == {
        f"project_id={p}&region={r}" for p in DEMO_PROJECTS for r in DEMO_REGIONS
    }
    assert headers[fmt.DATAPROC_LIST_BATCHES] == {
        f"parent=projects/{p}/locations/{r}" for p in DEMO_PROJECTS for r in DEMO_REGIONS
    }
    assert headers[fmt.DATAFLOW_AGGREGATED_LIST_JOBS] == {"project_id=acme-analytics", "project_id=acme-etl"}
    assert headers[fmt.RES_LIST_RESERVATIONS] == {"parent=projects/acme-admin/locations/US"}
    assert headers[fmt.RES_SEARCH_ALL_ASSIGNMENTS] == {"parent=projects/acme-admin/locations/US"}
    assert all(r.metadata["x-goog-api-client"].startswith("gcpdash/") for r in fake.received)
    assert headers[fmt.MON_LIST_TIME_SERIES] == {
        "name=projects/acme-admin",
        "name=projects/acme-analytics",
        "name=projects/acme-etl",
    }


def test_request_counts_per_poll(fake: FakeGrpcServer) -> None:
    """Per poll with 2 projects, 2 regions, 1 admin project and 1 location."""
    counts = {}
    clients = demo_clients(fake.address)
    try:
        for source in SOURCES:
            recorded = poll_exchanges(source, 1)
            fake.serve(recorded)
            fake.received.clear()
            fetcher(source)(clients, recorded[0].t)
            counts[source] = len(fake.received)
    finally:
        clients.close()
    # reservations: 1 ListReservations + 1 ListCapacityCommitments + 2 SearchAllAssignments + 1 slot metric,
    # and on a first poll 2 projects x 3 locations (US, us-central1, europe-west1) GetBiReservation + 2 BI
    # Engine metrics of the one project with a BI reservation (5 + 6 + 2 = 13);
    # dataproc: 4 ListClusters + 4 ListBatches + 4 x 2 ListJobs (ACTIVE, NON_ACTIVE) + 2 x 2 YARN metrics;
    # dataflow: 2 AggregatedListJobs + 2 x 9, and on a first poll 2 x 5 lookbacks of the running totals.
    assert counts == {"reservations": 13, "dataproc": 20, "dataflow": 30}


def test_job_metadata_connectors_cross_the_wire(fake: FakeGrpcServer) -> None:
    """``jobMetadata.pubsubDetails`` and ``bigqueryDetails`` go through the Dataflow client's own protos
    (a misnamed field would be refused or dropped) and come out as the job's reads and writes."""
    recorded = poll_exchanges("dataflow", 60)
    fake.serve(recorded)
    clients = demo_clients(fake.address)
    try:
        got = fetcher("dataflow")(clients, recorded[0].t)
    finally:
        clients.close()
    data = parse_poll("dataflow", got)
    jobs = {j.name: j for j in data.jobs}  # type: ignore[attr-defined]
    click = jobs["clickstream-enrich"]
    assert click.pubsub_reads == ("projects/acme-etl/subscriptions/clickstream-dataflow",)
    assert click.pubsub_topics == ("projects/acme-etl/topics/clickstream",)
    assert click.bigquery_tables == ("acme-analytics.clickstream.sessions",)
    assert jobs["iot-ingest"].bigquery_tables == ("acme-etl.telemetry.readings",)
