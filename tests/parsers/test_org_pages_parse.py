"""A page of further jobs as BigQuery's REST answers it (``jobs.query`` then ``jobs.getQueryResults``),
parsed: the cursor from the last row, a page that continues on a ``getQueryResults`` page, a short page
that ends its location, and a failed or garbled page that names its location and keeps its cursor. The
responses are written by hand in the documented shape (``schema.fields``, ``rows[].f[].v`` strings,
TIMESTAMP as integer microseconds with ``useInt64Timestamp``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange, ExchangeError
from dashboard.sources.jobs.paging import Cursor, Pager, parse_page

T = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)
FIELDS = [
    {"name": "creation_time", "type": "TIMESTAMP", "mode": "NULLABLE"},
    {"name": "end_time", "type": "TIMESTAMP", "mode": "NULLABLE"},
    {"name": "project_id", "type": "STRING", "mode": "NULLABLE"},
    {"name": "user_email", "type": "STRING", "mode": "NULLABLE"},
    {"name": "job_id", "type": "STRING", "mode": "NULLABLE"},
    {"name": "state", "type": "STRING", "mode": "NULLABLE"},
    {"name": "total_bytes_billed", "type": "INTEGER", "mode": "NULLABLE"},
    {"name": "total_slot_ms", "type": "INTEGER", "mode": "NULLABLE"},
    {"name": "reservation_id", "type": "STRING", "mode": "NULLABLE"},
    {"name": "job_ondemand_bytes", "type": "INTEGER", "mode": "NULLABLE"},
    {"name": "job_slot_ms", "type": "INTEGER", "mode": "NULLABLE"},
]
LABELS = {"gcpdash-query": "jobs-org-page", "gcpdash-scope": "organization-123456789012"}


def _row(
    project: str, job_id: str, billed: int, slot_ms: int, reservation: str | None = None
) -> dict[str, Any]:
    ondemand = 0 if reservation else billed
    cells = [
        "1795683600000000",  # 2026-11-26 08:20 UTC
        "1795683660000000",
        project,
        "ana@acme.example",
        job_id,
        "DONE",
        str(billed),
        str(slot_ms),
        reservation,
        str(ondemand),
        str(slot_ms),
    ]
    return {"f": [{"v": c} for c in cells]}


def _query(location: str, rows: list[dict[str, Any]], *, job: str, token: str | None = None) -> Exchange:
    response: dict[str, Any] = {
        "kind": "bigquery#queryResponse",
        "schema": {"fields": FIELDS},
        "jobReference": {"projectId": "acme-etl", "jobId": job, "location": location},
        "totalRows": str(len(rows)),
        "rows": rows,
        "totalBytesBilled": "10485760",
        "jobComplete": True,
    }
    if token:
        response["pageToken"] = token
    return Exchange(
        v=1, poll=0, t=T, source="jobs", api="rest", method=fmt.BQ_JOBS_QUERY, http_method="POST",
        path="/bigquery/v2/projects/acme-etl/queries", request={"labels": LABELS, "location": location},
        response=response, status=200,
    )  # fmt: skip


def _results(job: str, rows: list[dict[str, Any]]) -> Exchange:
    return Exchange(
        v=1, poll=0, t=T, source="jobs", api="rest", method=fmt.BQ_GET_QUERY_RESULTS, http_method="GET",
        path=f"/bigquery/v2/projects/acme-etl/queries/{job}",
        response={"kind": "bigquery#getQueryResultsResponse", "totalRows": "3", "rows": rows,
                  "jobComplete": True},
        status=200,
    )  # fmt: skip


def test_a_full_page_gives_the_cursor_of_its_last_row_and_a_short_one_ends_its_location() -> None:
    page = parse_page(
        [
            _query("EU", [_row("acme-etl", "a", 3 * 2**40, 10), _row("acme-bi", "b", 2**40, 5)], job="q1"),
            _query("US", [_row("acme-etl", "c", 2**30, 7)], job="q2"),
        ],
        size=2,
    )
    assert [(j.project, j.job_id, j.location) for j in page.jobs] == [
        ("acme-etl", "a", "EU"),
        ("acme-bi", "b", "EU"),
        ("acme-etl", "c", "US"),
    ]
    assert page.after == {"EU": Cursor(2**40, 5, "b", "acme-bi"), "US": None}
    assert page.failed == {}
    assert page.bytes_billed == 2 * 10 * 2**20


def test_a_page_continued_on_a_results_page_takes_its_cursor_from_the_last_of_them() -> None:
    first = _query("EU", [_row("acme-etl", "a", 3, 1)], job="q1", token="t1")
    more = _results("q1", [_row("acme-etl", "b", 2, 1), _row("acme-bi", "r", 9, 4, "acme-admin:EU.prod")])
    page = parse_page([first, more], size=3)
    assert [j.job_id for j in page.jobs] == ["a", "b", "r"]
    # the reservation's job bills no on-demand bytes: its cursor says 0
    assert page.after == {"EU": Cursor(0, 4, "r", "acme-bi")}


def test_a_failed_page_names_its_location_and_a_garbled_one_says_why() -> None:
    denied = Exchange(
        v=1, poll=0, t=T, source="jobs", api="rest", method=fmt.BQ_JOBS_QUERY, http_method="POST",
        path="/bigquery/v2/projects/acme-etl/queries", request={"labels": LABELS, "location": "EU"},
        error=ExchangeError(code="403 accessDenied", message="Access Denied: JOBS_BY_FOLDER", status=403),
        status=403,
    )  # fmt: skip
    garbled = msgspec.structs.replace(_query("US", [], job="q2"), response={"rows": 3})  # no schema
    page = parse_page([denied, garbled], size=2)
    assert page.jobs == ()
    assert page.after == {}
    assert "403 accessDenied" in page.failed["EU"]
    assert "the page's first response has no schema" in page.failed["US"]
    pager = Pager(store=None, after={"EU": Cursor(1, 1, "x", "acme-etl")})
    pager.took(page)
    assert pager.wanted(["EU", "US"]) == {"EU": Cursor(1, 1, "x", "acme-etl"), "US": None}  # kept, to retry


def test_a_row_without_its_job_id_garbles_its_location_only() -> None:
    bad = _row("acme-etl", "", 5, 1)  # job_id empty: not a job
    page = parse_page([_query("EU", [bad], job="q1"), _query("US", [_row("acme-etl", "c", 1, 1)], job="q2")])
    assert [j.job_id for j in page.jobs] == ["c"]
    assert "a history row has no project_id or job_id" in page.failed["EU"]
    assert page.after == {"US": None}
