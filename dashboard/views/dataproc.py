"""The Dataproc pane: clusters by state, their size, YARN use, idleness and what they cost per hour."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.views import fmt
from dashboard.views.collect import dataproc_section
from dashboard.views.columns import Column, Row, line, table
from dashboard.views.items import ClusterItem, DataprocSection, NodeGroupItem
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
    Column("YARN APPS", "yarn_apps_running", justify="right", drop=5),
    Column("YARN MEM", "yarn_memory_pct", justify="right"),
    Column("IDLE SINCE", "idle_since"),
    Column("IDLE TTL", "idle_delete_ttl_s", justify="right", drop=3),
    Column("$/H EST", "usd_per_hour", justify="right"),
    Column("DETAIL", "detail", min_width=20, max_width=60, shrink=True, drop=6),
)

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
            fmt.number(item.yarn_apps_running, 0),
            fmt.pct(item.yarn_memory_pct),
            idle_cell(item, now),
            ttl_cell(item),
            fmt.rate(item.usd_per_hour),
            line(item.detail, 200, style="red" if look.rank == 0 else "") if item.detail else None,
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
    )


def render(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable | None = None, wide: bool | None = None
) -> RenderableType:
    """The Dataproc pane."""
    return render_section(dataproc_section(snapshot, now, prices), snapshot, now, wide=wide)
