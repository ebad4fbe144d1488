"""The fault matrix of the gRPC sources: each source x each fault on its listing fails the poll with a
reason a person can act on, in bounded time; a fault on Monitoring or another secondary call only warns;
the next poll after the fault clears is whole again."""

from __future__ import annotations

import time
from collections.abc import Iterator

import msgspec
import pytest

from dashboard.errors import SourceError
from dashboard.parsers import parse_poll
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

from .fake_grpc import (
    DEMO_PROJECTS,
    PRIMARY,
    SOURCES,
    FakeGrpcServer,
    Fault,
    closed_port,
    demo_clients,
    fetcher,
    poll_exchanges,
)

pytestmark = pytest.mark.timeout(20)

TIMEOUT = 0.3
RETRY_DEADLINE = 0.6
"""Short client limits: a retried fault gives up in under a second."""

ROLES = {
    "reservations": "roles/bigquery.resourceViewer",
    "dataproc": "roles/dataproc.viewer",
    "dataflow": "roles/dataflow.viewer",
}

FAULTS: dict[str, tuple[Fault, str, str]] = {
    "permission-denied": (
        Fault(code="PERMISSION_DENIED", message="Permission denied on resource"),
        "PERMISSION_DENIED",
        "PERMISSION_DENIED: needs {role} on project",
    ),
    "not-found": (Fault(code="NOT_FOUND", message="Project not found"), "NOT_FOUND", "check the project"),
    "resource-exhausted": (
        Fault(code="RESOURCE_EXHAUSTED", message="Quota exceeded"),
        "RESOURCE_EXHAUSTED",
        "quota or rate limit reached, polling backs off",
    ),
    "internal": (Fault(code="INTERNAL", message="Internal error"), "INTERNAL", "INTERNAL: Internal error ("),
    "unavailable": (
        Fault(code="UNAVAILABLE", message="The service is currently unavailable."),
        "UNAVAILABLE",
        "The service is currently unavailable. (still failing after retries)",
    ),
    "deadline": (Fault(kind="sleep"), "DEADLINE_EXCEEDED", "DEADLINE_EXCEEDED"),
    "garbage": (Fault(kind="garbage"), "INTERNAL", "the response could not be decoded"),
    "error-on-page-2": (
        Fault(code="INTERNAL", message="Internal error on page 2", page=2),
        "INTERNAL",
        "Internal error on page 2",
    ),
}


@pytest.fixture(scope="module")
def server() -> Iterator[FakeGrpcServer]:
    with FakeGrpcServer() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeGrpcServer) -> FakeGrpcServer:
    server.clear_faults()
    server.received.clear()
    return server


@pytest.mark.parametrize("fault_name", list(FAULTS))
@pytest.mark.parametrize("source", SOURCES)
def test_a_fault_on_the_listing_fails_the_poll_with_a_reason(
    fake: FakeGrpcServer, source: str, fault_name: str
) -> None:
    fault, code, reason = FAULTS[fault_name]
    recorded = poll_exchanges(source, 1)
    fake.serve(recorded, split_pages=True)
    fake.fault(PRIMARY[source], fault)
    clients = demo_clients(fake.address, timeout=TIMEOUT, retry_deadline=RETRY_DEADLINE)
    try:
        start = time.perf_counter()
        failed = fetcher(source)(clients, recorded[0].t)
        took = time.perf_counter() - start
        fake.clear_faults()
        recovered = fetcher(source)(clients, recorded[0].t)
    finally:
        clients.close()
    assert took < RETRY_DEADLINE + TIMEOUT + 1.0
    try:
        data = parse_poll(source, failed)  # type: ignore[arg-type]
    except SourceError as exc:
        said, partial, failed_code = exc.reason, False, exc.code
    else:
        # Some parts answered (a project whose listing has one page only): the poll keeps them, and a
        # warning names each part that failed.
        assert fault.page == 2
        assert data.incomplete  # type: ignore[union-attr]
        said, partial, failed_code = " ".join(data.warnings), True, code
        assert f"failed for {data.incomplete[0]}: {code}" in said  # type: ignore[union-attr]
    assert failed_code == code
    assert reason.format(role=ROLES[source]) in said
    # A project stops at its failed listing (a service that failed is not asked again in the poll: those
    # calls are kept as errors saying so), and a poll whose every listing failed reads no metrics.
    errors = [i for i, e in enumerate(failed) if e.error]
    asked = [i for i in errors if not (failed[i].error.message or "").startswith("not asked:")]  # type: ignore[union-attr]
    assert asked
    assert all(failed[i].method == PRIMARY[source] for i in asked)
    assert partial or all(e.method != fmt.MON_LIST_TIME_SERIES for e in failed)
    if fault.page == 2:
        for i in asked:
            assert failed[i].request.get("pageToken") == "page-2"
            assert failed[i - 1].method == PRIMARY[source]
            assert failed[i - 1].response is not None
    # the running totals' 24 h lookback belongs to a project's first Monitoring read: when the failed poll
    # made it already, the recovered (second) poll asks only the last minutes, as any later poll does
    looked_back = {e.request.get("name") for e in failed if _lookback(e)}
    expected = [e for e in recorded if not (_lookback(e) and e.request.get("name") in looked_back)]
    assert parse_poll(source, recovered) == parse_poll(source, expected)  # type: ignore[arg-type]


