"""The Data Fusion source's pane in the app (its spec's ``app_pane``): the instances, the pipelines seen
from the snapshot's Dataproc data, and an instance's detail screen. Apart from the views, so that nothing
headless reaches the widgets."""

from __future__ import annotations

from datetime import datetime

from rich.console import RenderableType

from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.registry import SourceSpec
from dashboard.sources.datafusion import view
from dashboard.sources.datafusion.model import Instance
from dashboard.sources.datafusion.pipelines import dataproc_read, seen
from dashboard.sources.datafusion.report import TITLE, snapshot_rows
from dashboard.sources.datafusion.rules import data_of
from dashboard.views.items import Item
from dashboard.views.status import pane_heading
from widgets.frame import Frame, PaneData, TableData
from widgets.sourcepane import Detail, SourcePane, pane_columns


class InstanceItem(Item, frozen=True, kw_only=True):
    """A row of the pane: one instance."""

    key: str
    instance: Instance


def app_pane_data(spec: SourceSpec, snapshot: Snapshot, now: datetime, prices: PriceTable) -> PaneData:
    """The instances."""
    data = data_of(snapshot)
    rows = snapshot_rows(snapshot, now, prices)
    items = {i.key: InstanceItem(key=i.key, instance=i) for i in data.instances}
    return PaneData(
        heading=pane_heading(TITLE, snapshot, spec.name, now),
        table=TableData(view.COLUMNS, rows, items, "instance"),
    )


def _detail(item: InstanceItem, frame: Frame) -> RenderableType:
    clusters = seen(frame.snapshot).get(item.key, []) if dataproc_read(frame.snapshot) else None
    return view.detail(item.instance, frame.now, clusters)


def _name(item: InstanceItem) -> str:
    return item.instance.instance_id


APP_PANE = SourcePane(
    widget="widgets.panes:TablePane",
    build=app_pane_data,
    columns=pane_columns(view.COLUMNS, name=("instance", 12)),
    details=(Detail(InstanceItem, _detail, _name),),
)
"""The app's pane (``SourceSpec.app_pane``)."""
