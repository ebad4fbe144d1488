"""Organisation mode's unlabelled-spend insight, from the buckets BigQuery grouped (:mod:`.org_world`
through the real client and the SQL fake): a project's unlabelled on-demand bytes against all its
on-demand bytes; the listed jobs carry no labels in this mode, so they are not what it counts."""

from __future__ import annotations

import msgspec
import pytest

from dashboard.backends.base import Poll
from dashboard.backends.gcp.once import live_store
from dashboard.cost import estimate
from dashboard.insights import Insight, evaluate
from dashboard.models import Snapshot
from dashboard.sources.jobs.rules import UNLABELLED

from .fake_bq_sql import JobsSql, SqlFakeRest
from .org_world import ORG, ROWS, TIB, StepClock, at, backend, bucket, poll, row

pytestmark = pytest.mark.timeout(60)


def snapshot_of(rows: list[dict[str, object]]) -> tuple[Snapshot, JobsSql]:
    jobs = JobsSql(rows=rows, parents={"acme-etl": "4455", "acme-bi": "7788"})
    with SqlFakeRest(jobs) as fake:
        clock = StepClock()
        live = backend(fake, clock, organization=ORG)
        store = live_store(live)
        data = poll(live)
        store.apply(Poll(source="jobs", t=clock.at, data=data))
        # BigQuery's own unlabelled buckets: acme-etl's script children at 09:00 in EU (1 + 2 TiB)
        if rows is ROWS:
            nine = bucket(data, "unlabelled", "acme-etl", hour=9)
            assert (nine.jobs, nine.ondemand_bytes) == (2, 3 * TIB)
            assert bucket(data, "unlabelled", "acme-bi", hour=9).jobs == 1  # bi_queued, nothing billed
        return store.snapshot(clock.at), jobs


def unlabelled(snapshot: Snapshot) -> list[Insight]:
    return [i for i in evaluate(snapshot, estimate(snapshot)) if i.rule == UNLABELLED]


@pytest.fixture
def world() -> Snapshot:
    snapshot, _ = snapshot_of(ROWS)
    return snapshot


def test_a_project_whose_on_demand_spend_is_mostly_unlabelled_is_flagged(world: Snapshot) -> None:
    [insight] = unlabelled(world)
    # acme-etl on demand: etl_1 2 TiB (team=etl) + script_1_a 1 TiB + script_1_b 2 TiB (EU) + us_1 4 TiB (US)
    # = 9 TiB, $56.25 at $6.25/TiB; without a label 7 TiB, $43.75 (78 %); acme-bi ran on a reservation
    assert insight.resource == "acme-etl"
    assert insight.title == "acme-etl: 78% of on-demand spend carries no label"
    evidence = insight.evidence
    assert evidence.startswith("$43.75 of $56.25 on demand since ")
    assert evidence.endswith(
        "(3 jobs) had no label, by JOBS_BY_ORGANIZATION's counts (7.000 of 9.000 TiB billed)"
    )


def test_labelled_spend_raises_nothing() -> None:
    labelled = [
        row if row.get("labels") else {**row, "labels": [{"key": "team", "value": "etl"}]} for row in ROWS
    ]
    snapshot, _ = snapshot_of(labelled)
    assert unlabelled(snapshot) == []
    assert snapshot.job_aggregates is not None
    assert not [b for b in snapshot.job_aggregates.buckets if b.dim == "unlabelled"]


def test_a_project_counted_only_in_the_remainder_is_left_out(world: Snapshot) -> None:
    aggregates = world.job_aggregates
    assert aggregates is not None
    # acme-etl past the top K in every hour of the project dimension: its share cannot be told
    moved = tuple(
        msgspec.structs.replace(b, key=None) if b.dim == "project" and b.key == "acme-etl" else b
        for b in aggregates.buckets
    )
    snapshot = msgspec.structs.replace(
        world, job_aggregates=msgspec.structs.replace(aggregates, buckets=moved)
    )
    assert unlabelled(snapshot) == []


