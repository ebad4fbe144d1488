"""Organisation mode's further jobs, a page at a time: the page query evaluated by the fake BigQuery
(:mod:`.fake_bq_sql`: sqlglot to DuckDB on the rows of :mod:`.org_world`), its keyset across pages (ties
broken by job id, then project: the same job id in two projects), a location that has no further job, a
later page that fails and loses nothing, and the session's ``more_jobs`` that merges the pages into the
store. The expected orders are written out from the documented order: on-demand bytes (a reservation's
job bills none), then slot time, descending; then job id and project."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import msgspec
import pytest

from dashboard.backends.gcp.bq_wire import is_select
from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import live_store
from dashboard.session import Session
from dashboard.sources.jobs.org_sql import org_page_sql
from dashboard.sources.jobs.paging import Cursor, JobPage, Pager, more_jobs

from .fake_bq_sql import JobsSql, SqlFakeRest
from .org_world import ORG, ROWS, TIB, WORKFORCE, StepClock, at, backend, row

pytestmark = pytest.mark.timeout(60)

SINCE = at(3, 0)
TWINS = [
    row("acme-etl", "dup", at(7, 0), total_bytes_billed=1 * TIB, total_slot_ms=4_000),
    row("acme-bi", "dup", at(7, 5), total_bytes_billed=1 * TIB, total_slot_ms=4_000),
]
"""The same job id in two projects, tied with ``script_1_a`` on bytes and slot time."""

EU_ORDER = [
    ("acme-etl", "etl_1"),  # 2 TiB, 3,600,000 slot-ms
    ("acme-etl", "script_1_b"),  # 2 TiB, 5,000
    ("acme-bi", "dup"),  # 1 TiB, 4,000: job id "dup" before "script_1_a", project acme-bi before acme-etl
    ("acme-etl", "dup"),
    ("acme-etl", "script_1_a"),  # 1 TiB, 4,000
    ("acme-bi", "bi_1"),  # on the reservation: 0 on-demand bytes, 7,200,000 slot-ms
    ("acme-etl", "etl_2"),  # 0 bytes, 1,000 slot-ms (failed, and DONE)
]
"""EU's finished jobs since 03:00 without the script parent, the queued job and the one before 03:00."""


@pytest.fixture
def jobs() -> JobsSql:
    return JobsSql(rows=[dict(r) for r in (*ROWS, *TWINS)], parents={"acme-etl": "4455", "acme-bi": "7788"})


@pytest.fixture
def fake(jobs: JobsSql) -> Iterator[SqlFakeRest]:
    server = SqlFakeRest(jobs)
    with server:
        yield server


def _next(live: LiveBackend, pager: Pager) -> JobPage:
    """The next page of 3 jobs a location of EU and US, the pager moved past it."""
    page = live.job_page(SINCE, pager.wanted(["EU", "US"]), size=3)
    assert page is not None
    pager.took(page)
    return page


def _ids(page: JobPage, location: str) -> list[tuple[str, str]]:
    return [(j.project, j.job_id) for j in page.jobs if j.location == location]


def test_pages_walk_the_window_s_finished_jobs_costliest_first_without_repeating_one(
    fake: SqlFakeRest, jobs: JobsSql
) -> None:
    live = backend(fake, StepClock(), organization=ORG)
    pager = Pager(store=None)

    first = _next(live, pager)
    assert first.failed == {}
    assert _ids(first, "EU") == EU_ORDER[:3]
    assert _ids(first, "US") == [("acme-etl", "us_1")]
    assert first.after == {"EU": Cursor(1 * TIB, 4_000, "dup", "acme-bi"), "US": None}  # US: a short page
    assert pager.wanted(["EU", "US"]) == {"EU": Cursor(1 * TIB, 4_000, "dup", "acme-bi")}

    second = _next(live, pager)
    assert _ids(second, "EU") == EU_ORDER[3:6]
    third = _next(live, pager)
    assert _ids(third, "EU") == EU_ORDER[6:]
    assert third.after == {"EU": None}
    assert pager.wanted(["EU", "US"]) == {}

    bi = next(j for j in first.jobs + second.jobs if j.job_id == "bi_1")
    assert (bi.state, bi.principal, bi.reservation, bi.slot_ms) == (
        "DONE",
        WORKFORCE,
        "acme-admin:EU.bi-reservation",
        7_200_000,
    )
    page_queries = [r for r in fake.log if r.body.get("labels", {}).get("gcpdash-query") == "jobs-org-page"]
    assert len(page_queries) == 4  # EU and US, then EU twice: one billed query per location a page
    assert all(r.body["maximumBytesBilled"] == "1000000000" for r in page_queries)
    assert page_queries[0].body["labels"]["gcpdash-scope"] == f"organization-{ORG}"
    assert jobs.ran[0].params["first"] is True
    assert jobs.ran[-1].params | {"since": SINCE} == {
        "since": SINCE,
        "first": False,
        "after_bytes": 0,
        "after_slot_ms": 7_200_000,
        "after_job": "bi_1",
        "after_project": "acme-bi",
    }
    assert all(r.view == "JOBS_BY_ORGANIZATION" and r.project == "acme-etl" for r in jobs.ran)


