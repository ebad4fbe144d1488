"""The Vertex AI pane's rows: pipeline runs (failed first, then running, newest first) and the model
monitoring jobs; a run's detail (its tasks, their states and errors shown literally)."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.sources.vertex.model import MonitoringJob, PipelineRun, VertexData
from dashboard.views.columns import Column, Row
from dashboard.views.fmt import visible

COLUMNS = (
    Column("PIPELINE", "pipeline", min_width=12, max_width=32, shrink=True),
    Column("STATE", "state"),
    Column("PROJECT", "project", max_width=22, shrink=True, drop=3),
    Column("REGION", "region", drop=2),
    Column("START", "start"),
    Column("DURATION", "duration", justify="right"),
    Column("FAILED TASK", "task", max_width=24, shrink=True, drop=1),
    Column("ERROR", "error", min_width=12, max_width=60, shrink=True),
    Column("LABELS", "labels", max_width=30, shrink=True, wide=True),
)

MONITORING_COLUMNS = (
    Column("ENDPOINT", "endpoint", min_width=12, max_width=30, shrink=True),
    Column("JOB", "job", max_width=30, shrink=True, drop=3),
    Column("STATE", "state"),
    Column("SCHEDULE", "schedule", drop=2),
    Column("LAST RUN", "last_run"),
    Column("ALERTS", "alerts", min_width=12, max_width=60, shrink=True),
    Column("THRESHOLDS", "thresholds", max_width=40, shrink=True, drop=1),
)

_STATE_STYLE = {"FAILED": "bold red", "RUNNING": "cyan", "SUCCEEDED": "green", "QUEUED": "yellow"}
_ORDER = {"FAILED": 0, "RUNNING": 1, "CANCELLING": 1, "PENDING": 2, "QUEUED": 2, "PAUSED": 2}


def _dur(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    if seconds >= 3600:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 60:.0f}m" if seconds >= 60 else f"{seconds:.0f}s"


def _at(t: datetime | None) -> str | None:
    return None if t is None else t.astimezone(UTC).strftime("%m-%d %H:%M")


def ordered(data: VertexData) -> list[PipelineRun]:
    """The runs: failed first, then running, then the rest; newest first within each."""
    runs = sorted(
        data.runs, key=lambda r: r.created or r.start or datetime.min.replace(tzinfo=UTC), reverse=True
    )
    return sorted(runs, key=lambda r: _ORDER.get(r.short_state, 3))


def rows(data: VertexData, now: datetime) -> list[Row]:
    """One row per run."""
    out = []
    for run in ordered(data):
        task = run.failed_task
        out.append(
            Row.of(
                run.key,
                [
                    run.pipeline,
                    Text(run.short_state, style=_STATE_STYLE.get(run.short_state, "")),
                    run.project,
                    run.region,
                    _at(run.start or run.created),
                    _dur(run.duration_s(now)),
                    task.name if task is not None else None,
                    (task.error if task is not None and task.error else None) or run.error,
                    ", ".join(f"{k}={v}" for k, v in sorted(run.labels.items())) or None,
                ],
            )
        )
    return out


def _thresholds(job: MonitoringJob) -> str | None:
    parts = [f"drift {k} {v:g}" for k, v in sorted(job.drift_thresholds.items())]
    parts += [f"skew {k} {v:g}" for k, v in sorted(job.skew_thresholds.items())]
    return ", ".join(parts) or None


def monitoring_rows(data: VertexData) -> list[Row]:
    """One row per monitoring job, those with alerts first."""
    out = []
    for job in sorted(data.monitoring, key=lambda j: (not j.alerts, j.key)):
        alerts = "; ".join(
            f"{a.objective.removeprefix('RAW_FEATURE_').lower()} {a.feature} {a.score:.3g}≥{a.threshold:.3g}"
            for a in job.alerts
            if a.score is not None and a.threshold is not None
        )
        status: Text | str | None = Text(alerts, style="bold yellow") if alerts else None
        if not alerts:
            status = "none" if job.anomalies_read else "not read"
        out.append(
            Row.of(
                job.key,
                [
                    job.endpoint_id or None,
                    job.display_name or job.job_id,
                    job.state.removeprefix("JOB_STATE_"),
                    (f"every {_dur(job.interval_s)}" if job.interval_s else "")
                    + (f" {job.schedule_state}" if job.schedule_state else "")
                    or None,
                    _at(job.last_run),
                    status,
                    _thresholds(job),
                ],
            )
        )
    return out


def item(data: VertexData, key: str) -> PipelineRun | None:
    """The run of a row."""
    return next((r for r in data.runs if r.key == key), None)


def _line(value: str, style: str = "") -> Text:
    return Text(visible(value), style=style)


def detail(run: PipelineRun, now: datetime) -> RenderableType:
    """A run: its state and times, its tasks with their states, every error literally."""
    lines = [
        _line(f"Pipeline run {run.name}", "bold"),
        _line(f"pipeline {run.pipeline} · state {run.short_state} · display name {run.display_name}"),
        _line(
            f"created {_at(run.created)} · started {_at(run.start)} · ended {_at(run.end)} "
            f"· duration {_dur(run.duration_s(now))}"
        ),
    ]
    if run.labels:
        lines.append(_line("labels " + ", ".join(f"{k}={v}" for k, v in sorted(run.labels.items()))))
    if run.error:
        lines.append(_line(f"error {run.error}", "red"))
    lines.append(Text("Tasks", style="bold"))
    for task in run.tasks:
        took = None if task.start is None else ((task.end or now) - task.start).total_seconds()
        lines.append(
            _line(f"  {task.name}  {task.state}  {_dur(took) or ''}", _STATE_STYLE.get(task.state, ""))
        )
        if task.error:
            lines.append(_line(f"    {task.error}", "red"))
    if not run.tasks:
        lines.append(Text("  no task detail", style="dim"))
    return Group(*lines)


def overview(data: VertexData, now: datetime) -> tuple[int, str]:
    """Runs, the failed and running ones, and monitoring alerts."""
    failed = sum(1 for r in data.runs if r.short_state == "FAILED")
    running = sum(1 for r in data.runs if r.short_state == "RUNNING")
    alerts = sum(1 for j in data.monitoring if j.alerts)
    return len(data.runs), f"{failed} failed · {running} running · {alerts} monitoring alert(s)"
