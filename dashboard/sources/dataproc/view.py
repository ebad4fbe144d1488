"""The Dataproc pane: clusters by state, their size, YARN use, idleness, running jobs and what they cost
per hour; the jobs on the clusters; Serverless batches with their DCU use and cost."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.cost import CostEstimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.views import fmt
from dashboard.views.collect import dataproc_section
from dashboard.views.columns import Column, Row, line, table
from dashboard.views.items import (
    BatchItem,
    ClusterItem,
    DataprocJobItem,
    DataprocSection,
    NodeGroupItem,
    Overview,
)
from dashboard.views.overview import warn_style
from dashboard.views.states import look_of
from dashboard.views.status import pane_heading

COLUMNS = (
    Column("CLUSTER", "name", max_width=28, shrink=True),
    Column("PROJECT", "project", max_width=22, shrink=True, drop=7),
    Column("REGION", "region", drop=2),
    Column("STATE", "status"),
    Column("AGE", "age_s", justify="right", drop=4),
    Column("NODES", "nodes"),
    Column("VCPUS", "vcpus", justify="right"),
    Column("JOBS", "jobs_running", justify="right", drop=5),
    Column("YARN APPS", "yarn_apps_running", justify="right", drop=6),
    Column("YARN MEM", "yarn_memory_pct", justify="right"),
    Column("IDLE SINCE", "idle_since"),
    Column("IDLE TTL", "idle_delete_ttl_s", justify="right", drop=3),
    Column("$/H EST", "usd_per_hour", justify="right"),
    Column("DETAIL", "detail", min_width=20, max_width=60, shrink=True, drop=6),
)

JOB_COLUMNS = (
    Column("JOB", "job_id", min_width=24, max_width=32, shrink=True, cut="middle"),
    Column("CLUSTER", "cluster", max_width=20, shrink=True),
    Column("PROJECT", "project", max_width=22, shrink=True, drop=5),
    Column("REGION", "region", drop=4),
    Column("TYPE", "job_type"),
    Column("STATE", "status"),
    Column("SUBMITTED", "submitted", drop=3),
    Column("DURATION", "duration_s", justify="right"),
    Column("DETAIL", "details", min_width=20, max_width=60, shrink=True, drop=1),
)
"""The cluster jobs' table: newest first within a state, failures first."""

BATCH_COLUMNS = (
    Column("BATCH", "batch_id", min_width=26, max_width=32, shrink=True, cut="middle"),
    Column("PROJECT", "project", max_width=22, shrink=True, drop=7),
    Column("REGION", "region", drop=5),
    Column("TYPE", "batch_type"),
    Column("STATE", "status"),
    Column("CREATOR", "creator", max_width=28, shrink=True, drop=6),
    Column("RUNTIME", "runtime_version", drop=4),
    Column("AGE", "age_s", justify="right", drop=3),
    Column("DURATION", "duration_s", justify="right"),
    Column("DCU-H", "dcu_hours", justify="right"),
    Column("SHUFFLE GB-H", "shuffle_gb_hours", justify="right", drop=2),
    Column("$ EST", "usd", justify="right"),
    Column("DETAIL", "state_message", min_width=20, max_width=60, shrink=True, drop=1),
)
"""The Serverless batches' table."""

BATCH_CAPTION = "DCU-H, GB-H: approximateUsage once done; ~ while running: currentUsage x time run"
JOB_KEY = "job:"
BATCH_KEY = "batch:"
"""Prefixes of the jobs' and batches' row keys (``job:project/region/id``): one pane holds three tables, a
cluster's key has none."""

_ROLE_LETTER = {"master": "m", "worker": "w", "secondary": "s"}


def nodes_label(groups: tuple[NodeGroupItem, ...]) -> str:
    """Nodes by role: ``1m 10w 8s`` (master, workers, secondary workers)."""
    parts = [f"{g.count}{_ROLE_LETTER.get(g.role, '?')}" for g in groups if g.count]
    return " ".join(parts) or "0"


def idle_cell(item: ClusterItem, now: datetime) -> Text | None:
    """Since when a running cluster runs nothing; yellow when it has no idle-delete TTL to end it."""
    if item.status != "RUNNING":
        return None
    idle = item.idle_since
    if idle is None and item.yarn_apps_running == 0:
        return Text("idle", style="yellow" if item.idle_delete_ttl_s is None else "")
    if idle is None:
        return None
    return Text(fmt.age(idle, now), style="yellow" if item.idle_delete_ttl_s is None else "")


def ttl_cell(item: ClusterItem) -> Text:
    """The idle-delete TTL; ``none`` in yellow for a running cluster without one."""
    if item.idle_delete_ttl_s is None:
        warn = item.status == "RUNNING" and item.auto_delete_time is None
        return Text("none", style="yellow" if warn else "dim")
    return Text(fmt.duration(item.idle_delete_ttl_s))


