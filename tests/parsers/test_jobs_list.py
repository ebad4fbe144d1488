"""BigQuery ``jobs.list`` resources → Job, and the jobs poll's listing, pagination and failures."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard.errors import SourceError
from dashboard.models import Job, JobsData
from dashboard.parsers import parse_poll
from dashboard.sources.jobs.parse_list import job_from_resource

from .wire import garbage, jobs_list, load, rest_error

SIX = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def page_jobs() -> list[dict[str, Any]]:
    return list(load("jobs_list.json")["jobs"])


def by_id(data: JobsData) -> dict[str, Job]:
    return {job.job_id: job for job in data.jobs}


def parse(*exchanges: Any) -> JobsData:
    data = parse_poll("jobs", exchanges)
    assert isinstance(data, JobsData)
    return data


def test_a_finished_query_maps_every_field() -> None:
    job = job_from_resource(page_jobs()[0])
    assert job == Job(
        project="acme-analytics",
        job_id="job_done_select",
        location="US",
        job_type="QUERY",
        state="DONE",
        statement_type="SELECT",
        principal="ana@acme.example",
        created=SIX - timedelta(minutes=1),
        started=SIX - timedelta(minutes=1) + timedelta(milliseconds=250),
        ended=SIX - timedelta(seconds=45) + timedelta(milliseconds=125),
        priority="INTERACTIVE",
        bytes_processed=1073741824,  # the query's own statistics win over the top-level ones
        bytes_billed=1074790400,
        slot_ms=12345,
        cache_hit=False,
        reservation="acme-admin:US.adhoc",
        edition="ENTERPRISE",
        error_reason=None,
        error_message=None,
        query="SELECT region, SUM(amount) FROM `acme-analytics.sales.orders` GROUP BY 1",
        labels={"team": "growth", "dashboard": "sales"},
        parent_job_id=None,
        num_child_jobs=None,
        destination_table="acme-analytics._anon1.anon_t1",
        origin="list",
    )
    assert job.key == "acme-analytics:US.job_done_select"
    assert job.status == "done"
    assert job.created is not None
    assert job.created.tzinfo is UTC


def test_a_workforce_principal_is_named_by_its_principal_subject() -> None:
    # jobs.list (projection full) gives user_email, or for a workforce identity federation principal only
    # principal_subject, the full subject as BigQuery writes it
    subject = (
        "principal://iam.googleapis.com/locations/global/workforcePools/acme-pool/subject/ana@acme.example"
    )
    resource = page_jobs()[0]
    del resource["user_email"]
    resource["principal_subject"] = subject
    assert job_from_resource(resource).principal == subject
    resource["user_email"] = "ana@acme.example"
    assert job_from_resource(resource).principal == "ana@acme.example"
    del resource["user_email"], resource["principal_subject"]
    assert job_from_resource(resource).principal is None


def test_a_pending_job_with_only_its_creation_time() -> None:
    job = job_from_resource(page_jobs()[1])
    assert (job.state, job.status, job.priority) == ("PENDING", "pending", "BATCH")
    assert job.created == SIX - timedelta(seconds=1)
    assert job.started is job.ended is None
    assert job.bytes_processed is job.bytes_billed is job.slot_ms is job.cache_hit is None
    assert job.statement_type is None
    assert job.reservation is None


def test_a_pending_job_without_statistics_configuration_or_status() -> None:
    job = job_from_resource({"jobReference": {"projectId": "p", "jobId": "j"}, "state": "PENDING"})
    assert (job.project, job.job_id, job.location, job.job_type, job.state) == (
        "p",
        "j",
        None,
        "UNKNOWN",
        "PENDING",
    )
    assert job.created is None
    assert job.labels == {}


def test_script_parent_and_child() -> None:
    parent, child = (job_from_resource(j) for j in page_jobs()[2:4])
    assert parent.statement_type == "SCRIPT"
    assert parent.num_child_jobs == 2
    assert parent.is_script
    assert parent.slot_ms == 7030887
    assert parent.status == "running"
    assert child.parent_job_id == "script_parent"
    assert not child.is_script
    assert (child.statement_type, child.bytes_processed, child.bytes_billed) == ("INSERT", 500, 10485760)


def test_load_copy_and_extract_jobs() -> None:
    load_job, copy_job, extract = (job_from_resource(j) for j in page_jobs()[4:7])
    assert (load_job.job_type, load_job.destination_table) == ("LOAD", "acme-etl.raw.orders")
    assert load_job.slot_ms == 880063
    assert load_job.reservation == "acme-admin:US.prod"
    assert load_job.query is None
    assert load_job.statement_type is None
    assert load_job.priority is None
    # no configuration.jobType: the configuration key says it
    assert (copy_job.job_type, copy_job.destination_table) == ("COPY", "acme-etl.snapshots.customers_0600")
    assert (extract.job_type, extract.location, extract.destination_table) == ("EXTRACT", "EU", None)


def test_a_failed_query_keeps_its_error() -> None:
    job = job_from_resource(page_jobs()[7])
    assert job.error_reason == "invalidQuery"
    assert job.error_message == "Unrecognized name: regoin at [1:8]"
    assert job.status == "failed"


def test_the_top_level_error_result_is_read_without_status() -> None:
    resource = page_jobs()[7]
    del resource["status"]
    job = job_from_resource(resource)
    assert (job.error_reason, job.state) == ("invalidQuery", "DONE")


def test_unknown_enum_values_are_kept_as_they_are() -> None:
    resource = copy.deepcopy(page_jobs()[0])
    resource["state"] = "SUSPENDED"
    resource["configuration"]["jobType"] = "VECTOR_INDEX"
    resource["statistics"]["query"]["statementType"] = "CREATE_VECTOR_INDEX"
    resource["statistics"]["edition"] = "ENTERPRISE_ULTRA"
    job = job_from_resource(resource)
    assert (job.state, job.job_type, job.statement_type, job.edition) == (
        "SUSPENDED",
        "VECTOR_INDEX",
        "CREATE_VECTOR_INDEX",
        "ENTERPRISE_ULTRA",
    )


def test_a_job_without_a_reference_is_read_from_its_id() -> None:
    job = job_from_resource({"id": "p1:europe-west4.job_x", "state": "RUNNING"})
    assert (job.project, job.location, job.job_id) == ("p1", "europe-west4", "job_x")


def test_the_listing_poll_reads_every_page_and_the_running_keys() -> None:
    jobs = page_jobs()
    running = [j for j in jobs if j["state"] == "RUNNING"]
    data = parse(
        jobs_list("acme-analytics", running[:1], next_page="t2"),
        jobs_list("acme-analytics", running[1:], page_token="t2"),
        jobs_list("acme-etl", []),
    )
    assert [j.job_id for j in data.jobs] == [j["jobReference"]["jobId"] for j in running]
    assert data.running_keys == frozenset(
        {"acme-etl:US.script_parent", "acme-etl:US.load_orders", "acme-etl:EU.extract_orders"}
    )
    assert data.history is False
    assert data.warnings == ()


def test_an_empty_running_list_says_nothing_runs() -> None:
    data = parse(jobs_list("acme-analytics", []))
    assert data.jobs == ()
    assert data.running_keys == frozenset()


def test_without_a_running_listing_the_running_keys_are_unknown() -> None:
    assert parse().running_keys is None
    data = parse(jobs_list("acme-analytics", page_jobs()[:1], running=False))
    assert data.running_keys is None
    assert len(data.jobs) == 1


def test_403_on_jobs_list_names_the_role() -> None:
    error = rest_error(
        403,
        "accessDenied",
        "Access Denied: Project acme-analytics: User does not have "
        "bigquery.jobs.listAll permission in project acme-analytics.",
    )
    with pytest.raises(SourceError) as raised:
        parse(jobs_list("acme-analytics", error=error))
    assert "roles/bigquery.resourceViewer" in raised.value.reason
    assert "acme-analytics" in raised.value.reason
    assert raised.value.code == "403 accessDenied"


def test_an_error_on_a_later_page_keeps_the_pages_read_and_says_so() -> None:
    jobs = page_jobs()
    data = parse(
        jobs_list("acme-analytics", jobs[2:3], next_page="t2"),
        jobs_list("acme-analytics", jobs[3:4], page_token="t2"),
        jobs_list("acme-analytics", error=rest_error(503, "backendError", "Backend error. Retry.")),
    )
    # pages 1 and 2 held one job each; page 3 failed: both jobs shown, the project marked incomplete
    assert [j.job_id for j in data.jobs] == [
        jobs[2]["jobReference"]["jobId"],
        jobs[3]["jobReference"]["jobId"],
    ]
    assert data.incomplete == ("acme-analytics",)
    [warning] = data.warnings
    assert warning.startswith("jobs.list failed for acme-analytics: 503 backendError: Backend error. Retry.")


def test_rate_limits_say_polling_backs_off() -> None:
    error = rest_error(403, "rateLimitExceeded", "Exceeded rate limits: too many api requests")
    with pytest.raises(SourceError) as raised:
        parse(jobs_list("acme-analytics", error=error))
    assert "rate limit" in raised.value.reason
    assert "roles/" not in raised.value.reason


@pytest.mark.parametrize(
    ("response", "match"),
    [
        ({"jobs": "nope"}, "'jobs' is str"),
        ({"jobs": {"a": 1}}, "'jobs' is dict"),
        ({"jobs": [42]}, "a job is int"),
        ({"jobs": [{"state": "RUNNING"}]}, "neither a jobReference nor an id"),
        ({"jobs": [{"jobReference": {"jobId": "j"}}]}, "missing 'projectId'"),
        (
            {
                "jobs": [
                    {"jobReference": {"projectId": "p", "jobId": "j"}, "statistics": {"creationTime": "soon"}}
                ]
            },
            "ValueError",
        ),
        ({"jobs": [{"jobReference": {"projectId": "p", "jobId": "j"}, "statistics": "x"}]}, "AttributeError"),
        ([{"jobs": []}], "response is list"),
        ("jobs", "response is str"),
        (None, "neither a response nor an error"),
    ],
)
def test_garbage_fails_the_poll_with_a_clear_reason(response: Any, match: str) -> None:
    exchange = garbage(jobs_list("acme-analytics", []), response)
    with pytest.raises(SourceError, match=match) as raised:
        parse(exchange)
    assert raised.value.code == "GARBAGE"
    assert raised.value.reason.startswith("unexpected response from jobs.list, project acme-analytics")


def test_unreachable_locations_are_a_warning() -> None:
    exchange = garbage(
        jobs_list("acme-analytics", []), {"kind": "bigquery#jobList", "unreachable": ["asia-south2"]}
    )
    data = parse(exchange)
    assert data.warnings == (
        "jobs.list could not reach asia-south2 (project acme-analytics); jobs there are missing",
    )


class _ReadOnce(list[Any]):
    """A poll's exchanges that count how often they are iterated: a recorded poll decodes its log lines
    again on every iteration."""

    iterations = 0

    def __iter__(self) -> Any:
        self.iterations += 1
        return super().__iter__()


def test_a_poll_s_exchanges_are_read_once() -> None:
    exchanges = _ReadOnce([jobs_list("acme-etl", page_jobs()), jobs_list("acme-eu", [], running=False)])
    data = parse_poll("jobs", exchanges)
    assert isinstance(data, JobsData)
    assert data.jobs
    assert exchanges.iterations == 1