def test_an_hour_whose_unlabelled_projects_were_lumped_is_left_out_of_both_sums(world: Snapshot) -> None:
    aggregates = world.job_aggregates
    assert aggregates is not None
    # EU 09:00: acme-etl's unlabelled jobs in the remainder row (past the top K of that hour)
    moved = tuple(
        msgspec.structs.replace(b, key=None)
        if b.dim == "unlabelled" and b.key == "acme-etl" and b.location == "EU" and b.hour.hour == 9
        else b
        for b in aggregates.buckets
    )
    snapshot = msgspec.structs.replace(
        world, job_aggregates=msgspec.structs.replace(aggregates, buckets=moved)
    )
    [insight] = unlabelled(snapshot)
    # what is left: EU 08:00 (2 TiB, all labelled) and US 08:00 (us_1, 4 TiB, unlabelled): 4 of 6 TiB
    assert insight.title == "acme-etl: 67% of on-demand spend carries no label"
    assert insight.evidence.startswith("$25.00 of $37.50 on demand")


def test_a_costly_principal_is_judged_by_bigquery_s_totals_not_the_jobs_listed(world: Snapshot) -> None:
    from dashboard.sources.jobs.rules import COSTLY_PRINCIPAL

    found = {i.resource: i for i in evaluate(world, estimate(world)) if i.rule == COSTLY_PRINCIPAL}
    # ana: etl_1 2 TiB + script_1_a 1 TiB + script_1_b 2 TiB + us_1 4 TiB on demand = $56.25 (at least the
    # rule's $50), over her 5 jobs (etl_2, which failed, billed nothing); the workforce principal's 2
    # slot-hours on the reservation, $0.12, are below it
    assert set(found) == {"ana@acme.example"}
    insight = found["ana@acme.example"]
    assert insight.severity == "info"
    assert insight.evidence.startswith("5 jobs since ")
    assert "9.000 TiB billed" in insight.evidence
    assert "$56.25 on BigQuery" in insight.title


def test_with_only_a_few_jobs_listed_the_totals_still_count_every_job() -> None:
    from dashboard.sources.jobs import org_sql
    from dashboard.sources.jobs.rules import COSTLY_PRINCIPAL

    patch = pytest.MonkeyPatch()
    patch.setattr(org_sql, "TOP_JOBS", 1)  # the poll lists one finished job per location
    try:
        snapshot, _ = snapshot_of([dict(r) for r in ROWS])
    finally:
        patch.undo()
    assert len([j for j in snapshot.jobs if j.state == "DONE"]) == 2
    [insight] = [i for i in evaluate(snapshot, estimate(snapshot)) if i.rule == COSTLY_PRINCIPAL]
    assert insight.evidence.startswith("5 jobs since ")


def _spike_rows(failing_now: int) -> list[dict[str, object]]:
    """acme-bi: 30 jobs between 08:00 and 08:59 (one failed), 25 since 09:00 of which ``failing_now``
    failed; and the world's rows."""
    failed = {"reason": "invalidQuery", "location": "q", "debug_info": "", "message": "Syntax error"}
    rows = [dict(r) for r in ROWS]
    for i in range(30):
        rows.append(row("acme-bi", f"before_{i}", at(8, i), error_result=failed if i == 0 else None))
    for i in range(25):
        rows.append(row("acme-bi", f"now_{i}", at(9, i), error_result=failed if i < failing_now else None))
    return rows


def test_a_failure_spike_is_judged_by_bigquery_s_hourly_counts() -> None:
    from dashboard.sources.jobs.rules import FAILURES

    snapshot, _ = snapshot_of(_spike_rows(failing_now=10))
    [insight] = [i for i in evaluate(snapshot, estimate(snapshot)) if i.rule == FAILURES]
    # since 09:00: the 25 and bi_queued (pending, counted) = 26 jobs, 10 failed (38.5 %, critical from
    # 25 %); before: the 30 and bi_1 = 31, 1 failed (3.2 %); acme-etl ran too few jobs to judge
    assert insight.resource == "acme-bi"
    assert insight.severity == "critical"
    assert insight.title == "acme-bi: 38% of BigQuery jobs failed since 09:00 (usually 3.2%)"
    assert insight.evidence == (
        "10 of 26 jobs since 09:00 failed (38.5%) vs 1 of 31 before (3.2%), by JOBS_BY_ORGANIZATION's "
        "hourly counts"
    )


def test_failures_at_the_usual_rate_raise_nothing() -> None:
    from dashboard.sources.jobs.rules import FAILURES

    snapshot, _ = snapshot_of(_spike_rows(failing_now=1))
    assert [i for i in evaluate(snapshot, estimate(snapshot)) if i.rule == FAILURES] == []
