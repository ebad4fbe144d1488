"""Dataflow rules: a streaming job falling further behind, a running job that produces nothing, a job that
failed.

Trends are read over the last minutes of each series, up to its newest point (Monitoring's newest minute
is a few minutes old): a lag that *keeps* growing, not one high point. Money at stake is what the job
bills per hour now (:func:`dashboard.sources.dataflow.cost.dataflow_job_cost`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from statistics import median

from dashboard.cost import series_index
from dashboard.insights import Context, Insight, rule
from dashboard.insights.common import clock, last_minutes, per_month, slope_per_minute, span_minutes
from dashboard.models import DataflowJob, MetricSeries, Sample
from dashboard.sources.dataflow.cost import dataflow_job_cost
from dashboard.views.collect import DF_LAG, DF_THROUGHPUT, DF_WATERMARK_AGE
from dashboard.views.fmt import duration, money

LAG = "dataflow.growing_lag"
ZERO = "dataflow.zero_throughput"
FAILED = "dataflow.failed_job"

Index = Mapping[tuple[str, str], MetricSeries]


def row_key(job: DataflowJob) -> str:
    """The job's row in the Dataflow pane."""
    return f"{job.project}/{job.location}/{job.job_id}"


def recent(index: Index, metric: str, job: DataflowJob, minutes: float) -> tuple[Sample, ...]:
    """The points of a job's series within ``minutes`` of its newest point."""
    return last_minutes(index.get((metric, job.job_id)), minutes)


def _rate(ctx: Context, job: DataflowJob, index: Index) -> float | None:
    return dataflow_job_cost(job, index, ctx.prices).usd_per_hour


@rule(LAG, minutes=15.0, min_growth_s=120.0, min_lag_s=300.0, critical_lag_s=1800.0)
def growing_lag(ctx: Context) -> Iterator[Insight]:
    """A running streaming job whose system lag or data watermark age rose by at least ``min_growth_s``
    over the last ``minutes`` (least-squares trend, with the newer half of the points higher than the
    older half: one high point is not a trend) and is at least ``min_lag_s`` now; critical from
    ``critical_lag_s``."""
    minutes = ctx.threshold(LAG, "minutes")
    growth = ctx.threshold(LAG, "min_growth_s")
    floor = ctx.threshold(LAG, "min_lag_s")
    critical = ctx.threshold(LAG, "critical_lag_s")
    index = series_index(ctx.snapshot.dataflow.series)
    for job in ctx.snapshot.dataflow.jobs:
        if not job.is_streaming or job.is_terminal:
            continue
        worst: tuple[float, str, tuple[Sample, ...], float, float] | None = None
        for metric, label in ((DF_LAG, "system lag"), (DF_WATERMARK_AGE, "data watermark age")):
            points = recent(index, metric, job, minutes)
            slope = slope_per_minute(points)
            span = span_minutes(points)
            if slope is None or span < minutes / 2:
                continue
            rise = slope * span
            half = len(points) // 2
            older, newer = median(p.value for p in points[:half]), median(p.value for p in points[-half:])
            steady = newer > older  # a trend, not one high point at the end
            if rise >= growth and steady and points[-1].value >= floor and (worst is None or rise > worst[0]):
                worst = (rise, label, points, slope, span)
        if worst is None:
            continue
        rise, label, points, slope, span = worst
        now_s = points[-1].value
        usd = _rate(ctx, job, index)
        yield Insight(
            rule=LAG,
            severity="critical" if now_s >= critical else "warning",
            title=f"Streaming job {job.name} falls behind: {label} {duration(now_s)} and growing",
            source="dataflow",
            resource=job.name,
            resource_key=row_key(job),
            evidence=(
                f"{label} {duration(points[0].value)} at {clock(points[0].t)} → {duration(now_s)} at "
                f"{clock(points[-1].t)}: +{slope:,.1f} s per minute over {span:.0f} min "
                f"(threshold +{duration(growth)} in {duration(minutes * 60)})"
            ),
            usd_per_hour=usd,
            usd_per_month=per_month(usd),
            fix=(
                "Find the slow step (the job graph's stage with the highest wall time, a hot key, a slow "
                "sink); raise --max_num_workers or the worker size if it is CPU-bound, enable Streaming "
                "Engine and autoscaling if they are off"
            ),
        )


@rule(ZERO, minutes=10.0)
def zero_throughput(ctx: Context) -> Iterator[Insight]:
    """A running job that produced no element over its last ``minutes`` of metrics while it bills;
    critical for a streaming job (data is not flowing), a warning for a batch job."""
    minutes = ctx.threshold(ZERO, "minutes")
    index = series_index(ctx.snapshot.dataflow.series)
    for job in ctx.snapshot.dataflow.jobs:
        if job.state != "JOB_STATE_RUNNING":
            continue
        series = index.get((DF_THROUGHPUT, job.job_id))
        points = recent(index, DF_THROUGHPUT, job, minutes)
        if series is None or span_minutes(points) < minutes - 1 or any(p.value > 0 for p in points):
            continue
        busy = [p for p in series.points if p.value > 0]
        since = series.points[0].t if not busy else next(p.t for p in series.points if p.t > busy[-1].t)
        stalled_s = (points[-1].t - since).total_seconds()
        usd = _rate(ctx, job, index)
        yield Insight(
            rule=ZERO,
            severity="critical" if job.is_streaming else "warning",
            title=f"Job {job.name} runs but produces nothing",
            source="dataflow",
            resource=job.name,
            resource_key=row_key(job),
            evidence=(
                f"0 elements/s {'since' if busy else 'since at least'} {clock(since)} "
                f"({duration(stalled_s)}, threshold {duration(minutes * 60)}); still billed "
                f"{'unknown' if usd is None else money(usd)}/h"
            ),
            usd_per_hour=usd,
            usd_per_month=per_month(usd),
            fix=(
                "Check its input (the subscription or files it reads) and its logs for a stuck step; "
                f"if it is not needed, drain or cancel it (gcloud dataflow jobs drain {job.job_id} "
                f"--region={job.location})"
            ),
        )


@rule(FAILED, hours=24.0)
def failed_job(ctx: Context) -> Iterator[Insight]:
    """A job that failed within the last ``hours``: a warning for a batch job, critical for a streaming
    one."""
    hours = ctx.threshold(FAILED, "hours")
    now = ctx.snapshot.at
    index = series_index(ctx.snapshot.dataflow.series)
    for job in ctx.snapshot.dataflow.jobs:
        ended = job.state_time
        if (
            job.state != "JOB_STATE_FAILED"
            or ended is None
            or not now - timedelta(hours=hours) <= ended <= now
        ):
            continue
        spent = dataflow_job_cost(job, index, ctx.prices).usd_so_far
        began = job.started or job.created
        ran = "" if began is None else f" after {duration((ended - began).total_seconds())}"
        cost = "" if spent is None else f"; {money(spent)} spent on the failed run (estimate)"
        yield Insight(
            rule=FAILED,
            severity="critical" if job.is_streaming else "warning",
            title=f"{'Streaming' if job.is_streaming else 'Batch'} job {job.name} failed at {clock(ended)}",
            source="dataflow",
            resource=job.name,
            resource_key=row_key(job),
            evidence=f"JOB_STATE_FAILED at {clock(ended)}{ran}{cost}",
            fix=(
                f"Read the job's error logs (gcloud dataflow jobs describe {job.job_id} "
                f"--region={job.location}; Logs Explorer, severity>=ERROR), fix the cause and rerun it"
            ),
        )
