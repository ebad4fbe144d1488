"""Detail screens of Dataproc work: a Serverless batch, a cluster job, and the jobs under a cluster's own
detail. Cloud text (messages, ids, URIs) is shown literally."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.models import Snapshot
from dashboard.pricing import PriceTable, default_prices
from dashboard.sources.dataproc import view as dataproc_view
from dashboard.sources.dataproc.collect import dataproc_section
from dashboard.views import fmt
from dashboard.views.columns import table
from dashboard.views.items import BatchItem, ClusterItem, DataprocJobItem
from dashboard.views.states import look_of
from widgets.detail.content import _labels, fields


def _timeline(created: datetime | None, started: datetime | None, ended: datetime | None) -> Text:
    """created → running → ended, with the wait and the run in between."""
    text = Text(f"created {fmt.when(created, dated=True)}")
    if started is not None:
        waited = None if created is None else (started - created).total_seconds()
        text.append(f"  →  running {fmt.when(started)}")
        text.append(f" (waited {fmt.duration(waited)})", style="dim")
    if ended is not None:
        ran = None if started is None else (ended - started).total_seconds()
        text.append(f"  →  ended {fmt.when(ended)}")
        text.append(f" (ran {fmt.duration(ran)})", style="dim")
    return text


def _usage(value: float | None, unit: str, estimated: bool) -> Text | None:
    if value is None:
        return None
    text = Text(f"{value:,.2f} {unit}")
    if estimated:
        text.append("  (estimate: current usage x time run)", style="dim")
    return text


def batch_detail(item: BatchItem, now: datetime, prices: PriceTable | None = None) -> RenderableType:
    """A Serverless batch: what it runs, where, its timeline, DCU and shuffle use, $ and why it failed."""
    prices = prices or default_prices()
    look = look_of("batch", item.status)
    dcu_price = prices.value("dataproc_serverless.dcu_hour.standard")
    shuffle_price = prices.value("dataproc_serverless.shuffle_storage_gib_month")
    basis = f"DCU-hours x ${dcu_price:.3f} + shuffle GB-hours / 730 h x ${shuffle_price:.3f} per GB-month"
    current = None
    if item.current_dcu is not None:
        current = f"{item.current_dcu:,.0f} DCU, {item.current_shuffle_gb or 0:,.0f} GB shuffle storage"
    message = None
    if item.state_message:
        message = Text(fmt.visible(item.state_message), style="red" if look.rank == 0 else "")
    return Group(
        fields(
            [
                ("Batch", f"{item.project}/{item.region}/{item.batch_id}"),
                ("State", Text(item.status, style=look.style)),
                ("Type", item.batch_type),
                ("Runs", item.main),
                ("Runtime version", item.runtime_version),
                ("Creator", item.creator),
                ("Service account", item.service_account),
                ("Timeline", _timeline(item.created, item.started, item.ended)),
                ("Duration", fmt.duration(item.duration_s)),
                ("DCU-hours", _usage(item.dcu_hours, "DCU-h", item.usage_estimated)),
                ("Shuffle storage", _usage(item.shuffle_gb_hours, "GB-h", item.usage_estimated)),
                ("Holds now", current),
                ("$ so far (estimate)", Text(fmt.money(item.usd)).append(f"  ({basis})", style="dim")),
                ("$/h (estimate)", fmt.rate(item.usd_per_hour) if item.usd_per_hour else None),
                ("Labels", _labels(item.labels)),
                ("Message", message),
            ]
        ),
        Text(""),
        Text(
            fmt.visible(
                f"gcloud dataproc batches describe {item.batch_id} "
                f"--region={item.region} --project={item.project}"
            ),
            style="dim",
        ),
    )


def dataproc_job_detail(item: DataprocJobItem, now: datetime) -> RenderableType:
    """A cluster job: its cluster, type, timeline and why it failed."""
    look = look_of("dataproc_job", item.status)
    details = item.details
    return Group(
        fields(
            [
                ("Job", f"{item.project}/{item.region}/{item.job_id}"),
                ("Cluster", item.cluster),
                ("State", Text(item.status, style=look.style)),
                ("Since", fmt.when(item.state_since, dated=True) if item.state_since else None),
                ("Type", item.job_type),
                ("Timeline", _timeline(item.submitted, item.started, item.ended)),
                ("Duration", fmt.duration(item.duration_s)),
                ("YARN applications", str(item.yarn_applications)),
                ("Job UUID", item.uuid),
                ("Labels", _labels(item.labels)),
            ]
        ),
        *(
            [
                Text(""),
                Text("Details", style="bold"),
                Text(fmt.visible(details, keep_newlines=True), style="red"),
            ]
            if details
            else []
        ),
    )


def cluster_jobs(item: ClusterItem, snapshot: Snapshot, now: datetime) -> RenderableType:
    """The jobs of a cluster (running, and ended in the last 24 h), below its detail."""
    section = dataproc_section(snapshot, now)
    jobs = [
        j for j in section.jobs if (j.project, j.region, j.cluster) == (item.project, item.region, item.name)
    ]
    return Group(
        Text(""),
        table(
            dataproc_view.JOB_COLUMNS,
            [dataproc_view.job_row(j, now) for j in jobs],
            title=f"Jobs on {item.name} ({len(jobs)}, {item.jobs_running} running)",
            empty="no job in the last 24 h",
        ),
    )
