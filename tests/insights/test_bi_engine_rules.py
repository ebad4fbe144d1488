"""BI Engine rules: a BI reservation unused while it bills, and one full (queries fall back to slots).

Prices: the shipped table's BI Engine $0.0416/GiB-hour (the test table does not override it). Series: bytes
used, one point a minute up to 09:00, keyed ``project/location`` as the parser keys them.
"""

from __future__ import annotations

import pytest

from dashboard.models import BiReservation, ReservationsData, Snapshot
from insights.helpers import AT, minutes_series, run

UNUSED = "reservations.bi_unused"
FULL = "reservations.bi_full"
GIB = 2**30


def bi(size_gib: float, project: str = "acme-dash", location: str = "us-east4") -> BiReservation:
    return BiReservation(
        name=f"projects/{project}/locations/{location}/biReservation",
        project=project,
        location=location,
        size_bytes=int(size_gib * GIB),
    )


def snapshot(
    used_gib: list[float], *reservations: BiReservation, key: str = "acme-dash/us-east4"
) -> Snapshot:
    series = (minutes_series("reservation/used_bytes", key, [v * GIB for v in used_gib]),)
    data = ReservationsData(bi_reservations=reservations, bi_usage=series, bi_read=True)
    return Snapshot(at=AT, reservations=data)


def test_a_reservation_unused_for_the_hour() -> None:
    # 61 minutes at 0.01 GiB of 10 GiB: 0.1 % < 1 %
    (found,) = run(snapshot([0.01] * 61, bi(10)), UNUSED)
    assert found.severity == "warning"
    assert found.resource == "acme-dash/us-east4"
    assert found.resource_key == ""  # the BI Engine table is below the reservations: no row to jump to
    # 10 GiB x $0.0416/GiB-hour, billed used or not
    assert found.usd_per_hour == pytest.approx(10 * 0.0416)
    assert found.usd_per_month == pytest.approx(10 * 0.0416 * 730)
    assert "in each of 61 minutes since 08:00" in found.evidence


def test_a_used_reservation_or_too_short_a_window_is_not_unused() -> None:
    assert run(snapshot([0.01] * 50 + [2.0] * 11, bi(10)), UNUSED) == []  # 2 GiB = 20 % once
    assert run(snapshot([0.0] * 20, bi(10)), UNUSED) == []  # 19 minutes < half of 60
    assert run(snapshot([0.0] * 20, bi(10)), UNUSED, minutes=30) != []  # 19 >= 15
    assert run(snapshot([0.0] * 61, bi(0)), UNUSED) == []  # no reservation: nothing bills


def test_a_series_of_another_location_or_project_does_not_count() -> None:
    other = snapshot([0.0] * 61, bi(10), key="acme-eu-ops/us-east4")
    assert run(other, UNUSED) == []
    # the location as Monitoring labels it may differ in case
    assert len(run(snapshot([0.0] * 61, bi(10), key="acme-dash/US-EAST4"), UNUSED)) == 1


def test_a_full_reservation() -> None:
    # 7.9 GiB of 8 GiB now = 98.75 % >= 95 %
    (found,) = run(snapshot([5.0] * 30 + [7.9], bi(8)), FULL)
    assert found.severity == "warning"
    assert found.title == "BI Engine in acme-dash (us-east4): 99% full"
    assert "7.90 GiB used of 8.0 GiB at 09:00" in found.evidence
    assert found.usd_per_hour is None


def test_below_the_threshold_is_not_full() -> None:
    # 7.5 / 8 = 93.75 % < 95 %, even after a full minute before
    assert run(snapshot([8.0] * 30 + [7.5], bi(8)), FULL) == []
    assert len(run(snapshot([8.0] * 30 + [7.5], bi(8)), FULL, full_pct=90)) == 1
    assert run(snapshot([], bi(8)), FULL) == []  # no use read: nothing said
