"""The Dataproc and Dataflow estimates of a live poll: the real gRPC client libraries against the fake
server, two projects, clusters in europe-west4 on N2D machines, a Dataflow batch job that ended inside the
window with no Monitoring points left (costed from its job resource) and one with Monitoring totals, its
disk split by storage_type.

The fake first answers nothing, so the live sources show which requests they send; then it serves this
test's payloads (proto-plus ``Cluster``, ``Job`` and ``TimeSeries`` messages) for those requests. Every
expectation is worked out by hand from the shipped list prices (``dashboard/data/prices.toml``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard import cost
from dashboard.models import DataflowData, DataprocData, Job, Snapshot
from dashboard.parsers import parse_poll
from dashboard.pricing import default_prices
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

from .fake_grpc import FakeGrpcServer, fetcher, message_json

pytestmark = pytest.mark.timeout(60)

T = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PROJECTS = ("acme-eu", "acme-batch")
REGIONS = ("europe-west4", "us-central1")
EU = 1.1009  # gce.region_factor.europe-west4 (Compute Engine N1/N2/N2D/E2, and Dataflow)


def ago(hours: float = 0, minutes: float = 0) -> datetime:
    return T - timedelta(hours=hours, minutes=minutes)


def clients_for(address: str) -> Any:
    from dashboard.backends.gcp.grpc_clients import CallPolicy, make_clients
    from dashboard.config import AuthConfig, Config, EndpointsConfig, GcpConfig

    config = Config(
        gcp=GcpConfig(projects=list(PROJECTS), regions=list(REGIONS), bigquery_locations=["EU"]),
        endpoints=EndpointsConfig(
            dataproc=address, dataflow=address, monitoring=address, reservation=address
        ),
        auth=AuthConfig(anonymous=True),
    )
    policy = CallPolicy(timeout=5.0, retry_deadline=5.0, initial_backoff=0.05, max_backoff=0.2)
    return make_clients(config, policy=policy, batches=False)


def list_clusters(project: str, region: str) -> dict[str, Any] | None:
    from google.cloud import dataproc_v1

    state = dataproc_v1.ClusterStatus.State

    def cluster(name: str, master: str, workers: int, worker: str) -> Any:
        return dataproc_v1.Cluster(
            project_id=project,
            cluster_name=name,
            cluster_uuid=f"uuid-{name}",
            config=dataproc_v1.ClusterConfig(
                master_config=dataproc_v1.InstanceGroupConfig(num_instances=1, machine_type_uri=master),
                worker_config=dataproc_v1.InstanceGroupConfig(num_instances=workers, machine_type_uri=worker),
            ),
            status=dataproc_v1.ClusterStatus(state=state.RUNNING, state_start_time=ago(1, 55)),
            status_history=[dataproc_v1.ClusterStatus(state=state.CREATING, state_start_time=ago(2))],
        )

    zone = f"https://www.googleapis.com/compute/v1/projects/{project}/zones/{region}-a/machineTypes"
    if (project, region) == ("acme-eu", "europe-west4"):
        found = [cluster("eu-etl", f"{zone}/n2d-standard-4", 3, f"{zone}/n2d-standard-8")]
    elif (project, region) == ("acme-batch", "us-central1"):
        found = [cluster("batch-small", "n2-standard-4", 2, "n2-standard-4")]
    else:
        return None
    return message_json(dataproc_v1.ListClustersResponse(clusters=found))


def list_jobs(project: str) -> dict[str, Any] | None:
    from google.cloud import dataflow_v1beta3 as df

    if project == "acme-batch":
        # ended at 08:00 after 2 h on 5 n1-standard-4 workers with 100 GB pd-ssd each; its Monitoring
        # points are older than the metric window: it has none
        disk = "compute.googleapis.com/projects/acme-batch/zones/europe-west4-b/diskTypes/pd-ssd"
        pool = df.WorkerPool(
            kind="harness", num_workers=5, machine_type="n1-standard-4", disk_size_gb=100, disk_type=disk
        )
        job = df.Job(
            id="2026-11-26_06_00_00-111",
            project_id=project,
            name="nightly-backfill",
            type_=df.JobType.JOB_TYPE_BATCH,
            current_state=df.JobState.JOB_STATE_DONE,
            current_state_time=ago(1),
            create_time=ago(3, 2),
            start_time=ago(3),
            location="europe-west4",
            environment=df.Environment(worker_pools=[pool]),
        )
    else:
        job = df.Job(
            id="2026-11-26_08_20_00-222",
            project_id=project,
            name="hourly-rollup",
            type_=df.JobType.JOB_TYPE_BATCH,
            current_state=df.JobState.JOB_STATE_DONE,
            current_state_time=ago(minutes=10),
            create_time=ago(minutes=42),
            start_time=ago(minutes=40),
            location="europe-west4",
        )
    return message_json(df.ListJobsResponse(jobs=[job]))


ROLLUP_TOTALS = {
    # hourly-rollup (acme-eu): 8 vCPU-h, 30 GB-h of memory, 5 GiB shuffled; disk: see PD_BY_STORAGE
    "total_vcpu_time": 8 * 3600,
    "total_memory_usage_time": 30 * 3600,
    "total_pd_usage_time": 0,
    "billable_shuffle_data_processed": 5 * 2**30,
}
PD_BY_STORAGE = {"SSD": 60 * 3600, "HDD": 40 * 3600}
"""hourly-rollup's disk, one series per storage_type (the request groups by it): 60 GB-h SSD, 40 GB-h HDD."""


