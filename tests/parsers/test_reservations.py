"""Reservation API payloads → Reservation, Commitment, Assignment; the reservations poll and its failures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard.errors import SourceError
from dashboard.models import Assignment, Commitment, Reservation, ReservationsData
from dashboard.parsers import parse_poll
from dashboard.recording import format as fmt

from .wire import grpc, grpc_error, points, time_series

PARENT = "projects/acme-admin/locations/US"

RESERVATIONS = {
    "reservations": [
        {
            "name": f"{PARENT}/reservations/prod",
            "slotCapacity": "500",
            "autoscale": {"currentSlots": "100", "maxSlots": "500"},
            "concurrency": "10",
            "ignoreIdleSlots": True,
            "creationTime": "2026-11-03T09:14:02.118Z",
            "edition": "ENTERPRISE",
            "labels": {"team": "platform"},
        },
        {"name": f"{PARENT}/reservations/adhoc", "slotCapacity": "100", "edition": "STANDARD"},
        {"name": f"{PARENT}/reservations/empty"},
    ]
}
COMMITMENTS = {
    "capacityCommitments": [
        {
            "name": f"{PARENT}/capacityCommitments/5517239814503987341",
            "slotCount": "500",
            "plan": "ANNUAL",
            "state": "ACTIVE",
            "commitmentStartTime": "2026-02-06T00:00:00Z",
            "commitmentEndTime": "2027-02-06T00:00:00Z",
            "renewalPlan": "ANNUAL",
            "edition": "ENTERPRISE",
        },
        {
            "name": f"{PARENT}/capacityCommitments/1",
            "slotCount": "100",
            "plan": "FLEX_PLUS",
            "state": "PENDING",
        },
    ]
}
ASSIGNMENTS = {
    "assignments": [
        {
            "name": f"{PARENT}/reservations/adhoc/assignments/7164528890213377049",
            "assignee": "projects/acme-analytics",
            "jobType": "QUERY",
            "state": "ACTIVE",
        },
        {
            "name": f"{PARENT}/reservations/prod/assignments/22",
            "assignee": "folders/123",
            "jobType": "CONTINUOUS",
        },
    ]
}


def ex(method: str, response: Any = None, *, error: dict[str, Any] | None = None, **request: Any) -> Any:
    return grpc("reservations", method, {"parent": PARENT, **request}, response, error=error)


def slots(*series: dict[str, Any], error: dict[str, Any] | None = None) -> Any:
    return time_series(
        "acme-admin",
        "bigquery.googleapis.com/slots/allocated",
        "bigquery_project",
        "metric.label.reservation",
        list(series),
        source="reservations",
        error=error,
    )


def parse(*exchanges: Any) -> ReservationsData:
    data = parse_poll("reservations", exchanges)
    assert isinstance(data, ReservationsData)
    return data


def full_poll() -> list[Any]:
    return [
        ex(fmt.RES_LIST_RESERVATIONS, RESERVATIONS),
        ex(fmt.RES_LIST_COMMITMENTS, COMMITMENTS),
        ex(fmt.RES_SEARCH_ALL_ASSIGNMENTS, ASSIGNMENTS, query="assignee=projects/acme-analytics"),
        slots(
            {
                "metric": {
                    "type": "bigquery.googleapis.com/slots/allocated",
                    "labels": {"reservation": "prod"},
                },
                "resource": {"type": "bigquery_project", "labels": {"project_id": "acme-admin"}},
                "points": points(("2026-11-26T05:59:00Z", {"doubleValue": 213.5})),
            }
        ),
    ]


def test_reservations_map_every_field() -> None:
    prod, adhoc, empty = parse(*full_poll()).reservations
    assert prod == Reservation(
        name=f"{PARENT}/reservations/prod",
        project="acme-admin",
        location="US",
        reservation_id="prod",
        slot_capacity=500,
        autoscale_max_slots=500,
        autoscale_current_slots=100,
        edition="ENTERPRISE",
        ignore_idle_slots=True,
        concurrency=10,
        labels={"team": "platform"},
    )
    assert prod.reservation_key == "acme-admin:US.prod"
    assert (prod.capacity_now, prod.capacity_max) == (600, 1000)
    assert (adhoc.slot_capacity, adhoc.autoscale_max_slots, adhoc.edition) == (100, 0, "STANDARD")
    assert (empty.slot_capacity, empty.edition, empty.labels) == (0, "EDITION_UNSPECIFIED", {})


def test_commitments_and_assignments() -> None:
    data = parse(*full_poll())
    annual, flex = data.commitments
    assert annual == Commitment(
        name=f"{PARENT}/capacityCommitments/5517239814503987341",
        project="acme-admin",
        location="US",
        commitment_id="5517239814503987341",
        slot_count=500,
        plan="ANNUAL",
        renewal_plan="ANNUAL",
        state="ACTIVE",
        edition="ENTERPRISE",
        start=datetime(2026, 2, 6, tzinfo=UTC),
        end=datetime(2027, 2, 6, tzinfo=UTC),
    )
    assert (flex.plan, flex.state, flex.end, flex.renewal_plan) == ("FLEX_PLUS", "PENDING", None, None)
    assert data.assignments == (
        Assignment(
            name=f"{PARENT}/reservations/adhoc/assignments/7164528890213377049",
            reservation_id="adhoc",
            assignee="projects/acme-analytics",
            job_type="QUERY",
            state="ACTIVE",
            searched_for="acme-analytics",  # the search's query: assignee=projects/acme-analytics
        ),
        Assignment(
            name=f"{PARENT}/reservations/prod/assignments/22",
            reservation_id="prod",
            assignee="folders/123",
            job_type="CONTINUOUS",
            state="STATE_UNSPECIFIED",
            searched_for="acme-analytics",
        ),
    )


def test_slot_usage_keyed_by_reservation() -> None:
    (usage,) = parse(*full_poll()).slot_usage
    assert (usage.metric, usage.key, usage.last) == ("slots/allocated", "prod", 213.5)


def test_pages_of_several_locations_add_up() -> None:
    eu = {
        "reservations": [
            {"name": "projects/acme-admin/locations/EU/reservations/eu-prod", "slotCapacity": "50"}
        ]
    }
    data = parse(
        ex(
            fmt.RES_LIST_RESERVATIONS,
            {"reservations": RESERVATIONS["reservations"][:1], "nextPageToken": "t"},
        ),
        ex(fmt.RES_LIST_RESERVATIONS, {"reservations": RESERVATIONS["reservations"][1:]}, pageToken="t"),
        grpc("reservations", fmt.RES_LIST_RESERVATIONS, {"parent": "projects/acme-admin/locations/EU"}, eu),
    )
    assert [r.reservation_key for r in data.reservations] == [
        "acme-admin:US.prod",
        "acme-admin:US.adhoc",
        "acme-admin:US.empty",
        "acme-admin:EU.eu-prod",
    ]


def test_no_reservations_at_all() -> None:
    data = parse(ex(fmt.RES_LIST_RESERVATIONS, {}), ex(fmt.RES_LIST_COMMITMENTS, {}))
    assert data == ReservationsData()


def test_denied_reservations_fail_the_poll_naming_the_role() -> None:
    error = grpc_error("PERMISSION_DENIED", "Permission 'bigquery.reservations.list' denied on resource")
    with pytest.raises(SourceError) as raised:
        parse(ex(fmt.RES_LIST_RESERVATIONS, error=error))
    assert raised.value.reason == (
        "PERMISSION_DENIED: needs roles/bigquery.resourceViewer on project acme-admin (ListReservations)"
    )
    assert raised.value.code == "PERMISSION_DENIED"


def test_denied_commitments_leave_the_reservations_and_a_warning() -> None:
    polls = full_poll()
    polls[1] = ex(fmt.RES_LIST_COMMITMENTS, error=grpc_error("PERMISSION_DENIED", "denied"))
    data = parse(*polls)
    assert len(data.reservations) == 3
    assert data.commitments == ()
    assert len(data.assignments) == 2
    assert data.warnings == (
        "commitments not shown: PERMISSION_DENIED: needs roles/bigquery.resourceViewer on project acme-admin "
        "(ListCapacityCommitments)",
    )


def test_failed_assignments_and_slot_usage_are_warnings() -> None:
    polls = full_poll()
    polls[2] = ex(fmt.RES_SEARCH_ALL_ASSIGNMENTS, error=grpc_error("DEADLINE_EXCEEDED", "Deadline Exceeded"))
    polls[3] = slots(error=grpc_error("RESOURCE_EXHAUSTED", "Quota exceeded for time series queries"))
    data = parse(*polls)
    assert len(data.reservations) == 3
    assert data.assignments == ()
    assert data.slot_usage == ()
    assert data.warnings == (
        "assignments not shown: DEADLINE_EXCEEDED: Deadline Exceeded "
        "(SearchAllAssignments, project acme-admin, US)",
        "metric slots/allocated not shown: RESOURCE_EXHAUSTED: quota or rate limit reached, "
        "polling backs off (ListTimeSeries, project acme-admin)",
    )


@pytest.mark.parametrize(
    ("response", "match"),
    [
        ({"reservations": [{"slotCapacity": "5"}]}, "missing 'name'"),
        ({"reservations": [{"name": "projects/p/reservations/r"}]}, "no 'locations' segment"),
        ({"reservations": [{"name": f"{PARENT}/reservations/r", "slotCapacity": "lots"}]}, "ValueError"),
        ({"reservations": "all"}, "'reservations' is str"),
    ],
)
def test_garbage_reservations_fail_the_poll(response: Any, match: str) -> None:
    with pytest.raises(SourceError, match=match):
        parse(ex(fmt.RES_LIST_RESERVATIONS, response))


def test_garbage_commitments_are_a_warning() -> None:
    data = parse(
        ex(fmt.RES_LIST_RESERVATIONS, RESERVATIONS), ex(fmt.RES_LIST_COMMITMENTS, {"capacityCommitments": 3})
    )
    assert len(data.reservations) == 3
    assert data.warnings[0].startswith(
        "commitments not shown: unexpected response from ListCapacityCommitments"
    )
