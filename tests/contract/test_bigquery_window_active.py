"""A job created before the history window and still running: jobs.list lists it (no creation filter), and
the history query must reach back to its creation, or the job is never read done and its bytes never count
(a query job may run for up to 6 hours, longer than a short ``[gcp] history_window``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.backends.gcp.live import LiveBackend
from dashboard.models import Job, JobsData
from dashboard.sources.jobs.api_window import OVERLAP, HistorySchedule, oldest_active
from dashboard.sources.jobs.parse_list import job_from_resource

from .fake_rest import FakeRest, bq_config

pytestmark = pytest.mark.timeout(30)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def job(created: datetime, state: str, location: str = "US") -> Job:
    return Job(
        project="a", job_id=f"j{created.timestamp():.0f}", location=location, state=state, created=created
    )


def test_the_window_reaches_back_to_the_oldest_active_job_until_it_is_done() -> None:
    plan = HistorySchedule(interval=60.0, gap=60.0, first_window=3600.0)
    long = T0 - timedelta(hours=2)  # created two hours ago, the window is one hour
    assert plan.window("a", "US", T0) == (T0 - timedelta(hours=1), T0)
    assert plan.window("a", "US", T0, active_since=long) == (long, T0)
    # read: still running, so the next window starts at its creation again, listed or not
    plan.observe("a", "US", T0, [job(long, "RUNNING"), job(T0 - timedelta(minutes=5), "DONE")])
    assert plan.window("a", "US", T0 + timedelta(minutes=1))[0] == long
    # read done: the window moves on
    plan.observe(
        "a", "US", T0 + timedelta(minutes=1), [job(long, "DONE"), job(T0 - timedelta(minutes=5), "DONE")]
    )
    assert plan.window("a", "US", T0 + timedelta(minutes=2))[0] == T0 - timedelta(minutes=5) - OVERLAP
    # a later active job does not narrow it
    assert plan.window("a", "US", T0 + timedelta(minutes=2), active_since=T0)[0] == (
        T0 - timedelta(minutes=5) - OVERLAP
    )


def test_the_oldest_active_job_per_location() -> None:
    jobs = [
        job(T0 - timedelta(hours=3), "RUNNING", "EU"),
        job(T0 - timedelta(hours=1), "PENDING", "eu"),
        job(T0 - timedelta(hours=2), "RUNNING", "asia-northeast1"),
        Job(project="a", job_id="no-time", location="US", state="PENDING"),
    ]
    assert oldest_active(jobs) == {"EU": T0 - timedelta(hours=3), "ASIA-NORTHEAST1": T0 - timedelta(hours=2)}


class StepClock:
    def __init__(self, start: datetime) -> None:
        self.at = start

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def fake() -> Iterator[FakeRest]:
    with FakeRest() as server:
        yield server


def test_the_first_history_query_reads_from_the_oldest_running_job(fake: FakeRest) -> None:
    project = "acme-analytics"
    listed = [job_from_resource(j) for j in fake.recorded.jobs[project]]
    created = [j.created for j in listed if j.created is not None and (j.location or "").upper() == "US"]
    assert created, "the recording lists running jobs in US"
    oldest = min(created)
    now = oldest + timedelta(minutes=30)  # the window of 60 s begins long after the oldest began
    backend = LiveBackend(bq_config(fake.url, projects=(project,), history_window=60.0), StepClock(now))
    [poll] = backend.poll("jobs", force=True)
    assert isinstance(poll.data, JobsData), poll.error
    [query] = [r for r in fake.log if r.method == "POST"]
    params = {p["name"]: p["parameterValue"]["value"] for p in query.body["queryParameters"]}
    assert datetime.fromisoformat(params["since"]) == oldest
    assert datetime.fromisoformat(params["until"]) == now
