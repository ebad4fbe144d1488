"""The reservations source's counts in the Overview (its spec's ``overview_fields``). Pure, no Rich."""

from __future__ import annotations

from typing import Any

from dashboard.models import Snapshot
from dashboard.sources.reservations.collect import reservations_section


def overview_fields(snapshot: Snapshot) -> dict[str, Any]:
    """Reservations, the slots they use now and their capacity (:class:`~dashboard.views.items.Overview`'s
    fields); none of them depends on prices."""
    section = reservations_section(snapshot)
    used = [r.slots_used for r in section.reservations if r.slots_used is not None]
    return {
        "reservations": len(section.reservations),
        "slots_in_use": sum(used) if used else None,
        "slot_capacity": sum(r.capacity_now for r in section.reservations),
    }
