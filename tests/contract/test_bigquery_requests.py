"""The live BigQuery jobs source against the fake REST server: the requests google-cloud-bigquery sends
(paths, params, pages, the history query's body), the exchanges kept (the wire JSON), the parsed data, and
the incremental history windows: every project's in the first poll, staggered after it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.backends.gcp.live import LiveBackend
from dashboard.models import JobsData
from dashboard.parsers import parse_poll
from dashboard.queries import jobs_history_sql
from dashboard.recording import format as fmt
from dashboard.sources.jobs.api_window import OVERLAP

from .fake_rest import FakeRest, bq_config

pytestmark = pytest.mark.timeout(30)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class StepClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.at = start

    def now(self) -> datetime:
        return self.at


@pytest.fixture(scope="module")
def server() -> Iterator[FakeRest]:
    with FakeRest() as fake:
        yield fake


@pytest.fixture
def fake(server: FakeRest) -> FakeRest:
    server.clear()
    return server


def jobs_poll(backend: LiveBackend) -> JobsData:
    [poll] = backend.poll("jobs", force=True)
    assert poll.error is None, poll.error
    assert isinstance(poll.data, JobsData)
    return poll.data


def test_first_poll_lists_every_project_and_queries_the_history_of_each(fake: FakeRest) -> None:
    backend = LiveBackend(bq_config(fake.url), StepClock())
    data = jobs_poll(backend)
    # projects are read side by side: each project's calls in order, the projects interleaved
    for project in ("acme-analytics", "acme-etl"):
        calls = [(r.method, r.path.split("/")[-1]) for r in fake.log if f"/projects/{project}/" in r.path]
        calls = [call for call in calls if call[1] in ("jobs", "queries")]  # not the query's later pages
        assert calls == [("GET", "jobs"), ("GET", "jobs"), ("POST", "queries")], project
        listings = [r for r in fake.requests(f"/projects/{project}/jobs") if r.path.endswith("/jobs")]
        # queued, then running: one state each (the client's state_filter takes one)
        assert [r.multi["stateFilter"] for r in listings] == [["pending"], ["running"]]
    assert sum(r.method == "POST" for r in fake.log) == 2  # every project's first window in the first poll
    listings = [r for r in fake.requests("/jobs") if r.path.endswith("/jobs")]
    assert len(listings) == 4
    # the exchanges (what a recording holds) come project by project, in the configured order
    paths = [ex.path for ex in backend.last_exchanges["jobs"] if ex.method == fmt.BQ_JOBS_LIST]
    assert [p.split("/")[4] for p in paths if p] == [
        "acme-analytics",
        "acme-analytics",
        "acme-etl",
        "acme-etl",
    ]
    for request in listings:
        assert request.params["allUsers"] == "True"
        assert request.params["projection"] == "full"
        assert request.params["maxResults"] == "50"
    assert data.history
    assert data.running_keys is not None
    assert len(data.running_keys) == sum(len(jobs) for jobs in fake.recorded.jobs.values())


def test_history_query_body(fake: FakeRest) -> None:
    clock = StepClock()
    backend = LiveBackend(bq_config(fake.url, history_window=3 * 3600.0), clock)
    jobs_poll(backend)
    query, _ = [r for r in fake.log if r.method == "POST"]
    body = query.body
    assert body["labels"] == {fmt.QUERY_LABEL: fmt.JOBS_HISTORY_QUERY}
    assert body["maximumBytesBilled"] == "1000000000"
    assert body["location"] == "US"
    assert body["useLegacySql"] is False
    assert body["query"] == jobs_history_sql("US")
    assert "acme" not in body["query"]  # user values travel only as parameters
    assert body["parameterMode"] == "NAMED"
    params = {p["name"]: p for p in body["queryParameters"]}
    assert {name: p["parameterType"]["type"] for name, p in params.items()} == {
        "since": "TIMESTAMP",
        "until": "TIMESTAMP",
        "max_rows": "INT64",
    }
    since = datetime.fromisoformat(params["since"]["parameterValue"]["value"])
    until = datetime.fromisoformat(params["until"]["parameterValue"]["value"])
    assert until == T0
    assert until - since == timedelta(hours=3)
    assert params["max_rows"]["parameterValue"]["value"] == "20000"


def test_result_pages_follow_the_page_token(fake: FakeRest) -> None:
    backend = LiveBackend(bq_config(fake.url, projects=("acme-analytics",)), StepClock())
    jobs_poll(backend)
    exchanges = backend.last_exchanges["jobs"]
    methods = [ex.method for ex in exchanges]
    assert methods[:3] == [fmt.BQ_JOBS_LIST, fmt.BQ_JOBS_LIST, fmt.BQ_JOBS_QUERY]
    [results] = [ex for ex in exchanges if ex.method == fmt.BQ_GET_QUERY_RESULTS]
    first = exchanges[2].response
    assert first is not None
    assert results.params["pageToken"] == first["pageToken"]
    assert results.path == f"/bigquery/v2/projects/acme-analytics/queries/{first['jobReference']['jobId']}"
    rows = len(first["rows"]) + len((results.response or {})["rows"])
    assert rows == int(first["totalRows"])
    history = parse_poll("jobs", [ex for ex in exchanges if ex.method != fmt.BQ_JOBS_LIST])
    assert isinstance(history, JobsData)
    assert len(history.jobs) >= rows  # jobs.get may make the client read the first page again


def test_jobs_list_pages_and_exchanges_keep_the_wire_json(fake: FakeRest) -> None:
    fake.page_size = 2
    backend = LiveBackend(bq_config(fake.url, projects=("acme-analytics",)), StepClock())
    data = jobs_poll(backend)
    recorded = fake.recorded.jobs["acme-analytics"]
    lists = [
        ex
        for ex in backend.last_exchanges["jobs"]
        if ex.method == fmt.BQ_JOBS_LIST and ex.params["stateFilter"] == "running"
    ]
    assert len(lists) == (len(recorded) + 1) // 2
    tokens = [ex.params.get("pageToken") for ex in lists]
    assert tokens == [None, *[str(i) for i in range(2, len(recorded), 2)]]
    wire = [job for ex in lists for job in (ex.response or {}).get("jobs", [])]
    assert wire == recorded
    assert all(ex.status == 200 and ex.http_method == "GET" for ex in lists)
    assert data.running_keys is not None
    assert len(data.running_keys) == len(recorded)


def test_history_is_staggered_and_incremental(fake: FakeRest) -> None:
    clock = StepClock()
    backend = LiveBackend(bq_config(fake.url), clock)

    def queried() -> list[tuple[str, datetime]]:
        out = []
        for r in fake.log:
            if r.method == "POST":
                params = {p["name"]: p["parameterValue"]["value"] for p in r.body["queryParameters"]}
                out.append((r.path.split("/")[4], datetime.fromisoformat(params["since"])))
        fake.log.clear()
        return out

    jobs_poll(backend)
    first = backend.last_exchanges["jobs"]
    # both projects' first windows (side by side: in either order)
    assert sorted(queried()) == [
        ("acme-analytics", T0 - timedelta(hours=6)),
        ("acme-etl", T0 - timedelta(hours=6)),
    ]
    clock.at = T0 + timedelta(seconds=30)
    jobs_poll(backend)
    assert queried() == []  # the location had a billed query less than a minute ago
    clock.at = T0 + timedelta(seconds=60)
    jobs_poll(backend)
    [(project, since)] = queried()  # then one a gap ([intervals] jobs_history = 60), taking turns
    assert project == "acme-analytics"
    history = parse_poll("jobs", [ex for ex in first if ex.method != fmt.BQ_JOBS_LIST])
    assert isinstance(history, JobsData)
    mine = [job for job in history.jobs if job.project == "acme-analytics" and job.created is not None]
    created = [job.created for job in mine if job.created is not None]
    unfinished = [job.created for job in mine if job.created is not None and job.state != "DONE"]
    expected = max(created) - OVERLAP
    if unfinished:
        expected = min(expected, *unfinished)
    assert since == expected
    clock.at = T0 + timedelta(seconds=90)
    jobs_poll(backend)
    assert queried() == []
    clock.at = T0 + timedelta(seconds=120)
    jobs_poll(backend)
    assert [p for p, _ in queried()] == ["acme-etl"]


def test_locations_are_configurable(fake: FakeRest) -> None:
    backend = LiveBackend(
        bq_config(fake.url, projects=("acme-analytics",), bigquery_locations=["EU", "europe-west4"]),
        StepClock(),
    )
    [poll] = backend.poll("jobs")
    queries = [r.body for r in fake.log if r.method == "POST"]
    assert [q["location"] for q in queries] == ["EU", "europe-west4"]  # one per location, same minute
    assert "`region-eu`" in queries[0]["query"]
    assert "`region-europe-west4`" in queries[1]["query"]
    assert poll.error is None


def test_polls_come_no_faster_than_the_interval(fake: FakeRest) -> None:
    clock = StepClock()
    backend = LiveBackend(bq_config(fake.url, projects=("acme-analytics",)), clock)
    assert len(backend.poll("jobs")) == 1
    clock.at = T0 + timedelta(seconds=5)
    assert backend.poll("jobs") == []  # [intervals] jobs = 10
    clock.at = T0 + timedelta(seconds=10)
    assert len(backend.poll("jobs")) == 1
    (off,) = backend.poll("billing")  # no [billing] export_table: off, said once per interval
    assert (off.error_code, off.data) == ("OFF", None)
    assert backend.poll("billing") == []
