"""Redaction of exchanges: stable pseudonyms, project mapping everywhere, query text and labels by option,
and a manifest entry that names neither the salt nor a real project."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from dashboard.errors import UsageError
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange, ExchangeError
from dashboard.recording.recorder import parse_duration
from dashboard.recording.redact import TRUNCATE_AT, Redactor, parse_mapping, schema_memo

T = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
SQL = "SELECT * FROM `acme-etl.sales.orders` WHERE owner = 'alice@acme.com' " + "-- padding " * 40


def job(email: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "jobReference": {"projectId": "acme-etl", "jobId": "j1", "location": "US"},
        "user_email": email,
        "configuration": {"query": {"query": SQL}, "labels": labels},
    }


def jobs_list(*jobs: dict[str, Any]) -> Exchange:
    return Exchange(
        v=1,
        poll=1,
        t=T,
        source="jobs",
        api="rest",
        method=fmt.BQ_JOBS_LIST,
        http_method="GET",
        path="/bigquery/v2/projects/acme-etl/jobs",
        params={"allUsers": "True", "parentJobId": "acme-etl:US.x"},
        status=200,
        response={"kind": "bigquery#jobList", "jobs": list(jobs)},
    )


def history(page: int, rows: list[list[Any]]) -> Exchange:
    """A history page; only the first carries the schema."""
    response: dict[str, Any] = {"rows": [{"f": [{"v": v} for v in row]} for row in rows]}
    if page == 1:
        names = ("job_id", "user_email", "query", "labels")
        response["schema"] = {"fields": [{"name": n} for n in names]}
    return Exchange(
        v=1,
        poll=1,
        t=T,
        source="jobs",
        api="rest",
        method=fmt.BQ_JOBS_QUERY if page == 1 else fmt.BQ_GET_QUERY_RESULTS,
        request={"query": "SELECT ... `acme-etl`", "labels": {fmt.QUERY_LABEL: fmt.JOBS_HISTORY_QUERY}},
        response=response,
    )


def labels_cell(**labels: str) -> list[dict[str, Any]]:
    return [{"v": {"f": [{"v": k}, {"v": v}]}} for k, v in labels.items()]


def dump(exchange: Exchange) -> str:
    return msgspec.json.encode(exchange).decode()


def test_the_same_person_is_the_same_pseudonym_everywhere_and_nothing_leads_back() -> None:
    redactor = Redactor(salt=b"s1")
    out = dump(
        redactor.exchange(
            jobs_list(job("Alice@acme.com", {"owner": "alice@acme.com"}), job("bob@acme.com", {}))
        )
    )
    alice = redactor.pseudonym("alice@acme.com")
    assert alice.startswith("user-")
    assert alice.endswith("@redacted.example")
    assert out.count(alice) == 4  # user_email, label value, inside the SQL of both jobs
    assert redactor.pseudonym("bob@acme.com") in out
    assert "acme.com" not in out
    assert Redactor(salt=b"s2").pseudonym("alice@acme.com") != alice  # keyed by the recording's salt
    assert redactor.pseudonym("etl@acme-etl.iam.gserviceaccount.com").startswith("sa-")


def test_principals_errors_paths_and_params_are_redacted() -> None:
    redactor = Redactor(projects={"acme-etl": "demo-etl"})
    failed = msgspec.structs.replace(
        jobs_list(),
        response=None,
        error=ExchangeError(code="403 accessDenied", message="User carol@acme.com lacks access to acme-etl"),
    )
    out = dump(redactor.exchange(failed))
    assert "carol@acme.com" not in out
    assert "acme-etl" not in out
    assert "/projects/demo-etl/jobs" in out
    assert "demo-etl:US.x" in out
    subject = "principal://iam.googleapis.com/locations/global/workforcePools/p/subject/dave"
    assert "dave" not in redactor.text(f"user:{subject}")
    assert redactor.text("serviceAccount:x@acme-etl.iam.gserviceaccount.com").startswith("serviceAccount:sa-")


def test_projects_are_mapped_everywhere_longest_first() -> None:
    redactor = Redactor(emails=False, projects={"acme": "demo", "acme-etl": "demo-etl"})
    assert (
        redactor.text("projects/acme-etl/regions/x and acme.sales")
        == "projects/demo-etl/regions/x and demo.sales"
    )
    assert redactor.value({"acme-etl": ["acme"]}) == {"demo-etl": ["demo"]}
    assert redactor.project("acme-etl") == "demo-etl"


@pytest.mark.parametrize(("mode", "expected"), [("keep", SQL), ("truncate", SQL[:TRUNCATE_AT]), ("drop", "")])
def test_query_text_of_listed_jobs_and_history_rows(mode: Any, expected: str) -> None:
    redactor = Redactor(emails=False, query_text=mode)
    listed = redactor.exchange(jobs_list(job("a@b.com", {})))
    assert listed.response is not None
    assert listed.response["jobs"][0]["configuration"]["query"]["query"] == expected
    memo = schema_memo()
    first = redactor.exchange(history(1, [["j1", "a@b.com", SQL, labels_cell()]]), memo)
    later = redactor.exchange(history(2, [["j2", "a@b.com", SQL, labels_cell()]]), memo)
    for page in (first, later):  # the second page has no schema: the first page's is remembered
        assert page.response is not None
        assert page.response["rows"][0]["f"][2]["v"] == expected
    assert first.request["query"] == "SELECT ... `acme-etl`"  # gcpdash's own query is not the user's


def test_drop_labels_keeps_gcpdash_own_label_and_monitoring_labels() -> None:
    redactor = Redactor(emails=False, drop_labels=True)
    listed = redactor.exchange(jobs_list(job("a@b.com", {"team": "x", fmt.QUERY_LABEL: "jobs-history"})))
    assert listed.response is not None
    assert listed.response["jobs"][0]["configuration"]["labels"] == {fmt.QUERY_LABEL: "jobs-history"}
    row = redactor.exchange(history(1, [["j1", "a", "q", labels_cell(team="x", **{fmt.QUERY_LABEL: "h"})]]))
    assert row.response is not None
    assert row.response["rows"][0]["f"][3]["v"] == labels_cell(**{fmt.QUERY_LABEL: "h"})
    assert row.request["labels"] == {fmt.QUERY_LABEL: fmt.JOBS_HISTORY_QUERY}
    cluster = Exchange(
        v=1, poll=1, t=T, source="dataproc", api="grpc", method=fmt.DATAPROC_LIST_CLUSTERS,
        response={"clusters": [{"clusterName": "c", "labels": {"team": "x"}}]},
    )  # fmt: skip
    dropped = redactor.exchange(cluster)
    assert dropped.response == {"clusters": [{"clusterName": "c", "labels": {}}]}
    series = Exchange(
        v=1, poll=1, t=T, source="dataproc", api="grpc", method=fmt.MON_LIST_TIME_SERIES,
        response={"timeSeries": [{"resource": {"labels": {"cluster_name": "c"}}}]},
    )  # fmt: skip
    assert redactor.exchange(series).response == series.response


def test_no_redaction_changes_nothing() -> None:
    exchange = jobs_list(job("alice@acme.com", {"a": "b"}))
    assert Redactor(emails=False).exchange(exchange) is exchange


def test_the_manifest_names_neither_the_salt_nor_a_real_project() -> None:
    redactor = Redactor(salt=b"secret-salt", projects={"acme-etl": "demo-etl"}, query_text="truncate")
    described = json.dumps(redactor.describe())
    assert "acme-etl" not in described
    assert "secret-salt" not in described
    assert redactor.describe() == {
        "emails": "pseudonym@redacted.example",
        "projects": "mapped",
        "mapped_to": ["demo-etl"],
        "query_text": f"truncate:{TRUNCATE_AT}",
        "labels": "keep",
    }


def test_flags_parse() -> None:
    assert parse_mapping(["acme-1=demo-1", " acme-c = demo-c "]) == {"acme-1": "demo-1", "acme-c": "demo-c"}
    bad_ids = (["acme-etl=../x"], ["acme-etl=Demo-Etl"], ["a=demo-etl"])
    for bad in (["acme-a"], ["=demo-b"], ["acme-a="], ["acme-a=demo-b", "acme-a=demo-c"], *bad_ids):
        with pytest.raises(ValueError, match="--map-project"):
            parse_mapping(bad)
    assert parse_duration("30m") == 1800
    assert parse_duration("1h30m") == 5400
    assert parse_duration("90") == 90
    assert parse_duration("2.5s") == 2.5
    for bad in ("", "0", "5x", "m", "-3m"):
        with pytest.raises(UsageError):
            parse_duration(bad)
