"""The Vertex AI source's sections in ``--once``: the pipeline runs and the monitoring jobs."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.cost import CostEstimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.sources.vertex import view
from dashboard.sources.vertex.model import VertexData
from dashboard.views.columns import table
from dashboard.views.status import pane_heading

TITLE = "Vertex AI"
EMPTY = "no Vertex AI pipeline run in the window"
MONITORING = "Model monitoring"


def vertex_data(snapshot: Snapshot) -> VertexData:
    """The source's data in ``snapshot``."""
    found = snapshot.extra.get("vertex")
    return found if isinstance(found, VertexData) else VertexData()


def report(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> RenderableType:
    """The runs, then the monitoring jobs."""
    data = vertex_data(snapshot)
    return Group(
        pane_heading(TITLE, snapshot, "vertex", now),
        table(view.COLUMNS, view.rows(data, now), empty=EMPTY),
        Text(""),
        table(
            view.MONITORING_COLUMNS, view.monitoring_rows(data), title=MONITORING, empty="no monitoring job"
        ),
    )


def markdown(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> list[str]:
    """The runs and the monitoring jobs, as tables."""
    from dashboard.report.markdown import md_badge, md_section, md_table

    data = vertex_data(snapshot)
    return [
        *md_section(TITLE, md_badge(snapshot, "vertex", now)),
        *md_table(view.COLUMNS, view.rows(data, now), empty=EMPTY),
        "",
        f"### {MONITORING}",
        "",
        *md_table(view.MONITORING_COLUMNS, view.monitoring_rows(data), empty="no monitoring job"),
        "",
    ]
