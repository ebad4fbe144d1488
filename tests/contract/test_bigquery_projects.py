"""The live BigQuery jobs source against a fake BigQuery holding two job projects in two locations
(tests/contract/world.py), through google-cloud-bigquery's REST: the first poll reads every project's
history in every location (so the second project's finished jobs, failures and on-demand cost are there at
once), a workforce principal is named by its ``principal_subject``, and queued (PENDING) jobs are listed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.backends.base import Poll
from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import live_store
from dashboard.cost import estimate
from dashboard.models import JobsData

from .fake_rest import FakeRest, bq_config
from .world import JOB_PROJECTS, LOCATIONS, WORKFORCE, fake_jobs

pytestmark = pytest.mark.timeout(30)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TIB = 2**40


class StepClock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def fake() -> Iterator[FakeRest]:
    with FakeRest(world=fake_jobs(T0)) as server:
        yield server


def backend(fake: FakeRest, clock: StepClock) -> LiveBackend:
    return LiveBackend(bq_config(fake.url, projects=JOB_PROJECTS, bigquery_locations=list(LOCATIONS)), clock)


def poll(live: LiveBackend) -> JobsData:
    [result] = live.poll("jobs", force=True)
    assert result.error is None, result.error
    assert isinstance(result.data, JobsData)
    return result.data


def test_the_first_poll_reads_every_project_in_every_location(fake: FakeRest) -> None:
    clock = StepClock()
    live = backend(fake, clock)
    data = poll(live)
    queried = [(r.path.split("/")[4], r.body["location"]) for r in fake.log if r.method == "POST"]
    assert sorted(queried, key=lambda q: (JOB_PROJECTS.index(q[0]), q[1] != "US")) == [
        ("acme-etl", "US"),
        ("acme-etl", "europe-west4"),
        ("acme-bi", "US"),
        ("acme-bi", "europe-west4"),
    ]
    assert data.history
    history = {j.job_id: j for j in data.jobs if j.origin == "history"}
    # the WHERE leaves out bi_old_1 (7 h old, the first window is 6 h) and EU is not a watched location
    assert sorted(history) == ["bi_dash_1", "bi_dash_2", "bi_eu_1", "bi_fail_1", "etl_eu_1", "etl_nightly_1"]
    assert history["bi_fail_1"].status == "failed"
    assert history["bi_fail_1"].error_reason == "accessDenied"
    assert history["bi_eu_1"].location == "europe-west4"

    store = live_store(live)
    store.apply(live_poll(data))
    cost = estimate(store.snapshot(T0))
    [on_demand] = [s for s in cost.services if s.service == "bigquery_on_demand"]
    # on demand: etl_eu_1 0.5 TiB + bi_dash_1 4 TiB + bi_dash_2 3 TiB + bi_eu_1 0.25 TiB, at $6.25/TiB;
    # etl_nightly_1 ran in a reservation (slots, not bytes), bi_fail_1 billed nothing
    assert on_demand.window_spend_usd == pytest.approx((0.5 + 4 + 3 + 0.25) * 6.25)  # $48.44
    by_project = {a.key: a.usd for a in cost.on_demand_by if a.dimension == "project"}
    assert by_project == pytest.approx({"acme-bi": (4 + 3 + 0.25) * 6.25, "acme-etl": 0.5 * 6.25})


def test_later_polls_query_one_project_a_gap_per_location(fake: FakeRest) -> None:
    clock = StepClock()
    live = backend(fake, clock)
    poll(live)
    fake.clear()
    for seconds in (10, 30, 59):
        clock.at = T0 + timedelta(seconds=seconds)
        poll(live)
    assert [r for r in fake.log if r.method == "POST"] == []  # within the gap after the first poll
    clock.at = T0 + timedelta(seconds=60)
    poll(live)
    queried = [(r.path.split("/")[4], r.body["location"]) for r in fake.log if r.method == "POST"]
    assert sorted(queried, key=lambda q: (JOB_PROJECTS.index(q[0]), q[1] != "US")) == [
        ("acme-etl", "US"),
        ("acme-etl", "europe-west4"),
    ]  # one per location, in turn


def test_a_workforce_principal_is_its_principal_subject(fake: FakeRest) -> None:
    live = backend(fake, StepClock())
    data = poll(live)
    jobs = {j.job_id: j for j in data.jobs}
    assert jobs["bi_dash_1"].principal == WORKFORCE  # history: user_email NULL, principal_subject set
    assert jobs["bi_queued_1"].principal == WORKFORCE  # jobs.list: no user_email, principal_subject
    assert jobs["bi_fail_1"].principal == "ana@acme.example"
    store = live_store(live)
    store.apply(live_poll(data))
    cost = estimate(store.snapshot(T0))
    principals = {a.key: (a.usd, a.jobs) for a in cost.on_demand_by if a.dimension == "principal"}
    assert principals[WORKFORCE] == pytest.approx(((4 + 3) * 6.25, 2))
    assert "(unknown)" not in principals


def live_poll(data: JobsData, t: datetime = T0) -> Poll:
    return Poll(source="jobs", t=t, data=data)


def test_a_queued_job_is_replaced_when_it_runs_then_when_it_is_done(fake: FakeRest) -> None:
    assert fake.world is not None
    clock = StepClock()
    live = backend(fake, clock)
    store = live_store(live)

    def step(seconds: float) -> dict[str, str]:
        clock.at = T0 + timedelta(seconds=seconds)
        store.apply(live_poll(poll(live), clock.at))
        return {j.job_id: j.state for j in store.snapshot(clock.at).jobs if j.project == "acme-bi"}

    assert step(0)["bi_queued_1"] == "PENDING"
    [queued] = fake.world.resources["acme-bi"]
    queued["state"] = queued["status"]["state"] = "RUNNING"
    queued["statistics"]["startTime"] = str(int((T0 + timedelta(seconds=20)).timestamp() * 1000))
    assert step(30)["bi_queued_1"] == "RUNNING"
    # it finished: jobs.list no longer lists it, INFORMATION_SCHEMA has its row
    fake.world.resources["acme-bi"].clear()
    created = T0 - timedelta(minutes=1)
    row = dict(fake.world.rows["acme-bi"][0], job_id="bi_queued_1", creation_time=created)
    row |= {"start_time": T0 + timedelta(seconds=20), "end_time": T0 + timedelta(seconds=50)}
    fake.world.rows["acme-bi"].append(row)
    assert step(60)["bi_queued_1"] == "RUNNING"  # kept as last seen: acme-etl's turn in each location
    assert step(120)["bi_queued_1"] == "DONE"  # acme-bi's turn: its window reaches back to the job
