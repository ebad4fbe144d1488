"""The history schedule, without a server: the first poll reads every project in every location; then at
most one billed query per location per gap, projects taking turns most overdue first, each every interval;
windows that start from the newest job seen minus the overlap, or earlier at the oldest job still
unfinished."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from dashboard.models import Job
from dashboard.sources.jobs.api_window import OVERLAP, HistorySchedule

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def schedule(interval: float = 120.0) -> HistorySchedule:
    return HistorySchedule(interval=interval, gap=60.0, first_window=6 * 3600.0)


def test_the_first_poll_reads_every_project_then_one_query_per_location_per_gap() -> None:
    plan = schedule()
    projects, locations = ("a", "b", "c"), ("US", "EU")
    runs = {s: plan.due(projects, locations, at(s)) for s in range(0, 301, 10)}
    chosen = [(s, p, loc) for s, pairs in runs.items() for p, loc in pairs]
    assert runs[0] == [("a", "US"), ("b", "US"), ("c", "US"), ("a", "EU"), ("b", "EU"), ("c", "EU")]
    for location in locations:
        times = [s for s, _, loc in chosen if loc == location and s > 0]
        assert times[0] >= 60
        assert all(b - a >= 60 for a, b in itertools.pairwise(times))
    us = [(s, p) for s, p, loc in chosen if loc == "US"]
    # every project at 0; then, once each is due again (interval 120 s), the most overdue first, one a gap
    assert us == [(0, "a"), (0, "b"), (0, "c"), (120, "a"), (180, "b"), (240, "c"), (300, "a")]


def test_a_project_added_later_is_read_at_once() -> None:
    plan = schedule()
    assert plan.due(("a",), ("US",), at(0)) == [("a", "US")]
    assert plan.due(("a", "b"), ("US",), at(10)) == [("b", "US")]


def test_a_first_poll_whose_listing_failed_reads_every_project_again() -> None:
    plan = schedule()
    assert plan.due(("a", "b"), ("US",), at(0)) == [("a", "US"), ("b", "US")]
    plan.release("a", "US")
    plan.release("b", "US")
    assert plan.due(("a", "b"), ("US",), at(10)) == [("a", "US"), ("b", "US")]
    plan.release("b", "US")  # a's query ran: the location counts as billed at 10
    assert plan.due(("a", "b"), ("US",), at(20)) == [("b", "US")]  # b was never read: at once
    assert plan.due(("a", "b"), ("US",), at(40)) == []


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
    assert plan.due(("a", "b"), ("US",), at(0)) == [("a", "US"), ("b", "US")]
    assert plan.due(("a", "b"), ("US",), at(120)) == [("a", "US")]
    plan.release("a", "US")  # its listing failed: the query did not run
    assert plan.due(("a", "b"), ("US",), at(130)) == [("a", "US")]
    assert plan.due(("a", "b"), ("US",), at(140)) == []
    plan.release("b", "US")  # not reserved by the latest call: nothing happens
    assert plan.due(("a", "b"), ("US",), at(190)) == [("b", "US")]
