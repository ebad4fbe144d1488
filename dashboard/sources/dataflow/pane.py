"""The dataflow source's pane in the app: its frame builder, columns and detail screens (its
spec's ``app_pane``). Apart from :mod:`dashboard.sources.dataflow.view` (the renderables ``--once`` prints
too), so that nothing headless that reaches the view reaches the widgets."""

from __future__ import annotations

from datetime import datetime

from rich.console import RenderableType
from rich.text import Text

from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.registry import SourceSpec
from dashboard.sources.dataflow.collect import dataflow_section
from dashboard.sources.dataflow.view import COLUMNS, job_row
from dashboard.views.items import DataflowItem
from dashboard.views.status import pane_heading
from widgets.frame import Frame, PaneData, TableData
from widgets.sourcepane import Detail, SourcePane, pane_columns


def app_pane_data(spec: SourceSpec, snapshot: Snapshot, now: datetime, prices: PriceTable) -> PaneData:
    """The app's Dataflow pane: the jobs, and what two of the columns mean."""
    flows = dataflow_section(snapshot, now, prices).jobs
    rows = [job_row(j) for j in flows]
    return PaneData(
        heading=pane_heading(spec.title, snapshot, spec.name, now),
        table=TableData(COLUMNS, rows, {row.key: j for row, j in zip(rows, flows, strict=True)}, "dataflow"),
        body=Text("FRESHNESS: data watermark age; $ SO FAR from Monitoring totals", style="dim"),
    )


def _detail(item: DataflowItem, frame: Frame) -> RenderableType:
    from widgets.detail.content import dataflow_detail

    return dataflow_detail(item, frame.snapshot, frame.now)


def _name(item: DataflowItem) -> str:
    return item.name


APP_PANE = SourcePane(
    widget="widgets.panes:TablePane",
    build=app_pane_data,
    columns=pane_columns(COLUMNS, wide={"project", "location", "usd_per_hour"}, name=("name", 20)),
    details=(Detail(DataflowItem, _detail, _name),),
)
"""The app's pane (``SourceSpec.app_pane``)."""
