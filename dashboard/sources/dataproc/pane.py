"""The dataproc source's pane in the app: its frame builder, columns and detail screens (its
spec's ``app_pane``). Apart from :mod:`dashboard.sources.dataproc.view` (the renderables ``--once`` prints
too), so that nothing headless that reaches the view reaches the widgets."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.registry import SourceSpec
from dashboard.sources.dataproc.view import (
    BATCH_CAPTION,
    BATCH_COLUMNS,
    COLUMNS,
    JOB_COLUMNS,
    batch_row,
    cluster_row,
    job_row,
)
from dashboard.views.collect import dataproc_section
from dashboard.views.items import (
    BatchItem,
    ClusterItem,
    DataprocJobItem,
)
from dashboard.views.status import pane_heading
from widgets.frame import Frame, PaneData, TableData
from widgets.sourcepane import Detail, SourcePane, pane_columns

WIDE = {"project"}
"""Columns the app shows only on wide terminals (200+ cells), so names stay readable at 120."""
NAME = ("name", 16)
"""The name column and the cells it keeps in the app however narrow the terminal."""


def app_pane_data(spec: SourceSpec, snapshot: Snapshot, now: datetime, prices: PriceTable) -> PaneData:
    """Clusters, then the jobs on them, then Serverless batches: three tables, one row key space."""
    section = dataproc_section(snapshot, now, prices)
    clusters = section.clusters
    cluster_rows = [cluster_row(c, now) for c in clusters]
    job_rows = [job_row(j, now) for j in section.jobs]
    batch_rows = [batch_row(b) for b in section.batches]
    return PaneData(
        heading=pane_heading(spec.title, snapshot, spec.name, now),
        table=TableData(
            COLUMNS,
            cluster_rows,
            {row.key: c for row, c in zip(cluster_rows, clusters, strict=True)},
            "cluster",
        ),
        more=(
            (
                f"Jobs ({len(job_rows)}): running, and ended in the last 24 h",
                TableData(
                    JOB_COLUMNS,
                    job_rows,
                    {row.key: j for row, j in zip(job_rows, section.jobs, strict=True)},
                    "dataproc_job",
                ),
            ),
            (
                f"Serverless batches ({len(batch_rows)})",
                TableData(
                    BATCH_COLUMNS,
                    batch_rows,
                    {row.key: b for row, b in zip(batch_rows, section.batches, strict=True)},
                    "batch",
                ),
            ),
        ),
        body=Text(
            "NODES: m master, w workers, s secondary workers; $/H: VMs + Dataproc premium; "
            + BATCH_CAPTION
            + "; tab: next table",
            style="dim",
        ),
    )


def _cluster_detail(item: ClusterItem, frame: Frame) -> RenderableType:
    from widgets.detail.content import cluster_detail
    from widgets.detail.dataproc import cluster_jobs

    return Group(
        cluster_detail(item, frame.snapshot, frame.now), cluster_jobs(item, frame.snapshot, frame.now)
    )


def _batch_detail(item: BatchItem, frame: Frame) -> RenderableType:
    from widgets.detail.dataproc import batch_detail

    return batch_detail(item, frame.now)


def _job_detail(item: DataprocJobItem, frame: Frame) -> RenderableType:
    from widgets.detail.dataproc import dataproc_job_detail

    return dataproc_job_detail(item, frame.now)


APP_PANE = SourcePane(
    widget="widgets.dataproc:DataprocPane",
    build=app_pane_data,
    columns=pane_columns(COLUMNS, wide=WIDE, name=NAME),
    more=(
        ("jobs", pane_columns(JOB_COLUMNS, wide=WIDE, name=NAME)),
        ("batches", pane_columns(BATCH_COLUMNS, wide=WIDE, name=NAME)),
    ),
    details=(
        Detail(ClusterItem, _cluster_detail, lambda item: item.name),
        Detail(BatchItem, _batch_detail, lambda item: item.batch_id, lambda item: item.state_message),
        Detail(DataprocJobItem, _job_detail, lambda item: item.job_id, lambda item: item.details),
    ),
)
"""The app's pane (``SourceSpec.app_pane``)."""
