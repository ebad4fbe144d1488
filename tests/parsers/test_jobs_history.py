"""The INFORMATION_SCHEMA.JOBS history in the jobs poll: rows → Job, pages, and what a failure leaves."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard.errors import SourceError
from dashboard.models import Job, JobsData
from dashboard.parsers import parse_poll
from dashboard.parsers.bqrows import decode_rows
from dashboard.parsers.common import Garbage
from dashboard.queries import JOBS_HISTORY_COLUMNS
from dashboard.sources.jobs.parse_history import HistoryReader
from dashboard.sources.jobs.parse_list import job_from_history

from .wire import history_query, jobs_list, load, query_results, rest_error

SIX = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def page() -> dict[str, Any]:
    return copy.deepcopy(load("history_page.json"))


def later_page(rows: list[dict[str, Any]], token: str | None = None) -> dict[str, Any]:
    """A getQueryResults page: no schema, as BigQuery sends pages after the first."""
    response: dict[str, Any] = {
        "kind": "bigquery#getQueryResultsResponse",
        "jobReference": {"projectId": "acme-analytics", "jobId": "job_hist_1", "location": "US"},
        "totalRows": "6",
        "rows": rows,
        "jobComplete": True,
    }
    if token:
        response["pageToken"] = token
    return response


def parse(*exchanges: Any) -> JobsData:
    data = parse_poll("jobs", exchanges)
    assert isinstance(data, JobsData)
    return data


def test_history_rows_map_every_field() -> None:
    data = parse(history_query("acme-analytics", page()))
    assert data.history is True
    assert data.running_keys is None
    assert data.warnings == ()
    done, failed, child, loaded = data.jobs
    assert done == Job(
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
        bytes_processed=1073741824,
        bytes_billed=1074790400,
        slot_ms=12345,
        cache_hit=False,
        reservation="acme-admin:US.adhoc",
        edition="ENTERPRISE",
        query="SELECT region, SUM(amount) FROM `acme-analytics.sales.orders` GROUP BY 1",
        labels={"team": "growth", "dashboard": "sales"},
        destination_table="acme-analytics._anon1.anon_t1",
        origin="history",
    )
    assert (failed.error_reason, failed.error_message) == (
        "invalidQuery",
        "Unrecognized name: regoin at [1:8]",
    )
    assert failed.status == "failed"
    assert failed.cache_hit is None
    assert failed.slot_ms is None
    assert failed.labels == {}
    assert failed.reservation is None
    assert failed.destination_table is None
    assert (child.state, child.ended, child.parent_job_id) == ("RUNNING", None, "script_parent")
    assert child.bytes_processed is None
    assert child.slot_ms == 20
    assert child.labels == {"pipeline": "inventory"}
    assert (loaded.job_type, loaded.statement_type, loaded.query) == ("LOAD", None, None)
    assert loaded.destination_table == "acme-etl.raw.orders"
    assert all(j.created is not None and j.created.tzinfo is UTC for j in data.jobs)


def test_the_fast_reader_agrees_with_the_general_decoder() -> None:
    response = page()
    general = [job_from_history(row, "US") for row in decode_rows(response["schema"], response["rows"])]
    fast = HistoryReader(response["schema"]["fields"]).jobs(response["rows"], "US")
    assert fast == general


def test_a_schema_with_other_columns_is_read_the_general_way() -> None:
    response = page()
    fields = response["schema"]["fields"]
    keep = [i for i, f in enumerate(fields) if f["name"] not in ("labels", "priority")]
    response["schema"]["fields"] = [fields[i] for i in keep]
    response["rows"] = [{"f": [row["f"][i] for i in keep]} for row in response["rows"]]
    jobs = parse(history_query("acme-analytics", response)).jobs
    assert [j.job_id for j in jobs] == ["job_done_select", "job_failed", "script_parent_1", "load_orders"]
    assert jobs[0].labels == {}
    assert jobs[0].priority is None
    assert jobs[0].bytes_billed == 1074790400


def test_columns_in_another_order_are_found_by_name() -> None:
    response = page()
    order = list(reversed(range(len(response["schema"]["fields"]))))
    response["schema"]["fields"] = [response["schema"]["fields"][i] for i in order]
    response["rows"] = [{"f": [row["f"][i] for i in order]} for row in response["rows"]]
    assert (
        parse(history_query("acme-analytics", response)).jobs
        == parse(history_query("acme-analytics", page())).jobs
    )


def test_float_seconds_timestamps_read_like_microseconds() -> None:
    response = page()
    for row in response["rows"]:
        for i in range(3):
            micros = row["f"][i]["v"]
            if micros is not None:
                row["f"][i]["v"] = f"{int(micros) / 1e6:.15E}".replace("E+0", "E")  # "1.795672740250000E9"
    old = parse(history_query("acme-analytics", response)).jobs
    new = parse(history_query("acme-analytics", page())).jobs
    assert [(j.created, j.started, j.ended) for j in old] == [(j.created, j.started, j.ended) for j in new]


def test_later_pages_use_the_first_pages_schema_and_location() -> None:
    first = page()
    rows = first["rows"]
    first["rows"] = rows[:2]
    data = parse(
        history_query("acme-analytics", first, location="EU"),
        query_results("acme-analytics", "job_hist_1", later_page(rows[2:3], token="p3")),
        query_results("acme-analytics", "job_hist_1", later_page(rows[3:])),
    )
    assert [j.job_id for j in data.jobs] == [
        "job_done_select",
        "job_failed",
        "script_parent_1",
        "load_orders",
    ]
    assert {j.location for j in data.jobs} == {"EU"}
    assert data.history is True


def test_history_comes_before_the_real_time_listing() -> None:
    listed = load("jobs_list.json")["jobs"][2]  # script_parent, RUNNING
    data = parse(jobs_list("acme-etl", [listed]), history_query("acme-analytics", page()))
    assert [j.origin for j in data.jobs] == ["history"] * 4 + ["list"]
    assert data.running_keys == frozenset({"acme-etl:US.script_parent"})


def test_a_denied_history_query_leaves_the_running_jobs_and_a_warning() -> None:
    listed = load("jobs_list.json")["jobs"][2]
    error = rest_error(
        403,
        "accessDenied",
        "Access Denied: Project acme-analytics: User does not have bigquery.jobs.create permission "
        "in project acme-analytics.",
    )
    data = parse(jobs_list("acme-etl", [listed]), history_query("acme-analytics", error=error))
    assert [j.job_id for j in data.jobs] == ["script_parent"]
    assert data.history is False
    (warning,) = data.warnings
    assert warning.startswith(
        "history limited to running jobs: 403 accessDenied: needs roles/bigquery.jobUser"
    )
    assert "project acme-analytics" in warning


def test_a_history_query_denied_on_information_schema_names_the_resource_viewer() -> None:
    error = rest_error(
        403,
        "accessDenied",
        "Access Denied: Table acme-analytics:region-us.INFORMATION_SCHEMA.JOBS: "
        "User does not have permission to query table.",
    )
    (warning,) = parse(history_query("acme-analytics", error=error)).warnings
    assert "history limited" in warning
    assert "roles/bigquery.resourceViewer" in warning


def test_an_error_on_a_later_page_keeps_the_rows_read() -> None:
    first = page()
    first["rows"] = first["rows"][:2]
    data = parse(
        history_query("acme-analytics", first),
        query_results(
            "acme-analytics", "job_hist_1", error=rest_error(500, "internalError", "Internal error")
        ),
    )
    assert [j.job_id for j in data.jobs] == ["job_done_select", "job_failed"]
    assert data.history is True
    (warning,) = data.warnings
    assert warning.startswith("history incomplete, later rows missing: 500 internalError: Internal error")


def test_garbage_history_is_a_warning_not_a_failure() -> None:
    listed = load("jobs_list.json")["jobs"][4]
    bad = page()
    bad["rows"][1]["f"] = bad["rows"][1]["f"][:5]
    data = parse(jobs_list("acme-etl", [listed]), history_query("acme-analytics", bad))
    assert [j.job_id for j in data.jobs] == ["load_orders"]
    (warning,) = data.warnings
    assert "history limited" in warning
    assert "5 cells" in warning


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        (lambda r: r["schema"].update(fields="x"), "schema fields are str"),
        (lambda r: r.update(schema=[]), "schema is list"),
        (lambda r: r["schema"]["fields"][0].update(type="STRING"), "'creation_time' is STRING"),
        (lambda r: r["rows"][0]["f"][10].update(v="lots"), "ValueError"),
        (lambda r: r["rows"][0]["f"][13].update(v="maybe"), "maybe"),
        (lambda r: r["rows"][0]["f"][5].update(v=None), "no project_id or job_id"),
        (lambda r: r.update(rows={"f": []}), "'rows' is dict"),
    ],
)
def test_malformed_history_pages_are_named(mutate: Any, match: str) -> None:
    response = page()
    mutate(response)
    (warning,) = parse(history_query("acme-analytics", response)).warnings
    assert match in warning


def test_rows_before_any_schema_are_garbage() -> None:
    first = page()
    rows = first.pop("rows")
    first.pop("schema")
    first["jobComplete"] = False
    data = parse(
        history_query("acme-analytics", first),
        query_results("acme-analytics", "job_hist_1", later_page(rows)),
    )
    assert data.jobs == ()
    assert "before any page carried the schema" in data.warnings[0]


def test_an_unfinished_query_is_not_history_until_its_results_arrive() -> None:
    pending = {"kind": "bigquery#queryResponse", "jobReference": page()["jobReference"], "jobComplete": False}
    assert parse(history_query("acme-analytics", pending)).history is False
    done = page()
    done["kind"] = "bigquery#getQueryResultsResponse"
    data = parse(
        history_query("acme-analytics", pending), query_results("acme-analytics", "job_hist_1", done)
    )
    assert data.history is True
    assert len(data.jobs) == 4


def test_an_empty_history_is_still_history() -> None:
    empty = page()
    del empty["rows"]
    empty["totalRows"] = "0"
    data = parse(history_query("acme-analytics", empty))
    assert data.history is True
    assert data.jobs == ()


def test_other_queries_and_their_pages_are_not_history() -> None:
    other = page()
    other["jobReference"]["jobId"] = "job_billing"
    data = parse(
        history_query("acme-analytics", other, name="billing-export"),
        query_results("acme-analytics", "job_billing", later_page(page()["rows"])),
    )
    assert data.jobs == ()
    assert data.history is False
    assert data.warnings == ()


def test_history_needs_no_extra_columns() -> None:
    # the fast reader covers exactly the columns gcpdash selects; a page recorded before gcpdash selected
    # principal_subject lacks only that one, and is still read the fast way
    names = [f["name"] for f in page()["schema"]["fields"]]
    assert names == [c for c in JOBS_HISTORY_COLUMNS if c != "principal_subject"]
    assert HistoryReader(page()["schema"]["fields"])._fallback is None


WORKFORCE = (
    "principal://iam.googleapis.com/locations/global/workforcePools/acme-pool/subject/ana@acme.example"
)


def with_principal_subject(response: dict[str, Any], subjects: list[str | None]) -> dict[str, Any]:
    """``response`` with a ``principal_subject`` column after ``user_email``, as INFORMATION_SCHEMA.JOBS
    has it; a row given a subject has no ``user_email`` (a workforce identity federation principal)."""
    fields = response["schema"]["fields"]
    at = [f["name"] for f in fields].index("user_email")
    fields.insert(at + 1, {"name": "principal_subject", "type": "STRING", "mode": "NULLABLE"})
    for row, subject in zip(response["rows"], subjects, strict=False):
        if subject is not None:
            row["f"][at] = {"v": None}
        row["f"].insert(at + 1, {"v": subject})
    return response


@pytest.mark.parametrize("fast", [True, False])
def test_a_principal_without_user_email_is_its_principal_subject(fast: bool) -> None:
    response = with_principal_subject(page(), [WORKFORCE, None, None, None])
    if not fast:  # a schema without a column the query selects: the general reader
        fields = response["schema"]["fields"]
        at = [f["name"] for f in fields].index("parent_job_id")
        del fields[at]
        for row in response["rows"]:
            del row["f"][at]
    assert (HistoryReader(response["schema"]["fields"])._fallback is None) is fast
    done, failed, *_ = parse(history_query("acme-analytics", response)).jobs
    assert done.principal == WORKFORCE  # the full subject, as BigQuery wrote it
    assert failed.principal == "li.wei@acme.example"  # user_email where there is one


def test_a_history_failure_is_never_a_source_error() -> None:
    try:
        parse(history_query("acme-analytics", error=rest_error(503, "backendError", "Backend error")))
    except SourceError as exc:  # pragma: no cover - the assertion below says what went wrong
        pytest.fail(f"history failure failed the poll: {exc}")


def test_job_from_history_needs_a_project_and_a_job_id() -> None:
    with pytest.raises(Garbage):
        job_from_history({"project_id": "p", "job_id": None}, "US")
