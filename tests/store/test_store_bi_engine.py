"""BI reservations are read every few polls: between two reads the store keeps what the last one said, and
their bytes-used series grow like any series."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard.models import BiReservation, MetricSeries, ReservationsData, Sample
from dashboard.sources.reservations.store import merge_reservations

T = datetime(2026, 11, 26, 8, tzinfo=UTC)
BI = BiReservation(
    name="projects/acme-dash/locations/us-east4/biReservation",
    project="acme-dash",
    location="us-east4",
    size_bytes=10 * 2**30,
)


def used(*minutes: int) -> tuple[MetricSeries, ...]:
    points = tuple(Sample(t=T + timedelta(minutes=m), value=float(m)) for m in minutes)
    return (MetricSeries(metric="reservation/used_bytes", key="acme-dash/us-east4", points=points),)


def merge(old: ReservationsData, new: ReservationsData) -> ReservationsData:
    return merge_reservations(old, new, series_window=timedelta(hours=2), window=timedelta(hours=2))


def test_a_poll_that_did_not_ask_keeps_the_last_read() -> None:
    first = merge(
        ReservationsData(), ReservationsData(bi_reservations=(BI,), bi_usage=used(0, 1), bi_read=True)
    )
    later = merge(first, ReservationsData())  # a poll between two BI reads
    assert later.bi_reservations == (BI,)
    assert [p.value for p in later.bi_usage[0].points] == [0.0, 1.0]


def test_a_poll_that_asked_replaces_it() -> None:
    first = merge(
        ReservationsData(), ReservationsData(bi_reservations=(BI,), bi_usage=used(0, 1), bi_read=True)
    )
    # the reservation deleted (size 0 now), the series goes on with the new points
    gone = BiReservation(name=BI.name, project=BI.project, location=BI.location)
    again = merge(first, ReservationsData(bi_reservations=(gone,), bi_usage=used(1, 5), bi_read=True))
    assert again.bi_reservations == (gone,)
    assert [p.value for p in again.bi_usage[0].points] == [0.0, 1.0, 5.0]
