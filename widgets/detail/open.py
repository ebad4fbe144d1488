"""Which detail screen an opened row gets, with its content built from the latest frame."""

from __future__ import annotations

from dashboard.views.items import ClusterItem, DataflowItem, Item, JobItem, ReservationItem
from widgets.detail.content import cluster_detail, dataflow_detail, job_detail, reservation_detail
from widgets.detail.screens import DetailScreen
from widgets.frame import Frame


def detail_screen(kind: str, item: Item, frame: Frame, pane_title: str) -> DetailScreen:
    """The detail screen of ``item`` (a row of kind ``kind``) at the frame's moment."""
    snapshot, now = frame.snapshot, frame.now
    if isinstance(item, JobItem):
        return DetailScreen(
            (pane_title, item.job_id),
            job_detail(item, snapshot, now),
            kind=kind,
            key=item.key,
            copy_text=item.query,
        )
    if isinstance(item, ReservationItem):
        return DetailScreen(
            (pane_title, item.reservation_id),
            reservation_detail(item, snapshot, now),
            kind=kind,
            key=item.reservation_key,
        )
    if isinstance(item, ClusterItem):
        return DetailScreen(
            (pane_title, item.name),
            cluster_detail(item, snapshot, now),
            kind=kind,
            key=f"{item.project}/{item.region}/{item.name}",
        )
    if isinstance(item, DataflowItem):
        return DetailScreen(
            (pane_title, item.name),
            dataflow_detail(item, snapshot, now),
            kind=kind,
            key=f"{item.project}/{item.location}/{item.job_id}",
        )
    raise TypeError(f"no detail screen for {type(item).__name__}")
