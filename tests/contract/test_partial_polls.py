"""One failed part of a poll (a project's ``jobs.list``, page 2 of one location's ``ListReservations``, one
project's Dataflow listing) keeps everything the other parts read: the poll still has data, a warning
names the part that failed and why, and the store keeps what it last knew of that part.

The real clients (google-cloud-bigquery over REST, the gRPC clients) talk to the fakes; the world is
tests/contract/world.py: job projects acme-etl and acme-bi, BigQuery locations US and europe-west4,
reservations in acme-admin.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from dashboard.backends.gcp.live import LiveBackend
from dashboard.models import DataflowData, JobsData, ReservationsData
from dashboard.parsers import parse_poll
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.dataflow.api import fetch_dataflow
from dashboard.sources.reservations.api import fetch_reservations
from dashboard.store import Store

from .fake_grpc import FakeGrpcServer, Fault, demo_clients, poll_exchanges
from .fake_rest import FakeRest, bq_config
from .world import ADMIN, JOB_PROJECTS, LOCATIONS, fake_jobs, grpc_exchange, reservation_exchanges

pytestmark = pytest.mark.timeout(30)

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at


def world_bq_config(url: str) -> Any:
    return bq_config(url, projects=JOB_PROJECTS, bigquery_locations=list(LOCATIONS))


def world_clients(address: str) -> Any:
    from dashboard.backends.gcp.grpc_clients import CallPolicy, make_clients
    from dashboard.config import AuthConfig, Config, EndpointsConfig, GcpConfig

    config = Config(
        gcp=GcpConfig(
            projects=list(JOB_PROJECTS),
            regions=["europe-west4"],
            bigquery_locations=list(LOCATIONS),
            reservation_admin_projects=[ADMIN],
        ),
        endpoints=EndpointsConfig(
            reservation=address, dataproc=address, dataflow=address, monitoring=address
        ),
        auth=AuthConfig(anonymous=True),
    )
    policy = CallPolicy(timeout=1.0, retry_deadline=1.0, initial_backoff=0.05, max_backoff=0.2)
    return make_clients(config, policy=policy)


# ------------------------------------------------------------------ BigQuery: one project's jobs.list


@pytest.fixture
def rest() -> Iterator[FakeRest]:
    with FakeRest(world=fake_jobs(NOW)) as fake:
        yield fake


def test_a_failed_jobs_list_in_one_project_keeps_the_other_projects_jobs(rest: FakeRest) -> None:
    rest.inject("list", "403", "acme-bi")
    backend = LiveBackend(world_bq_config(rest.url), Clock())
    [poll] = backend.poll("jobs")
    assert poll.error is None, poll.error
    data = poll.data
    assert isinstance(data, JobsData)
    keys = {job.key for job in data.jobs}
    # acme-etl answered: its running job (jobs.list) and its history in both locations (US, europe-west4)
    assert "acme-etl:US.etl_live_1" in keys
    assert "acme-etl:US.etl_nightly_1" in keys
    assert "acme-etl:europe-west4.etl_eu_1" in keys
    assert data.running_keys is not None
    assert "acme-etl:US.etl_live_1" in data.running_keys
    # acme-bi did not: nothing of it, and no billed history query was sent there in vain
    assert not [job for job in data.jobs if job.project == "acme-bi"]
    assert not rest.requests("/projects/acme-bi/queries")
    assert data.incomplete == ("acme-bi",)
    assert (
        "jobs.list failed for acme-bi: 403 accessDenied: needs roles/bigquery.resourceViewer on project "
        "acme-bi (jobs.list)"
    ) in data.warnings
    store = Store(projects=JOB_PROJECTS)
    store.apply(poll)
    status = store.snapshot(NOW).statuses["jobs"]
    assert status.state == "ok"
    assert any(w.startswith("jobs.list failed for acme-bi: ") for w in status.warnings)


def test_the_store_keeps_the_failed_projects_running_jobs(rest: FakeRest) -> None:
    clock = Clock()
    backend = LiveBackend(world_bq_config(rest.url), clock)
    store = Store(projects=JOB_PROJECTS, window=timedelta(minutes=30))
    [first] = backend.poll("jobs")
    store.apply(first)
    assert "acme-bi:US.bi_queued_1" in {job.key for job in store.snapshot(clock.at).jobs}
    rest.inject("list", "403", "acme-bi")
    clock.at += timedelta(minutes=40)  # bi_queued_1 (created NOW - 1 min) is now older than the window
    [second] = backend.poll("jobs")
    assert isinstance(second.data, JobsData)
    assert second.data.incomplete == ("acme-bi",)
    store.apply(second)
    keys = {job.key for job in store.snapshot(clock.at).jobs}
    # still listed as queued when acme-bi last answered: kept, not trimmed as if it had ended
    assert "acme-bi:US.bi_queued_1" in keys
    assert "acme-etl:US.etl_live_1" in keys


# ------------------------------------------------------------------ Reservations: page 2 of one location


def _two_page_reservations() -> list[Exchange]:
    """The world's Reservation API with a second reservation and a commitment in US (so that the US
    listing has two pages when split)."""
    out: list[Exchange] = []
    us = f"projects/{ADMIN}/locations/US"
    for recorded in reservation_exchanges():
        ex = recorded
        if ex.method == fmt.RES_LIST_RESERVATIONS and ex.request["parent"] == us:
            second = {"name": f"{us}/reservations/bi-adhoc", "slotCapacity": "50", "edition": "STANDARD"}
            ex = msgspec.structs.replace(
                ex, response={"reservations": [*ex.response["reservations"], second]}
            )
        elif ex.method == fmt.RES_LIST_COMMITMENTS and ex.request["parent"] == us:
            commitment = {
                "name": f"{us}/capacityCommitments/9001",
                "slotCount": "100",
                "plan": "ANNUAL",
                "state": "ACTIVE",
                "edition": "ENTERPRISE",
            }
            ex = msgspec.structs.replace(ex, response={"capacityCommitments": [commitment]})
        out.append(ex)
    out.append(grpc_exchange(fmt.MON_LIST_TIME_SERIES, {"name": f"projects/{ADMIN}"}, {}))
    return out


def test_a_failed_second_page_of_list_reservations_keeps_the_rest() -> None:
    exchanges = _two_page_reservations()
    with FakeGrpcServer(exchanges, split_pages=True) as fake:
        clients = world_clients(fake.address)
        try:
            whole = parse_poll("reservations", fetch_reservations(clients, NOW))
            fake.fault(
                fmt.RES_LIST_RESERVATIONS, Fault(code="INTERNAL", message="Internal error on page 2", page=2)
            )
            got = fetch_reservations(clients, NOW + timedelta(minutes=1))
        finally:
            clients.close()
    assert isinstance(whole, ReservationsData)
    assert [r.reservation_id for r in whole.reservations] == ["etl-prod", "bi-adhoc"]
    data = parse_poll("reservations", got)
    assert isinstance(data, ReservationsData)
    # page 1 of US was read (etl-prod); page 2 (bi-adhoc) failed; europe-west4 answered (empty)
    assert [r.reservation_id for r in data.reservations] == ["etl-prod"]
    assert data.incomplete == ("acme-admin/US",)
    # commitments and assignments answered: complete
    assert [c.commitment_id for c in data.commitments] == ["9001"]
    assert sorted(a.reservation_id for a in data.assignments) == ["etl-prod", "none"]
    assert (
        "ListReservations failed for acme-admin/US: INTERNAL: Internal error on page 2 "
        "(ListReservations, project acme-admin, US)"
    ) in data.warnings
    # the store shows the last complete read of US: bi-adhoc is kept, not wiped
    from dashboard.backends.base import Poll

    store = Store()
    store.apply(Poll(source="reservations", t=NOW, data=whole))
    store.apply(Poll(source="reservations", t=NOW + timedelta(minutes=1), data=data))
    snap = store.snapshot(NOW + timedelta(minutes=1))
    assert sorted(r.reservation_id for r in snap.reservations.reservations) == ["bi-adhoc", "etl-prod"]
    assert snap.statuses["reservations"].state == "ok"
    assert any(
        w.startswith("ListReservations failed for acme-admin/US")
        for w in snap.statuses["reservations"].warnings
    )


# ------------------------------------------------------------------ Dataflow: one project's listing


def test_one_projects_failed_dataflow_listing_keeps_the_other_projects_jobs() -> None:
    recorded = poll_exchanges("dataflow", 1)
    whole = parse_poll("dataflow", recorded)
    assert isinstance(whole, DataflowData)
    assert {j.project for j in whole.jobs} == {"acme-etl"}  # acme-analytics has no Dataflow jobs
    with FakeGrpcServer(recorded) as fake:
        fake.fault(
            fmt.DATAFLOW_AGGREGATED_LIST_JOBS,
            Fault(code="PERMISSION_DENIED", message="Permission denied", where="acme-analytics"),
        )
        clients = demo_clients(fake.address, timeout=1.0, retry_deadline=1.0)
        try:
            got = fetch_dataflow(clients, recorded[0].t)
        finally:
            clients.close()
        metric_calls = len(fake.requests(fmt.MON_LIST_TIME_SERIES))
    data = parse_poll("dataflow", got)
    assert isinstance(data, DataflowData)
    assert data.jobs == whole.jobs
    assert data.incomplete == ("acme-analytics",)
    assert (
        "AggregatedListJobs failed for acme-analytics: PERMISSION_DENIED: needs roles/dataflow.viewer on "
        "project acme-analytics (AggregatedListJobs)"
    ) in data.warnings
    assert metric_calls > 0  # the metrics of the project that answered are still read
