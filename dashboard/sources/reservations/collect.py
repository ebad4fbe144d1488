"""The slots and reservations pane's data (:class:`ReservationsSection`) from a Snapshot: reservations with
their use and $/h, commitments, assignments. Pure, no Rich, like :mod:`dashboard.views.collect` (which
re-exports :func:`reservations_section`)."""

from __future__ import annotations

from dashboard.models import MetricSeries, Reservation, Snapshot
from dashboard.pricing import PriceTable, default_prices
from dashboard.sources.reservations.bi import USED_BYTES, bi_series
from dashboard.sources.reservations.cost import GIB, bi_usd_per_hour, reservation_usd_per_hour
from dashboard.views.items import (
    SERIES_POINTS,
    AssignmentItem,
    BiReservationItem,
    CommitmentItem,
    ReservationItem,
    ReservationsSection,
)

SLOTS_ALLOCATED = "slots/allocated"
"""The slot-use metric as the parser stores it (service prefix removed)."""


def reservation_series(reservation: Reservation, series: tuple[MetricSeries, ...]) -> MetricSeries | None:
    """The slot-use series of a reservation, keyed by its id, its ``admin:LOC.id`` key or its full name."""
    keys = {reservation.reservation_id, reservation.reservation_key, reservation.name}
    return next((s for s in series if s.metric == SLOTS_ALLOCATED and s.key in keys), None) or next(
        (s for s in series if s.key in keys), None
    )


def reservations_section(snapshot: Snapshot, prices: PriceTable | None = None) -> ReservationsSection:
    """Reservations with their use, then commitments and assignments."""
    prices = prices or default_prices()
    data = snapshot.reservations
    items = []
    for r in sorted(data.reservations, key=lambda r: (r.location, r.reservation_id)):
        series = reservation_series(r, data.slot_usage)
        used = None if series is None else series.last
        items.append(
            ReservationItem(
                name=r.name,
                reservation_id=r.reservation_id,
                reservation_key=r.reservation_key,
                project=r.project,
                location=r.location,
                edition=r.edition,
                baseline_slots=r.slot_capacity,
                autoscale_current_slots=r.autoscale_current_slots,
                autoscale_max_slots=r.autoscale_max_slots,
                capacity_now=r.capacity_now,
                capacity_max=r.capacity_max,
                slots_used=used,
                utilisation_pct=None if used is None or r.capacity_now <= 0 else used / r.capacity_now * 100,
                usage=() if series is None else series.points[-SERIES_POINTS:],
                usd_per_hour=reservation_usd_per_hour(r, prices),
                ignore_idle_slots=r.ignore_idle_slots,
                concurrency=r.concurrency,
            )
        )
    commitments = tuple(
        CommitmentItem(
            name=c.name,
            commitment_id=c.commitment_id,
            location=c.location,
            plan=c.plan,
            renewal_plan=c.renewal_plan,
            state=c.state,
            edition=c.edition,
            slot_count=c.slot_count,
            start=c.start,
            end=c.end,
        )
        for c in data.commitments
    )
    assignments = tuple(
        AssignmentItem(
            name=a.name,
            reservation_id=a.reservation_id,
            assignee=a.assignee,
            job_type=a.job_type,
            state=a.state,
        )
        for a in sorted(data.assignments, key=lambda a: (a.reservation_id, a.assignee, a.job_type))
    )
    return ReservationsSection(
        reservations=tuple(items),
        commitments=commitments,
        assignments=assignments,
        bi_reservations=bi_items(snapshot, prices),
    )


def bi_items(snapshot: Snapshot, prices: PriceTable) -> tuple[BiReservationItem, ...]:
    """The BI reservations of a size above 0, by project and location, with their bytes used now."""
    data = snapshot.reservations
    out = []
    for r in sorted(data.bi_reservations, key=lambda r: (r.project, r.location)):
        if r.size_bytes <= 0:
            continue
        series = bi_series(r, data.bi_usage, USED_BYTES)
        used = None if series is None or series.last is None else series.last / GIB
        size = r.size_bytes / GIB
        out.append(
            BiReservationItem(
                name=r.name,
                project=r.project,
                location=r.location,
                size_gib=size,
                used_gib=used,
                use_pct=None if used is None else used / size * 100,
                preferred_tables=r.preferred_tables,
                usd_per_hour=bi_usd_per_hour(r.size_bytes, prices),
                updated=r.update_time,
            )
        )
    return tuple(out)
