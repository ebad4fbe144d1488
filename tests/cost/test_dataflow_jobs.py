"""Dataflow jobs priced in their region, by disk type and by the memory they report, and from their own job
resource when Monitoring has no totals, with the shipped price table.

Jobs are ``google.cloud.dataflow_v1beta3.Job`` messages and metrics ``google.cloud.monitoring_v3``
``ListTimeSeriesResponse`` pages, read through the parsers as proto JSON. Expectations are worked out by
hand from ``dashboard/data/prices.toml``: batch vCPU $0.056/h, memory $0.003557/GiB-h, PD standard
$0.000054/GiB-h, PD SSD $0.000298/GiB-h, shuffle $0.011/GiB, all in us-central1; europe-west4 is 1.1009 x
(gce.region_factor.europe-west4, applied to Dataflow too). The snapshot moment is 09:00; an opener job
created at 07:00 makes the window 07:00-09:00.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard import cost
from dashboard.models import DataflowData, DataflowJob, Job, MetricSeries, Snapshot
from dashboard.parsers.monitoring import parse_time_series
from dashboard.pricing import PriceTable, default_prices
from dashboard.sources.dataflow import cost as dataflow_cost
from dashboard.sources.dataflow.parse import dataflow_job_from_json

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
EU = 1.1009
VCPU, MEMORY, PD, SSD, SHUFFLE = 0.056, 0.003557, 0.000054, 0.000298, 0.011
STREAM_VCPU = 0.069
GIB = 2**30


def t(hours: float = 0, minutes: float = 0) -> datetime:
    return AT + timedelta(hours=hours, minutes=minutes)


def job(
    job_id: str,
    state: str,
    *,
    location: str = "europe-west4",
    kind: str = "JOB_TYPE_BATCH",
    start: datetime,
    end: datetime | None = None,
    pools: list[dict[str, Any]] | None = None,
) -> DataflowJob:
    """A job as ``AggregatedListJobs`` returns it (with an ``environment`` when ``pools`` are given)."""
    from google.cloud import dataflow_v1beta3 as df

    message = df.Job(
        id=job_id,
        project_id="acme-eu",
        name=f"{job_id}-name",
        type_=df.JobType[kind],
        current_state=df.JobState[state],
        current_state_time=end or t(minutes=-1),
        create_time=start - timedelta(minutes=2),
        start_time=start,
        location=location,
        environment=df.Environment(worker_pools=[df.WorkerPool(**p) for p in pools]) if pools else None,
    )
    text = df.Job.to_json(message, use_integers_for_enums=False, indent=None)
    return dataflow_job_from_json(json.loads(text))


def monitoring(
    metric: str, job_id: str, values: list[tuple[datetime, float]], **labels: str
) -> tuple[MetricSeries, ...]:
    """One ``ListTimeSeries`` page of a Dataflow metric grouped by job id (points newest first, as sent)."""
    from google.api import metric_pb2
    from google.cloud import monitoring_v3

    series = monitoring_v3.TimeSeries(
        metric={"type": f"dataflow.googleapis.com/{metric}", "labels": {"job_id": job_id, **labels}},
        resource={"type": "dataflow_job", "labels": {"project_id": "acme-eu", "region": "europe-west4"}},
        metric_kind=metric_pb2.MetricDescriptor.GAUGE,
        value_type=metric_pb2.MetricDescriptor.INT64,
        points=[
            monitoring_v3.Point(interval={"end_time": when}, value={"int64_value": int(value)})
            for when, value in reversed(values)
        ],
    )
    page = monitoring_v3.ListTimeSeriesResponse(time_series=[series])
    request = {
        "name": "projects/acme-eu",
        "filter": f'metric.type = "dataflow.googleapis.com/{metric}" AND resource.type = "dataflow_job"',
        "aggregation": {"groupByFields": ["metric.label.job_id"]},
    }
    response = json.loads(monitoring_v3.ListTimeSeriesResponse.to_json(page, indent=None))
    return parse_time_series([(request, response)])


def snap(jobs: tuple[DataflowJob, ...], *series: tuple[MetricSeries, ...]) -> Snapshot:
    opener = Job(project="quiet", job_id="opener", created=t(-2), ended=t(-2), bytes_billed=0)
    flat = tuple(s for group in series for s in group)
    return Snapshot(at=AT, jobs=(opener,), dataflow=DataflowData(jobs=jobs, series=flat))


@pytest.fixture
def prices() -> PriceTable:
    return default_prices()


SSD_URL = "compute.googleapis.com/projects/acme-eu/zones/europe-west4-b/diskTypes/pd-ssd"


def test_a_batch_job_that_ended_without_monitoring_totals_is_costed_from_its_job_resource(
    prices: PriceTable,
) -> None:
    done = job(
        "backfill",
        "JOB_STATE_DONE",
        start=t(-3),
        end=t(-1),
        pools=[
            {
                "kind": "harness",
                "num_workers": 5,
                "machine_type": "n1-standard-4",
                "disk_size_gb": 100,
                "disk_type": SSD_URL,
            }
        ],
    )
    assert (done.workers, done.worker_machine_type, done.worker_disk_gb, done.worker_disk_type) == (
        5,
        "n1-standard-4",
        100,
        "pd-ssd",
    )
    estimate = cost.estimate(snap((done,)), prices)
    df = estimate.service("dataflow")
    # 5 workers x n1-standard-4 (4 vCPU x $0.056 + 15 GiB x $0.003557 + 100 GB pd-ssd x $0.000298)
    # x 1.1009 europe-west4, from 06:00 to 08:00 (2 h), of which 07:00-08:00 is in the window
    total = 5 * (4 * VCPU + 15 * MEMORY + 100 * SSD) * EU * 2
    assert dataflow_cost.dataflow_job_cost(done, {}, prices, AT).usd_so_far == pytest.approx(total)  # $3.3815
    assert df.window_spend_usd == pytest.approx(total / 2)
    assert df.burn_rate_usd_per_hour == 0
    assert df.unpriced == 0
    assert df.items == 1
    assert "dataflow.pd_ssd_gib_hour" in df.price_keys
    assert "gce.region_factor.europe-west4" in df.price_keys
    assert any("costed from the job resource" in n and "backfill-name" in n for n in estimate.notes)


def test_without_workers_in_the_job_resource_the_job_stays_unpriced(prices: PriceTable) -> None:
    done = job("summary-only", "JOB_STATE_DONE", start=t(-3), end=t(-1))
    estimate = cost.estimate(snap((done,)), prices)
    assert estimate.service("dataflow").unpriced == 1
    assert estimate.service("dataflow").window_spend_usd == 0
    assert (
        "1 Dataflow job(s) not fully priced (no Monitoring totals or current vCPUs, no workers in the job "
        "resource): summary-only-name"
    ) in estimate.notes


def test_pd_ssd_is_priced_at_the_ssd_rate_from_the_job_or_the_metric_label(prices: PriceTable) -> None:
    end = t(-1)
    on_ssd = job("ssd-job", "JOB_STATE_DONE", start=t(-2), end=end, pools=[{"disk_type": SSD_URL}])
    labelled = job("labelled", "JOB_STATE_DONE", start=t(-2), end=end)
    series = (
        # ssd-job: 10 vCPU-h, 40 GB-h of memory, 500 GB-h of disk on pd-ssd (its job resource says)
        monitoring("job/total_vcpu_time", "ssd-job", [(end, 10 * 3600)]),
        monitoring("job/total_memory_usage_time", "ssd-job", [(end, 40 * 3600)]),
        monitoring("job/total_pd_usage_time", "ssd-job", [(end, 500 * 3600)]),
        # labelled: same totals, disk split by the storage_type label: 300 GB-h SSD, 200 GB-h HDD
        monitoring("job/total_vcpu_time", "labelled", [(end, 10 * 3600)]),
        monitoring("job/total_memory_usage_time", "labelled", [(end, 40 * 3600)]),
        monitoring("job/total_pd_usage_time", "labelled", [(end, 300 * 3600)], storage_type="SSD"),
        monitoring("job/total_pd_usage_time", "labelled", [(end, 200 * 3600)], storage_type="HDD"),
    )
    index = cost.series_index(s for group in series for s in group)
    assert ("job/total_pd_usage_time:ssd", "labelled") in index
    # (10 vCPU-h x $0.056 + 40 GiB-h x $0.003557 + 500 GB-h x $0.000298 SSD) x 1.1009
    ssd_job = (10 * VCPU + 40 * MEMORY + 500 * SSD) * EU
    assert dataflow_cost.dataflow_job_cost(on_ssd, index, prices).usd_so_far == pytest.approx(ssd_job)
    # (10 x $0.056 + 40 x $0.003557 + 300 GB-h x $0.000298 SSD + 200 GB-h x $0.000054 standard) x 1.1009
    split = (10 * VCPU + 40 * MEMORY + 300 * SSD + 200 * PD) * EU
    labelled_cost = dataflow_cost.dataflow_job_cost(labelled, index, prices)
    assert labelled_cost.usd_so_far == pytest.approx(split)
    assert labelled_cost.ssd


def test_memory_is_measured_when_the_job_reports_it_else_from_the_machine_else_assumed(
    prices: PriceTable,
) -> None:
    start = t(-1)
    measured = job(
        "measured", "JOB_STATE_RUNNING", location="us-central1", kind="JOB_TYPE_STREAMING", start=start
    )
    machine = job(
        "highmem",
        "JOB_STATE_RUNNING",
        location="us-central1",
        kind="JOB_TYPE_STREAMING",
        start=start,
        pools=[{"num_workers": 2, "machine_type": "n1-highmem-4"}],
    )
    assumed = job(
        "assumed", "JOB_STATE_RUNNING", location="us-central1", kind="JOB_TYPE_STREAMING", start=start
    )
    a, b = t(minutes=-2), t(minutes=-1)
    series = (
        # measured: 8 vCPUs; memory total grows by 3,000 GB-s in 60 s: 50 GiB held now (6.25 GiB per vCPU)
        monitoring("job/current_num_vcpus", "measured", [(b, 8)]),
        monitoring("job/total_vcpu_time", "measured", [(b, 8 * 3600)]),
        monitoring("job/total_memory_usage_time", "measured", [(a, 177_000), (b, 180_000)]),
        # highmem and assumed: 8 vCPUs, 8 vCPU-h so far, no memory metric
        monitoring("job/current_num_vcpus", "highmem", [(b, 8)]),
        monitoring("job/total_vcpu_time", "highmem", [(b, 8 * 3600)]),
        monitoring("job/current_num_vcpus", "assumed", [(b, 8)]),
        monitoring("job/total_vcpu_time", "assumed", [(b, 8 * 3600)]),
    )
    index = cost.series_index(s for group in series for s in group)
    got = dataflow_cost.dataflow_job_cost(measured, index, prices)
    assert got.memory == "measured"
    # so far: 8 vCPU-h x $0.069 + 180,000 GB-s = 50 GiB-h x $0.003557
    assert got.usd_so_far == pytest.approx(8 * STREAM_VCPU + 50 * MEMORY)
    # now: 8 vCPUs x $0.069 + 50 GiB x $0.003557
    assert got.usd_per_hour == pytest.approx(8 * STREAM_VCPU + 50 * MEMORY)
    got = dataflow_cost.dataflow_job_cost(machine, index, prices)
    assert got.memory == "machine"
    # n1-highmem-4: 26 GiB / 4 vCPU = 6.5 GiB per vCPU: 8 x $0.069 + 8 x 6.5 GiB x $0.003557 (so far and now)
    assert got[:2] == pytest.approx((8 * STREAM_VCPU + 52 * MEMORY, 8 * STREAM_VCPU + 52 * MEMORY))
    got = dataflow_cost.dataflow_job_cost(assumed, index, prices)
    assert got.memory == "assumed"
    # the assumption: 3.75 GiB per vCPU: 8 x $0.069 + 8 x 3.75 GiB x $0.003557
    assert got[:2] == pytest.approx((8 * STREAM_VCPU + 30 * MEMORY, 8 * STREAM_VCPU + 30 * MEMORY))
    estimate = cost.estimate(snap((measured, machine, assumed), *series), prices)
    notes = [n for n in estimate.notes if "memory assumed" in n]
    assert notes == [
        "Dataflow memory assumed at 3.75 GiB per vCPU (no total_memory_usage_time, no worker machine type) "
        "for: assumed-name"
    ]
    assert "dataflow.worker_memory_gib_per_vcpu" in estimate.service("dataflow").price_keys
    assert (
        "Dataflow memory from the workers' machine type (no total_memory_usage_time) for: highmem-name"
        in estimate.notes
    )


def test_a_batch_job_in_europe_west4_is_priced_at_europe_west4_rates(prices: PriceTable) -> None:
    end = t(-1)
    batch = job("eu-batch", "JOB_STATE_DONE", start=t(-2), end=end)
    series = (
        monitoring("job/total_vcpu_time", "eu-batch", [(end, 20 * 3600)]),
        monitoring("job/total_memory_usage_time", "eu-batch", [(end, 75 * 3600)]),
        monitoring("job/total_pd_usage_time", "eu-batch", [(end, 250 * 3600)]),
        monitoring("job/billable_shuffle_data_processed", "eu-batch", [(end, 10 * GIB)]),
    )
    index = cost.series_index(s for group in series for s in group)
    # (20 vCPU-h x $0.056 + 75 GiB-h x $0.003557 + 250 GB-h x $0.000054 + 10 GiB x $0.011) x 1.1009
    expected = (20 * VCPU + 75 * MEMORY + 250 * PD + 10 * SHUFFLE) * EU
    assert dataflow_cost.dataflow_job_cost(batch, index, prices).usd_so_far == pytest.approx(
        expected
    )  # $1.6627