def _lookback(exchange: Exchange) -> bool:
    aggregation = exchange.request.get("aggregation") or {}
    return exchange.method == fmt.MON_LIST_TIME_SERIES and aggregation.get("alignmentPeriod") == "86400s"


@pytest.mark.parametrize("source", SOURCES)
def test_connection_refused_fails_the_poll_quickly(source: str) -> None:
    clients = demo_clients(f"127.0.0.1:{closed_port()}", timeout=TIMEOUT, retry_deadline=RETRY_DEADLINE)
    try:
        start = time.perf_counter()
        got = fetcher(source)(clients, poll_exchanges(source, 1)[0].t)
        took = time.perf_counter() - start
    finally:
        clients.close()
    assert took < RETRY_DEADLINE + TIMEOUT + 1.0
    # One refused listing per project (projects are read side by side); the service's other calls in the
    # poll are not made, each kept as an error saying so.
    assert all(e.error is not None for e in got)
    asked = [e for e in got if not e.error.message.startswith("not asked:")]  # type: ignore[union-attr]
    assert 1 <= len(asked) <= (1 if source == "reservations" else len(DEMO_PROJECTS))
    assert all(e.method == PRIMARY[source] for e in asked)
    with pytest.raises(SourceError) as caught:
        parse_poll(source, got)  # type: ignore[arg-type]
    assert caught.value.code == "UNAVAILABLE"
    assert "cannot connect to 127.0.0.1:" in caught.value.reason
    assert "Connection refused (still failing after retries)" in caught.value.reason


@pytest.mark.parametrize(
    "fault_name", ["permission-denied", "unavailable", "deadline", "garbage", "internal"]
)
@pytest.mark.parametrize("source", SOURCES)
def test_a_monitoring_fault_only_warns(fake: FakeGrpcServer, source: str, fault_name: str) -> None:
    fault, code, _ = FAULTS[fault_name]
    recorded = poll_exchanges(source, 1)
    fake.serve(recorded)
    fake.fault(fmt.MON_LIST_TIME_SERIES, fault)
    clients = demo_clients(fake.address, timeout=TIMEOUT, retry_deadline=RETRY_DEADLINE)
    try:
        start = time.perf_counter()
        got = fetcher(source)(clients, recorded[0].t)
        took = time.perf_counter() - start
    finally:
        clients.close()
    assert took < RETRY_DEADLINE + TIMEOUT + 1.5
    data = parse_poll(source, got)  # type: ignore[arg-type]
    whole = parse_poll(source, recorded)  # type: ignore[arg-type]
    assert data.warnings
    assert all(code in warning for warning in data.warnings)
    if fault_name == "permission-denied":
        assert data.warnings[0].startswith(
            "Monitoring metrics not shown: PERMISSION_DENIED: needs roles/monitoring"
        )
    # Everything but the metrics is still there.
    listed = {"reservations": "reservations", "dataproc": "clusters", "dataflow": "jobs"}[source]
    assert getattr(data, listed) == getattr(whole, listed)
    series = "slot_usage" if source == "reservations" else "series"
    assert getattr(data, series) == ()
    # After a denied or unreachable Monitoring, a project's other metrics are not asked in that poll.
    if code in ("UNAVAILABLE", "DEADLINE_EXCEEDED", "PERMISSION_DENIED"):
        projects = 2  # reservations: the admin project's slots, and acme-analytics' BI Engine
        assert sum(e.method == fmt.MON_LIST_TIME_SERIES for e in got) == projects


