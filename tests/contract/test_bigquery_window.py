"""The history schedule, without a server: at most one billed query per location per gap, projects taking
turns most overdue first, each every interval; windows that start from the newest job seen minus the
overlap, or earlier at the oldest job still unfinished."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from dashboard.backends.gcp.bq_window import OVERLAP, HistorySchedule
from dashboard.models import Job

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def schedule(interval: float = 120.0) -> HistorySchedule:
    return HistorySchedule(interval=interval, gap=60.0, first_window=6 * 3600.0)


def test_projects_take_turns_one_query_per_location_per_gap() -> None:
    plan = schedule()
    projects, locations = ("a", "b", "c"), ("US", "EU")
    runs = {s: plan.due(projects, locations, at(s)) for s in range(0, 301, 10)}
    chosen = [(s, p, loc) for s, pairs in runs.items() for p, loc in pairs]
    for location in locations:
        times = [s for s, _, loc in chosen if loc == location]
        assert all(b - a >= 60 for a, b in itertools.pairwise(times))
    us = [(s, p) for s, p, loc in chosen if loc == "US"]
    assert us == [(0, "a"), (60, "b"), (120, "c"), (180, "a"), (240, "b"), (300, "c")]


def test_a_project_is_not_queried_before_its_interval() -> None:
    plan = schedule(interval=600.0)
    assert plan.due(("a",), ("US",), at(0)) == [("a", "US")]
    assert plan.due(("a",), ("US",), at(300)) == []
    assert plan.due(("a",), ("US",), at(600)) == [("a", "US")]


def job(created: datetime, state: str = "DONE") -> Job:
    return Job(project="a", job_id=f"j{created.timestamp():.0f}", location="US", state=state, created=created)


def test_the_first_window_then_incremental_windows() -> None:
    plan = schedule()
    assert plan.window("a", "US", at(0)) == (at(0) - timedelta(hours=6), at(0))
    plan.observe("a", "US", at(0), [job(at(-3600)), job(at(-60))])
    assert plan.window("a", "US", at(120)) == (at(-60) - OVERLAP, at(120))


def test_an_unfinished_job_is_read_again_until_it_is_done() -> None:
    plan = schedule()
    plan.observe("a", "US", at(0), [job(at(-3600), "RUNNING"), job(at(-60))])
    assert plan.window("a", "US", at(120))[0] == at(-3600)
    plan.observe("a", "US", at(120), [job(at(-3600)), job(at(-60))])
    assert plan.window("a", "US", at(240))[0] == at(-60) - OVERLAP


def test_an_empty_window_moves_on_from_its_end() -> None:
    plan = schedule()
    plan.observe("a", "US", at(0), [])
    assert plan.window("a", "US", at(120))[0] == at(0) - OVERLAP


def test_a_released_slot_is_due_again() -> None:
    plan = schedule()
    assert plan.due(("a", "b"), ("US",), at(0)) == [("a", "US")]
    plan.release("a", "US")  # its listing failed: the query did not run
    assert plan.due(("a", "b"), ("US",), at(10)) == [("a", "US")]
    assert plan.due(("a", "b"), ("US",), at(20)) == []
    plan.release("b", "US")  # never reserved: nothing happens
    assert plan.due(("a", "b"), ("US",), at(70)) == [("b", "US")]