def test_a_later_page_that_fails_says_why_and_the_next_one_goes_on_where_it_stopped(
    fake: SqlFakeRest, jobs: JobsSql
) -> None:
    live = backend(fake, StepClock(), organization=ORG)
    pager = Pager(store=None)
    _next(live, pager)

    jobs.refused.add("EU")
    failed = _next(live, pager)
    assert failed.jobs == ()
    assert failed.after == {}
    assert "403" in failed.failed["EU"]
    assert "accessDenied" in failed.failed["EU"]
    assert pager.wanted(["EU", "US"]) == {"EU": Cursor(1 * TIB, 4_000, "dup", "acme-bi")}  # kept

    jobs.refused.clear()
    again = _next(live, pager)
    assert _ids(again, "EU") == EU_ORDER[3:6]


def test_more_jobs_merges_the_pages_into_the_store_and_says_when_every_page_is_read(
    fake: SqlFakeRest,
) -> None:
    clock = StepClock()
    live = backend(fake, clock, organization=ORG)
    session = Session(live, clock, live_store(live, timedelta(hours=24)))
    [polled] = live.poll("jobs", force=True)
    session.store.apply(polled)
    listed = {(j.project, j.job_id) for j in session.store.snapshot(clock.now()).jobs}

    said = more_jobs(session)
    shown = {(j.project, j.job_id) for j in session.store.snapshot(clock.now()).jobs}
    # the pages begin where BigQuery's totals do (03:00, 6 h back), not at the 24 h window's start: the job
    # at 02:00, which the totals do not count, is not listed either
    assert shown == listed | set(EU_ORDER) | {("acme-etl", "us_1")}
    assert said.startswith(f"{len(shown - listed)} more jobs listed (")
    assert "EU, US: no further job" in said
    assert more_jobs(session) == "no further job in the window: every page is read"


def test_outside_organisation_mode_there_is_nothing_to_page(fake: SqlFakeRest) -> None:
    clock = StepClock()
    live = backend(fake, clock)
    session = Session(live, clock, live_store(live, timedelta(hours=24)))
    [polled] = live.poll("jobs", force=True)
    session.store.apply(polled)
    assert more_jobs(session) == "every job of the window is listed already (project mode)"
    assert live.job_page(SINCE, {"EU": None}) is None


def test_the_page_query_is_a_select() -> None:
    assert is_select(org_page_sql("folder", "acme-etl", "europe-west4"))


def test_a_recording_cannot_page_and_says_pages_are_read_live(fake: SqlFakeRest) -> None:
    from dashboard.backends.base import Poll
    from dashboard.recording.demo import demo_path
    from dashboard.session import open_recording

    clock = StepClock()
    [polled] = backend(fake, clock, organization=ORG).poll("jobs", force=True)  # BigQuery's totals
    session = open_recording(demo_path(), "demo", paused=True)
    session.store.apply(msgspec.structs.replace(polled, t=session.clock.now()))
    assert isinstance(polled, Poll)
    assert more_jobs(session) == "further jobs are read live; a recording holds only what was polled"
