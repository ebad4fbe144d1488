"""The Composer source's sections in ``--once``: the environments, then the DAGs (its spec's ``report``,
``markdown``)."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.cost import CostEstimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.sources.composer import view
from dashboard.views.columns import table
from dashboard.views.status import pane_heading

TITLE = "Composer environments"
EMPTY = "no Composer environment"
DAGS_EMPTY = "no DAG run in Monitoring"


def report(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> RenderableType:
    """The environments, then the DAGs."""
    data = view.composer_data(snapshot)
    return Group(
        pane_heading(TITLE, snapshot, "composer", now),
        table(view.COLUMNS, view.rows(data, now), empty=EMPTY),
        Text(""),
        table(view.DAG_COLUMNS, view.dag_rows(data), title="DAGs", empty=DAGS_EMPTY),
    )


def markdown(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> list[str]:
    """The environments and the DAGs, as tables."""
    from dashboard.report.markdown import md_badge, md_section, md_table

    data = view.composer_data(snapshot)
    return [
        *md_section(TITLE, md_badge(snapshot, "composer", now)),
        *md_table(view.COLUMNS, view.rows(data, now), empty=EMPTY),
        "",
        "### DAGs",
        "",
        *md_table(view.DAG_COLUMNS, view.dag_rows(data), empty=DAGS_EMPTY),
        "",
    ]
