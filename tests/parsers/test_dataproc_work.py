"""Dataproc Serverless batches and cluster jobs, from payloads written by hand in the documented proto JSON
shape (``dataproc_v1.Batch`` and ``Job``: camelCase, int64 as strings, enums by name)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dashboard.models import DataprocData
from dashboard.parsers import parse_poll
from dashboard.recording import format as fmt
from dashboard.sources.dataproc.parse import batch_from_json
from dashboard.sources.dataproc.parse_jobs import job_from_json

from .wire import grpc, grpc_error


def _t(hour: int, minute: int = 0, second: int = 0, day: int = 26) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=UTC)


def parse(*exchanges: Any) -> DataprocData:
    data = parse_poll("dataproc", exchanges)
    assert isinstance(data, DataprocData)
    return data


FAILED_BATCH: dict[str, Any] = {
    "name": "projects/acme-etl/locations/europe-west4/batches/dq-orders",
    "uuid": "c3f08d5e-2b7a-4e91-8c64-a5d1e9f0b372",
    "createTime": "2026-11-26T05:50:00.091Z",
    "sparkSqlBatch": {"queryFileUri": "gs://acme-etl-code/sql/dq.sql"},
    "runtimeInfo": {
        "outputUri": "gs://dataproc-staging/out",
        "approximateUsage": {"milliDcuSeconds": "5400000", "shuffleStorageGbSeconds": "1800"},
    },
    "state": "FAILED",
    "stateMessage": "Job failed with message [TABLE_OR_VIEW_NOT_FOUND] `staging`.`orders_v2`",
    "stateTime": "2026-11-26T05:58:39Z",
    "creator": "maria@acme.example",
    "runtimeConfig": {"version": "2.2"},
    "environmentConfig": {"executionConfig": {"serviceAccount": "spark@acme-etl.iam.gserviceaccount.com"}},
    "stateHistory": [
        {"state": "PENDING", "stateStartTime": "2026-11-26T05:50:00.091Z"},
        {"state": "RUNNING", "stateStartTime": "2026-11-26T05:51:15Z"},
    ],
}

RUNNING_BATCH: dict[str, Any] = {
    "name": "projects/acme-analytics/locations/us-central1/batches/sessionize",
    "createTime": "2026-11-26T05:40:00Z",
    "pysparkBatch": {"mainPythonFileUri": "gs://code/sessionize.py", "args": ["--day=2026-11-25"]},
    "runtimeInfo": {
        "currentUsage": {
            "milliDcu": "96000",
            "shuffleStorageGb": "150",
            "snapshotTime": "2026-11-26T06:00:00Z",
        }
    },
    "state": "RUNNING",
    "stateTime": "2026-11-26T05:42:00Z",
    "creator": "airflow@acme-analytics.iam.gserviceaccount.com",
    "runtimeConfig": {"version": "2.3"},
    "stateHistory": [{"state": "PENDING", "stateStartTime": "2026-11-26T05:40:00Z"}],
}


def test_a_failed_batch_keeps_its_type_message_runtime_and_usage() -> None:
    batch = batch_from_json(FAILED_BATCH)
    assert (batch.project, batch.region, batch.batch_id) == ("acme-etl", "europe-west4", "dq-orders")
    assert (batch.state, batch.batch_type, batch.main) == (
        "FAILED",
        "SparkSql",
        "gs://acme-etl-code/sql/dq.sql",
    )
    assert batch.state_message == "Job failed with message [TABLE_OR_VIEW_NOT_FOUND] `staging`.`orders_v2`"
    assert (batch.runtime_version, batch.creator) == ("2.2", "maria@acme.example")
    assert batch.service_account == "spark@acme-etl.iam.gserviceaccount.com"
    # 5,400,000 milli-DCU-seconds = 5,400 DCU-seconds = 1.5 DCU-hours
    assert (batch.milli_dcu_seconds, batch.shuffle_storage_gb_seconds) == (5_400_000, 1_800)
    assert (batch.current_milli_dcu, batch.current_shuffle_gb) == (None, None)
    assert batch.created == datetime(2026, 11, 26, 5, 50, 0, 91_000, tzinfo=UTC)
    assert (batch.started, batch.state_time) == (_t(5, 51, 15), _t(5, 58, 39))
    assert batch.is_done
    assert batch.key == "acme-etl/europe-west4/dq-orders"


def test_a_running_batch_has_only_its_current_usage() -> None:
    batch = batch_from_json(RUNNING_BATCH)
    assert (batch.state, batch.batch_type, batch.main) == ("RUNNING", "PySpark", "gs://code/sessionize.py")
    assert (batch.milli_dcu_seconds, batch.shuffle_storage_gb_seconds) == (0, 0)
    assert (batch.current_milli_dcu, batch.current_shuffle_gb) == (96_000, 150)
    assert batch.started == _t(5, 42)  # RUNNING since its state time: the history holds only PENDING
    assert not batch.is_done


def test_spark_and_sparkr_batches_name_their_main() -> None:
    spark = {"name": "projects/p/locations/r/batches/a", "sparkBatch": {"mainClass": "com.acme.Main"}}
    spark_r = {"name": "projects/p/locations/r/batches/b", "sparkRBatch": {"mainRFileUri": "gs://b/x.R"}}
    bare = {"name": "projects/p/locations/r/batches/c"}
    assert (batch_from_json(spark).batch_type, batch_from_json(spark).main) == ("Spark", "com.acme.Main")
    assert (batch_from_json(spark_r).batch_type, batch_from_json(spark_r).main) == ("SparkR", "gs://b/x.R")
    assert (batch_from_json(bare).batch_type, batch_from_json(bare).state) == (None, "STATE_UNSPECIFIED")


RUNNING_JOB: dict[str, Any] = {
    "reference": {"projectId": "acme-etl", "jobId": "orders-enrich-8c1f"},
    "placement": {"clusterName": "etl-nightly", "clusterUuid": "3f6b2a0e"},
    "pysparkJob": {"mainPythonFileUri": "gs://code/enrich.py"},
    "status": {"state": "RUNNING", "stateStartTime": "2026-11-26T05:50:41Z"},
    "statusHistory": [
        {"state": "PENDING", "stateStartTime": "2026-11-26T05:50:04Z"},
        {"state": "SETUP_DONE", "stateStartTime": "2026-11-26T05:50:06Z"},
    ],
    "yarnApplications": [
        {"name": "enrich", "state": "RUNNING", "progress": 0.5, "trackingUrl": "http://m:8088/"}
    ],
    "driverOutputResourceUri": "gs://staging/driveroutput",
    "labels": {"team": "data-eng"},
    "jobUuid": "0b5c1e6a",
}

FAILED_JOB: dict[str, Any] = {
    "reference": {"projectId": "acme-etl", "jobId": "dedupe-c7a0"},
    "placement": {"clusterName": "etl-nightly"},
    "sparkSqlJob": {"queryFileUri": "gs://code/dedupe.sql"},
    "status": {
        "state": "ERROR",
        "details": "Google Cloud Dataproc Agent reports job failure. [bold]not markup[/]",
        "stateStartTime": "2026-11-26T05:52:26Z",
    },
    "statusHistory": [
        {"state": "PENDING", "stateStartTime": "2026-11-26T05:45:09Z"},
        {"state": "SETUP_DONE", "stateStartTime": "2026-11-26T05:45:11Z"},
        {"state": "RUNNING", "stateStartTime": "2026-11-26T05:45:50Z"},
    ],
    "jobUuid": "f1c27b5e",
    "done": True,
}


def test_a_running_job() -> None:
    job = job_from_json(RUNNING_JOB, "us-central1")
    assert (job.project, job.region, job.job_id) == ("acme-etl", "us-central1", "orders-enrich-8c1f")
    assert (job.cluster, job.job_type, job.state) == ("etl-nightly", "PySpark", "RUNNING")
    assert (job.submitted, job.started, job.ended) == (_t(5, 50, 4), _t(5, 50, 41), None)
    assert (job.yarn_applications, job.uuid, job.labels) == (1, "0b5c1e6a", {"team": "data-eng"})
    assert job.is_active


def test_a_failed_job_ends_when_it_entered_error() -> None:
    job = job_from_json(FAILED_JOB, "us-central1")
    assert (job.job_type, job.state, job.is_active) == ("SparkSql", "ERROR", False)
    assert (job.submitted, job.started, job.ended) == (_t(5, 45, 9), _t(5, 45, 50), _t(5, 52, 26))
    assert job.details == "Google Cloud Dataproc Agent reports job failure. [bold]not markup[/]"


def test_every_job_type_of_the_oneof() -> None:
    keys = {
        "hadoopJob": "Hadoop",
        "sparkJob": "Spark",
        "pysparkJob": "PySpark",
        "hiveJob": "Hive",
        "pigJob": "Pig",
        "sparkRJob": "SparkR",
        "sparkSqlJob": "SparkSql",
        "prestoJob": "Presto",
        "trinoJob": "Trino",
        "flinkJob": "Flink",
    }
    for key, kind in keys.items():
        raw = {"reference": {"jobId": "j"}, key: {}, "status": {"state": "PENDING"}}
        assert job_from_json(raw, "r", "p").job_type == kind
    assert job_from_json({"reference": {"jobId": "j"}}, "r", "p").job_type == "Unknown"
    assert job_from_json({"reference": {"jobId": "j"}}, "r", "p").project == "p"  # from the request


def list_jobs(project: str, region: str, matcher: str, jobs: list[dict[str, Any]] | None, **kw: Any) -> Any:
    request = {"projectId": project, "region": region, "pageSize": 100, "jobStateMatcher": matcher}
    return grpc("dataproc", fmt.DATAPROC_LIST_JOBS, request, {"jobs": jobs} if jobs else {}, **kw)


def test_the_poll_keeps_active_jobs_and_those_ended_within_a_day() -> None:
    old = {
        **FAILED_JOB,
        "reference": {"projectId": "acme-etl", "jobId": "yesterday"},
        "status": {"state": "DONE", "stateStartTime": "2026-11-25T05:59:59Z"},  # 24 h 1 s before the poll
    }
    recent = {
        **FAILED_JOB,
        "reference": {"projectId": "acme-etl", "jobId": "within-a-day"},
        "status": {"state": "DONE", "stateStartTime": "2026-11-25T06:00:01Z"},
    }
    data = parse(
        list_jobs("acme-etl", "us-central1", "ACTIVE", [RUNNING_JOB]),
        list_jobs("acme-etl", "us-central1", "NON_ACTIVE", [FAILED_JOB, old, recent]),
        list_jobs("acme-etl", "europe-west4", "ACTIVE", None),
        list_jobs(
            "acme-etl", "europe-west4", "NON_ACTIVE", None, error=grpc_error("PERMISSION_DENIED", "no")
        ),
    )
    assert [(j.job_id, j.region) for j in data.jobs] == [
        ("orders-enrich-8c1f", "us-central1"),
        ("dedupe-c7a0", "us-central1"),
        ("within-a-day", "us-central1"),
    ]
    # a denial names the role that grants ListJobs (dashboard/iam.py)
    assert data.warnings == (
        "Dataproc jobs not shown: PERMISSION_DENIED: "
        "needs roles/dataproc.viewer on project acme-etl (ListJobs)",
    )


def test_a_job_listed_twice_is_kept_once_the_later_copy() -> None:
    ended = {**RUNNING_JOB, "status": {"state": "DONE", "stateStartTime": "2026-11-26T05:59:00Z"}}
    data = parse(
        list_jobs("acme-etl", "us-central1", "ACTIVE", [RUNNING_JOB]),
        list_jobs("acme-etl", "us-central1", "NON_ACTIVE", [ended]),
    )
    assert [(j.job_id, j.state) for j in data.jobs] == [("orders-enrich-8c1f", "DONE")]


def test_garbage_jobs_only_warn() -> None:
    data = parse(
        grpc("dataproc", fmt.DATAPROC_LIST_JOBS, {"projectId": "p", "region": "r"}, {"jobs": [{"x": 1}]})
    )
    assert data.jobs == ()
    assert len(data.warnings) == 1
    assert data.warnings[0].startswith("Dataproc jobs not shown: ")
