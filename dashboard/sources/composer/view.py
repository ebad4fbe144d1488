"""The Composer views: one row per environment (state, versions, size, health, workloads ok/total, failed
DAG runs in the last 24 h), one per DAG (failed runs first), and an environment's detail (its workloads
with their status, then its health and runs charts on one time axis)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.models import Sample, Snapshot
from dashboard.sources.composer.model import HEALTHY, ComposerData, Environment
from dashboard.sources.composer.rules import FAILED, SUCCESS, Dag, dags, index, unhealthy_minutes
from dashboard.views import fmt
from dashboard.views.chart import ChartSeries, LineChart
from dashboard.views.columns import Column, Row, table
from dashboard.views.items import Item

COLUMNS = (
    Column("ENVIRONMENT", "name", min_width=12, max_width=32, shrink=True),
    Column("PROJECT", "project", max_width=22, shrink=True, drop=4),
    Column("REGION", "region", drop=3),
    Column("STATE", "state"),
    Column("COMPOSER", "composer", drop=2),
    Column("AIRFLOW", "airflow"),
    Column("SIZE", "size", drop=1),
    Column("HEALTH", "health"),
    Column("WORKLOADS", "workloads", justify="right"),
    Column("FAILED 24H", "failed", justify="right"),
    Column("AIRFLOW URI", "uri", max_width=50, shrink=True, wide=True, cut="middle"),
)

DAG_COLUMNS = (
    Column("DAG", "dag", min_width=12, max_width=36, shrink=True),
    Column("ENVIRONMENT", "environment", max_width=40, shrink=True, drop=1),
    Column("SUCCESS 24H", "success", justify="right"),
    Column("FAILED 24H", "failed", justify="right"),
    Column("OTHER", "other", justify="right", drop=2),
    Column("LONGEST 24H", "duration", justify="right"),
    Column("LAST FAILED", "last_failed", justify="right", drop=3),
)
"""One row per DAG Monitoring counted runs of (``workflow/run_count`` by state over the last 24 h, its
longest ``workflow/run_duration``, its last failure in the hour of per-minute points kept)."""

_STATE_STYLE = {"RUNNING": "green", "ERROR": "bold red", "DELETING": "dim", "CREATING": "cyan"}
_WORKLOAD_STYLE = {"OK": "green", "SUCCEEDED": "green", "WARNING": "yellow", "PENDING": "cyan"}


class EnvironmentItem(Item, frozen=True, kw_only=True):
    """An environment row's item (its detail screen)."""

    key: str
    environment: Environment


def health(data: ComposerData, env: Environment) -> Text | None:
    """``healthy`` / ``unhealthy 12m`` from ``environment/healthy``; None without points."""
    down = unhealthy_minutes(index(data).get((HEALTHY, env.key)))
    if down is None:
        return None
    if down == 0:
        return Text("healthy", style="green")
    return Text(f"unhealthy {down:.0f} min", style="bold red")


def workloads_cell(env: Environment) -> Text | None:
    """``ok/total`` of its workloads, red when one is not ok; None when they were not read."""
    if not env.workloads_read:
        return None
    ok = sum(1 for w in env.workloads if w.ok)
    total = len(env.workloads)
    return Text(f"{ok}/{total}", style="" if ok == total else "bold red")


def rows(data: ComposerData, now: datetime) -> list[Row]:
    """One row per environment: those in ERROR first, then by key."""
    failures: dict[str, float] = {}
    for dag in dags(data):
        failures[dag.environment] = failures.get(dag.environment, 0.0) + dag.failed
    out = []
    for env in sorted(data.environments, key=lambda e: (e.state != "ERROR", e.key)):
        failed = failures.get(env.key)
        out.append(
            Row.of(
                env.key,
                [
                    env.env_id,
                    env.project,
                    env.location,
                    Text(fmt.visible(env.state), style=_STATE_STYLE.get(env.state, "yellow")),
                    env.composer_version,
                    env.airflow_version,
                    env.size,
                    health(data, env),
                    workloads_cell(env),
                    None if failed is None else Text(f"{failed:.0f}", style="bold red" if failed else ""),
                    env.airflow_uri,
                ],
            )
        )
    return out


def _env_name(key: str) -> str:
    """``project/location/env`` → ``env (location, project)``."""
    project, _, rest = key.partition("/")
    location, _, env = rest.partition("/")
    return f"{env} ({location}, {project})" if env else key


def dag_row(dag: Dag) -> Row:
    """A DAG's row: its runs by state over the last 24 h, its longest run."""
    other = sum(v for state, v in dag.runs.items() if state not in ("success", "failed"))
    return Row.of(
        dag.key,
        [
            dag.dag_id,
            _env_name(dag.environment),
            f"{dag.runs.get('success', 0.0):.0f}",
            Text(f"{dag.failed:.0f}", style="bold red" if dag.failed else ""),
            f"{other:.0f}" if other else None,
            None if dag.longest_s is None else fmt.duration(dag.longest_s),
            None if dag.last_failed is None else f"{dag.last_failed:%H:%M}",
        ],
    )


