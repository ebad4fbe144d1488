"""The data-quality parser and summary on payloads made by google-cloud-dataplex's own message classes and
serialised as the wire sends them (proto3 JSON: a 0, a false or an empty field is left out; int64 as a
string), across two projects and regions; the expected states and figures from Dataplex's documented
semantics (``DataScanJob.State``, ``DataQualityResult``, ``DataQualityRuleResult``, ``DataQualityRule``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard.models import Job
from dashboard.parsers.common import TimeCache
from dashboard.parsers.poll import PollContext
from dashboard.recording.format import Exchange
from dashboard.sources.dataquality import rules
from dashboard.sources.dataquality.api import to_read
from dashboard.sources.dataquality.model import GET_DATA_SCAN_JOB, LIST_DATA_SCAN_JOBS, LIST_DATA_SCANS
from dashboard.sources.dataquality.parse import jobs_page, parse_dataquality
from dashboard.sources.dataquality.summary import states

pytestmark = pytest.mark.timeout(30)

dataplex_v1 = pytest.importorskip("google.cloud.dataplex_v1")

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
EU = "projects/acme-etl/locations/europe-west1/dataScans/orders-dq"
ASIA = "projects/acme-jp/locations/asia-northeast1/dataScans/orders-dq"  # the same scan id elsewhere


def wire(cls: Any, message: Any) -> dict[str, Any]:
    """A message as the wire (and a recording) carries it."""
    text = cls.to_json(
        message, use_integers_for_enums=False, indent=None, always_print_fields_with_no_presence=False
    )
    return dict(json.loads(text))


def scan(name: str, table: str, **spec: Any) -> dict[str, Any]:
    project, dataset, tbl = table.split(".")
    message = dataplex_v1.DataScan(
        name=name,
        type_=dataplex_v1.DataScanType.DATA_QUALITY,
        data=dataplex_v1.DataSource(
            resource=f"//bigquery.googleapis.com/projects/{project}/datasets/{dataset}/tables/{tbl}"
        ),
        execution_spec=dataplex_v1.DataScan.ExecutionSpec(**spec),
    )
    return wire(dataplex_v1.DataScan, message)


State = dataplex_v1.DataScanJob.State


def job(scan_name: str, job_id: str, state: Any, hour: int, result: Any = None) -> dict[str, Any]:
    message = dataplex_v1.DataScanJob(
        name=f"{scan_name}/jobs/{job_id}",
        state=state,
        start_time=datetime(2026, 12, 7, hour, 0, tzinfo=UTC),
        type_=dataplex_v1.DataScanType.DATA_QUALITY,
    )
    if result is not None:
        message.data_quality_result = result
    return wire(dataplex_v1.DataScanJob, message)


def non_null(column: str, evaluated: int, passed: int, **rule: Any) -> Any:
    return dataplex_v1.DataQualityRuleResult(
        rule=dataplex_v1.DataQualityRule(column=column, non_null_expectation={}, **rule),
        passed=passed == evaluated,
        evaluated_count=evaluated,
        passed_count=passed,
        null_count=evaluated - passed,
        pass_ratio=passed / evaluated,
    )


def exchange(method: str, request: dict[str, Any], response: dict[str, Any]) -> Exchange:
    return Exchange(
        v=1,
        poll=1,
        t=NOW,
        source="dataquality",
        api="grpc",
        method=method,
        request=request,
        response=response,
    )


def poll(
    scans: dict[str, list[dict[str, Any]]], listed: dict[str, list[dict[str, Any]]], full: list[Any]
) -> Any:
    out = [
        exchange(LIST_DATA_SCANS, {"parent": parent}, {"dataScans": found}) for parent, found in scans.items()
    ]
    out += [exchange(LIST_DATA_SCAN_JOBS, {"parent": p}, {"dataScanJobs": j}) for p, j in listed.items()]
    out += [exchange(GET_DATA_SCAN_JOB, {"name": j["name"], "view": "FULL"}, j) for j in full]
    return parse_dataquality(out, PollContext("dataquality"))


def test_a_zero_pass_ratio_left_out_on_the_wire_is_zero_and_a_zero_threshold_is_every_row() -> None:
    rule = non_null("customer_id", 10, 0, threshold=0.0)  # no row passed; threshold 0: the default 1.0
    result = dataplex_v1.DataQualityResult(passed=False, score=0.0, row_count=10, rules=[rule])
    body = job(EU, "j1", State.SUCCEEDED, 7, result)
    sent = body["dataQualityResult"]["rules"][0]
    assert "passRatio" not in sent
    assert "passedCount" not in sent
    assert "passed" not in sent
    data = poll({"projects/acme-etl/locations/europe-west1": [scan(EU, "acme-etl.sales.orders")]}, {}, [body])
    [state] = states(data)
    assert state.status == "failed"
    assert state.result is not None
    assert state.result.score == 0.0  # `score` has presence: 0 is sent and is a score, not "none"
    [got] = state.result.rules
    # pass_ratio = passed_count / evaluated_count = 0 / 10
    assert (got.pass_ratio, got.passed_count, got.evaluated_count, got.null_count) == (0.0, 0, 10, 10)
    assert got.threshold is None  # 0 "indicates default value (i.e. 1.0)"
    writer = Job(project="acme-etl", job_id="load", destination_table="acme-etl.sales.orders", ended=NOW)
    [insight] = rules.failed_table_in_use(data, [writer], NOW)
    assert "failed rules: non_null(customer_id) 0;" in insight.evidence
    assert insight.severity == "critical"  # score 0.0 < 80


def test_a_rule_with_no_row_count_keeps_no_ratio() -> None:
    # a SQL assertion is not row-level: no evaluated_count, no pass_ratio (not "0 %")
    assertion = dataplex_v1.DataQualityRuleResult(
        rule=dataplex_v1.DataQualityRule(sql_assertion={"sql_statement": "SELECT 1"}, name="no-dupes"),
        passed=False,
        assertion_row_count=3,
    )
    result = dataplex_v1.DataQualityResult(passed=False, rules=[assertion])
    data = poll(
        {"projects/acme-etl/locations/europe-west1": [scan(EU, "acme-etl.sales.orders")]},
        {},
        [job(EU, "j1", State.SUCCEEDED, 7, result)],
    )
    [state] = states(data)
    assert state.result is not None
    [got] = state.result.rules
    assert (got.name, got.rule_type, got.pass_ratio, got.evaluated_count) == (
        "no-dupes",
        "sql_assertion",
        None,
        None,
    )
    assert state.result.score is None  # not sent: no score (an old job's result)


def test_succeeded_with_errors_is_finished_and_read_in_full() -> None:
    listed = [
        job(EU, "j1", State.SUCCEEDED_WITH_ERRORS, 7),
        job(EU, "j2", State.RUNNING, 9),
        job(EU, "j3", State.PENDING, 9),
    ]
    found = jobs_page({"dataScanJobs": listed}, TimeCache())
    assert to_read(found, set()) == [f"{EU}/jobs/j1"]


def test_a_run_queued_or_running_after_a_failure_does_not_clear_it() -> None:
    for newest in (State.RUNNING, State.PENDING):
        failed = job(EU, "j1", State.FAILED, 7)
        failed["message"] = "Permission denied on table"
        data = poll(
            {"projects/acme-etl/locations/europe-west1": [scan(EU, "acme-etl.sales.orders")]},
            {EU: [failed, job(EU, "j2", newest, 9)]},
            [failed],
        )
        [state] = states(data)
        assert state.last is not None
        assert state.last.job_id == "j2"
        assert state.status == "failed", newest  # the newest finished job failed
        assert rules.metrics(data)["failed_scans"] == 1.0


def test_a_cancelled_or_resultless_newest_job_does_not_hide_the_failed_result_before_it() -> None:
    bad = dataplex_v1.DataQualityResult(
        passed=False, score=50.0, row_count=120_000, rules=[non_null("id", 100, 91)]
    )
    older = job(EU, "j1", State.SUCCEEDED, 6, bad)
    for newest in (job(EU, "j2", State.CANCELLED, 8), job(EU, "j2", State.SUCCEEDED, 8)):  # no result (yet)
        data = poll(
            {"projects/acme-etl/locations/europe-west1": [scan(EU, "acme-etl.sales.orders")]},
            {EU: [older, newest]},
            [older, newest],
        )
        [state] = states(data)
        assert state.result is not None
        assert state.result.job_id == "j1", newest["state"]
        assert state.status == "failed"
        assert [r.pass_ratio for r in state.failed_rules] == [0.91]  # 91 / 100
        assert rules.metrics(data)["min_score"] == 50.0


def test_two_projects_and_regions_keep_their_scans_and_jobs_apart() -> None:
    ok = dataplex_v1.DataQualityResult(passed=True, score=100.0, row_count=123_456_789_012)
    bad = dataplex_v1.DataQualityResult(passed=False, score=72.5, row_count=5)
    incremental = {"field": "updated_at", "trigger": dataplex_v1.Trigger(schedule={"cron": "0 */6 * * *"})}
    eu_job = job(EU, "j1", State.SUCCEEDED, 7, ok)
    asia_job = job(ASIA, "j1", State.SUCCEEDED, 8, bad)
    assert eu_job["dataQualityResult"]["rowCount"] == "123456789012"  # int64: a string on the wire
    data = poll(
        {
            "projects/acme-etl/locations/europe-west1": [scan(EU, "acme-etl.sales.orders")],
            "projects/acme-jp/locations/asia-northeast1": [scan(ASIA, "acme-jp.sales.orders", **incremental)],
        },
        {EU: [eu_job], ASIA: [asia_job]},
        [eu_job, asia_job],
    )
    found = states(data)
    # failed first
    assert [(s.key, s.status) for s in found] == [
        ("acme-jp/asia-northeast1/orders-dq", "failed"),
        ("acme-etl/europe-west1/orders-dq", "passed"),
    ]
    jp, eu = found
    assert (jp.scan.table, jp.scan.trigger, jp.scan.cron) == (
        "acme-jp.sales.orders",
        "schedule",
        "0 */6 * * *",
    )
    assert [j.name for j in jp.jobs] == [f"{ASIA}/jobs/j1"]
    assert eu.result is not None
    assert eu.result.row_count == 123_456_789_012
    assert rules.metrics(data) == {"failed_scans": 1.0, "min_score": 72.5}
