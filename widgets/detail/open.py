"""Which detail screen an opened row gets, with its content built from the latest frame."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard import registry
from dashboard.views import plugins
from dashboard.views.items import (
    BatchItem,
    ClusterItem,
    DataflowItem,
    DataprocJobItem,
    Item,
    JobItem,
    ReservationItem,
)
from dashboard.views.plugins import PluginItem
from widgets.detail.content import cluster_detail, dataflow_detail, job_detail, reservation_detail
from widgets.detail.dataproc import batch_detail, cluster_jobs, dataproc_job_detail
from widgets.detail.screens import DetailScreen
from widgets.frame import Frame


def detail_body(item: Item, frame: Frame) -> RenderableType:
    """What the detail screen of ``item`` shows at the frame's moment."""
    snapshot, now = frame.snapshot, frame.now
    if isinstance(item, JobItem):
        return job_detail(item, snapshot, now)
    if isinstance(item, ReservationItem):
        return reservation_detail(item, snapshot, now)
    if isinstance(item, ClusterItem):
        return Group(cluster_detail(item, snapshot, now), cluster_jobs(item, snapshot, now))
    if isinstance(item, BatchItem):
        return batch_detail(item, now)
    if isinstance(item, DataprocJobItem):
        return dataproc_job_detail(item, now)
    if isinstance(item, DataflowItem):
        return dataflow_detail(item, snapshot, now)
    if isinstance(item, PluginItem):
        spec = registry.spec(item.source)
        body = None if spec is None else plugins.detail(spec, snapshot, item.key, now)
        return body if body is not None else Text(f"{item.name}: no longer listed", style="dim")
    raise TypeError(f"no detail screen for {type(item).__name__}")


def detail_screen(
    item: Item, frame: Frame, *, kind: str, key: str, pane_id: str, pane_title: str
) -> DetailScreen:
    """The detail screen of ``item``, the row ``key`` of kind ``kind`` in pane ``pane_id``."""
    if isinstance(item, JobItem):
        name, copy_text = item.job_id, item.query
    elif isinstance(item, ReservationItem):
        name, copy_text = item.reservation_id, None
    elif isinstance(item, ClusterItem | DataflowItem):
        name, copy_text = item.name, None
    elif isinstance(item, BatchItem):
        name, copy_text = item.batch_id, item.state_message
    elif isinstance(item, DataprocJobItem):
        name, copy_text = item.job_id, item.details
    elif isinstance(item, PluginItem):
        name, copy_text = item.name, None
    else:
        raise TypeError(f"no detail screen for {type(item).__name__}")
    return DetailScreen(
        (pane_title, name),
        detail_body(item, frame),
        kind=kind,
        key=key,
        pane_id=pane_id,
        copy_text=copy_text,
    )
