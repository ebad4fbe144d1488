"""Vertex AI insight rules, each ``rule(data, now, threshold)``, registered as ``vertex.<rule>`` with their
defaults (:data:`DEFAULTS`); ``[insights.thresholds]`` overrides them by ``vertex.<rule>.<name>``.

- failing pipeline: ``min_failed`` or more failed runs of one pipeline (project, region) in the window;
- stuck run: a run ``RUNNING`` for ``factor`` times the median duration of its pipeline's succeeded runs, and
  at least ``min_s`` seconds (needs ``min_succeeded`` succeeded runs to compare with);
- monitoring alert: a model monitoring job whose latest drift or skew score of a feature crossed its
  threshold in the window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from statistics import median

from dashboard import registry
from dashboard.insights import Context, Insight, rule
from dashboard.sources.vertex.model import MonitoringJob, PipelineRun, VertexData

Threshold = Callable[[str], float]

DEFAULTS: dict[str, dict[str, float]] = {
    "failing_pipeline": {"min_failed": 2.0},
    "stuck_run": {"factor": 3.0, "min_s": 1800.0, "min_succeeded": 2.0},
    "monitoring_alert": {},
}
"""Each rule's thresholds with their defaults (docs/vertex.md lists them)."""


def defaults(name: str) -> Threshold:
    """The default thresholds of the rule ``name``."""
    return DEFAULTS[name].__getitem__


def _dur(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min"


def _insight(name: str, severity: str, resource: str, *texts: str, key: str | None = None) -> Insight:
    """``key``: the pane row it points at (default ``resource``; "" when it is no row of the runs)."""
    title, evidence, fix = texts
    return Insight(
        rule=f"vertex.{name}",
        severity="critical" if severity == "critical" else "warning",
        title=title,
        source="vertex",
        resource=resource,
        resource_key=resource if key is None else key,
        evidence=evidence,
        fix=fix,
    )


def _created(run: PipelineRun) -> datetime:
    return run.created or run.start or datetime.min.replace(tzinfo=UTC)


def _by_pipeline(data: VertexData) -> dict[tuple[str, str, str], list[PipelineRun]]:
    found: dict[tuple[str, str, str], list[PipelineRun]] = {}
    for run in data.runs:
        found.setdefault((run.project, run.region, run.pipeline), []).append(run)
    return found


def failing_pipeline(data: VertexData, now: datetime, threshold: Threshold | None = None) -> list[Insight]:
    """A pipeline with ``min_failed`` failed runs or more in the window (critical when its newest run
    failed too)."""
    threshold = threshold or defaults("failing_pipeline")
    least = threshold("min_failed")
    out = []
    for (project, region, pipeline), runs in sorted(_by_pipeline(data).items()):
        failed = sorted((r for r in runs if r.short_state == "FAILED"), key=_created, reverse=True)
        if len(failed) < least:
            continue
        newest = max(runs, key=_created)
        task = next((r.failed_task for r in failed if r.failed_task is not None), None)  # the newest's
        why = f"; task {task.name}: {task.error}" if task is not None and task.error else ""
        out.append(
            _insight(
                "failing_pipeline",
                "critical" if newest.short_state == "FAILED" else "warning",
                f"{project}/{region}/{pipeline}",
                f"Pipeline {pipeline} failed {len(failed)} times",
                f"{len(failed)} of {len(runs)} runs failed in {project} {region} "
                f"(threshold {least:.0f}){why}",
                "Open the failed run (Enter) for its task's error; fix it before the next scheduled run",
                key=failed[0].key,  # the newest failed run's row
            )
        )
    return out


def stuck_run(data: VertexData, now: datetime, threshold: Threshold | None = None) -> list[Insight]:
    """A run still ``RUNNING`` after ``factor`` times its pipeline's median succeeded duration, and at
    least ``min_s``."""
    threshold = threshold or defaults("stuck_run")
    factor, least, needed = threshold("factor"), threshold("min_s"), threshold("min_succeeded")
    out = []
    for (_, _, pipeline), runs in sorted(_by_pipeline(data).items()):
        done = [d for r in runs if r.short_state == "SUCCEEDED" and (d := r.duration_s(now)) is not None]
        if len(done) < needed:
            continue
        usual = median(done)
        for run in runs:
            took = run.duration_s(now)
            if run.short_state != "RUNNING" or took is None or took < max(least, factor * usual):
                continue
            out.append(
                _insight(
                    "stuck_run",
                    "warning",
                    run.key,
                    f"Pipeline run {run.run_id} has run {_dur(took)}, {took / usual:.1f}× its usual",
                    f"running {_dur(took)}; the median of {len(done)} succeeded runs of {pipeline} is "
                    f"{_dur(usual)} (threshold {factor:g}×, at least {_dur(least)})",
                    "Look at its running task (Enter): a task waiting for resources or quota, or hung",
                )
            )
    return out


def _alert_text(job: MonitoringJob) -> str:
    return "; ".join(
        f"{a.objective.removeprefix('RAW_FEATURE_').lower()} of {a.feature} {a.score:.3g} ≥ {a.threshold:.3g}"
        for a in job.alerts
        if a.score is not None and a.threshold is not None
    )


def monitoring_alert(data: VertexData, now: datetime, threshold: Threshold | None = None) -> list[Insight]:
    """A monitoring job whose stats anomalies in the window hold a feature over its threshold."""
    return [
        _insight(
            "monitoring_alert",
            "warning",
            job.key,
            f"Model monitoring alert on endpoint {job.endpoint_id}: {len(job.alerts)} feature(s)",
            f"{job.display_name or job.job_id}: {_alert_text(job)}",
            "Compare the recent prediction inputs with the training data; retrain or fix the upstream data",
            key="",  # the monitoring jobs are below the runs' table, not rows of it
        )
        for job in data.monitoring
        if job.alerts
    ]


RULES = (failing_pipeline, stuck_run, monitoring_alert)


def _data(ctx: Context) -> VertexData:
    spec = registry.spec("vertex")
    found = VertexData() if spec is None else spec.data_in(ctx.snapshot)
    return found if isinstance(found, VertexData) else VertexData()


def _register(fn: Callable[[VertexData, datetime, Threshold], list[Insight]]) -> None:
    rule_id = f"vertex.{fn.__name__}"

    def run(ctx: Context) -> list[Insight]:
        return fn(_data(ctx), ctx.snapshot.at, lambda name: ctx.threshold(rule_id, name))

    run.__name__ = run.__qualname__ = fn.__name__
    rule(rule_id, **DEFAULTS[fn.__name__])(run)


for _fn in RULES:
    _register(_fn)


def metrics(data: VertexData) -> dict[str, float]:
    """``--fail-on`` values: ``vertex.failed_runs``, ``vertex.monitoring_alerts``."""
    return {
        "failed_runs": float(sum(1 for r in data.runs if r.short_state == "FAILED")),
        "monitoring_alerts": float(sum(len(j.alerts) for j in data.monitoring)),
    }
