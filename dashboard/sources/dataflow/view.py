"""The Dataflow pane: jobs by state with workers, lag, freshness, throughput and cost."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.cost import CostEstimate
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.sources.dataflow.collect import dataflow_section
from dashboard.views import fmt
from dashboard.views.columns import Column, Row, table
from dashboard.views.items import DataflowItem, DataflowSection, Overview
from dashboard.views.overview import warn_style
from dashboard.views.sparkline import Sparkline
from dashboard.views.states import look_of
from dashboard.views.status import pane_heading

SPARK_WIDTH = 24
LAG_WARN_S = 300.0
"""System lag from which a streaming job is shown falling behind (yellow), and twice that red."""

COLUMNS = (
    Column("JOB", "name", min_width=18, max_width=28, shrink=True),
    Column("PROJECT", "project", max_width=22, shrink=True, drop=6),
    Column("REGION", "location", drop=5),
    Column("TYPE", "job_type"),
    Column("STATE", "status"),
    Column("AGE", "age_s", justify="right", drop=4),
    Column("VCPUS", "vcpus", justify="right", drop=3),
    Column("SYSTEM LAG", "system_lag_s", justify="right"),
    Column("FRESHNESS", "data_freshness_s", justify="right"),
    Column("ELEM/S", "throughput_eps", justify="right", drop=1),
    Column("$ SO FAR", "usd_so_far", justify="right"),
    Column("$/H EST", "usd_per_hour", justify="right", drop=2),
    Column("LAG, LAST HOUR", "lag", min_width=16, shrink=True, cut="start"),
    Column("JOB ID", "job_id", max_width=44, shrink=True, wide=True, cut="middle"),
)
"""The Dataflow table's columns. Narrow, the lag chart keeps its latest points and the project, region,
age, vCPUs, $/h and throughput give way in that order."""


def lag_style(seconds: float | None) -> str:
    """Green while fresh, yellow from five minutes, red from ten."""
    if seconds is None:
        return "dim"
    return "bold red" if seconds >= 2 * LAG_WARN_S else "yellow" if seconds >= LAG_WARN_S else "green"


def job_row(item: DataflowItem) -> Row:
    """One Dataflow job as a table row."""
    look = look_of("dataflow", item.status)
    lag = [p.value for p in item.lag]
    return Row.of(
        f"{item.project}/{item.location}/{item.job_id}",
        [
            item.name,
            item.project,
            item.location,
            item.job_type,
            Text(item.status, style=look.style),
            fmt.duration(item.age_s),
            fmt.number(item.vcpus, 0),
            Text(fmt.duration(item.system_lag_s), style=lag_style(item.system_lag_s)),
            Text(fmt.duration(item.data_freshness_s), style=lag_style(item.data_freshness_s)),
            fmt.number(item.throughput_eps, 1),
            fmt.money(item.usd_so_far),
            fmt.rate(item.usd_per_hour),
            Text(Sparkline(lag, width=SPARK_WIDTH).text(), style=lag_style(max(lag))) if lag else None,
            item.job_id,
        ],
    )


def render_section(
    section: DataflowSection, snapshot: Snapshot, now: datetime, *, wide: bool | None = None
) -> RenderableType:
    """The pane from already collected data."""
    return Group(
        pane_heading("Dataflow", snapshot, "dataflow", now),
        table(
            COLUMNS,
            [job_row(j) for j in section.jobs],
            title=f"Jobs ({len(section.jobs)})",
            caption="FRESHNESS: data watermark age; $ SO FAR from Monitoring totals; $/H from current vCPUs",
            wide=wide,
            empty="no Dataflow job",
        ),
    )


def render(
    snapshot: Snapshot, now: datetime, *, prices: PriceTable | None = None, wide: bool | None = None
) -> RenderableType:
    """The Dataflow pane."""
    return render_section(dataflow_section(snapshot, now, prices), snapshot, now, wide=wide)


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
            "dataflow",
            [
                "Dataflow jobs",
                Text(fmt.count(o.dataflow_jobs_running), style="green" if o.dataflow_jobs_running else ""),
                Text(f"{o.dataflow_jobs_failed} failed", style=warn_style(o.dataflow_jobs_failed, "red")),
            ],
        )
    ]
