"""Read-only by construction, BigQuery side: the HTTP session of the live client refuses anything but
jobs.list, jobs.get, jobs.getQueryResults and jobs.query of a SELECT; the code calls no other client
method; and no fake server in this process has received any other request."""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboard.backends.gcp.live import LiveBackend
from dashboard.queries import JOBS_HISTORY_SQL, jobs_history_sql
from dashboard.sources.jobs import api as live_bq
from dashboard.sources.jobs.api import ReadOnlyViolation, check_read_only, is_select, method_id

from . import fake_rest, fake_tables
from .fake_rest import FakeRest, bq_config

pytestmark = pytest.mark.timeout(30)

BASE = "http://127.0.0.1:1/bigquery/v2/projects/p"
READ_CLIENT_METHODS = {"list_jobs", "query_and_wait", "get_table"}
"""The google.cloud.bigquery.Client methods the live code may call."""


@pytest.mark.parametrize(
    ("http_method", "path"),
    [
        ("POST", "/jobs"),  # jobs.insert
        ("POST", "/jobs/j/cancel"),
        ("DELETE", "/jobs/j/delete"),
        ("POST", "/datasets"),
        ("DELETE", "/datasets/d"),
        ("PUT", "/datasets/d/tables/t"),
        ("PATCH", "/datasets/d"),
        ("POST", "/datasets/d/tables/t/insertAll"),
        ("GET", "/datasets/d/tables/t/data"),  # reads table data: not something gcpdash needs
    ],
)
def test_the_guard_refuses_anything_but_the_reads(http_method: str, path: str) -> None:
    with pytest.raises(ReadOnlyViolation):
        check_read_only(http_method, BASE + path, b"{}")


@pytest.mark.parametrize(
    ("http_method", "path", "method"),
    [
        ("GET", "/jobs?allUsers=True", "bigquery.jobs.list"),
        ("GET", "/jobs/j?location=US", "bigquery.jobs.get"),
        ("GET", "/queries/j?pageToken=x", "bigquery.jobs.getQueryResults"),
        ("GET", "/datasets/clickstream/tables/sessions?prettyPrint=false", "bigquery.tables.get"),
    ],
)
def test_the_guard_lets_reads_through(http_method: str, path: str, method: str) -> None:
    check_read_only(http_method, BASE + path)
    assert method_id(http_method, "/bigquery/v2/projects/p" + path.partition("?")[0]) == method


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM d.t WHERE true",
        "SELECT 1; DROP TABLE d.t",
        "CREATE TABLE d.t AS SELECT 1",
        "INSERT INTO d.t SELECT 1",
        "-- SELECT\nUPDATE d.t SET x = 1 WHERE true",
        "",
    ],
)
def test_only_select_queries_are_sent(sql: str) -> None:
    assert not is_select(sql)
    with pytest.raises(ReadOnlyViolation):
        check_read_only("POST", BASE + "/queries", json.dumps({"query": sql}))


@pytest.mark.parametrize("location", ["US", "EU", "europe-west4", "asia-northeast1"])
def test_the_history_sql_is_a_select(location: str) -> None:
    sql = jobs_history_sql(location)
    assert is_select(sql)
    check_read_only("POST", BASE + "/queries", json.dumps({"query": sql}).encode())
    assert JOBS_HISTORY_SQL.lstrip().upper().startswith("SELECT")


def test_the_code_calls_only_read_client_methods() -> None:
    """Every ``client.X(...)`` in the modules that hold a BigQuery client (the jobs and billing sources'
    fetches and what they share) is a read."""
    from dashboard.backends.gcp import bq_client, bq_tables
    from dashboard.sources.billing import api as billing_api

    called: set[str] = set()
    for module in (live_bq, bq_client, billing_api, bq_tables):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        called |= {
            node.func.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "client"
        }
    assert called == READ_CLIENT_METHODS


def test_a_failed_wait_never_cancels_and_the_server_saw_only_reads() -> None:
    """query_and_wait cancels the job when its wait fails: the guard refuses it before it is sent."""
    with FakeRest() as fake:
        fake.inject("results", "503")
        backend = LiveBackend(bq_config(fake.url), _Clock())
        [poll] = backend.poll("jobs")
        assert poll.data is not None
        seen = {(r.method, method_id(r.method, r.path)) for r in fake.log}
    assert ("GET", "bigquery.jobs.get") in seen  # the wait path ran
    assert not [path for _, path in fake_rest.SEEN if path.endswith("/cancel")]
    # every request of every fake REST server so far (and of the fake tables.get)
    for http_method, path in fake_rest.SEEN | fake_tables.SEEN:
        assert method_id(http_method, path) in live_bq.READ_METHODS, (http_method, path)


class _Clock:
    def now(self) -> datetime:
        return datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
