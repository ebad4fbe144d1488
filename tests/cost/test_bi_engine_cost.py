"""BI Engine's own line in the estimate: each BI reservation's size x $/GiB-hour, used or not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard import cost
from dashboard.models import BiReservation, MetricSeries, ReservationsData, Sample, Snapshot
from dashboard.pricing import load_prices

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
GIB = 2**30


def snapshot(*sizes_gib: float) -> Snapshot:
    reservations = tuple(
        BiReservation(
            name=f"projects/p{i}/locations/europe-west1/biReservation",
            project=f"p{i}",
            location="europe-west1",
            size_bytes=int(size * GIB),
        )
        for i, size in enumerate(sizes_gib)
    )
    # an hour of slot use, so that the estimate's window is 08:00-09:00
    series = (
        MetricSeries(metric="slots/allocated", key="r", points=(Sample(t=AT.replace(hour=8), value=0.0),)),
    )
    return Snapshot(at=AT, reservations=ReservationsData(bi_reservations=reservations, slot_usage=series))


def line(snap: Snapshot, **overrides: float) -> cost.ServiceCost:
    found = cost.estimate(snap, load_prices(overrides=overrides or None))
    return next(s for s in found.services if s.service == "bi_engine")


def test_a_reservation_bills_by_its_size() -> None:
    got = line(snapshot(10, 0, 2.5))
    assert got.title == "BI Engine"
    # (10 + 2.5) GiB x $0.0416/GiB-hour (the shipped list price); the one of size 0 is no reservation
    assert got.burn_rate_usd_per_hour == pytest.approx(12.5 * 0.0416)
    assert got.items == 2
    assert got.price_keys == ("bigquery.bi_engine.gib_hour",)
    assert got.confidence == "low"  # the price is marked unconfirmed


def test_the_price_is_overridable() -> None:
    got = line(snapshot(10), **{"bigquery.bi_engine.gib_hour": 0.05})
    assert got.burn_rate_usd_per_hour == pytest.approx(10 * 0.05)
    # held over the window's hour 08:00-09:00
    assert got.window_spend_usd == pytest.approx(10 * 0.05 * 1.0)


def test_no_reservation_costs_nothing() -> None:
    got = line(snapshot())
    assert (got.burn_rate_usd_per_hour, got.window_spend_usd, got.items) == (0.0, 0.0, 0)