def cluster_row(item: ClusterItem, now: datetime) -> Row:
    """One cluster as a table row."""
    look = look_of("cluster", item.status)
    return Row.of(
        f"{item.project}/{item.region}/{item.name}",
        [
            item.name,
            item.project,
            item.region,
            Text(item.status, style=look.style),
            fmt.duration(item.age_s),
            nodes_label(item.groups),
            fmt.count(item.vcpus),
            Text(str(item.jobs_running), style="green") if item.jobs_running else Text("0", style="dim"),
            fmt.number(item.yarn_apps_running, 0),
            fmt.pct(item.yarn_memory_pct),
            idle_cell(item, now),
            ttl_cell(item),
            fmt.rate(item.usd_per_hour),
            line(item.detail, 200, style="red" if look.rank == 0 else "") if item.detail else None,
        ],
    )


def job_row(item: DataprocJobItem, now: datetime) -> Row:
    """One cluster job as a table row."""
    look = look_of("dataproc_job", item.status)
    return Row.of(
        JOB_KEY + item.key,
        [
            item.job_id,
            item.cluster,
            item.project,
            item.region,
            item.job_type,
            Text(item.status, style=look.style),
            fmt.age(item.submitted, now) if item.submitted else None,
            fmt.duration(item.duration_s),
            line(item.details, 200, style="red" if look.rank == 0 else "") if item.details else None,
        ],
    )


def usage_cell(value: float | None, estimated: bool) -> Text:
    """DCU- or GB-hours: ``~`` marks an estimate from the current usage (a running batch)."""
    if value is None:
        return Text(fmt.DASH, style="dim")
    text = fmt.number(value, 2 if value < 10 else 1)
    return Text(f"~{text}", style="yellow") if estimated else Text(text)


def batch_row(item: BatchItem) -> Row:
    """One Serverless batch as a table row."""
    look = look_of("batch", item.status)
    return Row.of(
        BATCH_KEY + item.key,
        [
            item.batch_id,
            item.project,
            item.region,
            item.batch_type,
            Text(item.status, style=look.style),
            item.creator,
            item.runtime_version,
            fmt.duration(item.age_s),
            fmt.duration(item.duration_s),
            usage_cell(item.dcu_hours, item.usage_estimated),
            usage_cell(item.shuffle_gb_hours, item.usage_estimated),
            fmt.money(item.usd),
            line(item.state_message, 200, style="red" if look.rank == 0 else "")
            if item.state_message
            else None,
        ],
    )


def render_section(
    section: DataprocSection, snapshot: Snapshot, now: datetime, *, wide: bool | None = None
) -> RenderableType:
    """The pane from already collected data."""
    return Group(
        pane_heading("Dataproc", snapshot, "dataproc", now),
        table(
            COLUMNS,
            [cluster_row(c, now) for c in section.clusters],
            title=f"Clusters ({len(section.clusters)})",
            caption="NODES: m master, w workers, s secondary workers; $/H: VMs + Dataproc premium (list)",
            wide=wide,
            empty="no cluster",
        ),
        Text(""),
        table(
            JOB_COLUMNS,
            [job_row(j, now) for j in section.jobs],
            title=f"Jobs ({len(section.jobs)})",
            caption="running, and ended in the last 24 h",
            wide=wide,
            empty="no job",
        ),
        Text(""),
        table(
            BATCH_COLUMNS,
            [batch_row(b) for b in section.batches],
            title=f"Serverless batches ({len(section.batches)})",
            caption=BATCH_CAPTION,
            wide=wide,
            empty="no batch",
        ),
    )


def render(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable | None = None, wide: bool | None = None
) -> RenderableType:
    """The Dataproc pane."""
    return render_section(dataproc_section(snapshot, now, prices), snapshot, now, wide=wide)


def report(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable, recent_limit: int, cost: CostEstimate
) -> RenderableType:
    """Its section in ``--once``'s text report (its spec's ``report``)."""
    return render(snapshot, now, prices=prices)


def running(overview: Overview) -> list[Row]:
    """Its line in the Overview's Running table (its spec's ``running``)."""
    o = overview
    return [
        Row.of(
            "dataproc",
            [
                "Dataproc clusters",
                Text(
                    fmt.count(o.dataproc_clusters_running),
                    style="green" if o.dataproc_clusters_running else "",
                ),
                Text.assemble(
                    (
                        f"{o.dataproc_clusters_error} in error",
                        warn_style(o.dataproc_clusters_error, "bold red"),
                    ),
                    " · ",
                    (f"{o.dataproc_clusters_idle} idle", warn_style(o.dataproc_clusters_idle)),
                ),
            ],
        )
    ]
