"""The reservations source's pane in the app: its frame builder, columns and detail screens (its
spec's ``app_pane``). Apart from :mod:`dashboard.sources.reservations.view` (the renderables ``--once`` prints
too), so that nothing headless that reaches the view reaches the widgets."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType

from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.registry import SourceSpec
from dashboard.sources.reservations.collect import reservations_section
from dashboard.sources.reservations.view import (
    COLUMNS,
    commitments_and_assignments,
    reservation_row,
)
from dashboard.views.items import (
    ReservationItem,
)
from dashboard.views.status import pane_heading
from widgets.frame import Frame, PaneData, TableData
from widgets.sourcepane import Detail, SourcePane, pane_columns


def app_pane_data(spec: SourceSpec, snapshot: Snapshot, now: datetime, prices: PriceTable) -> PaneData:
    """The app's slots pane: the reservations, then commitments and assignments below."""
    section = reservations_section(snapshot, prices)
    return PaneData(
        heading=pane_heading(spec.title, snapshot, spec.name, now),
        table=TableData(
            COLUMNS,
            [reservation_row(r) for r in section.reservations],
            {r.reservation_key: r for r in section.reservations},
            "reservation",
        ),
        body=Group(*commitments_and_assignments(section, now)),
    )


def _detail(item: ReservationItem, frame: Frame) -> RenderableType:
    from widgets.detail.content import reservation_detail

    return reservation_detail(item, frame.snapshot, frame.now)


def _name(item: ReservationItem) -> str:
    return item.reservation_id


APP_PANE = SourcePane(
    widget="widgets.panes:TablePane",
    build=app_pane_data,
    columns=pane_columns(COLUMNS, name=("reservation_id", 12)),
    details=(Detail(ReservationItem, _detail, _name),),
    short=True,  # a few reservations over longer commitments and assignments
)
"""The app's pane (``SourceSpec.app_pane``)."""
