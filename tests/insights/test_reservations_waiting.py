"""Autoscale pinned at its maximum: which queued jobs wait for *this* reservation.

An assignment (``projects/ADMIN/locations/LOC/reservations/R/assignments/ID``) gives its assignee the
reservation R of that admin project in that location only; a folder's or organization's assignment applies to
the projects under it (here: the project whose ``SearchAllAssignments`` returned it); the special reservation
``none`` leaves its project on demand. A PENDING job from ``jobs.list`` may carry nothing but its reference
and ``creationTime``, so where it would run is its project's assignment in its location.
"""

from __future__ import annotations

import msgspec
import pytest

from dashboard.models import Assignment, Reservation, ReservationsData, Snapshot
from dashboard.sources.jobs.parse_list import job_from_resource
from insights.helpers import AT, minutes_series, run

PINNED = "reservations.autoscale_at_max"
US = "projects/acme-admin/locations/US/reservations"
EU = "projects/acme-admin/locations/EU/reservations"


def prod(parent: str, location: str) -> Reservation:
    return Reservation(
        name=f"{parent}/prod",
        project="acme-admin",
        location=location,
        reservation_id="prod",
        slot_capacity=500,
        autoscale_max_slots=500,
        edition="ENTERPRISE",
    )


def queued(project: str, job_id: str, location: str) -> dict[str, object]:
    """A PENDING job as jobs.list (projection full, stateFilter=pending) gives it: no start, no stats."""
    return {
        "id": f"{project}:{location}.{job_id}",
        "jobReference": {"projectId": project, "jobId": job_id, "location": location},
        "state": "PENDING",
        "status": {"state": "PENDING"},
        "statistics": {"creationTime": str(int(AT.timestamp() * 1000) - 90_000)},
        "configuration": {"jobType": "QUERY", "query": {"query": "SELECT 1"}},
        "principal_subject": "principal://iam.googleapis.com/locations/global/workforcePools/p/subject/ana",
    }


def test_only_the_jobs_queued_for_this_reservation_count_as_waiting() -> None:
    assignments = (
        Assignment(name=f"{US}/prod/assignments/1", reservation_id="prod", assignee="projects/etl"),
        # lab has none of its own: its folder's assignment to US prod, found by lab's search
        Assignment(
            name=f"{US}/prod/assignments/2", reservation_id="prod", assignee="folders/31", searched_for="lab"
        ),
        # bi is assigned to the EU reservation of the same name, and opted out to on-demand in US
        Assignment(name=f"{EU}/prod/assignments/3", reservation_id="prod", assignee="projects/bi"),
        Assignment(name=f"{US}/none/assignments/4", reservation_id="none", assignee="projects/bi"),
        # ops: its loads run in US prod (PIPELINE), its queries on demand (QUERY to none)
        Assignment(
            name=f"{US}/prod/assignments/5",
            reservation_id="prod",
            assignee="projects/ops",
            job_type="PIPELINE",
        ),
        Assignment(
            name=f"{US}/none/assignments/6", reservation_id="none", assignee="projects/ops", job_type="QUERY"
        ),
    )
    jobs = tuple(
        job_from_resource(queued(*args))
        for args in (
            ("etl", "q1", "US"),  # waits for US prod
            ("lab", "q2", "US"),  # waits for US prod, through its folder
            ("etl", "q3", "EU"),  # etl's EU jobs are not in the US reservation
            ("bi", "q4", "US"),  # bi is on demand in US
            ("bi", "q5", "EU"),  # waits for EU prod, not US prod
            ("ops", "q6", "US"),  # a query of ops: on demand
        )
    )
    load = queued("ops", "l1", "US")
    load["configuration"] = {"jobType": "LOAD", "load": {}}
    jobs = (*jobs, job_from_resource(load))  # a load of ops: waits for US prod
    use = [600.0] * 40 + [1000.0] * 15 + [600.0] * 6  # at the 1000-slot ceiling 15 of 61 minutes
    data = ReservationsData(
        reservations=(prod(US, "US"),),
        slot_usage=(minutes_series("slots/allocated", "prod", use),),
        assignments=assignments,
    )
    (found,) = run(Snapshot(at=AT, reservations=data, jobs=jobs), PINNED)
    assert "3 job(s) pending now" in found.evidence  # q1, q2 and l1
    assert found.title.endswith(", 3 job(s) waiting")


IDLE = "reservations.idle_baseline"


def test_an_idle_baseline_on_a_commitment_is_not_money_a_lower_baseline_saves() -> None:
    from dashboard.models import Commitment

    # 500 Enterprise baseline, 400 of it bought by an annual commitment in the same admin project and
    # location (an EU commitment buys nothing here); 50 slots used every minute of the hour
    commitments = (
        Commitment(
            name="projects/acme-admin/locations/US/capacityCommitments/1",
            project="acme-admin",
            location="US",
            commitment_id="1",
            slot_count=400,
            plan="ANNUAL",
            state="ACTIVE",
            edition="ENTERPRISE",
        ),
        Commitment(
            name="projects/acme-admin/locations/EU/capacityCommitments/2",
            project="acme-admin",
            location="EU",
            commitment_id="2",
            slot_count=100,
            plan="ANNUAL",
            state="ACTIVE",
            edition="ENTERPRISE",
        ),
    )
    data = ReservationsData(
        reservations=(prod(US, "US"),),
        commitments=commitments,
        slot_usage=(minutes_series("slots/allocated", "prod", [50.0] * 61),),
    )
    (found,) = run(Snapshot(at=AT, reservations=data), IDLE)
    # 450 slots idle on average; only the 100 uncommitted ones stop costing with a lower baseline
    assert found.usd_per_hour == pytest.approx(100 * 0.05)  # Enterprise $0.05/slot-hour
    assert "350 of them on a capacity commitment" in found.evidence
    # all of it committed: nothing a lower baseline saves
    covered = msgspec.structs.replace(commitments[0], slot_count=500)
    data = msgspec.structs.replace(data, commitments=(covered,))
    (found,) = run(Snapshot(at=AT, reservations=data), IDLE)
    assert found.usd_per_hour == 0.0
