"""The Pub/Sub source's pane in the app: the pipelines (a row per subscription, "subscription → reader →
table"), the topics below, and a pipeline's detail screen with its three charts on one time axis (its
spec's ``app_pane``). Apart from the views (the renderables ``--once`` prints too), so that nothing
headless that reaches them reaches the widgets."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.registry import SourceSpec
from dashboard.sources.pubsub import pipeline_view, view
from dashboard.sources.pubsub.cost import PER_TIB
from dashboard.sources.pubsub.pipeline import PipelineItem, pipelines, pubsub_data
from dashboard.views.columns import table
from dashboard.views.status import pane_heading
from widgets.frame import Frame, PaneData, TableData
from widgets.sourcepane import Detail, SourcePane, pane_columns


def app_pane_data(spec: SourceSpec, snapshot: Snapshot, now: datetime, prices: PriceTable) -> PaneData:
    """The pipelines, then the topics."""
    found = pipelines(snapshot)
    rows = [pipeline_view.row(p) for p in found]
    return PaneData(
        heading=pane_heading("Pub/Sub pipelines", snapshot, spec.name, now),
        table=TableData(pipeline_view.COLUMNS, rows, {p.key: p for p in found}, "pipeline"),
        body=Group(
            Text("LAG, FRESHNESS: the Dataflow reader's system lag and data watermark age", style="dim"),
            table(
                view.TOPIC_COLUMNS,
                view.topic_rows(pubsub_data(snapshot), snapshot.at, prices.value(PER_TIB)),
                title="Topics",
                empty="no topic",
            ),
        ),
    )


def _detail(item: PipelineItem, frame: Frame) -> RenderableType:
    return pipeline_view.detail(frame.snapshot, item, frame.now)


def _name(item: PipelineItem) -> str:
    return item.subscription


APP_PANE = SourcePane(
    widget="widgets.panes:TablePane",
    build=app_pane_data,
    columns=pane_columns(pipeline_view.COLUMNS, name=("subscription", 16)),
    details=(Detail(PipelineItem, _detail, _name),),
)
"""The app's pane (``SourceSpec.app_pane``)."""
