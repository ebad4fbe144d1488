"""What the detail screens show, as Rich renderables: pure functions of an item and the Snapshot.

No Textual here, so each is testable with a plain Console. Cloud text goes through
:func:`dashboard.views.fmt.visible` (control characters made visible) and into ``Text`` or ``Syntax``,
never into markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from dashboard.cost import series_index
from dashboard.models import MetricSeries, Sample, Snapshot
from dashboard.pricing import PriceTable, default_prices
from dashboard.sources.jobs import view as jobs_view
from dashboard.sources.reservations import view as reservations_view
from dashboard.views import fmt
from dashboard.views.chart import ChartSeries, LineChart
from dashboard.views.collect import (
    DF_LAG,
    DF_THROUGHPUT,
    DF_WATERMARK_AGE,
    YARN_APPS,
    YARN_MEMORY,
    job_item,
    reservation_editions,
    reservations_section,
)
from dashboard.views.columns import heading, table
from dashboard.views.items import ClusterItem, DataflowItem, JobItem, ReservationItem
from dashboard.views.states import look_of

DF_VCPUS = "job/current_num_vcpus"
CHART_HEIGHT = 7


def fields(pairs: Sequence[tuple[str, Text | str | None]]) -> Table:
    """A two-column grid of labels and values; str values are cloud text, shown literally."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, value in pairs:
        if value is None:
            cell = Text(fmt.DASH, style="dim")
        elif isinstance(value, Text):
            cell = value
        else:
            cell = Text(fmt.visible(value))
        grid.add_row(label, cell)
    return grid


def sql_syntax(query: str) -> Syntax:
    """SQL, highlighted; control characters shown as escapes first (Syntax does not parse markup)."""
    return Syntax(
        fmt.visible(query, keep_newlines=True), "sql", line_numbers=True, word_wrap=True, theme="ansi_dark"
    )


def _points(samples: Sequence[Sample]) -> list[tuple[datetime, float]]:
    return [(p.t, p.value) for p in samples if not math.isnan(p.value)]


def _flat(name: str, samples: Sequence[Sample], value: float, style: str) -> ChartSeries:
    """A constant line over the span of ``samples``."""
    if not samples:
        return ChartSeries(name, [], style)
    return ChartSeries(name, [(samples[0].t, value), (samples[-1].t, value)], style)


def _labels(labels: dict[str, str]) -> Text | None:
    if not labels:
        return None
    return Text(", ".join(f"{fmt.visible(k)}={fmt.visible(v)}" for k, v in sorted(labels.items())))


# ---------------------------------------------------------------- BigQuery job


def job_children(snapshot: Snapshot, item: JobItem, now: datetime, prices: PriceTable) -> list[JobItem]:
    """The child jobs of a script (by ``parent_job_id`` in the same project), oldest first."""
    editions = reservation_editions(snapshot)
    children = [j for j in snapshot.jobs if j.parent_job_id == item.job_id and j.project == item.project]
    children.sort(key=lambda j: (j.created is None, j.created or now))
    return [job_item(j, now, prices, editions) for j in children]


def job_timeline(item: JobItem) -> Text:
    """created → started (queued for) → ended (ran for)."""
    text = Text()
    text.append(f"created {fmt.when(item.created)}")
    if item.started is not None:
        queued = (item.started - item.created).total_seconds() if item.created else None
        text.append(f"  →  started {fmt.when(item.started)}")
        text.append(f" (queued {fmt.duration(queued)})", style="dim")
    if item.ended is not None:
        text.append(f"  →  ended {fmt.when(item.ended)}")
    if item.started is None and item.ended is None:  # queued (PENDING): it has not run yet
        text.append(f" (queued {fmt.duration(item.duration_s)} so far)", style="dim")
    else:
        text.append(f" (ran {fmt.duration(item.duration_s)})", style="dim")
    return text


