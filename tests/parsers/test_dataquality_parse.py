"""The data-quality parser on hand-written proto JSON: lenient with a malformed field or item, a failed
scan listing marks its project and location incomplete, the poll fails only when none answered, and the
store's merge keeps a job's FULL result over its later listings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard.errors import SourceError
from dashboard.merge import merge
from dashboard.parsers.poll import PollContext
from dashboard.recording.format import Exchange, ExchangeError
from dashboard.sources.dataquality.model import GET_DATA_SCAN_JOB, LIST_DATA_SCAN_JOBS, LIST_DATA_SCANS
from dashboard.sources.dataquality.parse import parse_dataquality, table_of
from dashboard.sources.dataquality.spec import SPEC
from dashboard.sources.dataquality.summary import states

T = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
SCAN = "projects/acme-etl/locations/europe-west1/dataScans/orders-dq"
JOB = SCAN + "/jobs/j1"


def ex(
    method: str, request: dict[str, Any], response: Any = None, error: ExchangeError | None = None
) -> Exchange:
    return Exchange(
        v=1,
        poll=1,
        t=T,
        source="dataquality",
        api="grpc",
        method=method,
        request=request,
        response=response,
        error=error,
    )


SCANS = {
    "dataScans": [
        {
            "name": SCAN,
            "type": "DATA_QUALITY",
            "data": {"resource": "//bigquery.googleapis.com/projects/acme-etl/datasets/sales/tables/orders"},
            "executionSpec": {"trigger": {"onDemand": {}}},
        },
        {"name": "not a scan name", "type": "DATA_QUALITY"},
    ]
}
BASIC = {"name": JOB, "state": "SUCCEEDED", "startTime": "2026-12-07T07:30:00Z"}
FULL = BASIC | {
    "dataQualityResult": {
        "score": "high",  # malformed: no score
        "rowCount": "10",
        "rules": [{"rule": {"column": "id", "nonNullExpectation": {}}, "passRatio": 0.5}],
    }
}


def test_table_names() -> None:
    assert table_of("//bigquery.googleapis.com/projects/p/datasets/d/tables/t") == "p.d.t"
    assert table_of("//storage.googleapis.com/projects/p/buckets/b") is None


def test_a_malformed_field_is_none_and_a_listing_that_failed_marks_its_part() -> None:
    denied = ExchangeError(code="PERMISSION_DENIED", message="denied")
    data = parse_dataquality(
        [
            ex(
                LIST_DATA_SCANS,
                {"parent": "projects/acme-etl/locations/europe-west1"},
                {"dataScans": SCANS["dataScans"][:1]},
            ),
            ex(LIST_DATA_SCANS, {"parent": "projects/acme-analytics/locations/europe-west1"}, error=denied),
            ex(LIST_DATA_SCAN_JOBS, {"parent": SCAN}, {"dataScanJobs": [BASIC]}),
            ex(GET_DATA_SCAN_JOB, {"name": JOB, "view": "FULL"}, FULL),
        ],
        PollContext("dataquality"),
    )
    assert data.incomplete == ("acme-analytics/europe-west1",)
    [state] = states(data)
    assert (state.scan.table, state.scan.trigger) == ("acme-etl.sales.orders", "on_demand")
    result = state.result
    assert result is not None
    assert (result.score, result.row_count, result.passed) == (None, 10, False)
    [rule] = result.rules
    assert (rule.name, rule.rule_type, rule.passed, rule.pass_ratio) == (
        "non_null(id)",
        "non_null",
        False,
        0.5,
    )
    assert state.status == "failed"


def test_a_page_with_a_bad_item_is_a_warning_for_the_listing() -> None:
    ctx = PollContext("dataquality")
    data = parse_dataquality(
        [
            ex(LIST_DATA_SCANS, {"parent": "projects/acme-etl/locations/us"}, {}),
            ex(LIST_DATA_SCANS, {"parent": "projects/acme-etl/locations/europe-west1"}, SCANS),
        ],
        ctx,
    )
    assert data.scans == ()
    assert data.incomplete == ("acme-etl/europe-west1",)
    # the whole page is refused (its first item too): the listing failed for that part
    assert data.warnings == (
        "ListDataScans failed for acme-etl/europe-west1: unexpected response from ListDataScans, project "
        "acme-etl, europe-west1: Garbage: 'not a scan name' is not a data scan name",
    )


def test_no_listing_answered_fails_the_poll() -> None:
    down = ExchangeError(code="UNAVAILABLE", message="down")
    with pytest.raises(SourceError):
        parse_dataquality(
            [ex(LIST_DATA_SCANS, {"parent": "projects/acme-etl/locations/us"}, error=down)],
            PollContext("dataquality"),
        )


def test_the_store_keeps_a_full_result_over_later_listings() -> None:
    first = parse_dataquality(
        [
            ex(
                LIST_DATA_SCANS,
                {"parent": "projects/acme-etl/locations/europe-west1"},
                {"dataScans": SCANS["dataScans"][:1]},
            ),
            ex(LIST_DATA_SCAN_JOBS, {"parent": SCAN}, {"dataScanJobs": [BASIC]}),
            ex(GET_DATA_SCAN_JOB, {"name": JOB, "view": "FULL"}, FULL),
        ],
        PollContext("dataquality"),
    )
    later = parse_dataquality(  # the next poll lists the job again and does not read it in full
        [
            ex(
                LIST_DATA_SCANS,
                {"parent": "projects/acme-etl/locations/europe-west1"},
                {"dataScans": SCANS["dataScans"][:1]},
            ),
            ex(LIST_DATA_SCAN_JOBS, {"parent": SCAN}, {"dataScanJobs": [BASIC]}),
        ],
        PollContext("dataquality"),
    )
    merged = merge(SPEC, first, later, series_window=timedelta(hours=1))
    [state] = states(merged)
    assert state.result is not None
    assert state.result.row_count == 10
    assert [j.full for j in state.jobs] == [True]  # one job, its FULL read preferred to its listing
