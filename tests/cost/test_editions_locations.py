"""Editions across locations, from Reservation API messages as the client library writes them: a capacity
commitment buys slots in its own location only (projects/P/locations/L/capacityCommitments/ID), so it covers
the baseline of that location's reservations and no other's.

Prices (overridden, round): Enterprise $0.06/slot-hour pay as you go, $0.048 on a 1-year commitment;
Standard $0.04 (Standard has no commitments).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from google.cloud import bigquery_reservation_v1 as res

from dashboard import cost
from dashboard.cost.common import Inputs
from dashboard.models import ReservationsData, Snapshot
from dashboard.pricing import PriceTable, load_prices
from dashboard.sources.reservations.cost import editions_spend
from dashboard.sources.reservations.parse import commitment_from_json, reservation_from_json

AT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PRICES = {
    "bigquery.editions.enterprise.payg": 0.06,
    "bigquery.editions.enterprise.1yr": 0.048,
    "bigquery.editions.standard.payg": 0.04,
}


def wire(message: object) -> dict[str, object]:
    """A message as its REST/gRPC JSON (what a recording holds)."""
    cls = type(message)
    text = cls.to_json(message, use_integers_for_enums=False, indent=None)  # type: ignore[attr-defined]
    loaded: dict[str, object] = json.loads(text)
    return loaded


def reservation(parent: str, name: str, edition: res.Edition, baseline: int, *, top: int, now: int) -> object:
    return res.Reservation(
        name=f"{parent}/reservations/{name}",
        slot_capacity=baseline,
        edition=edition,
        ignore_idle_slots=False,
        autoscale=res.Reservation.Autoscale(max_slots=top, current_slots=now),
    )


def commitment(parent: str, ident: str, slots: int) -> object:
    return res.CapacityCommitment(
        name=f"{parent}/capacityCommitments/{ident}",
        slot_count=slots,
        plan=res.CapacityCommitment.CommitmentPlan.ANNUAL,
        state=res.CapacityCommitment.State.ACTIVE,
        edition=res.Edition.ENTERPRISE,
    )


US, EU, TOKYO = (
    "projects/acme-admin/locations/US",
    "projects/acme-admin/locations/EU",
    "projects/acme-admin-jp/locations/asia-northeast1",
)


def estate() -> ReservationsData:
    reservations = (
        # US: 300 baseline, 100 of it on an annual commitment; autoscale holds 100 of up to 200 now
        reservation(US, "prod", res.Edition.ENTERPRISE, 300, top=200, now=100),
        # EU: 100 baseline, but 200 slots committed there (100 committed slots beyond any baseline)
        reservation(EU, "eu-prod", res.Edition.ENTERPRISE, 100, top=100, now=0),
        # Tokyo: Standard, autoscale only, 50 slots now
        reservation(TOKYO, "jp-adhoc", res.Edition.STANDARD, 0, top=100, now=50),
    )
    commitments = (commitment(US, "111", 100), commitment(EU, "222", 200))
    return ReservationsData(
        reservations=tuple(reservation_from_json(wire(r)) for r in reservations),
        commitments=tuple(commitment_from_json(wire(c)) for c in commitments),
    )


@pytest.fixture
def prices() -> PriceTable:
    return load_prices(overrides=PRICES)


def test_a_commitment_covers_the_baseline_of_its_own_location_only(prices: PriceTable) -> None:
    snap = Snapshot(at=AT, reservations=estate())
    ed = cost.estimate(snap, prices).service("bigquery_editions")
    us = (300 - 100) * 0.06 + 100 * 0.048  # 200 uncovered baseline slots + the 100-slot commitment
    eu = 0 * 0.06 + 200 * 0.048  # the baseline is covered; all 200 committed slots are paid
    autoscale = 100 * 0.06 + 50 * 0.04  # US 100 Enterprise + Tokyo 50 Standard, held now
    assert ed.burn_rate_usd_per_hour == pytest.approx(us + eu + autoscale)  # 16.8 + 9.6 + 8.0 = 34.4


def test_the_window_spend_of_baseline_and_commitments_across_locations(prices: PriceTable) -> None:
    snap = Snapshot(at=AT, reservations=estate())
    start = AT - timedelta(hours=2)
    spend = editions_spend(Inputs(snapshot=snap, prices=prices), start, AT)
    # no slot-use series: autoscale as it is now, for the two hours
    hourly = (200 * 0.06 + 100 * 0.048) + 200 * 0.048 + (100 * 0.06 + 50 * 0.04)
    assert spend == pytest.approx(2 * hourly)  # 2 h x $34.4


def test_a_commitment_covers_its_own_admin_project_only(prices: PriceTable) -> None:
    # two admin projects in US: acme-admin committed 200 slots for a 100-slot baseline; acme-bi-admin has
    # a 100-slot baseline and no commitment, so it pays its baseline as it goes
    bi = "projects/acme-bi-admin/locations/US"
    data = ReservationsData(
        reservations=(
            reservation_from_json(wire(reservation(US, "prod", res.Edition.ENTERPRISE, 100, top=0, now=0))),
            reservation_from_json(wire(reservation(bi, "dash", res.Edition.ENTERPRISE, 100, top=0, now=0))),
        ),
        commitments=(commitment_from_json(wire(commitment(US, "111", 200))),),
    )
    ed = cost.estimate(Snapshot(at=AT, reservations=data), prices).service("bigquery_editions")
    assert ed.burn_rate_usd_per_hour == pytest.approx(200 * 0.048 + 100 * 0.06)  # 9.6 + 6.0 = 15.6


def test_a_reservation_capped_by_max_slots_autoscales_up_to_the_cap_less_its_baseline(
    prices: PriceTable,
) -> None:
    from dashboard.models import MetricSeries, Sample

    # the newer form: max_slots 1000 with scaling_mode AUTOSCALE_ONLY; the output's autoscale.max_slots
    # then reads 0, and autoscale may add up to 1000 - 100 = 900 slots over the 100-slot baseline
    capped = res.Reservation(
        name=f"{US}/reservations/capped",
        slot_capacity=100,
        edition=res.Edition.ENTERPRISE,
        max_slots=1000,
        scaling_mode=res.Reservation.ScalingMode.AUTOSCALE_ONLY,
        autoscale=res.Reservation.Autoscale(max_slots=0, current_slots=300),
    )
    parsed = reservation_from_json(wire(capped))
    assert (parsed.autoscale_max_slots, parsed.capacity_max) == (900, 1000)
    # idle slots only: autoscale adds nothing
    idle = res.Reservation(
        name=f"{US}/reservations/idle",
        slot_capacity=100,
        max_slots=1000,
        scaling_mode=res.Reservation.ScalingMode.IDLE_SLOTS_ONLY,
    )
    assert reservation_from_json(wire(idle)).autoscale_max_slots == 0
    # 400 slots used in each of the last three minutes: 300 autoscaled slots over the baseline
    points = tuple(Sample(t=AT - timedelta(minutes=m), value=400.0) for m in (3, 2, 1))
    data = ReservationsData(
        reservations=(parsed,),
        slot_usage=(MetricSeries(metric="slots/allocated", key="capped", points=points),),
    )
    spend = editions_spend(
        Inputs(snapshot=Snapshot(at=AT, reservations=data), prices=prices), AT - timedelta(minutes=3), AT
    )
    assert spend == pytest.approx(100 * 3 / 60 * 0.06 + 300 * 3 / 60 * 0.06)  # baseline + autoscale, 3 min
