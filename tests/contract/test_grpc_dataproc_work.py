"""Dataproc jobs and Serverless batches through the real google-cloud-dataproc clients
(``JobControllerClient``, ``BatchControllerClient``) against the fake gRPC server: two projects, regions
europe-west4 and us-central1, hand-written payloads in the documented shape, pages, and an error on a later
page of ``ListJobs``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard.models import DataprocData
from dashboard.parsers import parse_poll
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

from .fake_grpc import FakeGrpcServer, Fault, fetcher

pytestmark = pytest.mark.timeout(30)

PROJECTS = ("acme-etl", "acme-analytics")
REGIONS = ("europe-west4", "us-central1")
T = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def _exchange(method: str, request: dict[str, Any], response: dict[str, Any]) -> Exchange:
    return Exchange(v=1, poll=1, t=T, source="dataproc", api="grpc", method=method, request=request,
                    response=response)  # fmt: skip


def _jobs_request(project: str, region: str, matcher: str) -> dict[str, Any]:
    return {"projectId": project, "region": region, "pageSize": 100, "jobStateMatcher": matcher}


def _job(project: str, job_id: str, state: str, since: str, **extra: Any) -> dict[str, Any]:
    return {
        "reference": {"projectId": project, "jobId": job_id},
        "placement": {"clusterName": "etl-nightly", "clusterUuid": "3f6b2a0e"},
        "status": {"state": state, "stateStartTime": since},
        "statusHistory": [{"state": "PENDING", "stateStartTime": "2026-11-26T07:00:00Z"}],
        "jobUuid": f"uuid-{job_id}",
        **extra,
    }


RUNNING_A = _job(
    "acme-etl", "enrich-a", "RUNNING", "2026-11-26T07:01:00Z", pysparkJob={"mainPythonFileUri": "gs://c/a.py"}
)
RUNNING_B = _job(
    "acme-etl", "hourly-b", "RUNNING", "2026-11-26T07:02:00Z", sparkJob={"mainClass": "com.acme.B"}
)
DONE_1 = _job("acme-etl", "repair-1", "DONE", "2026-11-26T07:10:00Z", hiveJob={}, done=True)
DONE_2 = _job("acme-etl", "repair-2", "DONE", "2026-11-26T07:20:00Z", hiveJob={}, done=True)
DONE_3 = _job("acme-etl", "repair-3", "DONE", "2026-11-26T07:30:00Z", hiveJob={}, done=True)
ANALYTICS_JOB = _job(
    "acme-analytics", "report-x", "PENDING", "2026-11-26T07:59:00Z", sparkRJob={"mainRFileUri": "gs://r.R"}
)

BATCH = {
    "name": "projects/acme-analytics/locations/us-central1/batches/sessionize",
    "createTime": "2026-11-26T07:00:00Z",
    "pysparkBatch": {"mainPythonFileUri": "gs://code/sessionize.py"},
    "runtimeInfo": {"approximateUsage": {"milliDcuSeconds": "172800000", "shuffleStorageGbSeconds": "36000"}},
    "state": "SUCCEEDED",
    "stateTime": "2026-11-26T07:40:00Z",
    "creator": "airflow@acme-analytics.iam.gserviceaccount.com",
    "runtimeConfig": {"version": "2.2"},
}


def served() -> list[Exchange]:
    """Every request the poll makes, answered: jobs in europe-west4 of acme-etl (two running on one page;
    three ended ones over three pages), a batch and a job in us-central1 of acme-analytics."""
    out: list[Exchange] = []
    for project in PROJECTS:
        for region in REGIONS:
            clusters = {"projectId": project, "region": region}
            out.append(_exchange(fmt.DATAPROC_LIST_CLUSTERS, clusters, {}))
            batches = {"batches": [BATCH]} if (project, region) == ("acme-analytics", "us-central1") else {}
            parent = {"parent": f"projects/{project}/locations/{region}"}
            out.append(_exchange(fmt.DATAPROC_LIST_BATCHES, parent, batches))
            for matcher in ("ACTIVE", "NON_ACTIVE"):
                request = _jobs_request(project, region, matcher)
                if (project, region) == ("acme-etl", "europe-west4") and matcher == "ACTIVE":
                    out.append(_exchange(fmt.DATAPROC_LIST_JOBS, request, {"jobs": [RUNNING_A, RUNNING_B]}))
                elif (project, region) == ("acme-etl", "europe-west4"):
                    pages = [
                        {"jobs": [DONE_3], "nextPageToken": "page-2"},
                        {"jobs": [DONE_2], "nextPageToken": "page-3"},
                        {"jobs": [DONE_1]},
                    ]
                    out.extend(_exchange(fmt.DATAPROC_LIST_JOBS, request, page) for page in pages)
                elif (project, region, matcher) == ("acme-analytics", "us-central1", "ACTIVE"):
                    out.append(_exchange(fmt.DATAPROC_LIST_JOBS, request, {"jobs": [ANALYTICS_JOB]}))
                else:
                    out.append(_exchange(fmt.DATAPROC_LIST_JOBS, request, {}))
    return out


@pytest.fixture
def fake() -> Iterator[FakeGrpcServer]:
    with FakeGrpcServer() as server:
        yield server


def _clients(address: str) -> Any:
    from dashboard.backends.gcp.grpc_clients import CallPolicy, make_clients
    from dashboard.config import AuthConfig, Config, EndpointsConfig, GcpConfig

    config = Config(
        gcp=GcpConfig(projects=list(PROJECTS), regions=list(REGIONS), bigquery_locations=["EU"]),
        endpoints=EndpointsConfig(
            dataproc=address, monitoring=address, reservation=address, dataflow=address
        ),
        auth=AuthConfig(anonymous=True),
    )
    policy = CallPolicy(timeout=5, retry_deadline=5, initial_backoff=0.05, max_backoff=0.2)
    return make_clients(config, policy=policy)


def _poll(fake: FakeGrpcServer) -> tuple[list[Exchange], DataprocData]:
    clients = _clients(fake.address)
    try:
        got = fetcher("dataproc")(clients, T)
    finally:
        clients.close()
    data = parse_poll("dataproc", got)
    assert isinstance(data, DataprocData)
    return got, data


def test_jobs_and_batches_of_both_projects_and_regions(fake: FakeGrpcServer) -> None:
    fake.serve(served())
    got, data = _poll(fake)
    jobs = {(j.project, j.region, j.job_id): (j.job_type, j.state) for j in data.jobs}
    assert jobs == {
        ("acme-etl", "europe-west4", "enrich-a"): ("PySpark", "RUNNING"),
        ("acme-etl", "europe-west4", "hourly-b"): ("Spark", "RUNNING"),
        ("acme-etl", "europe-west4", "repair-3"): ("Hive", "DONE"),
        ("acme-etl", "europe-west4", "repair-2"): ("Hive", "DONE"),
        ("acme-analytics", "us-central1", "report-x"): ("SparkR", "PENDING"),
    }
    # The ended jobs are read two pages deep, no further: repair-1 (page 3) is never asked for.
    ended = [
        r
        for r in fake.requests(fmt.DATAPROC_LIST_JOBS)
        if (r["projectId"], r["region"], r.get("jobStateMatcher"))
        == ("acme-etl", "europe-west4", "NON_ACTIVE")
    ]
    tokens = [r.get("pageToken") for r in ended]
    assert tokens == [None, "page-2"]
    assert [(b.project, b.region, b.batch_id, b.batch_type) for b in data.batches] == [
        ("acme-analytics", "us-central1", "sessionize", "PySpark")
    ]
    # 172,800,000 milli-DCU-seconds = 172,800 DCU-s = 48 DCU-hours
    assert data.batches[0].milli_dcu_seconds / 1000 / 3600 == 48
    assert data.warnings == ()
    # Per project and region: ACTIVE then NON_ACTIVE, on the region's own routing header.
    firsts = [r for r in fake.received if r.method == fmt.DATAPROC_LIST_JOBS and "pageToken" not in r.request]
    asked = sorted(
        (r.request["projectId"], r.request["region"], r.request.get("jobStateMatcher"), r.request["pageSize"])
        for r in firsts
    )
    assert asked == sorted(
        (p, r, m, 100) for p in PROJECTS for r in REGIONS for m in ("ACTIVE", "NON_ACTIVE")
    )
    assert {r.metadata["x-goog-request-params"] for r in firsts} == {
        f"project_id={p}&region={r}" for p in PROJECTS for r in REGIONS
    }
    assert all(e.error is None for e in got)


def test_an_error_on_a_later_page_of_list_jobs_keeps_the_first_page_and_warns(fake: FakeGrpcServer) -> None:
    exchanges = served()
    fake.serve(exchanges, split_pages=True)  # the two running jobs of acme-etl/europe-west4: two pages
    fake.fault(fmt.DATAPROC_LIST_JOBS, Fault(code="INTERNAL", message="backend hiccup", page=2))
    got, data = _poll(fake)
    etl = [e for e in got if e.method == fmt.DATAPROC_LIST_JOBS and e.request["projectId"] == "acme-etl"]
    assert [(e.request["region"], e.request.get("pageToken"), e.error and e.error.code) for e in etl] == [
        ("europe-west4", None, None),
        ("europe-west4", "page-2", "INTERNAL"),
    ]  # after the failure the project asks no more jobs: neither NON_ACTIVE nor us-central1
    assert [j.job_id for j in data.jobs if j.project == "acme-etl"] == ["enrich-a"]
    assert "report-x" in {j.job_id for j in data.jobs}  # the other project is read all the same
    assert data.warnings == (
        "Dataproc jobs not shown: INTERNAL: backend hiccup (ListJobs, project acme-etl, europe-west4)",
    )
    assert [b.batch_id for b in data.batches] == ["sessionize"]
