"""Dataflow payloads → DataflowJob; the Dataflow poll and its failures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard.errors import SourceError
from dashboard.models import DataflowData, DataflowJob
from dashboard.parsers import parse_poll
from dashboard.recording import format as fmt
from dashboard.sources.dataflow.parse import dataflow_job_from_json

from .wire import grpc, grpc_error, load


def jobs() -> list[dict[str, Any]]:
    return list(load("dataflow_jobs.json")["jobs"])


def aggregated(
    project: str,
    listed: list[dict[str, Any]] | None,
    *,
    error: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Any:
    response: dict[str, Any] = {"jobs": listed} if listed else {}
    response.update(extra or {})
    return grpc(
        "dataflow",
        fmt.DATAFLOW_AGGREGATED_LIST_JOBS,
        {"projectId": project, "filter": "ALL"},
        response,
        error=error,
    )


def parse(*exchanges: Any) -> DataflowData:
    data = parse_poll("dataflow", exchanges)
    assert isinstance(data, DataflowData)
    return data


def test_a_streaming_job_maps_every_field() -> None:
    job = dataflow_job_from_json(jobs()[0])
    assert job == DataflowJob(
        project="acme-etl",
        location="us-central1",
        job_id="2026-11-24_10_30_12-4829376120938475012",
        name="clickstream-enrich",
        job_type="JOB_TYPE_STREAMING",
        state="JOB_STATE_RUNNING",
        state_time=datetime(2026, 11, 24, 18, 31, 40, 118204, tzinfo=UTC),
        created=datetime(2026, 11, 24, 18, 30, 12, 345678, tzinfo=UTC),
        started=datetime(2026, 11, 24, 18, 30, 12, 345678, tzinfo=UTC),  # nanoseconds cut to microseconds
        sdk="Apache Beam SDK for Java 2.61.0",
        streaming_engine=True,
        labels={"team": "growth", "pipeline": "clickstream"},
    )
    assert job.is_streaming
    assert not job.is_terminal


def test_a_failed_batch_job_without_environment() -> None:
    job = dataflow_job_from_json(jobs()[1])
    assert (job.job_type, job.state, job.is_terminal, job.streaming_engine) == (
        "JOB_TYPE_BATCH",
        "JOB_STATE_FAILED",
        True,
        None,  # a summary without an environment cannot say
    )
    assert job.started is None
    assert job.sdk == "Apache Beam Python 3.11 SDK 2.61.0"
    assert job.labels == {}


def test_streaming_engine_is_read_leniently() -> None:
    at_least_once, exactly_once = (dataflow_job_from_json(j) for j in jobs()[2:4])
    assert at_least_once.streaming_engine is True
    assert exactly_once.streaming_engine is False
    options = {
        "id": "j",
        "environment": {"sdkPipelineOptions": {"options": {"experiments": ["enable_streaming_engine"]}}},
    }
    assert dataflow_job_from_json(options).streaming_engine is True
    billing = {"id": "j", "environment": {"useStreamingEngineResourceBasedBilling": True}}
    assert dataflow_job_from_json(billing).streaming_engine is True
    # a job summary, as AggregatedListJobs returns it, has no environment: unknown, not "no"
    summary = {"id": "j", "type": "JOB_TYPE_STREAMING", "jobMetadata": {"sdkVersion": {"version": "2.61.0"}}}
    assert dataflow_job_from_json(summary).streaming_engine is None
    assert dataflow_job_from_json({"id": "j", "environment": {}}).streaming_engine is False
    assert (
        dataflow_job_from_json({"id": "j", "environment": {"experiments": ["shuffle_mode=service"]}}).sdk
        is None
    )


def test_unknown_states_and_missing_parts() -> None:
    odd = dataflow_job_from_json(jobs()[3])
    assert (odd.state, odd.state_time, odd.created, odd.sdk) == ("JOB_STATE_HIBERNATING", None, None, None)
    bare = dataflow_job_from_json({"id": "j1"}, project="acme-etl")
    assert (bare.project, bare.name, bare.job_type, bare.state, bare.location) == (
        "acme-etl",
        "j1",
        "JOB_TYPE_UNKNOWN",
        "JOB_STATE_UNKNOWN",
        "",
    )


def test_the_poll_lists_every_project() -> None:
    all_jobs = jobs()
    data = parse(
        aggregated("acme-etl", [all_jobs[0], *all_jobs[2:]]), aggregated("acme-analytics", all_jobs[1:2])
    )
    assert [j.name for j in data.jobs] == [
        "clickstream-enrich",
        "orders-cdc-v2",
        "brand-new-state",
        "customer-360-backfill",
    ]
    assert data.warnings == ()


def test_an_unavailable_listing_leaves_the_other_projects_jobs() -> None:
    data = parse(
        aggregated("acme-etl", jobs()),
        aggregated(
            "acme-analytics",
            None,
            error=grpc_error("UNAVAILABLE", "The service is currently unavailable."),
        ),
    )
    assert len(data.jobs) == len(jobs())  # acme-etl's listing, whole
    assert data.incomplete == ("acme-analytics",)
    assert data.warnings == (
        "AggregatedListJobs failed for acme-analytics: UNAVAILABLE: The service is currently unavailable. "
        "(AggregatedListJobs, project acme-analytics)",
    )


def test_an_unavailable_listing_of_every_project_fails_the_poll() -> None:
    with pytest.raises(SourceError) as raised:
        parse(
            aggregated(
                "acme-analytics",
                None,
                error=grpc_error("UNAVAILABLE", "The service is currently unavailable."),
            ),
        )
    assert raised.value.reason == (
        "UNAVAILABLE: The service is currently unavailable. (AggregatedListJobs, project acme-analytics)"
    )
    assert raised.value.code == "UNAVAILABLE"


def test_a_denied_listing_names_the_role() -> None:
    with pytest.raises(SourceError, match=r"needs roles/dataflow\.viewer on project acme-etl"):
        parse(aggregated("acme-etl", None, error=grpc_error("PERMISSION_DENIED", "denied")))


def test_unreachable_regions_are_a_warning() -> None:
    data = parse(aggregated("acme-etl", jobs()[:1], extra={"failedLocation": [{"name": "asia-east1"}]}))
    assert len(data.jobs) == 1
    assert data.warnings == ("Dataflow could not list jobs in asia-east1; jobs there are missing",)


@pytest.mark.parametrize(
    ("listed", "match"),
    [
        ([{"name": "no id"}], "missing 'id'"),
        ([{"id": "j", "createTime": "2026-13-45T00:00:00Z"}], "ValueError"),
        ([{"id": "j", "labels": ["a"]}], "expected an object of labels"),
        ([["j"]], "a Dataflow job is list"),
    ],
)
def test_garbage_jobs_fail_the_poll(listed: Any, match: str) -> None:
    with pytest.raises(SourceError, match=match):
        parse(aggregated("acme-etl", listed))


def test_the_location_scoped_list_reads_the_same() -> None:
    exchange = grpc(
        "dataflow",
        fmt.DATAFLOW_LIST_JOBS,
        {"projectId": "acme-etl", "location": "us-central1"},
        {"jobs": jobs()[:1]},
    )
    assert parse(exchange).jobs == (dataflow_job_from_json(jobs()[0]),)


def test_job_metadata_names_the_subscriptions_topics_and_tables() -> None:
    # JobMetadata (dataflow_v1beta3 types/jobs.py: "Populated for ListJobs"): PubSubIODetails{topic,
    # subscription}, BigQueryIODetails{table, dataset, project_id, query}; names given whole or short.
    payload = {
        **jobs()[0],
        "jobMetadata": {
            "pubsubDetails": [
                {
                    "topic": "projects/acme-etl/topics/clicks",
                    "subscription": "projects/acme-etl/subscriptions/a",
                },
                {"subscription": "b"},  # short: in the job's project
                {"topic": "projects/shared-bus/topics/out"},  # a sink, or a read without a named subscription
                {"subscription": "projects/acme-etl/subscriptions/a"},  # named twice, kept once
                "garbage",
            ],
            "bigqueryDetails": [
                {"table": "sessions", "dataset": "clickstream", "projectId": "acme-analytics"},
                {"table": "acme-analytics:raw.events"},
                {"table": "lookup", "dataset": "ref"},  # no project: the job's
                {"query": "SELECT 1", "projectId": "acme-etl"},  # a query reads no table of its own
            ],
        },
    }
    job = dataflow_job_from_json(payload)
    assert job.pubsub_reads == ("projects/acme-etl/subscriptions/a", "projects/acme-etl/subscriptions/b")
    assert job.pubsub_topics == ("projects/acme-etl/topics/clicks", "projects/shared-bus/topics/out")
    assert job.bigquery_tables == (
        "acme-analytics.clickstream.sessions",
        "acme-analytics.raw.events",
        "acme-etl.ref.lookup",
    )


def test_a_job_without_connectors_names_none() -> None:
    job = dataflow_job_from_json({**jobs()[0], "jobMetadata": {"sdkVersion": {"version": "2.61.0"}}})
    assert (job.pubsub_reads, job.pubsub_topics, job.bigquery_tables) == ((), (), ())
