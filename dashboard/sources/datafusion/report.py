"""The Data Fusion source's section in ``--once`` (its spec's ``report``, ``markdown``, ``document``): the
instances with the pipelines seen for each."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType

from dashboard.cost import CostEstimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.sources.datafusion import view
from dashboard.sources.datafusion.pipelines import dataproc_read, seen
from dashboard.sources.datafusion.rules import data_of
from dashboard.views.columns import Row, table
from dashboard.views.status import pane_heading

TITLE = "Data Fusion"
EMPTY = "no Data Fusion instance"


def snapshot_rows(snapshot: Snapshot, now: datetime, prices: PriceTable | None = None) -> list[Row]:
    """The pane's rows, the pipelines seen from the snapshot's Dataproc data (``?`` without one)."""
    clusters = seen(snapshot) if dataproc_read(snapshot) else None
    return view.rows(data_of(snapshot), now, clusters=clusters, prices=prices)


def report(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> RenderableType:
    """The instances."""
    return Group(
        pane_heading(TITLE, snapshot, "datafusion", now),
        table(view.COLUMNS, snapshot_rows(snapshot, now, prices), empty=EMPTY),
    )


def markdown(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> list[str]:
    """The instances, as a table."""
    from dashboard.report.markdown import md_badge, md_section, md_table

    return [
        *md_section(TITLE, md_badge(snapshot, "datafusion", now)),
        *md_table(view.COLUMNS, snapshot_rows(snapshot, now, prices), empty=EMPTY),
        "",
    ]


def document(snapshot: Snapshot) -> dict[str, Any]:
    """What the JSON adds to the data: per instance key, the names of its ephemeral clusters seen (null
    without a Dataproc read)."""
    if not dataproc_read(snapshot):
        return {"pipelines_seen": None}
    return {"pipelines_seen": {key: [c.name for c in found] for key, found in seen(snapshot).items()}}
