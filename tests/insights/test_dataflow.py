"""Dataflow rules: a streaming job falling behind, a running job producing nothing, a failed job.

Test prices: streaming vCPU $0.07/h, memory $0.004/GiB-hour at 4 GiB per vCPU: a 4-vCPU streaming job bills
4 x (0.07 + 4 x 0.004) = $0.344/h; batch vCPU $0.05/h.
"""

from __future__ import annotations

import pytest

from dashboard.models import DataflowData, DataflowJob, MetricSeries, Snapshot
from insights.helpers import AT, minutes_series, run, t

LAG = "dataflow.growing_lag"
ZERO = "dataflow.zero_throughput"
FAILED = "dataflow.failed_job"


def job(
    job_id: str, *, streaming: bool = True, state: str = "JOB_STATE_RUNNING", **extra: object
) -> DataflowJob:
    return DataflowJob(
        project="etl",
        location="us-central1",
        job_id=job_id,
        name=f"{job_id}-name",
        job_type="JOB_TYPE_STREAMING" if streaming else "JOB_TYPE_BATCH",
        state=state,
        **extra,  # type: ignore[arg-type]
    )


def snapshot(jobs: list[DataflowJob], *series: MetricSeries) -> Snapshot:
    vcpus = tuple(minutes_series("job/current_num_vcpus", j.job_id, [4.0]) for j in jobs)
    return Snapshot(at=AT, dataflow=DataflowData(jobs=tuple(jobs), series=(*series, *vcpus)))


def test_a_lag_that_keeps_growing_is_reported_with_the_jobs_rate() -> None:
    # 08:45..09:00, 16 points rising 20 s a minute: +300 s in 15 min (>= 120), 400 s now (>= 300)
    lag = minutes_series("job/system_lag", "s1", [100.0 + 20 * i for i in range(16)])
    (found,) = run(snapshot([job("s1")], lag), LAG)
    assert found.severity == "warning"  # 400 s < 1800 s
    assert found.resource == "s1-name"
    assert found.resource_key == "etl/us-central1/s1"
    assert found.usd_per_hour == pytest.approx(0.344)
    assert "+20.0 s per minute over 15 min" in found.evidence
    assert "1m40s at 08:45" in found.evidence
    assert "6m40s at 09:00" in found.evidence


def test_the_watermark_age_counts_too_and_a_long_lag_is_critical() -> None:
    age = minutes_series("job/data_watermark_age", "w", [1700.0 + 20 * i for i in range(16)])  # 2000 s now
    (found,) = run(snapshot([job("w")], age), LAG)
    assert found.severity == "critical"
    assert "data watermark age" in found.title


def test_a_high_but_steady_lag_or_a_small_rise_is_not_reported() -> None:
    steady = minutes_series("job/system_lag", "steady", [2000.0, 2010.0, 1990.0, 2000.0] * 4)
    small = minutes_series("job/system_lag", "small", [300.0 + 5 * i for i in range(16)])  # +75 s
    batch = minutes_series("job/system_lag", "batch", [100.0 + 20 * i for i in range(16)])
    jobs = [job("steady"), job("small"), job("batch", streaming=False)]
    assert run(snapshot(jobs, steady, small, batch), LAG) == []
    # with the growth threshold at 60 s the +75 s rise is reported
    assert [i.resource for i in run(snapshot(jobs, steady, small, batch), LAG, min_growth_s=60)] == [
        "small-name"
    ]


def test_one_high_point_is_not_a_trend() -> None:
    # one jump at the end: the least-squares slope is 890 x 7.5 / 340 = 19.6 s/min, a rise of 294 s over
    # 15 min, and 900 s >= 300 s now; but the newer half's median (10 s) is not above the older half's
    spike = minutes_series("job/system_lag", "spike", [10.0] * 15 + [900.0])
    short = minutes_series("job/system_lag", "short", [100.0, 400.0, 700.0])  # 2 min < 15 / 2
    assert run(snapshot([job("spike"), job("short")], spike, short), LAG) == []
    # the same jump spread over the newer half is a trend
    ramp = minutes_series("job/system_lag", "ramp", [10.0] * 8 + [10.0 + 111.25 * i for i in range(1, 9)])
    assert [i.resource for i in run(snapshot([job("ramp")], ramp), LAG)] == ["ramp-name"]


def test_zero_throughput_for_ten_minutes_while_billing() -> None:
    # 08:45..09:00: 5 points of output, then zeros from 08:50: 10 minutes
    flow = minutes_series("job/elements_produced_count", "z", [5.0] * 5 + [0.0] * 11)
    batch = minutes_series("job/elements_produced_count", "b", [0.0] * 16)
    found = run(snapshot([job("z"), job("b", streaming=False)], flow, batch), ZERO)
    assert [(i.resource, i.severity) for i in found] == [("z-name", "critical"), ("b-name", "warning")]
    assert found[0].usd_per_hour == pytest.approx(0.344)
    assert "since 08:50 (10m00s" in found[0].evidence
    assert "since at least 08:45 (15m00s" in found[1].evidence


def test_some_output_or_too_short_a_silence_is_not_zero_throughput() -> None:
    some = minutes_series("job/elements_produced_count", "some", [0.0] * 10 + [0.5] + [0.0] * 5)
    short = minutes_series("job/elements_produced_count", "short", [0.0] * 6)  # 5 minutes
    done = minutes_series("job/elements_produced_count", "done", [0.0] * 16)
    jobs = [job("some"), job("short"), job("done", state="JOB_STATE_DONE")]
    assert run(snapshot(jobs, some, short, done), ZERO) == []


def test_a_failed_batch_job_within_a_day_with_what_it_spent() -> None:
    failed = job("f", streaming=False, state="JOB_STATE_FAILED", started=t(hours=-2), state_time=t(hours=-1))
    # 10 vCPU-hours at $0.05 = $0.50, + no memory total: 10 vCPU-h x the assumed 4 GiB per vCPU x $0.004 =
    # $0.16 (no disk or shuffle totals)
    vcpu_time = minutes_series("job/total_vcpu_time", "f", [36000.0], end=t(hours=-1))
    (found,) = run(snapshot([failed], vcpu_time), FAILED)
    assert found.severity == "warning"
    assert found.title == "Batch job f-name failed at 08:00"
    assert "after 1h00m00s" not in found.evidence
    assert "after 1h00m; $0.66 spent" in found.evidence
    assert found.usd_per_hour is None


def test_an_old_failure_or_a_done_job_is_not_reported_and_a_failed_stream_is_critical() -> None:
    old = job("old", streaming=False, state="JOB_STATE_FAILED", state_time=t(hours=-30))
    done = job("done", streaming=False, state="JOB_STATE_DONE", state_time=t(hours=-1))
    stream = job("st", state="JOB_STATE_FAILED", state_time=t(minutes=-5))
    found = run(snapshot([old, done, stream]), FAILED)
    assert [(i.resource, i.severity) for i in found] == [("st-name", "critical")]
    assert [i.resource for i in run(snapshot([old]), FAILED, hours=48)] == ["old-name"]