def job_detail(
    item: JobItem, snapshot: Snapshot, now: datetime, prices: PriceTable | None = None
) -> RenderableType:
    """A BigQuery job: its figures, timeline, error, SQL and the children of a script."""
    prices = prices or default_prices()
    look = look_of("job", item.status)
    cost = jobs_view.money_cell(item.cost_usd, item.cost_basis)
    if item.cost_basis:
        cost.append(f"  ({item.cost_basis})", style="dim")
    error = None
    if item.error_reason or item.error_message:
        error = Text(fmt.visible(f"{item.error_reason or ''}: {item.error_message or ''}".strip(": ")))
        error.stylize("red")
    parts: list[RenderableType] = [
        fields(
            [
                ("State", Text(item.status, style=look.style)),
                ("Job", item.key),
                ("Principal", item.principal),
                ("Type", jobs_view.job_type(item)),
                ("Priority", item.priority),
                ("Bytes processed", fmt.size(item.bytes_processed)),
                ("Bytes billed", fmt.size(item.bytes_billed)),
                ("Slot time", fmt.duration(None if item.slot_ms is None else item.slot_ms / 1000)),
                ("Cost (estimate)", cost),
                ("Cache", jobs_view.cache_label(item.cache_hit)),
                ("Reservation", item.reservation),
                ("Edition", item.edition),
                ("Labels", _labels(item.labels)),
                ("Parent", item.parent_job_id),
                *jobs_view.table_fields(item, now),
                *jobs_view.ml_fields(item),
                ("Error", error),
            ]
        ),
        Text(""),
        heading("Timeline"),
        job_timeline(item),
    ]
    if item.is_script or any(j.parent_job_id == item.job_id for j in snapshot.jobs):
        children = job_children(snapshot, item, now, prices)
        parts += [
            Text(""),
            table(
                jobs_view.COLUMNS,
                jobs_view.rows(children),
                title=f"Script children ({len(children)})",
                empty="no child job in the window",
            ),
        ]
    parts += [Text(""), heading("SQL", "c copies it")]
    parts.append(sql_syntax(item.query) if item.query else Text("no query text", style="dim"))
    return Group(*parts)


# ---------------------------------------------------------------- reservation


def reservation_detail(item: ReservationItem, snapshot: Snapshot, now: datetime) -> RenderableType:
    """A reservation: slot use against baseline and baseline + autoscale, its assignments."""
    usage = item.usage
    chart = LineChart(
        [
            _flat("baseline+autoscale max", usage, item.capacity_max, "red"),
            _flat("baseline+autoscale now", usage, item.capacity_now, "yellow"),
            _flat("baseline", usage, item.baseline_slots, "green"),
            ChartSeries("used", _points(usage), "cyan"),
        ],
        height=CHART_HEIGHT + 3,
        title="Slots in use vs capacity",
    )
    section = reservations_section(snapshot)
    assignments = [a for a in section.assignments if a.reservation_id == item.reservation_id]
    return Group(
        fields(
            [
                ("Reservation", item.reservation_key),
                ("Edition", item.edition),
                ("Baseline", fmt.count(item.baseline_slots)),
                ("Autoscale", f"{item.autoscale_current_slots:,} now, {item.autoscale_max_slots:,} max"),
                ("Used now", fmt.number(item.slots_used, 0)),
                ("Utilisation", fmt.pct(item.utilisation_pct)),
                ("$/h (estimate)", fmt.rate(item.usd_per_hour)),
                ("Ignore idle slots", "yes" if item.ignore_idle_slots else "no"),
            ]
        ),
        Text(""),
        chart,
        Text(""),
        table(
            reservations_view.ASSIGNMENT_COLUMNS,
            [reservations_view.assignment_row(a) for a in assignments],
            title=f"Assignments ({len(assignments)})",
            empty="no assignment",
        ),
    )


# ---------------------------------------------------------------- Dataproc cluster


def _series(series: tuple[MetricSeries, ...], metric: str, key: str) -> tuple[Sample, ...]:
    found = series_index(series).get((metric, key))
    return found.points if found is not None else ()


