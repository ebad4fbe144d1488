"""Reservation rules: a baseline idle most of the window, autoscale pinned at its maximum.

Test prices: Standard $0.02/slot-hour, Enterprise $0.05/slot-hour. Series: one point a minute, 08:00-09:00.
"""

from __future__ import annotations

import pytest

from dashboard.models import Assignment, Job, Reservation, ReservationsData, Snapshot
from insights.helpers import AT, minutes_series, run, t

IDLE = "reservations.idle_baseline"
PINNED = "reservations.autoscale_at_max"


def adhoc() -> Reservation:
    return Reservation(
        name="projects/admin/locations/US/reservations/adhoc",
        project="admin",
        location="US",
        reservation_id="adhoc",
        slot_capacity=100,
        autoscale_max_slots=200,
        edition="STANDARD",
    )


def prod() -> Reservation:
    return Reservation(
        name="projects/admin/locations/US/reservations/prod",
        project="admin",
        location="US",
        reservation_id="prod",
        slot_capacity=500,
        autoscale_max_slots=500,
        edition="ENTERPRISE",
    )


def snapshot(use: dict[str, list[float]], *reservations: Reservation, jobs: tuple[Job, ...] = ()) -> Snapshot:
    series = tuple(minutes_series("slots/allocated", k, v) for k, v in use.items())
    assignments = (Assignment(name="a1", reservation_id="prod", assignee="projects/etl"),)
    data = ReservationsData(reservations=reservations, slot_usage=series, assignments=assignments)
    return Snapshot(at=AT, reservations=data, jobs=jobs)


def test_a_baseline_idle_most_of_the_hour() -> None:
    # 40 minutes at 10 slots (< 25 % of 100), 21 at 80: idle 40 of 61 minutes = 66 % >= 50 %
    use = [10.0] * 40 + [80.0] * 21
    (found,) = run(snapshot({"adhoc": use}, adhoc()), IDLE)
    assert found.severity == "warning"
    assert found.resource == "adhoc"
    assert found.resource_key == "admin:US.adhoc"
    # baseline slots idle on average: (40 x 90 + 21 x 20) / 61 = 4020 / 61 = 65.9, x $0.02
    assert found.usd_per_hour == pytest.approx(4020 / 61 * 0.02)
    assert found.usd_per_month == pytest.approx(4020 / 61 * 0.02 * 730)
    assert "in 40 of 61 minutes (66%) since 08:00" in found.evidence
    # half the minutes used 10 slots or fewer: a baseline of 50 (one autoscale step) would do
    assert "--slots=50 adhoc" in found.fix


def test_a_baseline_used_half_the_time_is_not_idle() -> None:
    use = [10.0] * 30 + [80.0] * 31  # idle 30 of 61 minutes = 49 %
    assert run(snapshot({"adhoc": use}, adhoc()), IDLE) == []
    # a reservation without a series says nothing
    assert run(snapshot({}, adhoc()), IDLE) == []
    # "idle" at under 90 % of the baseline: every minute is
    assert len(run(snapshot({"adhoc": use}, adhoc()), IDLE, idle_pct=90)) == 1


def test_autoscale_pinned_at_its_maximum_with_jobs_waiting() -> None:
    # 15 of 61 minutes at the ceiling of 1000 slots: 25 % >= 20 %
    use = [600.0] * 40 + [1000.0] * 15 + [600.0] * 6
    jobs = (
        Job(project="etl", job_id="p1", state="PENDING", created=t(minutes=-1)),
        Job(project="etl", job_id="p2", state="PENDING", created=t(minutes=-1)),
        Job(project="other", job_id="p3", state="PENDING", created=t(minutes=-1)),  # not assigned to prod
    )
    (found,) = run(snapshot({"prod": use}, prod(), jobs=jobs), PINNED)
    assert found.severity == "warning"
    assert found.resource_key == "admin:US.prod"
    assert found.usd_per_hour == pytest.approx(1000 * 0.05)  # the ceiling at $0.05/slot-hour
    assert "in 15 of 61 minutes (25%) since 08:00, last at 08:54" in found.evidence
    assert "2 job(s) pending now" in found.evidence
    assert found.title == "Reservation prod: autoscale at its maximum 25% of the time, 2 job(s) waiting"


def test_autoscale_rarely_at_its_maximum_or_without_autoscale_is_not_reported() -> None:
    use = [600.0] * 51 + [980.0] * 10  # 98 % of the ceiling in 10 of 61 minutes: 16 % < 20 %
    fixed = Reservation(name="f", project="admin", location="US", reservation_id="fixed", slot_capacity=100)
    snap = snapshot({"prod": use, "fixed": [100.0] * 61}, prod(), fixed)
    assert run(snap, PINNED) == []
    assert [i.resource for i in run(snap, PINNED, share_pct=10)] == ["prod"]
