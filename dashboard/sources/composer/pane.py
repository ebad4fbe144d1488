"""The Composer source's pane in the app: the environments, the DAGs below them, and an environment's
detail screen (its workloads, health and runs charts) (its spec's ``app_pane``). Apart from the views so
that nothing headless that reaches them reaches the widgets."""

from __future__ import annotations

from datetime import datetime

from rich.console import RenderableType

from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.registry import SourceSpec
from dashboard.sources.composer import view
from dashboard.sources.composer.report import DAGS_EMPTY, TITLE
from dashboard.views.columns import table
from dashboard.views.status import pane_heading
from widgets.frame import Frame, PaneData, TableData
from widgets.sourcepane import Detail, SourcePane, pane_columns


def app_pane_data(spec: SourceSpec, snapshot: Snapshot, now: datetime, prices: PriceTable) -> PaneData:
    """The environments, then the DAGs."""
    data = view.composer_data(snapshot)
    items = {e.key: view.EnvironmentItem(key=e.key, environment=e) for e in data.environments}
    return PaneData(
        heading=pane_heading(TITLE, snapshot, spec.name, now),
        table=TableData(view.COLUMNS, view.rows(data, now), items, "composer_environment"),
        body=table(view.DAG_COLUMNS, view.dag_rows(data), title="DAGs", empty=DAGS_EMPTY),
    )


def _detail(item: view.EnvironmentItem, frame: Frame) -> RenderableType:
    return view.detail_of(view.composer_data(frame.snapshot), item.environment)


def _name(item: view.EnvironmentItem) -> str:
    return item.environment.env_id


APP_PANE = SourcePane(
    widget="widgets.panes:TablePane",
    build=app_pane_data,
    columns=pane_columns(view.COLUMNS, wide=("uri",), name=("name", 14)),
    details=(Detail(view.EnvironmentItem, _detail, _name),),
)
"""The app's pane (``SourceSpec.app_pane``)."""
