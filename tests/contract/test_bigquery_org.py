"""Organisation mode against a fake BigQuery that evaluates the SQL (:mod:`.fake_bq_sql`: sqlglot to
DuckDB on the rows of :mod:`.org_world`): one query per location in the first project, the totals grouped in
BigQuery by hour and dimension, the script parent left out, a folder's scope, incremental hours, bounded
rows, and a denied organisation view falling back to the projects' own views with a warning."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dashboard.backends.base import Poll
from dashboard.backends.gcp.once import live_store
from dashboard.sources.jobs import org_sql
from dashboard.sources.jobs.aggregates import estimated_usd, totals

from .fake_bq_sql import JobsSql, SqlFakeRest
from .org_world import (
    ANA,
    ORG,
    RESERVATION,
    ROWS,
    TIB,
    WORKFORCE,
    StepClock,
    at,
    backend,
    bucket,
    poll,
    row,
)

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def jobs() -> JobsSql:
    # copies of the rows: a test may change one
    return JobsSql(rows=[dict(r) for r in ROWS], parents={"acme-etl": "4455", "acme-bi": "7788"})


@pytest.fixture
def fake(jobs: JobsSql) -> Iterator[SqlFakeRest]:
    server = SqlFakeRest(jobs)
    with server:
        yield server


def test_one_query_per_location_in_the_first_project_with_the_totals_grouped_by_bigquery(
    fake: SqlFakeRest, jobs: JobsSql
) -> None:
    data = poll(backend(fake, StepClock(), organization=ORG))
    assert [r.method for r in fake.log] == ["POST", "POST"]  # no jobs.list: the query lists the active jobs
    assert [(r.project, r.location, r.view) for r in jobs.ran] == [
        ("acme-etl", "EU", "JOBS_BY_ORGANIZATION"),
        ("acme-etl", "US", "JOBS_BY_ORGANIZATION"),
    ]
    request = fake.log[0].body
    assert "`acme-etl`.`region-eu`.INFORMATION_SCHEMA.JOBS_BY_ORGANIZATION" in request["query"]
    assert request["labels"] == {"gcpdash-query": "jobs-org", "gcpdash-scope": f"organization-{ORG}"}
    assert jobs.ran[0].params == {"since": at(3, 0), "top_k": 25, "top_jobs": 100, "max_active": 500}
    # 08:00 in EU: etl_1 (2 TiB on demand, 1 h of slots), etl_2 (failed), bi_1 (1 TiB, on a reservation)
    total = bucket(data, "total", "")
    assert (total.jobs, total.failures) == (3, 1)
    assert total.bytes_billed == 2 * TIB + 0 + 1 * TIB
    assert total.ondemand_bytes == 2 * TIB  # bi_1 ran on a reservation: no on-demand bytes
    assert total.slot_ms == 3_600_000 + 1_000 + 7_200_000
    ana = bucket(data, "principal", ANA)
    assert (ana.jobs, ana.failures, ana.ondemand_bytes) == (2, 1, 2 * TIB)
    assert bucket(data, "principal", WORKFORCE).slot_ms == 7_200_000  # no user_email: its principal_subject
    assert bucket(data, "project", "acme-bi").jobs == 1
    assert bucket(data, "reservation", RESERVATION).bytes_billed == 1 * TIB
    assert bucket(data, "reservation", "").jobs == 2  # on demand
    assert bucket(data, "label", "team=etl").jobs == 2
    # 09:00: the script's two children (1 + 2 TiB) and the queued job; not the parent (3 TiB again)
    nine = bucket(data, "total", "", hour=9)
    assert (nine.jobs, nine.ondemand_bytes) == (3, 1 * TIB + 2 * TIB)
    assert estimated_usd(nine.ondemand_bytes, 6.25) == pytest.approx(3 * 6.25)  # 3 TiB × $6.25/TiB
    # the US query saw only us_1; too_old is before the window's 03:00
    assert data.aggregates is not None
    us = [b for b in data.aggregates.buckets if b.location == "US" and b.dim == "total"]
    assert [(b.hour, b.jobs, b.bytes_billed) for b in us] == [(at(8, 0), 1, 4 * TIB)]
    listed = sorted(j.job_id for j in data.jobs)
    assert listed == ["bi_1", "bi_queued", "etl_1", "etl_2", "script_1_a", "script_1_b", "us_1"]
    [queued] = [j for j in data.jobs if j.job_id == "bi_queued"]
    assert (queued.state, queued.location, queued.principal) == ("PENDING", "EU", "bob@acme.example")


def test_keys_past_the_top_k_are_one_remainder_row(
    fake: SqlFakeRest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(org_sql, "TOP_K", 1)
    data = poll(backend(fake, StepClock(), organization=ORG))
    assert bucket(data, "principal", ANA).jobs == 2  # the costliest principal (2 TiB on demand)
    rest = bucket(data, "principal", None)
    assert (rest.jobs, rest.slot_ms) == (1, 7_200_000)  # the workforce principal, in the remainder
    assert data.aggregates is not None
    rows = totals(data.aggregates, "principal")
    assert [t.key for t in rows] == [ANA, None]


def test_a_folder_reads_the_first_projects_parent_folder(fake: SqlFakeRest, jobs: JobsSql) -> None:
    jobs.parents["acme-etl"] = "7788"  # acme-bi's folder; acme-etl's rows are in 4455 only
    data = poll(backend(fake, StepClock(), folder="7788"))
    assert {r.view for r in jobs.ran} == {"JOBS_BY_FOLDER"}
    assert fake.log[0].body["labels"]["gcpdash-scope"] == "folder-7788"
    assert bucket(data, "total", "").jobs == 1  # bi_1 only
    assert data.aggregates is not None
    assert {b.key for b in data.aggregates.buckets if b.dim == "project"} == {"acme-bi"}


def test_later_polls_read_from_the_previous_hour_and_keep_the_older_hours(
    fake: SqlFakeRest, jobs: JobsSql
) -> None:
    clock = StepClock()
    live = backend(fake, clock, organization=ORG)
    store = live_store(live)
    store.apply(Poll(source="jobs", t=clock.at, data=poll(live)))
    jobs.rows.append(row("acme-etl", "etl_late", at(10, 1), total_bytes_billed=5 * TIB))
    clock.at = at(10, 5)
    second = poll(live)
    assert [r.params["since"] for r in jobs.ran[2:]] == [at(9, 0), at(9, 0)]  # queued bi_queued is at 09:25
    assert second.aggregates is not None
    assert {b.hour for b in second.aggregates.buckets} == {at(9, 0), at(10, 0)}
    store.apply(Poll(source="jobs", t=clock.at, data=second))
    kept = store.snapshot(clock.at).job_aggregates
    assert kept is not None
    hours = sorted({b.hour for b in kept.buckets if b.location == "EU" and b.dim == "total"})
    assert hours == [at(8, 0), at(9, 0), at(10, 0)]  # 08:00 from the first poll, kept
    eu = [t for t in totals(kept, "total") if t.key == ""]
    assert sum(t.ondemand_bytes for t in eu) == (2 + 3 + 5 + 4) * TIB  # EU 2 + 3 + 5, US 4


def test_a_denied_organisation_view_falls_back_to_each_projects_jobs(
    fake: SqlFakeRest, jobs: JobsSql
) -> None:
    jobs.denied.add("JOBS_BY_ORGANIZATION")
    data = poll(backend(fake, StepClock(), organization=ORG))
    assert sorted((r.project, r.location, r.view) for r in jobs.ran) == [  # the projects side by side
        ("acme-bi", "EU", "JOBS"),
        ("acme-bi", "US", "JOBS"),
        ("acme-etl", "EU", "JOBS"),
        ("acme-etl", "US", "JOBS"),
    ]
    denied = [r for r in fake.log if "JOBS_BY_ORGANIZATION" in str(r.body.get("query"))]
    assert len(denied) == 2  # tried in each location, answered 403 (not billed), then the projects' views
    assert data.aggregates is None
    assert any("JOBS_BY_ORGANIZATION not read: 403" in w for w in data.warnings), data.warnings
    assert "script_1" in {j.job_id for j in data.jobs}  # project mode: the history rows as they are


def test_the_rows_a_poll_returns_are_bounded_whatever_the_job_count(fake: SqlFakeRest, jobs: JobsSql) -> None:
    many = [
        row("acme-etl", f"crowd_{n}", at(7, n % 60), user_email=f"user{n}@acme.example", total_bytes_billed=n)
        for n in range(1, 301)
    ]
    jobs.rows.extend(many)
    data = poll(backend(fake, StepClock(), organization=ORG))
    [eu] = [r for r in jobs.ran if r.location == "EU"]
    # 07:00 (300 principals), 08:00, 09:00: at most 6 dimensions x (25 + the remainder) an hour; the top 100
    # finished jobs and the queued one
    assert eu.rows <= 3 * 6 * (25 + 1) + 100 + 1
    assert data.aggregates is not None
    seven = [b for b in data.aggregates.buckets if b.hour == at(7, 0) and b.dim == "principal"]
    assert len(seven) == 25 + 1
    rest = next(b for b in seven if b.key is None)
    assert rest.jobs == 300 - 25
    assert rest.ondemand_bytes == sum(range(1, 276))  # the 275 cheapest: 1 … 275 bytes
    assert next(b for b in seven if b.key == "user300@acme.example").ondemand_bytes == 300


def test_an_active_job_that_ended_cheaply_leaves_the_list(
    fake: SqlFakeRest, jobs: JobsSql, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = StepClock()
    live = backend(fake, clock, organization=ORG)
    store = live_store(live)
    first = poll(live)
    assert first.running_keys is not None
    assert {k.split(".")[-1] for k in first.running_keys} == {"bi_queued"}
    store.apply(Poll(source="jobs", t=clock.at, data=first))
    queued = next(r for r in jobs.rows if r["job_id"] == "bi_queued")
    queued.update(state="DONE", start_time=at(9, 40), end_time=at(9, 41))  # done, 0 bytes: not among the top
    monkeypatch.setattr(org_sql, "TOP_JOBS", 1)
    clock.at = at(10, 5)
    store.apply(Poll(source="jobs", t=clock.at, data=poll(live)))
    listed = {j.job_id: j.state for j in store.snapshot(clock.at).jobs}
    assert "bi_queued" not in listed  # not left as PENDING: its figures are in the 09:00 buckets
    assert listed["etl_1"] == "DONE"  # the first poll's costliest stay
