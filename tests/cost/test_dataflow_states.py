"""Dataflow jobs by state: a FlexRS job waiting in its queue, jobs draining or being cancelled, in two
projects and regions.

``JobState`` (google.cloud.dataflow_v1beta3): QUEUED is a job created but not yet running (FlexRS jobs wait
there up to 6 h before they get workers), STOPPED one that "has not yet started to run"; neither has workers,
so neither bills. DRAINING and CANCELLING jobs still run their workers until DRAINED / CANCELLED (the
terminal states); ``requestedState`` says where a job is going, ``currentState`` where it is, and only the
latter says whether it bills. Expectations by hand from ``dashboard/data/prices.toml``: streaming vCPU
$0.069/h, batch vCPU $0.056/h, memory $0.003557/GiB-h in us-central1; europe-west4 1.1009 x. The snapshot
moment is 09:00; an opener job created at 07:00 makes the window 07:00-09:00.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard import cost
from dashboard.models import DataflowData, DataflowJob, Job, MetricSeries, Snapshot
from dashboard.parsers.monitoring import parse_time_series
from dashboard.pricing import default_prices
from dashboard.sources.dataflow import cost as dataflow_cost
from dashboard.sources.dataflow.parse import dataflow_job_from_json

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
EU = 1.1009
STREAM_VCPU, MEMORY = 0.069, 0.003557


def t(minutes: float) -> datetime:
    return AT + timedelta(minutes=minutes)


def job(job_id: str, project: str, location: str, **fields: Any) -> DataflowJob:
    """A job as ``GetJob``/``ListJobs`` return it, through the parser."""
    from google.cloud import dataflow_v1beta3 as df

    message = df.Job(id=job_id, project_id=project, name=f"{job_id}-name", location=location, **fields)
    return dataflow_job_from_json(
        json.loads(df.Job.to_json(message, use_integers_for_enums=False, indent=None))
    )


def series(
    metric: str, project: str, points: dict[str, list[tuple[datetime, int]]]
) -> tuple[MetricSeries, ...]:
    """One ``ListTimeSeries`` page of a Dataflow metric grouped by job id, points newest first as sent."""
    from google.cloud import monitoring_v3

    page = monitoring_v3.ListTimeSeriesResponse(
        time_series=[
            monitoring_v3.TimeSeries(
                metric={"type": f"dataflow.googleapis.com/{metric}", "labels": {"job_id": job_id}},
                resource={"type": "dataflow_job", "labels": {"project_id": project}},
                points=[
                    monitoring_v3.Point(interval={"end_time": when}, value={"int64_value": value})
                    for when, value in sorted(values, reverse=True)
                ],
            )
            for job_id, values in points.items()
        ]
    )
    request = {
        "name": f"projects/{project}",
        "filter": f'metric.type = "dataflow.googleapis.com/{metric}" AND resource.type = "dataflow_job"',
        "aggregation": {"groupByFields": ["metric.label.job_id"]},
    }
    return parse_time_series([(request, json.loads(monitoring_v3.ListTimeSeriesResponse.to_json(page)))])


def estimate(jobs: tuple[DataflowJob, ...], *found: tuple[MetricSeries, ...]) -> Any:
    opener = Job(project="quiet", job_id="opener", created=t(-120), ended=t(-120), bytes_billed=0)
    flat = tuple(s for group in found for s in group)
    snapshot = Snapshot(at=AT, jobs=(opener,), dataflow=DataflowData(jobs=jobs, series=flat))
    return cost.estimate(snapshot, default_prices())


def test_a_flexrs_job_waiting_in_its_queue_bills_nothing_and_is_not_unpriced() -> None:
    from google.cloud import dataflow_v1beta3 as df

    queued = job(
        "2026-11-26_08_20_00-111",
        "acme-batch",
        "us-central1",
        type_=df.JobType.JOB_TYPE_BATCH,
        current_state=df.JobState.JOB_STATE_QUEUED,
        current_state_time=t(-40),
        create_time=t(-40),  # no start_time: it has not started
        environment=df.Environment(
            flex_resource_scheduling_goal=df.FlexResourceSchedulingGoal.FLEXRS_COST_OPTIMIZED,
            worker_pools=[df.WorkerPool(num_workers=10, machine_type="n1-standard-4", disk_size_gb=50)],
        ),
    )
    found = dataflow_cost.dataflow_job_cost(queued, {}, default_prices(), AT)
    assert (found.usd_so_far, found.usd_per_hour, found.from_job) == (0.0, 0.0, False)
    estimate_ = estimate((queued,))
    line = estimate_.service("dataflow")
    # not 10 workers x n1-standard-4 from 08:20: a queued job has no workers yet
    assert (line.window_spend_usd, line.burn_rate_usd_per_hour, line.unpriced) == (0.0, 0.0, 0)
    assert not any("not fully priced" in n for n in estimate_.notes)


def test_draining_and_cancelling_jobs_bill_their_current_vcpus_until_they_end() -> None:
    from google.cloud import dataflow_v1beta3 as df

    draining = job(
        "2026-11-20_00_00_00-222",
        "acme-stream",
        "europe-west4",
        type_=df.JobType.JOB_TYPE_STREAMING,
        current_state=df.JobState.JOB_STATE_DRAINING,
        requested_state=df.JobState.JOB_STATE_DRAINED,
        current_state_time=t(-5),
        create_time=t(-9000),
        start_time=t(-8990),
    )
    cancelling = job(
        "2026-11-26_07_00_00-333",
        "acme-batch",
        "us-central1",
        type_=df.JobType.JOB_TYPE_STREAMING,
        current_state=df.JobState.JOB_STATE_RUNNING,  # asked to cancel, not yet cancelling
        requested_state=df.JobState.JOB_STATE_CANCELLED,
        current_state_time=t(-1),
        create_time=t(-120),
        start_time=t(-118),
    )
    vcpus = series(
        "job/current_num_vcpus",
        "acme-stream",
        {draining.job_id: [(t(-3), 16), (t(-2), 8)]},  # scaling down as it drains: 8 now
    ) + series("job/current_num_vcpus", "acme-batch", {cancelling.job_id: [(t(-2), 4)]})
    # memory: the growth of total_memory_usage_time (GB-s) per second between its last two points
    memory = series(
        "job/total_memory_usage_time",
        "acme-stream",
        {draining.job_id: [(t(-3), 5_000_000), (t(-2), 5_001_800)]},  # +1,800 GB-s in 60 s = 30 GB
    )
    line = estimate((draining, cancelling), vcpus, memory).service("dataflow")
    # draining: (8 vCPU x $0.069 + 30 GiB x $0.003557) x 1.1009 europe-west4 = $0.7252/h
    drain_rate = (8 * STREAM_VCPU + 30 * MEMORY) * EU
    # cancel requested, still RUNNING: 4 vCPU x $0.069 + memory assumed at the table's GiB per vCPU
    per_vcpu = default_prices().value("dataflow.worker_memory_gib_per_vcpu")
    cancel_rate = 4 * STREAM_VCPU + 4 * per_vcpu * MEMORY
    assert line.burn_rate_usd_per_hour == pytest.approx(drain_rate + cancel_rate)
