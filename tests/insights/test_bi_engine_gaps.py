"""BI Engine rules on Monitoring series with gaps (a minute with no data has no point: ``ALIGN_MEAN`` of
``bigquerybiengine.googleapis.com/reservation/used_bytes`` gives none), and on reservations of size 0 and
with preferred tables. The shipped price, $0.0416/GiB-hour, is not overridden by the test table."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dashboard.models import BiReservation, MetricSeries, ReservationsData, Sample, Snapshot
from insights.helpers import AT, run

UNUSED = "reservations.bi_unused"
FULL = "reservations.bi_full"
GIB = 2**30
NAME = "projects/acme-dash/locations/US/biReservation"


def bi(size_gib: float, *tables: str) -> BiReservation:
    return BiReservation(
        name=NAME, project="acme-dash", location="US", size_bytes=int(size_gib * GIB), preferred_tables=tables
    )


def at_minutes(values: dict[int, float]) -> MetricSeries:
    """Bytes used at the given minutes before 09:00 (GiB); no point at the others."""
    points = tuple(
        Sample(t=AT - timedelta(minutes=m), value=v * GIB) for m, v in sorted(values.items(), reverse=True)
    )
    return MetricSeries(metric="reservation/used_bytes", key="acme-dash/US", points=points)


def snapshot(series: MetricSeries, *reservations: BiReservation) -> Snapshot:
    data = ReservationsData(bi_reservations=reservations, bi_usage=(series,), bi_read=True)
    return Snapshot(at=AT, reservations=data)


def test_two_minutes_an_hour_apart_are_not_an_hour_unused() -> None:
    # 08:00 and 09:00 read, the 59 minutes between not: 2 minutes read of 61, not half of them
    sparse = at_minutes({60: 0.0, 0: 0.0})
    assert run(snapshot(sparse, bi(10)), UNUSED) == []
    # 31 minutes read (every other minute), each at 0 GiB: half of the hour read, unused
    every_other = at_minutes(dict.fromkeys(range(0, 61, 2), 0.0))
    (found,) = run(snapshot(every_other, bi(10, "acme-dash.bi.sales")), UNUSED)
    assert found.usd_per_hour == pytest.approx(10 * 0.0416)  # 10 GiB x $0.0416/GiB-hour, used or not
    assert "in each of 31 minutes since 08:00" in found.evidence


def test_a_reservation_of_size_0_bills_nothing_and_is_never_unused_or_full() -> None:
    idle = at_minutes(dict.fromkeys(range(61), 0.0))
    assert run(snapshot(idle, bi(0)), UNUSED) == []
    assert run(snapshot(at_minutes({0: 1.0}), bi(0)), FULL) == []


def test_full_reads_the_newest_minute_after_a_gap() -> None:
    # full (7.9 of 8 GiB) at 08:10, nothing read since, then 2 GiB at 09:00: 25 %, not full
    assert run(snapshot(at_minutes({50: 7.9, 0: 2.0}), bi(8)), FULL) == []
    (found,) = run(snapshot(at_minutes({50: 2.0, 0: 7.9}), bi(8)), FULL)
    assert "7.90 GiB used of 8.0 GiB at 09:00" in found.evidence  # 7.9 / 8 = 98.75 % >= 95 %