def time_series(request: dict[str, Any]) -> dict[str, Any] | None:
    from google.cloud import monitoring_v3

    metric = next((m for m in ROLLUP_TOTALS if f'/job/{m}"' in request.get("filter", "")), None)
    if request.get("name") != "projects/acme-eu" or metric is None:
        return None

    def one(value: int, **labels: str) -> Any:
        return monitoring_v3.TimeSeries(
            metric={
                "type": f"dataflow.googleapis.com/job/{metric}",
                "labels": {"job_id": "2026-11-26_08_20_00-222", **labels},
            },
            resource={"type": "dataflow_job", "labels": {"project_id": "acme-eu"}},
            points=[
                monitoring_v3.Point(interval={"end_time": ago(minutes=10)}, value={"int64_value": value})
            ],
        )

    if metric == "total_pd_usage_time":
        assert request["aggregation"]["groupByFields"] == ["metric.label.job_id", "metric.label.storage_type"]
        found = [one(value, storage_type=kind) for kind, value in PD_BY_STORAGE.items()]
    else:
        found = [one(ROLLUP_TOTALS[metric])]
    return message_json(monitoring_v3.ListTimeSeriesResponse(time_series=found))


def respond(method: str, request: dict[str, Any]) -> dict[str, Any] | None:
    if method == fmt.DATAPROC_LIST_CLUSTERS:
        return list_clusters(request["projectId"], request["region"])
    if method == fmt.DATAFLOW_AGGREGATED_LIST_JOBS:
        return list_jobs(request["projectId"])
    if method == fmt.MON_LIST_TIME_SERIES:
        return time_series(request)
    return None


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeGrpcServer]:
    with FakeGrpcServer() as server:
        yield server


def live_poll(fake: FakeGrpcServer, source: str) -> list[Exchange]:
    """Learn the requests ``source`` sends, serve this test's answers to them, and poll again."""
    fake.serve(())
    fake.received.clear()
    clients = clients_for(fake.address)
    try:
        fetcher(source)(clients, T)
        served = [
            Exchange(
                v=1,
                poll=1,
                t=T,
                source=source,
                api="grpc",
                method=r.method,
                request=r.request,
                response=respond(r.method, r.request) or {},
            )
            for r in fake.received
        ]
        fake.serve(served)
        fake.received.clear()
        return fetcher(source)(clients, T)
    finally:
        clients.close()


def test_live_dataproc_and_dataflow_are_priced_by_family_region_and_job(fake: FakeGrpcServer) -> None:
    proc = parse_poll("dataproc", live_poll(fake, "dataproc"))
    flow = parse_poll("dataflow", live_poll(fake, "dataflow"))
    assert isinstance(proc, DataprocData)
    assert isinstance(flow, DataflowData)
    assert {(c.project, c.region, c.name) for c in proc.clusters} == {
        ("acme-eu", "europe-west4", "eu-etl"),
        ("acme-batch", "us-central1", "batch-small"),
    }
    assert {(j.project, j.name) for j in flow.jobs} == {
        ("acme-batch", "nightly-backfill"),
        ("acme-eu", "hourly-rollup"),
    }
    received = {
        r.request.get("projectId") for r in fake.received if r.method == fmt.DATAFLOW_AGGREGATED_LIST_JOBS
    }
    assert received == set(PROJECTS)
    opener = Job(project="acme-batch", job_id="opener", created=ago(2), ended=ago(2), bytes_billed=0)
    estimate = cost.estimate(Snapshot(at=T, jobs=(opener,), dataproc=proc, dataflow=flow), default_prices())

    dp = estimate.service("dataproc")
    # eu-etl, europe-west4: n2d-standard-4 master (4 vCPU x $0.027502 + 16 GiB x $0.003686) x 1.1009
    # + 4 x $0.010, and 3 x n2d-standard-8 workers (8 x $0.027502 + 32 x $0.003686) x 1.1009 + 8 x $0.010
    eu_etl = (
        (4 * 0.027502 + 16 * 0.003686) * EU
        + 4 * 0.010
        + 3 * ((8 * 0.027502 + 32 * 0.003686) * EU + 8 * 0.010)
    )
    # batch-small, us-central1: 3 x n2-standard-4 (4 x ($0.010 + $0.031611) + 16 x $0.004237)
    batch_small = 3 * (4 * (0.010 + 0.031611) + 16 * 0.004237)
    assert dp.unpriced == 0
    assert dp.burn_rate_usd_per_hour == pytest.approx(eu_etl + batch_small)  # $1.5822 + $0.7027
    assert dp.window_spend_usd == pytest.approx(2 * (eu_etl + batch_small))  # both created 07:00

    df = estimate.service("dataflow")
    # nightly-backfill, europe-west4, from its job resource: 5 workers x n1-standard-4 (4 vCPU x $0.056
    # + 15 GiB x $0.003557 + 100 GB pd-ssd x $0.000298) x 1.1009, 06:00-08:00, 07:00-08:00 in the window
    backfill_in_window = 5 * (4 * 0.056 + 15 * 0.003557 + 100 * 0.000298) * EU * 1
    # hourly-rollup, europe-west4, from Monitoring: (8 vCPU-h x $0.056 + 30 GB-h x $0.003557
    # + 60 GB-h SSD x $0.000298 + 40 GB-h HDD x $0.000054 + 5 GiB x $0.011) x 1.1009, all inside the window
    rollup = (8 * 0.056 + 30 * 0.003557 + 60 * 0.000298 + 40 * 0.000054 + 5 * 0.011) * EU
    assert df.unpriced == 0
    assert df.items == 2
    assert df.window_spend_usd == pytest.approx(backfill_in_window + rollup)  # $1.6907 + $0.6933
    assert df.burn_rate_usd_per_hour == 0  # both ended
    assert any("costed from the job resource" in n and "nightly-backfill" in n for n in estimate.notes)
