"""A Dataflow batch job that ended hours ago, as a real project shows it on a cold start (``--once``, a
fresh app): the job listing carries no environment (no workers, machine type or disk), and the last hour of
Monitoring holds no point of it, since it stopped writing them. Only Monitoring's older points know what it
used, so the first read of each running total also asks the 24 hours before that hour as one alignment
period (one point per job: its last totals). The real gRPC clients against the fake server, which answers a
request by its window the way Monitoring would; the expectation is worked out by hand from the list
prices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard import cost
from dashboard.models import DataflowData, Job, Snapshot
from dashboard.parsers import parse_poll
from dashboard.pricing import default_prices
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

from .fake_grpc import FakeGrpcServer, fetcher, message_json
from .test_cost_contract import clients_for

pytestmark = pytest.mark.timeout(60)

T = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
JOB_ID = "2026-11-26_04_00_00-333"
# ran 04:00-06:00 on 10 vCPUs with 37.5 GiB and 250 GB of standard disk, shuffled 20 GiB
TOTALS = {
    "total_vcpu_time": 2 * 3600 * 10,  # vCPU-seconds
    "total_memory_usage_time": 2 * 3600 * 37.5,  # GiB-seconds
    "total_pd_usage_time": 2 * 3600 * 250,  # GB-seconds
    "billable_shuffle_data_processed": 20 * 2**30,  # bytes
}


def ago(hours: float) -> datetime:
    return T - timedelta(hours=hours)


def stamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def listing() -> dict[str, Any]:
    from google.cloud import dataflow_v1beta3 as df

    job = df.Job(
        id=JOB_ID,
        project_id="acme-batch",
        name="nightly-rebuild",
        type_=df.JobType.JOB_TYPE_BATCH,
        current_state=df.JobState.JOB_STATE_DONE,
        current_state_time=ago(3),
        create_time=ago(5),
        start_time=ago(5),
        location="us-central1",
    )  # as AggregatedListJobs returns it: JOB_VIEW_SUMMARY, no environment
    return message_json(df.ListJobsResponse(jobs=[job]))


def time_series(request: dict[str, Any]) -> dict[str, Any]:
    """Monitoring's answer: the job's points all lie before 06:00, so only a window reaching back there has
    them; aligned over one period, the running total's ALIGN_MAX is its last value."""
    from google.cloud import monitoring_v3

    metric = request["filter"].split('"')[1].rsplit("/", 1)[-1]
    start = datetime.fromisoformat(request["interval"]["startTime"].replace("Z", "+00:00"))
    if metric not in TOTALS or start > ago(3):
        return {}
    series = monitoring_v3.TimeSeries(
        metric={"type": f"dataflow.googleapis.com/job/{metric}", "labels": {"job_id": JOB_ID}},
        resource={"type": "dataflow_job", "labels": {"project_id": "acme-batch"}},
        points=[
            monitoring_v3.Point(
                interval={"start_time": start, "end_time": request["interval"]["endTime"]},
                value={"int64_value": int(TOTALS[metric])},
            )
        ],
    )
    return message_json(monitoring_v3.ListTimeSeriesResponse(time_series=[series]))


def respond(method: str, request: dict[str, Any]) -> dict[str, Any]:
    if method == fmt.DATAFLOW_AGGREGATED_LIST_JOBS:
        return listing() if request["projectId"] == "acme-batch" else {}
    if method == fmt.MON_LIST_TIME_SERIES:
        return time_series(request)
    return {}


@pytest.fixture
def fake() -> Iterator[FakeGrpcServer]:
    with FakeGrpcServer() as server:
        yield server


def cold_poll(fake: FakeGrpcServer) -> list[Exchange]:
    """What a fresh gcpdash reads: learn the requests it sends, answer them, read again with new clients."""
    fake.serve(())
    clients = clients_for(fake.address)
    try:
        fetcher("dataflow")(clients, T)
    finally:
        clients.close()
    served = [
        Exchange(v=1, poll=1, t=T, source="dataflow", api="grpc", method=r.method, request=r.request,
                 response=respond(r.method, r.request))
        for r in fake.received
    ]  # fmt: skip
    fake.serve(served)
    fake.received.clear()
    clients = clients_for(fake.address)
    try:
        return fetcher("dataflow")(clients, T)
    finally:
        clients.close()


def test_a_batch_job_that_ended_hours_ago_is_costed_from_its_last_totals(fake: FakeGrpcServer) -> None:
    flow = parse_poll("dataflow", cold_poll(fake))
    assert isinstance(flow, DataflowData)
    [job] = flow.jobs
    assert job.name == "nightly-rebuild"
    lookbacks = [
        r.request
        for r in fake.received
        if r.method == fmt.MON_LIST_TIME_SERIES and r.request["aggregation"]["alignmentPeriod"] == "86400s"
    ]
    assert {r["interval"]["endTime"] for r in lookbacks} == {stamp(ago(1))}  # the 24 h before the last hour
    opener = Job(project="acme-batch", job_id="opener", created=ago(6), ended=ago(6), bytes_billed=0)
    estimate = cost.estimate(Snapshot(at=T, jobs=(opener,), dataflow=flow), default_prices())
    df = estimate.service("dataflow")
    # us-central1 batch: 20 vCPU-h x $0.056 + 75 GiB-h x $0.003557 + 500 GB-h x $0.000054 + 20 GiB shuffle
    # x $0.011 = $1.12 + $0.266775 + $0.027 + $0.22; the job ran 04:00-06:00, the window opens at 03:00
    expected = 20 * 0.056 + 75 * 0.003557 + 500 * 0.000054 + 20 * 0.011
    assert df.window_spend_usd == pytest.approx(expected)  # $1.633775
    assert df.burn_rate_usd_per_hour == 0
    assert df.unpriced == 0