def cluster_detail(item: ClusterItem, snapshot: Snapshot, now: datetime) -> RenderableType:
    """A cluster: its configuration, node groups, YARN load over time, idleness and $/h."""
    groups = Table(box=None, pad_edge=False, header_style="bold")
    for name in ("ROLE", "NODES", "MACHINE", "PREEMPTIBILITY"):
        groups.add_column(name)
    for g in item.groups:
        groups.add_row(
            Text(g.role),
            Text(str(g.count)),
            Text(fmt.visible(g.machine_type or fmt.DASH)),
            Text(fmt.visible(g.preemptibility or fmt.DASH)),
        )
    memory = _series(snapshot.dataproc.series, YARN_MEMORY, item.name)
    apps = _series(snapshot.dataproc.series, YARN_APPS, item.name)
    look = look_of("cluster", item.status)
    return Group(
        fields(
            [
                ("Cluster", f"{item.project}/{item.region}/{item.name}"),
                ("State", Text(item.status, style=look.style)),
                ("Substate", item.substate),
                ("Created", fmt.when(item.created, dated=True)),
                ("Age", fmt.duration(item.age_s)),
                ("vCPUs", fmt.count(item.vcpus)),
                ("Memory", None if item.memory_gib is None else f"{item.memory_gib:,.0f} GiB"),
                ("Idle since", fmt.age(item.idle_since, now) if item.idle_since else None),
                (
                    "Idle-delete TTL",
                    fmt.duration(item.idle_delete_ttl_s) if item.idle_delete_ttl_s else "none",
                ),
                (
                    "Auto-delete at",
                    fmt.when(item.auto_delete_time, dated=True) if item.auto_delete_time else None,
                ),
                ("$/h (estimate)", fmt.rate(item.usd_per_hour)),
                ("Labels", _labels(item.labels)),
                ("Detail", Text(fmt.visible(item.detail), style="red") if item.detail else None),
            ]
        ),
        Text(""),
        heading("Node groups"),
        groups,
        Text(""),
        LineChart(
            [ChartSeries("YARN memory allocated", _points(memory), "magenta")],
            height=CHART_HEIGHT,
            title="YARN memory allocated (%)",
            label=fmt.pct,
        ),
        Text(""),
        LineChart(
            [ChartSeries("YARN apps running", _points(apps), "cyan")],
            height=CHART_HEIGHT - 2,
            title="YARN applications running",
        ),
    )


# ---------------------------------------------------------------- Dataflow job


def streaming_engine_label(item: DataflowItem) -> Text:
    """``yes`` or ``no`` when the job says; ``unknown`` when it does not (job listings carry no
    environment), or a dim dash for a batch job, which Streaming Engine does not run."""
    if item.streaming_engine is not None:
        return Text("yes" if item.streaming_engine else "no")
    if item.job_type == "BATCH":
        return Text("— (batch)", style="dim")
    return Text("unknown (job listings do not say)", style="dim")


def dataflow_detail(item: DataflowItem, snapshot: Snapshot, now: datetime) -> RenderableType:
    """A Dataflow job: lag and freshness, throughput and vCPUs over time, $ so far."""
    series = snapshot.dataflow.series
    lag = _series(series, DF_LAG, item.job_id)
    fresh = _series(series, DF_WATERMARK_AGE, item.job_id)
    produced = _series(series, DF_THROUGHPUT, item.job_id)
    vcpus = _series(series, DF_VCPUS, item.job_id)
    look = look_of("dataflow", item.status)
    return Group(
        fields(
            [
                ("Job", f"{item.project}/{item.location}/{item.job_id}"),
                ("Name", item.name),
                ("Type", item.job_type),
                ("State", Text(item.status, style=look.style)),
                ("Created", fmt.when(item.created, dated=True)),
                ("Age", fmt.duration(item.age_s)),
                ("vCPUs", fmt.number(item.vcpus, 0)),
                ("System lag", fmt.duration(item.system_lag_s)),
                ("Data freshness", fmt.duration(item.data_freshness_s)),
                ("Elements/s", fmt.number(item.throughput_eps, 1)),
                ("$ so far", fmt.money(item.usd_so_far)),
                ("$/h (estimate)", fmt.rate(item.usd_per_hour)),
                ("Streaming Engine", streaming_engine_label(item)),
                ("SDK", item.sdk),
                ("Labels", _labels(item.labels)),
                ("Reads", ", ".join(item.reads) or None),
                ("Writes", ", ".join(item.writes) or None),
            ]
        ),
        Text(""),
        LineChart(
            [
                ChartSeries("system lag", _points(lag), "red"),
                ChartSeries("freshness", _points(fresh), "yellow"),
            ],
            height=CHART_HEIGHT,
            title="System lag and data freshness",
            label=fmt.duration,
        ),
        Text(""),
        LineChart(
            [ChartSeries("elements produced", _points(produced), "cyan")],
            height=CHART_HEIGHT - 2,
            title="Throughput (elements per sample)",
        ),
        Text(""),
        LineChart([ChartSeries("vCPUs", _points(vcpus), "green")], height=CHART_HEIGHT - 3, title="vCPUs"),
    )
