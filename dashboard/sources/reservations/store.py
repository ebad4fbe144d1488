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
    its slot usage merged with the points kept."""
    usage = merge_series(old.slot_usage, data.slot_usage, keep=series_window)
    kept = keep_parts(old.reservations, data.reservations, data.incomplete, _reservation_part, _name)
    return msgspec.structs.replace(data, reservations=kept, slot_usage=usage)


def _reservation_part(reservation: Reservation) -> str:
    return f"{reservation.project}/{reservation.location}"


def _name(reservation: Reservation) -> str:
    return reservation.name
