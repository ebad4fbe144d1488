"""The Pub/Sub source's sections in ``--once``: the pipelines and the topics (its spec's ``report``,
``markdown``)."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.cost import CostEstimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.sources.pubsub import pipeline_view, view
from dashboard.sources.pubsub.cost import PER_TIB
from dashboard.sources.pubsub.pipeline import pipelines, pubsub_data
from dashboard.views.columns import table
from dashboard.views.status import pane_heading

TITLE = "Pub/Sub pipelines"
EMPTY = "no Pub/Sub subscription"


def report(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> RenderableType:
    """The pipelines (subscription → reader → table), then the topics."""
    return Group(
        pane_heading(TITLE, snapshot, "pubsub", now),
        table(pipeline_view.COLUMNS, [pipeline_view.row(p) for p in pipelines(snapshot)], empty=EMPTY),
        Text(""),
        table(
            view.TOPIC_COLUMNS,
            view.topic_rows(pubsub_data(snapshot), snapshot.at, prices.value(PER_TIB)),
            title="Topics",
            empty="no topic",
        ),
    )


def markdown(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> list[str]:
    """The pipelines and the topics, as tables."""
    from dashboard.report.markdown import md_badge, md_section, md_table

    return [
        *md_section(TITLE, md_badge(snapshot, "pubsub", now)),
        *md_table(pipeline_view.COLUMNS, [pipeline_view.row(p) for p in pipelines(snapshot)], empty=EMPTY),
        "",
        "### Topics",
        "",
        *md_table(
            view.TOPIC_COLUMNS,
            view.topic_rows(pubsub_data(snapshot), snapshot.at, prices.value(PER_TIB)),
            empty="no topic",
        ),
        "",
    ]