def test_denied_commitments_and_assignments_only_warn(fake: FakeGrpcServer) -> None:
    recorded = poll_exchanges("reservations", 1)
    fake.serve(recorded)
    fake.fault(fmt.RES_LIST_COMMITMENTS, Fault(code="PERMISSION_DENIED", message="denied"))
    fake.fault(fmt.RES_SEARCH_ALL_ASSIGNMENTS, Fault(code="PERMISSION_DENIED", message="denied"))
    clients = demo_clients(fake.address, timeout=TIMEOUT, retry_deadline=RETRY_DEADLINE)
    try:
        got = fetcher("reservations")(clients, recorded[0].t)
    finally:
        clients.close()
    data = parse_poll("reservations", got)
    assert data.reservations == parse_poll("reservations", recorded).reservations  # type: ignore[union-attr]
    assert data.commitments == ()  # type: ignore[union-attr]
    assert data.assignments == ()  # type: ignore[union-attr]
    assert data.warnings[:2] == (
        "commitments not shown: PERMISSION_DENIED: needs roles/bigquery.resourceViewer on project acme-admin "
        "(ListCapacityCommitments)",
        "assignments not shown: PERMISSION_DENIED: needs roles/bigquery.resourceViewer on project acme-admin "
        "(SearchAllAssignments)",
    )
    # A denied search is not repeated for the next project.
    assert len(fake.requests(fmt.RES_SEARCH_ALL_ASSIGNMENTS)) == 1


def test_unimplemented_batches_only_warn(fake: FakeGrpcServer) -> None:
    recorded = poll_exchanges("dataproc", 1)
    fake.serve(recorded)
    fake.fault(fmt.DATAPROC_LIST_BATCHES, Fault(code="UNIMPLEMENTED", message="not here"))
    clients = demo_clients(fake.address, timeout=TIMEOUT, retry_deadline=RETRY_DEADLINE)
    try:
        got = fetcher("dataproc")(clients, recorded[0].t)
    finally:
        clients.close()
    data = parse_poll("dataproc", got)
    whole = parse_poll("dataproc", recorded)
    assert data.clusters == whole.clusters  # type: ignore[union-attr]
    assert data.series == whole.series  # type: ignore[union-attr]
    assert data.warnings == tuple(
        f"Serverless batches not shown: UNIMPLEMENTED: not here (ListBatches, project {p}, us-central1)"
        for p in DEMO_PROJECTS
    )
    # One try per project: its other region is not asked.
    assert len(fake.requests(fmt.DATAPROC_LIST_BATCHES)) == len(DEMO_PROJECTS)


def test_a_repeated_page_token_ends_the_listing(fake: FakeGrpcServer) -> None:
    recorded = poll_exchanges("dataflow", 1)
    looping = [
        msgspec.structs.replace(e, response={**e.response, "nextPageToken": "page-1"})
        if e.method == PRIMARY["dataflow"] and e.response
        else e
        for e in recorded
    ]
    fake.serve(looping)
    clients = demo_clients(fake.address, timeout=TIMEOUT, retry_deadline=RETRY_DEADLINE)
    try:
        got = fetcher("dataflow")(clients, recorded[0].t)
    finally:
        clients.close()
    # acme-etl: page 1, its token asked once (the same page again), then the repeat is refused;
    # acme-analytics has no jobs (an empty response, no token).
    assert [r.get("pageToken") for r in fake.requests(PRIMARY["dataflow"])] == [None, None, "page-1"]
    data = parse_poll("dataflow", got)
    assert data.incomplete == ("acme-etl",)  # type: ignore[union-attr]
    assert "sent the page token 'page-1' again" in " ".join(data.warnings)
