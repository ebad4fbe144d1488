"""The live backend with every source against both fake servers (REST for BigQuery, gRPC for the rest):
all panes filled; a failing source marks its own status with the reason while the others stay full; after
a good poll, a failing one keeps the data, marked stale; nothing hangs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import live_store, poll_all
from dashboard.config import load_config
from dashboard.models import DataflowData, DataprocData, JobsData, ReservationsData

from .fake_grpc import Fault
from .serve import PRIMARY, Servers

pytestmark = pytest.mark.timeout(60)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class StepClock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with Servers() as running:
        yield running


@pytest.fixture
def fakes(servers: Servers) -> Servers:
    servers.rest.clear()
    servers.grpc.clear_faults()
    return servers


def backend_for(servers: Servers, tmp_path: Path, clock: StepClock | None = None) -> LiveBackend:
    path = tmp_path / "gcpdash.toml"
    path.write_text(servers.config(timeout=0.5, deadline=0.5), encoding="utf-8")
    return LiveBackend(load_config(path, env={}), clock or StepClock())


def test_every_source_is_read(fakes: Servers, tmp_path: Path) -> None:
    backend = backend_for(fakes, tmp_path)
    try:
        polls = {poll.source: poll for poll in poll_all(backend)}
    finally:
        backend.close()
    assert set(polls) == {"jobs", "reservations", "dataproc", "dataflow"}
    assert all(poll.error is None for poll in polls.values()), {s: p.error for s, p in polls.items()}
    jobs, res = polls["jobs"].data, polls["reservations"].data
    proc, flow = polls["dataproc"].data, polls["dataflow"].data
    assert isinstance(jobs, JobsData)
    assert jobs.history
    assert jobs.jobs
    assert isinstance(res, ReservationsData)
    assert res.reservations
    assert isinstance(proc, DataprocData)
    assert proc.clusters
    assert isinstance(flow, DataflowData)
    assert flow.jobs


@pytest.mark.parametrize("failing", ["jobs", "reservations", "dataproc", "dataflow"])
@pytest.mark.parametrize("fault", ["denied", "unavailable", "garbage"])
def test_a_failing_source_says_why_and_the_others_are_full(
    fakes: Servers, tmp_path: Path, failing: str, fault: str
) -> None:
    if failing == "jobs":
        fakes.rest.inject("list", {"denied": "403", "unavailable": "503", "garbage": "garbage"}[fault])
    elif fault == "garbage":
        fakes.grpc.fault(PRIMARY[failing], Fault(kind="garbage"))
    else:
        code = "PERMISSION_DENIED" if fault == "denied" else "UNAVAILABLE"
        fakes.grpc.fault(PRIMARY[failing], Fault(code=code, message="injected"))
    backend = backend_for(fakes, tmp_path)
    started = time.monotonic()
    try:
        polls = {poll.source: poll for poll in poll_all(backend)}
    finally:
        backend.close()
    assert time.monotonic() - started < 20
    bad = polls.pop(failing)
    assert bad.data is None
    assert bad.error
    if fault == "denied":
        assert "needs roles/" in bad.error
    assert all(poll.data is not None and poll.error is None for poll in polls.values()), {
        s: p.error for s, p in polls.items()
    }


def test_a_source_that_fails_after_a_good_poll_keeps_its_data_marked_stale(
    fakes: Servers, tmp_path: Path
) -> None:
    clock = StepClock()
    backend = backend_for(fakes, tmp_path, clock)
    store = live_store(backend)
    try:
        for poll in poll_all(backend):
            store.apply(poll)
        fakes.grpc.fault(PRIMARY["dataproc"], Fault(code="PERMISSION_DENIED", message="denied"))
        clock.at = T0 + timedelta(minutes=5)
        for poll in poll_all(backend):
            store.apply(poll)
    finally:
        backend.close()
    snapshot = store.snapshot(clock.at)
    status = snapshot.statuses["dataproc"]
    assert status.state == "stale"
    assert "needs roles/dataproc.viewer" in (status.reason or "")
    assert snapshot.dataproc.clusters  # the last good data is still shown
    assert snapshot.statuses["jobs"].state == "ok"
    assert snapshot.statuses["dataflow"].state == "ok"


def test_nothing_reachable_is_an_error_per_source_not_a_hang(tmp_path: Path) -> None:
    from .fake_grpc import closed_port
    from .fake_rest import refused_url

    path = tmp_path / "gcpdash.toml"
    path.write_text(
        Servers.config_for(refused_url(), f"127.0.0.1:{closed_port()}", timeout=0.5, deadline=0.5),
        encoding="utf-8",
    )
    backend = LiveBackend(load_config(path, env={}), StepClock())
    started = time.monotonic()
    try:
        polls = poll_all(backend)
    finally:
        backend.close()
    assert time.monotonic() - started < 20
    assert len(polls) == 4
    assert all(poll.data is None and poll.error for poll in polls)
    assert all("UNAVAILABLE" in (poll.error or "") for poll in polls), [p.error for p in polls]


def test_an_unexpected_exception_is_a_poll_error(fakes: Servers, tmp_path: Path) -> None:
    """A bug in a fetch never escapes poll()."""
    backend = backend_for(fakes, tmp_path)
    backend.ctx.state["jobs.history"] = "not a schedule"  # replaced: fine
    backend.ctx.locations = ("not a location!",)
    [poll] = backend.poll("jobs")
    backend.close()
    assert poll.data is None
    assert poll.error_code in {"CONFIG", "INTERNAL"}
    assert "not a BigQuery location" in (poll.error or "")


def test_raw_payloads_of_the_latest_poll(fakes: Servers, tmp_path: Path) -> None:
    from dashboard.backends.base import SupportsRaw

    backend = backend_for(fakes, tmp_path)
    try:
        polls = {poll.source: poll for poll in poll_all(backend)}
    finally:
        backend.close()
    assert isinstance(backend, SupportsRaw)
    jobs, proc = polls["jobs"].data, polls["dataproc"].data
    assert isinstance(jobs, JobsData)
    assert isinstance(proc, DataprocData)
    running = sorted(jobs.running_keys or ())[0]
    item = backend.raw("job", running)
    assert item is not None
    assert item["jobReference"]["jobId"] == running.rsplit(".", 1)[-1]
    done = next(j for j in jobs.jobs if j.state == "DONE" and j.key not in (jobs.running_keys or ()))
    row = backend.raw("job", done.key)  # a history row, with its columns named as the fixture backend does
    assert row is not None
    assert row["job_id"] == done.job_id
    cluster = proc.clusters[0]
    found = backend.raw("cluster", f"{cluster.project}/{cluster.region}/{cluster.name}")
    assert found is not None
    assert found["clusterName"] == cluster.name
    assert backend.raw("job", "p:US.no-such-job") is None
    assert backend.raw("billing", "x") is None


def test_in_the_background_a_slow_source_delays_only_itself(fakes: Servers, tmp_path: Path) -> None:
    fakes.grpc.fault(PRIMARY["dataflow"], Fault(kind="sleep", seconds=3.0))
    path = tmp_path / "gcpdash.toml"
    path.write_text(fakes.config(timeout=2.0, deadline=2.0), encoding="utf-8")
    backend = LiveBackend(load_config(path, env={}), StepClock(), background=True)
    arrived: dict[str, float] = {}
    started = time.monotonic()
    try:
        while len(arrived) < 4 and time.monotonic() - started < 20:
            asked = time.monotonic()
            for source in backend.sources():
                for poll in backend.poll(source):
                    arrived[poll.source] = time.monotonic() - started
            assert time.monotonic() - asked < 0.2  # poll() never waits for the network
            time.sleep(0.05)
    finally:
        backend.close()
    assert set(arrived) == {"jobs", "reservations", "dataproc", "dataflow"}
    assert max(arrived[s] for s in ("jobs", "reservations", "dataproc")) < arrived["dataflow"]
    assert arrived["dataflow"] >= 1.5  # it waited for its own timeout