def dag_rows(data: ComposerData) -> list[Row]:
    """The DAGs, the most failed runs first."""
    return [dag_row(d) for d in dags(data)]


def item(data: ComposerData, key: str) -> EnvironmentItem | None:
    """The environment of a row."""
    env = next((e for e in data.environments if e.key == key), None)
    return None if env is None else EnvironmentItem(key=key, environment=env)


def _line(value: str, style: str = "") -> Text:
    """Cloud text on a line, control characters made visible, never markup."""
    return Text(fmt.visible(value), style=style)


WORKLOAD_COLUMNS = (
    Column("WORKLOAD", "name", min_width=12, max_width=48, shrink=True, cut="middle"),
    Column("TYPE", "type"),
    Column("STATE", "state"),
    Column("STATUS", "message", max_width=60, shrink=True),
)


def workload_rows(env: Environment) -> list[Row]:
    """Its workloads, those not ok first."""
    return [
        Row.of(
            w.name,
            [
                w.name,
                w.type,
                Text(fmt.visible(w.state), style=_WORKLOAD_STYLE.get(w.state, "bold red")),
                fmt.one_line(" · ".join(m for m in (w.message, w.detail) if m)) or None,
            ],
        )
        for w in sorted(env.workloads, key=lambda w: (w.ok, w.name))
    ]


def _points(samples: Sequence[Sample]) -> list[tuple[datetime, float]]:
    return [(p.t, p.value) for p in samples]


def charts(data: ComposerData, env: Environment) -> list[RenderableType]:
    """The health chart and the DAG runs chart (success and failed runs a minute, all DAGs)."""
    found = index(data)
    healthy = found.get((HEALTHY, env.key))
    runs: dict[str, dict[datetime, float]] = {FAILED: {}, SUCCESS: {}}
    for s in data.series:
        if s.metric in runs and s.key.rpartition("/")[0] == env.key:
            for p in s.points:
                runs[s.metric][p.t] = runs[s.metric].get(p.t, 0.0) + p.value
    times = [p.t for p in healthy.points] if healthy is not None else []
    times += [t for by in runs.values() for t in by]
    if not times:
        return [Text("no Monitoring points for this environment", style="dim")]
    span = (min(times), max(times))
    return [
        LineChart(
            [ChartSeries("healthy", _points(healthy.points if healthy else ()), "green")],
            height=4,
            title="environment/healthy (share of the minute healthy)",
            floor=0.0,
            span=span,
        ),
        Text(""),
        LineChart(
            [
                ChartSeries("success", sorted(runs[SUCCESS].items()), "cyan"),
                ChartSeries("failed", sorted(runs[FAILED].items()), "red"),
            ],
            height=5,
            title="DAG runs (workflow/run_count by state)",
            floor=0.0,
            span=span,
        ),
    ]


def detail_of(data: ComposerData, env: Environment) -> RenderableType:
    """An environment: its settings, its workloads, then its charts; its text shown literally."""
    lines = [
        _line(f"Composer environment {env.name}", "bold"),
        _line(f"state {env.state} · image {env.image_version or '?'} · size {env.size or '?'}"),
    ]
    if env.airflow_uri:
        lines.append(_line(f"Airflow UI {env.airflow_uri}"))
    counts = [
        f"{label} {value}"
        for label, value in (
            ("nodes", env.node_count),
            ("schedulers", env.schedulers),
            ("workers", None if env.workers_max is None else f"{env.workers_min or 0}–{env.workers_max}"),
        )
        if value is not None
    ]
    if counts:
        lines.append(_line(" · ".join(counts)))
    if env.labels:
        lines.append(_line("labels " + ", ".join(f"{k}={v}" for k, v in sorted(env.labels.items()))))
    workloads: RenderableType = (
        table(WORKLOAD_COLUMNS, workload_rows(env), title="Workloads", empty="no workload")
        if env.workloads_read
        else Text("workloads not read", style="dim")
    )
    return Group(*lines, Text(""), workloads, Text(""), *charts(data, env))


def detail(item: EnvironmentItem, now: datetime) -> RenderableType:
    """The detail of a row without the snapshot's series (the plugin pane's)."""
    return detail_of(ComposerData(environments=(item.environment,)), item.environment)


def overview(data: ComposerData, now: datetime) -> tuple[int, str]:
    """Environments, those in ERROR, and failed DAG runs."""
    errors = sum(1 for e in data.environments if e.state == "ERROR")
    failed = sum(d.failed for d in dags(data))
    return len(data.environments), f"{errors} in ERROR · {failed:.0f} failed DAG run(s)"


def composer_data(snapshot: Snapshot) -> ComposerData:
    """The Composer data of a snapshot (empty while none was read)."""
    found = snapshot.extra.get("composer")
    return found if isinstance(found, ComposerData) else ComposerData()
