"""Jobs merge by key across polls; history's DONE is final; the window trims by creation time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from dashboard.backends.base import Poll
from dashboard.models import Job, JobsData
from dashboard.store import Store

T0 = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def job(job_id: str, state: str = "RUNNING", *, created: float = 0, **fields: Any) -> Job:
    return Job(project="p1", location="US", job_id=job_id, state=state, created=at(created), **fields)


def jobs_poll(seconds: float, *jobs: Job, running: set[str] | None = None, number: int = 0) -> Poll:
    keys = None if running is None else frozenset(f"p1:US.{j}" for j in running)
    return Poll(source="jobs", t=at(seconds), data=JobsData(jobs=jobs, running_keys=keys), number=number)


def _states(store: Store, seconds: float) -> dict[str, str]:
    return {j.job_id: j.state for j in store.snapshot(at(seconds)).jobs}


def test_a_newer_poll_replaces_a_job_by_key() -> None:
    store = Store()
    store.apply(jobs_poll(10, job("a", slot_ms=100), job("b"), running={"a", "b"}))
    store.apply(jobs_poll(20, job("a", slot_ms=900), running={"a", "b"}))
    jobs = {j.job_id: j for j in store.snapshot(at(20)).jobs}
    assert sorted(jobs) == ["a", "b"]
    assert jobs["a"].slot_ms == 900
    assert jobs["a"].key == "p1:US.a"


def test_history_done_is_final() -> None:
    store = Store()
    done = job("a", "DONE", ended=at(15), slot_ms=5000, origin="history")
    store.apply(jobs_poll(20, done))
    store.apply(jobs_poll(30, job("a", "RUNNING", slot_ms=100), running={"a"}))
    assert store.snapshot(at(30)).jobs == (done,)
    refined = job("a", "DONE", ended=at(15), slot_ms=5100, origin="history")
    store.apply(jobs_poll(140, refined))
    assert store.snapshot(at(140)).jobs == (refined,)


def test_a_job_that_left_the_running_list_is_kept_as_last_seen() -> None:
    store = Store()
    running = job("a", slot_ms=100)
    store.apply(jobs_poll(10, running, job("b"), running={"a", "b"}))
    store.apply(jobs_poll(20, job("b"), running={"b"}))
    jobs = {j.job_id: j for j in store.snapshot(at(20)).jobs}
    assert jobs["a"] == running
    assert jobs["a"].ended is None
    store.apply(jobs_poll(130, job("a", "DONE", ended=at(17), origin="history"), running={"b"}))
    assert _states(store, 130) == {"a": "DONE", "b": "RUNNING"}


def test_within_one_poll_history_after_list_wins() -> None:
    store = Store()
    store.apply(
        jobs_poll(10, job("a", "RUNNING"), job("a", "DONE", ended=at(9), origin="history"), running={"a"})
    )
    assert _states(store, 10) == {"a": "DONE"}


def test_jobs_created_before_the_window_are_dropped() -> None:
    store = Store(window=timedelta(minutes=10))
    store.apply(jobs_poll(60, job("old", "DONE", created=0), job("new", "DONE", created=300)))
    assert _states(store, 60) == {"old": "DONE", "new": "DONE"}
    assert _states(store, 599) == {"old": "DONE", "new": "DONE"}
    assert _states(store, 601) == {"new": "DONE"}
    assert _states(store, 901) == {}


def test_a_job_still_listed_as_running_outlives_the_window() -> None:
    store = Store(window=timedelta(minutes=10))
    store.apply(jobs_poll(60, job("long", created=0), job("gone", created=0), running={"long", "gone"}))
    store.apply(jobs_poll(700, job("long", created=0), running={"long"}))
    assert _states(store, 700) == {"long": "RUNNING"}
    store.apply(jobs_poll(800, running=set()))
    assert _states(store, 800) == {}


def test_a_job_whose_creation_time_moves_is_trimmed_by_the_newer_one() -> None:
    store = Store(window=timedelta(minutes=10))
    store.apply(jobs_poll(10, job("a", created=0)))
    store.apply(jobs_poll(20, job("a", "DONE", created=400, origin="history")))
    assert _states(store, 700) == {"a": "DONE"}
    assert _states(store, 1001) == {}


def test_a_job_without_creation_time_is_kept() -> None:
    store = Store(window=timedelta(minutes=10))
    store.apply(jobs_poll(10, Job(project="p1", job_id="x")))
    assert [j.job_id for j in store.snapshot(at(100_000)).jobs] == ["x"]


def test_the_jobs_tuple_is_reused_until_something_changes() -> None:
    store = Store()
    store.apply(jobs_poll(10, job("a"), running={"a"}))
    first = store.snapshot(at(10)).jobs
    store.apply(jobs_poll(20, job("a"), running={"a"}))
    assert store.snapshot(at(20)).jobs is first
    store.apply(jobs_poll(30, job("a", slot_ms=1), running={"a"}))
    assert store.snapshot(at(30)).jobs is not first


def test_a_failed_jobs_poll_keeps_the_jobs() -> None:
    store = Store()
    store.apply(jobs_poll(10, job("a"), running={"a"}))
    store.apply(Poll(source="jobs", t=at(20), error="503 backendError: try again", error_code="503"))
    snap = store.snapshot(at(20))
    assert [j.job_id for j in snap.jobs] == ["a"]
    assert snap.statuses["jobs"].state == "stale"


def test_the_same_job_id_in_two_projects_or_locations_is_two_jobs() -> None:
    store = Store(window=timedelta(minutes=10))
    first = job("daily", slot_ms=1, created=0)
    other = Job(project="p2", location="US", job_id="daily", state="RUNNING", created=at(300), slot_ms=2)
    elsewhere = Job(project="p1", location="EU", job_id="daily", state="RUNNING", created=at(300), slot_ms=3)
    store.apply(Poll(source="jobs", t=at(310), data=JobsData(jobs=(first, other, elsewhere))))
    assert {j.key: j.slot_ms for j in store.snapshot(at(310)).jobs} == {
        "p1:US.daily": 1,
        "p2:US.daily": 2,
        "p1:EU.daily": 3,
    }
    newer_other = msgspec.structs.replace(other, slot_ms=20)
    store.apply(Poll(source="jobs", t=at(320), data=JobsData(jobs=(newer_other,))))
    assert {j.key: j.slot_ms for j in store.snapshot(at(320)).jobs} == {
        "p1:US.daily": 1,
        "p2:US.daily": 20,
        "p1:EU.daily": 3,
    }
    # 11 minutes in, the first (created at 0) leaves the window; the others stay, one entry each
    assert {j.key for j in store.snapshot(at(660)).jobs} == {"p2:US.daily", "p1:EU.daily"}
    again = msgspec.structs.replace(elsewhere, slot_ms=30)
    returning = job("daily", slot_ms=10, created=600)
    store.apply(Poll(source="jobs", t=at(670), data=JobsData(jobs=(again, returning))))
    assert sorted((j.key, j.slot_ms) for j in store.snapshot(at(670)).jobs) == [
        ("p1:EU.daily", 30),
        ("p1:US.daily", 10),
        ("p2:US.daily", 20),
    ]


def test_a_bqml_job_keeps_the_ml_statistics_jobs_list_showed_when_history_says_it_ended() -> None:
    store = Store()
    ml = {"ml_model_type": "BOOSTED_TREE_CLASSIFIER", "ml_iterations": 7, "ml_losses": (0.69, 0.41)}
    listed = job("m", statement_type="CREATE_MODEL", slot_ms=100, **ml)
    store.apply(jobs_poll(10, listed, running={"m"}))
    # history: the same job DONE, its bytes and end, but no ML column
    done = job(
        "m", "DONE", statement_type="CREATE_MODEL", ended=at(40), bytes_billed=40 * 2**30, origin="history"
    )
    store.apply(jobs_poll(50, done, running=set()))
    [merged] = store.snapshot(at(50)).jobs
    assert (merged.state, merged.origin, merged.bytes_billed) == ("DONE", "history", 40 * 2**30)
    assert (merged.ml_model_type, merged.ml_iterations, merged.ml_losses) == (
        "BOOSTED_TREE_CLASSIFIER",
        7,
        (0.69, 0.41),
    )
    # the same history row read again changes nothing
    store.apply(jobs_poll(60, done, running=set()))
    assert store.snapshot(at(60)).jobs == (merged,)
