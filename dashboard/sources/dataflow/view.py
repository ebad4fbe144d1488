"""The Dataflow pane: jobs by state with workers, lag, freshness, throughput and cost."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.registry import SourceSpec
from dashboard.views import fmt
from dashboard.views.collect import dataflow_section
from dashboard.views.columns import Column, Row, table
from dashboard.views.items import DataflowItem, DataflowSection
from dashboard.views.sparkline import Sparkline
from dashboard.views.states import look_of
from dashboard.views.status import pane_heading
from widgets.frame import Frame, PaneData, TableData
from widgets.sourcepane import Detail, SourcePane, pane_columns

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


def app_pane_data(spec: SourceSpec, snapshot: Snapshot, now: datetime, prices: PriceTable) -> PaneData:
    """The app's Dataflow pane: the jobs, and what two of the columns mean."""
    flows = dataflow_section(snapshot, now, prices).jobs
    rows = [job_row(j) for j in flows]
    return PaneData(
        heading=pane_heading(spec.title, snapshot, spec.name, now),
        table=TableData(COLUMNS, rows, {row.key: j for row, j in zip(rows, flows, strict=True)}, "dataflow"),
        body=Text("FRESHNESS: data watermark age; $ SO FAR from Monitoring totals", style="dim"),
    )


def _detail(item: DataflowItem, frame: Frame) -> RenderableType:
    from widgets.detail.content import dataflow_detail

    return dataflow_detail(item, frame.snapshot, frame.now)


def _name(item: DataflowItem) -> str:
    return item.name


APP_PANE = SourcePane(
    widget="widgets.panes:TablePane",
    build=app_pane_data,
    columns=pane_columns(COLUMNS, wide={"project", "location", "usd_per_hour"}, name=("name", 20)),
    details=(Detail(DataflowItem, _detail, _name),),
)
"""The app's pane (``SourceSpec.app_pane``)."""
