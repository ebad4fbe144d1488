"""Each job project's BigQuery billing mode from the Reservation API, through the real gRPC client against the
fake server: the admin project (``acme-admin``) searched for each job project's assignment per location; an
assignment to a reservation makes it ``editions``, one to the special reservation ``none`` ``on-demand``; a
folder's assignment returned for a project without one of its own applies to that project."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard.backends.gcp.grpc_clients import CallPolicy, make_clients
from dashboard.config import AuthConfig, Config, EndpointsConfig, GcpConfig
from dashboard.models import ReservationsData
from dashboard.parsers import parse_poll
from dashboard.recording import format as fmt
from dashboard.sources.reservations.api import fetch_reservations
from dashboard.sources.reservations.cost import project_modes

from .fake_grpc import FakeGrpcServer
from .world import ADMIN, JOB_PROJECTS, LOCATIONS, grpc_exchange, reservation_exchanges

pytestmark = pytest.mark.timeout(30)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeGrpcServer]:
    with FakeGrpcServer(reservation_exchanges()) as server:
        yield server


def read(fake: FakeGrpcServer, projects: tuple[str, ...] = JOB_PROJECTS) -> ReservationsData:
    config = Config(
        gcp=GcpConfig(
            projects=list(projects),
            regions=["europe-west4"],
            bigquery_locations=list(LOCATIONS),
            reservation_admin_projects=[ADMIN],
        ),
        endpoints=EndpointsConfig(
            reservation=fake.address, dataproc=fake.address, dataflow=fake.address, monitoring=fake.address
        ),
        auth=AuthConfig(anonymous=True),
    )
    policy = CallPolicy(timeout=5.0, retry_deadline=5.0, initial_backoff=0.05, max_backoff=0.2)
    clients = make_clients(config, policy=policy, batches=False)
    try:
        data = parse_poll("reservations", fetch_reservations(clients, T0))
    finally:
        clients.close()
    assert isinstance(data, ReservationsData)
    return data


def test_the_admin_projects_assignments_give_the_job_projects_modes(fake: FakeGrpcServer) -> None:
    data = read(fake)
    searches = fake.requests(fmt.RES_SEARCH_ALL_ASSIGNMENTS)
    assert [(s["parent"], s["query"]) for s in searches] == [
        (f"projects/{ADMIN}/locations/{location}", f"assignee=projects/{project}")
        for location in LOCATIONS
        for project in JOB_PROJECTS
    ]
    assert data.warnings == ()
    assert {a.assignee: a.reservation_id for a in data.assignments} == {
        "projects/acme-etl": "etl-prod",
        "projects/acme-bi": "none",
    }
    # acme-etl runs in acme-admin's reservation etl-prod; acme-bi is assigned to `none`: opted out
    assert project_modes(data.assignments) == {"acme-etl": "editions", "acme-bi": "on-demand"}
    assert ADMIN not in project_modes(data.assignments)


def _folder_assignment(parent: str) -> dict[str, Any]:
    return {
        "assignments": [
            {
                "name": f"{parent}/reservations/etl-prod/assignments/777",
                "assignee": "folders/31415",
                "jobType": "QUERY",
                "state": "ACTIVE",
            }
        ]
    }


def test_a_folders_assignment_found_for_a_project_is_that_projects(fake: FakeGrpcServer) -> None:
    # acme-lab has no assignment of its own: SearchAllAssignments returns its folder's
    parent = f"projects/{ADMIN}/locations/US"
    lab = grpc_exchange(
        fmt.RES_SEARCH_ALL_ASSIGNMENTS,
        {"parent": parent, "query": "assignee=projects/acme-lab"},
        _folder_assignment(parent),
    )
    fake.serve([*reservation_exchanges(), lab])
    data = read(fake, projects=(*JOB_PROJECTS, "acme-lab"))
    [folder] = [a for a in data.assignments if a.assignee == "folders/31415"]
    assert folder.searched_for == "acme-lab"
    assert project_modes(data.assignments) == {
        "acme-etl": "editions",
        "acme-bi": "on-demand",
        "acme-lab": "editions",
    }
