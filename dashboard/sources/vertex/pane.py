"""The Vertex AI pane in the app: the pipeline runs, the monitoring jobs below, a run's detail screen."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from rich.console import RenderableType

from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.registry import SourceSpec
from dashboard.sources.vertex import view
from dashboard.sources.vertex.model import PipelineRun
from dashboard.sources.vertex.report import EMPTY, MONITORING, vertex_data
from dashboard.views.columns import table
from dashboard.views.status import pane_heading
from widgets.frame import Frame, PaneData, TableData
from widgets.sourcepane import Detail, SourcePane, pane_columns


def app_pane_data(spec: SourceSpec, snapshot: Snapshot, now: datetime, prices: PriceTable) -> PaneData:
    """The runs, then the monitoring jobs."""
    data = vertex_data(snapshot)
    runs = view.ordered(data)
    return PaneData(
        heading=pane_heading("Vertex AI pipeline runs", snapshot, spec.name, now),
        table=TableData(view.COLUMNS, view.rows(data, now), cast(Any, {r.key: r for r in runs}), "run"),
        body=table(
            view.MONITORING_COLUMNS, view.monitoring_rows(data), title=MONITORING, empty="no monitoring job"
        ),
    )


def _detail(item: PipelineRun, frame: Frame) -> RenderableType:
    return view.detail(item, frame.now)


def _name(item: PipelineRun) -> str:
    return item.run_id


APP_PANE = SourcePane(
    widget="widgets.panes:TablePane",
    build=app_pane_data,
    columns=pane_columns(view.COLUMNS, name=("pipeline", 16)),
    details=(Detail(PipelineRun, _detail, _name),),
)
"""The app's pane (``SourceSpec.app_pane``); ``EMPTY`` is the runs' empty text."""

__all__ = ["APP_PANE", "EMPTY"]
