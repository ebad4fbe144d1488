"""The reservations source's section in ``--once --format markdown`` (its spec's ``markdown``)."""

from __future__ import annotations

from datetime import datetime

from dashboard.cost import CostEstimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.report.markdown import md_badge, md_section, md_table
from dashboard.sources.reservations import view
from dashboard.sources.reservations.collect import reservations_section


def markdown(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> list[str]:
    """Reservations with their use, commitments, assignments and BI reservations, as tables."""
    section = reservations_section(snapshot, prices)
    return [
        *md_section("Slots & reservations", md_badge(snapshot, "reservations", now)),
        *md_table(
            view.COLUMNS, [view.reservation_row(r) for r in section.reservations], empty="no reservation"
        ),
        "",
        "### Commitments",
        "",
        *md_table(
            view.COMMITMENT_COLUMNS,
            [view.commitment_row(c, now) for c in section.commitments],
            empty="no commitment",
        ),
        "",
        "### Assignments",
        "",
        *md_table(
            view.ASSIGNMENT_COLUMNS,
            [view.assignment_row(a) for a in section.assignments],
            empty="no assignment",
        ),
        "",
        "### BI Engine",
        "",
        *md_table(
            view.BI_COLUMNS, [view.bi_row(b) for b in section.bi_reservations], empty="no BI reservation"
        ),
        "",
    ]
