"""How the store merges a reservations poll into what it holds."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from dashboard.merge import keep_parts
from dashboard.models import Reservation, ReservationsData
from dashboard.series import merge_series


def merge_reservations(
    old: ReservationsData, data: ReservationsData, *, series_window: timedelta, window: timedelta
) -> ReservationsData:
    """The poll's reservations (those of an admin project's location that failed kept as last known),
    its slot usage merged with the points kept; BI reservations as last read when the poll did not ask."""
    usage = merge_series(old.slot_usage, data.slot_usage, keep=series_window)
    kept = keep_parts(old.reservations, data.reservations, data.incomplete, _reservation_part, _name)
    bi_usage = merge_series(old.bi_usage, data.bi_usage, keep=series_window)
    bi = data.bi_reservations if data.bi_read else old.bi_reservations
    return msgspec.structs.replace(
        data,
        reservations=kept,
        slot_usage=usage,
        bi_reservations=bi,
        bi_usage=bi_usage,
        bi_read=data.bi_read or old.bi_read,
    )


def _reservation_part(reservation: Reservation) -> str:
    return f"{reservation.project}/{reservation.location}"


def _name(reservation: Reservation) -> str:
    return reservation.name
