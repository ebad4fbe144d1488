"""Retries are bounded per call and per poll, and a throttled source backs off.

Counted on the fakes: a quota error is not retried within the call and, once a service answered 429 /
RESOURCE_EXHAUSTED (or 503 / UNAVAILABLE after its few retries, or hung), the poll's other calls to that
service are not made; the poll's reason says when the next poll comes, and the backend waits that long.
BigQuery projects are read side by side. ``--once`` (every source once) stays within the bound
docs/configuration.md states, against fakes that fail every call with 503 and that never answer.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import live_snapshot
from dashboard.config import load_config
from dashboard.models import JobsData
from dashboard.recording import format as fmt

from .fake_grpc import Fault
from .fake_rest import FakeRest, bq_config
from .serve import Servers
from .world import JOB_PROJECTS, fake_jobs

pytestmark = pytest.mark.timeout(60)

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
RESERVATION_SERVICE = "google.cloud.bigquery.reservation.v1.ReservationService/"


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def now(self) -> datetime:
        return self.at


def config_file(tmp_path: Path, servers: Servers, *, timeout: float, deadline: float) -> Path:
    path = tmp_path / "fake.toml"
    path.write_text(servers.config(timeout=timeout, deadline=deadline), encoding="utf-8")
    return path


@pytest.fixture
def servers() -> Iterator[Servers]:
    with Servers(world=True) as both:
        yield both


# ------------------------------------------------------------------ gRPC: quota


def test_resource_exhausted_is_asked_once_and_the_rest_of_the_service_is_skipped(
    servers: Servers, tmp_path: Path
) -> None:
    servers.grpc.fault(fmt.RES_LIST_RESERVATIONS, Fault(code="RESOURCE_EXHAUSTED", message="Quota exceeded"))
    config = load_config(config_file(tmp_path, servers, timeout=1.0, deadline=3.0))
    clock = Clock()
    backend = LiveBackend(config, clock)
    try:
        [poll] = backend.poll("reservations")
        asked = [r.method for r in servers.grpc.received if r.method.startswith(RESERVATION_SERVICE)]
        # One ListReservations (US), not retried; europe-west4's, the commitments and the assignment
        # searches were skipped with its reason instead of each retrying.
        assert asked == [fmt.RES_LIST_RESERVATIONS]
        assert poll.error_code == "RESOURCE_EXHAUSTED"
        reason = poll.error or ""
        found = re.search(r"polling backs off: next poll in (\d+)s", reason)
        assert found, reason
        wait = int(found[1])
        interval = config.intervals.reservations  # 60 s
        # jittered exponential: the first back-off is between 1.5 and 2 intervals
        assert 1.5 * interval - 1 <= wait <= 2 * interval
        clock.at += timedelta(seconds=interval)  # the normal interval has passed, the back-off has not
        assert backend.poll("reservations") == []
        clock.at = NOW + timedelta(seconds=wait + 1)
        [again] = backend.poll("reservations")
        assert again.error_code == "RESOURCE_EXHAUSTED"
        asked = [r.method for r in servers.grpc.received if r.method == fmt.RES_LIST_RESERVATIONS]
        assert len(asked) == 2
        second = re.search(r"next poll in (\d+)(s|m)", again.error or "")
        assert second, again.error
        # the second back-off in a row: between 3 and 4 intervals
        seconds = int(second[1]) * (60 if second[2] == "m" else 1)
        assert 3 * interval - 60 <= seconds <= 4 * interval
    finally:
        backend.close()


# ------------------------------------------------------------------ gRPC: Monitoring 503 in --once


def test_a_monitoring_503_costs_a_bounded_number_of_calls_in_once(servers: Servers, tmp_path: Path) -> None:
    servers.grpc.fault(
        fmt.MON_LIST_TIME_SERIES, Fault(code="UNAVAILABLE", message="The service is currently unavailable.")
    )
    config = load_config(config_file(tmp_path, servers, timeout=1.0, deadline=4.0))
    _snapshot, polls = live_snapshot(config, Clock())
    calls = len(servers.grpc.requests(fmt.MON_LIST_TIME_SERIES))
    # Monitoring is read on acme-admin (reservations) and on acme-etl and acme-bi (Dataproc, Dataflow):
    # the first call of each of those 5 reads may be in flight at once, each tried at most 3 times;
    # then the service is skipped for the rest of the poll.  5 × 3 = 15.
    assert 1 <= calls <= 15, calls
    # the listings answered: every gRPC source has data, with the Monitoring failure as a warning
    for poll in polls:
        if poll.source in ("reservations", "dataproc", "dataflow"):
            assert poll.data is not None, poll.error
            assert any("UNAVAILABLE" in w for w in poll.data.warnings)


# ------------------------------------------------------------------ BigQuery


@pytest.fixture
def rest() -> Iterator[FakeRest]:
    with FakeRest(world=fake_jobs(NOW), slow_seconds=3.0) as fake:
        yield fake


def _world(url: str, *, timeout: float, deadline: float) -> object:
    from dashboard.config import TimeoutsConfig

    config = bq_config(url, projects=JOB_PROJECTS, bigquery_locations=["US", "europe-west4"])
    import msgspec

    return msgspec.structs.replace(config, timeouts=TimeoutsConfig(call=timeout, retry_deadline=deadline))


def test_bigquery_429_is_not_retried_and_stops_the_polls_other_bigquery_calls(rest: FakeRest) -> None:
    rest.inject("list", "429")
    backend = LiveBackend(_world(rest.url, timeout=1.0, deadline=3.0), Clock())  # type: ignore[arg-type]
    [poll] = backend.poll("jobs")
    for project in JOB_PROJECTS:
        # at most its first listing (pending): not retried, and nothing after it
        assert len(rest.requests(f"/projects/{project}/jobs")) <= 1, project
    assert not [r for r in rest.log if r.method == "POST"]
    assert "polling backs off: next poll in" in (poll.error or "")


def test_bigquery_projects_are_read_side_by_side(rest: FakeRest) -> None:
    """jobs.list never answers (3 s, the call's timeout is 0.5 s): both projects are asked at once, so
    the poll takes about one call's worst case, not one per project."""
    rest.inject("list", "slow")
    timeout, deadline = 0.5, 0.5
    backend = LiveBackend(_world(rest.url, timeout=timeout, deadline=deadline), Clock())  # type: ignore[arg-type]
    started = time.monotonic()
    [poll] = backend.poll("jobs")
    took = time.monotonic() - started
    assert poll.error_code == "DEADLINE_EXCEEDED"
    for project in JOB_PROJECTS:
        assert rest.requests(f"/projects/{project}/jobs"), project
    # one call at most: deadline + timeout (0.5 + 0.5), plus slack for a loaded machine
    assert took < deadline + timeout + 1.0, took
    exchanges = backend.last_exchanges["jobs"]
    projects = [ex.path.split("/")[4] for ex in exchanges if ex.path]
    assert projects == sorted(projects, key=JOB_PROJECTS.index)  # project by project, in config order


def test_bigquery_history_still_runs_in_the_project_that_answered(rest: FakeRest) -> None:
    rest.inject("list", "404", "acme-bi")
    backend = LiveBackend(_world(rest.url, timeout=1.0, deadline=1.0), Clock())  # type: ignore[arg-type]
    [poll] = backend.poll("jobs")
    assert isinstance(poll.data, JobsData)
    assert poll.data.history
    assert len(rest.requests("/projects/acme-etl/queries")) >= 2  # US and europe-west4


def test_a_history_query_the_budget_skipped_is_due_at_the_next_poll(rest: FakeRest) -> None:
    rest.inject("query", "429")
    clock = Clock()
    backend = LiveBackend(_world(rest.url, timeout=1.0, deadline=1.0), clock)  # type: ignore[arg-type]
    [first] = backend.poll("jobs")
    assert isinstance(first.data, JobsData)  # the listings answered; history failed
    sent = [(r.path.split("/")[4], r.body["location"]) for r in rest.log if r.method == "POST"]
    # the first poll's 4 first windows (2 projects x 2 locations): one query per project may be in flight
    # before the first 429 comes back; the others are not sent
    assert 1 <= len(sent) <= 2
    skipped = {
        (ex.path.split("/")[4], ex.request["location"])
        for ex in backend.last_exchanges["jobs"]
        if ex.method == fmt.BQ_JOBS_QUERY and (ex.error and ex.error.message.startswith("not asked:"))
    }
    assert len(skipped) == 4 - len(sent)
    rest.clear()
    clock.at += timedelta(seconds=25)  # past the back-off (a 10 s interval: at most 20 s)
    [second] = backend.poll("jobs")
    assert isinstance(second.data, JobsData)
    again = {(r.path.split("/")[4], r.body["location"]) for r in rest.log if r.method == "POST"}
    # the skipped windows were never read: due at once; the ones that failed wait for their interval
    assert again == skipped


# ------------------------------------------------------------------ --once worst case


ONCE_TIMEOUT = 0.5
ONCE_DEADLINE = 1.0
ONCE_BOUND = 2 * (ONCE_TIMEOUT + ONCE_DEADLINE) + 2.0
"""docs/configuration.md: ``--once`` takes at most 2 × (call + retry_deadline), plus start-up (the
clients' import and the first connections: 2 s is generous on a loaded machine)."""


def _every_grpc_method(servers: Servers, fault: Fault, *, but: tuple[str, ...] = ()) -> None:
    from .fake_grpc import rpc_classes

    for method in rpc_classes():
        if method not in but:
            servers.grpc.fault(method, fault)


def test_once_within_its_bound_when_every_call_fails_with_503(servers: Servers, tmp_path: Path) -> None:
    for kind in ("list", "query", "results", "get"):
        servers.rest.inject(kind, "503")
    _every_grpc_method(servers, Fault(code="UNAVAILABLE", message="The service is currently unavailable."))
    config = load_config(config_file(tmp_path, servers, timeout=ONCE_TIMEOUT, deadline=ONCE_DEADLINE))
    started = time.monotonic()
    _snapshot, polls = live_snapshot(config, Clock())
    took = time.monotonic() - started
    assert took < ONCE_BOUND, took
    assert {p.source for p in polls} == {"jobs", "reservations", "dataproc", "dataflow"}
    assert all(p.error is not None for p in polls)
    # each BigQuery project's first jobs.list at most 3 times, nothing after it
    assert len(servers.rest.log) <= 3 * len(JOB_PROJECTS)


def test_once_within_its_bound_when_nothing_answers(servers: Servers, tmp_path: Path) -> None:
    servers.rest.slow_seconds = 30.0
    for kind in ("list", "query", "results", "get"):
        servers.rest.inject(kind, "slow")
    _every_grpc_method(servers, Fault(kind="sleep", seconds=30.0))
    config = load_config(config_file(tmp_path, servers, timeout=ONCE_TIMEOUT, deadline=ONCE_DEADLINE))
    started = time.monotonic()
    _snapshot, polls = live_snapshot(config, Clock())
    took = time.monotonic() - started
    assert took < ONCE_BOUND, took
    assert all(p.error_code == "DEADLINE_EXCEEDED" for p in polls), [(p.source, p.error) for p in polls]


def test_once_within_its_bound_when_every_call_but_the_listings_fails(
    servers: Servers, tmp_path: Path
) -> None:
    """The listings answer; commitments, assignments, batches, cluster jobs, Monitoring and the history
    queries all fail with 503. Asked one after another, each retried to its deadline, they used to add
    up to several times the bound."""
    from .serve import PRIMARY

    timeout, deadline = 0.5, 4.0
    bound = 2 * (timeout + deadline) + 2.0  # 11 s
    for kind in ("query", "results", "get"):
        servers.rest.inject(kind, "503")
    unavailable = Fault(code="UNAVAILABLE", message="The service is currently unavailable.")
    _every_grpc_method(servers, unavailable, but=tuple(PRIMARY.values()))
    config = load_config(config_file(tmp_path, servers, timeout=timeout, deadline=deadline))
    started = time.monotonic()
    _snapshot, polls = live_snapshot(config, Clock())
    took = time.monotonic() - started
    assert took < bound, took
    by_source = {poll.source: poll for poll in polls}
    assert isinstance(by_source["jobs"].data, JobsData)
    assert by_source["jobs"].data.running_keys  # the listings answered: running and queued jobs shown
