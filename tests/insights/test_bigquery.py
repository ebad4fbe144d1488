"""BigQuery rules: failure spikes, the costliest queries and principals, repeated queries, unlabelled spend.

Test prices: on demand $5/TiB, Enterprise $0.05/slot-hour. Unless said otherwise jobs are created at 08:00,
so the window is 08:00-09:00: one hour, and a window's spend is also its $/h.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import msgspec
import pytest

from dashboard import cost
from dashboard.insights import Context, InsightSettings
from dashboard.models import Job, JobAggregates, Snapshot
from dashboard.recording.demo import demo_path
from dashboard.replay import load_snapshot
from dashboard.sources.jobs import cost as jobs_cost
from dashboard.sources.jobs.rules_costs import job_costs
from dashboard.sources.jobs.sql import is_select, normalize
from insights.helpers import AT, TIB, prices, run, t

FAILURES = "bigquery.failure_spike"
COSTLY_QUERY = "bigquery.costly_query"
COSTLY_PRINCIPAL = "bigquery.costly_principal"
REPEATED = "bigquery.repeated_query"
UNLABELLED = "bigquery.unlabelled_spend"

_ids = iter(range(1_000_000))


def job(
    *,
    project: str = "p",
    who: str = "ana@x",
    ended: datetime | None = None,
    tib: float = 0.0,
    job_id: str | None = None,
    **extra: object,
) -> Job:
    return Job(
        project=project,
        location="US",
        job_id=job_id or f"j{next(_ids)}",
        principal=who,
        created=t(hours=-1),
        ended=ended or t(minutes=-5),
        bytes_billed=int(tib * TIB),
        **extra,  # type: ignore[arg-type]
    )


def snap(*jobs: Job) -> Snapshot:
    return Snapshot(at=AT, jobs=jobs)


# ---------------------------------------------------------------- failure spike


def failures(recent: int, recent_failed: int, before: int = 100, before_failed: int = 2) -> Snapshot:
    """``before`` jobs ended 07:00-08:29 (``before_failed`` failed), ``recent`` ended 08:30-08:59."""
    jobs = [
        job(
            ended=t(minutes=-119 + i * 89 // before),
            error_reason="invalidQuery" if i < before_failed else None,
        )
        for i in range(before)
    ]
    reasons = ["accessDenied"] * 6 + ["invalidQuery"] * 100
    jobs += [
        job(
            who="tom@x" if i < 5 else "ana@x",
            ended=t(minutes=-30 + i * 30 // recent),
            error_reason=reasons[i] if i < recent_failed else None,
        )
        for i in range(recent)
    ]
    return snap(*jobs)


def test_a_failure_rate_well_above_its_usual_level() -> None:
    # 8 of 40 recent jobs failed (20 %, >= 5 % and >= 2 x the usual 2 of 100 = 2 %)
    (found,) = run(failures(40, 8), FAILURES)
    assert found.severity == "warning"  # 20 % < 25 %
    assert found.resource == "p"
    assert found.title == "p: 20% of BigQuery jobs failed in the last 30 min (usually 2.0%)"
    assert found.evidence.startswith(
        "8 of 40 jobs ended since 08:30 failed (20.0%) vs 2 of 100 before (2.0%); "
        "accessDenied x 6, invalidQuery x 2; most from tom@x (5), ana@x (3)"
    )
    assert "IAM" in found.fix
    assert found.resource_key.startswith("p:US.j")


def test_a_failure_rate_over_a_quarter_is_critical() -> None:
    (found,) = run(failures(40, 12), FAILURES)  # 30 %
    assert found.severity == "critical"


def test_usual_failures_few_jobs_or_no_history_are_not_a_spike() -> None:
    assert run(failures(40, 1), FAILURES) == []  # 2.5 % < 5 %
    assert run(failures(40, 3, before_failed=10), FAILURES) == []  # 7.5 % < 2 x 10 %
    assert run(failures(10, 5), FAILURES) == []  # 10 recent jobs < 20
    assert run(failures(40, 8, before=10, before_failed=0), FAILURES) == []  # no usual level to compare
    assert len(run(failures(10, 5), FAILURES, min_jobs=10)) == 1


# ---------------------------------------------------------------- costly queries and principals


def test_the_costliest_queries_above_the_threshold() -> None:
    jobs = (
        job(tib=3, query="SELECT * -- all of it\nFROM big"),  # $15
        job(tib=0.5),  # $2.50: under $10
        # 2,400 slot-hours in a reservation at $0.05: $120, attributed
        job(who="etl@x", reservation="adm:US.prod", edition="ENTERPRISE", slot_ms=2400 * 3_600_000),
        # a script parent whose child is listed: its 10 TiB are the child's, not counted twice
        job(job_id="parent", statement_type="SCRIPT", num_child_jobs=1, tib=10),
        job(parent_job_id="parent", tib=1),  # $5
    )
    found = run(snap(*jobs), COSTLY_QUERY)
    assert [(i.severity, i.title) for i in found] == [
        ("warning", "Query by etl@x cost $120.00"),  # >= $100
        ("info", "Query by ana@x cost $15.00"),
    ]
    assert "2,400.0 slot-hours in adm:US.prod (attributed)" in found[0].evidence
    assert found[1].evidence == "$15.00: 3.000 TiB billed on demand; ended 08:55 in p; SELECT * FROM big"
    assert found[1].resource_key == jobs[0].key
    assert [i.title for i in run(snap(*jobs), COSTLY_QUERY, top=1)] == ["Query by etl@x cost $120.00"]


def test_no_query_reaches_the_threshold() -> None:
    assert run(snap(job(tib=1.9)), COSTLY_QUERY) == []  # $9.50 < $10


def test_the_costliest_principals() -> None:
    jobs = (
        job(tib=4),  # $20
        job(tib=8),  # $40
        job(reservation="adm:US.prod", edition="ENTERPRISE", slot_ms=200 * 3_600_000),  # $10
        job(who="bob@x", tib=2),  # $10: under $50
    )
    (found,) = run(snap(*jobs), COSTLY_PRINCIPAL)
    assert found.severity == "info"
    assert found.resource == "ana@x"
    assert found.resource_key == "ana@x"  # the row of the by-principal view
    assert found.title == "ana@x spent $70.00 on BigQuery in 1.0 h"
    assert found.usd_per_hour == pytest.approx(70.0)  # over the one-hour window
    assert found.usd_per_month == pytest.approx(70.0 * 730)
    assert found.evidence.startswith("3 jobs since 08:00: 12.000 TiB billed, 200.0 slot-hours")
    assert run(snap(*jobs), COSTLY_PRINCIPAL, usd=100) == []


# ---------------------------------------------------------------- repeated queries


SQL = "SELECT region, SUM(x) FROM t WHERE day = 'A'"


def test_the_same_select_run_again_and_again() -> None:
    texts = [
        SQL,
        SQL + ";",
        "SELECT region,\n  SUM(x)\nFROM t -- daily\nWHERE day = 'A'",
        "/* looker */ SELECT region, SUM(x) FROM t WHERE day = 'A'",
        "  " + SQL,
        SQL,
    ]
    jobs = [job(tib=0.2, query=q, ended=t(minutes=-50 + 5 * i)) for i, q in enumerate(texts)]  # $1 each
    jobs += [
        job(tib=0.2, query=SQL, cache_hit=True),  # served from cache: not a run
        job(tib=0.2, query=SQL.replace("'A'", "'a'")),  # another literal: another query
    ]
    (found,) = run(snap(*jobs), REPEATED)
    assert found.severity == "info"
    assert found.title == "The same query ran 6 times without a cache hit: $6.00"
    assert found.usd_per_hour == pytest.approx(6.0)
    # the query, and an id that tells apart queries that begin alike
    assert found.resource == f"{SQL} #{hashlib.sha256(SQL.encode()).hexdigest()[:8]}"
    assert found.resource_key == jobs[5].key  # the newest run
    assert found.evidence.startswith("6 runs since 08:10, last 08:35, none served from cache; $6.00 together")


def test_few_runs_cheap_runs_or_writes_are_not_repeated_queries() -> None:
    four = [job(tib=0.5, query=SQL) for _ in range(4)]  # 4 runs < 5
    cheap = [job(tib=0.01, query="SELECT 1") for _ in range(10)]  # $0.50 < $5
    writes = [job(tib=1, query="INSERT INTO t SELECT 1", statement_type="INSERT") for _ in range(10)]
    assert run(snap(*four, *cheap, *writes), REPEATED) == []
    assert len(run(snap(*four), REPEATED, min_runs=4)) == 1


def test_sql_normalization_keeps_strings_and_drops_comments() -> None:
    assert normalize("SELECT  'a -- b'  -- c\n, \"d  e\" # f\nFROM `x  y` /* z */;") == (
        "SELECT 'a -- b' , \"d  e\" FROM `x  y`"
    )
    assert is_select("WITH a AS (SELECT 1) SELECT * FROM a")
    assert not is_select("INSERT INTO t SELECT 1")


# ---------------------------------------------------------------- unlabelled spend


def test_a_large_share_of_on_demand_spend_without_labels() -> None:
    jobs = (
        job(tib=1, labels={"team": "bi"}),  # $5 labelled
        job(tib=2),  # $10 without a label
        job(who="bob@x", tib=1),  # $5 without a label
        job(reservation="adm:US.prod", edition="ENTERPRISE", slot_ms=3_600_000_000),  # not on demand
        job(project="q", tib=3, labels={"team": "ops"}),  # q: $15 labelled,
        job(project="q", tib=1),  # $5 not: 25 %
    )
    (found,) = run(snap(*jobs), UNLABELLED)
    # p: $15 of $20 (75 % >= 50 %, $15 >= $10)
    assert found.resource == "p"
    assert found.resource_key == jobs[1].key  # the costliest unlabelled job
    assert found.title == "p: 75% of on-demand spend carries no label"
    assert found.usd_per_hour == pytest.approx(15.0)
    assert found.evidence == (
        "$15.00 of $20.00 on demand since 08:00 (2 jobs) had no label; "
        "most from ana@x ($10.00), bob@x ($5.00)"
    )
    assert [i.resource for i in run(snap(*jobs), UNLABELLED, share_pct=20, min_usd=5)] == ["p", "q"]
    assert run(snap(*jobs), UNLABELLED, min_usd=20) == []


def test_organisation_mode_judges_no_label_from_jobs_read_without_labels() -> None:
    # the organisation query's job rows carry no labels column: a job there is not known to be unlabelled
    jobs = (job(tib=2), job(who="bob@x", tib=1))
    aggregates = JobAggregates(scope="organization", scope_id="123456789012", view="JOBS_BY_ORGANIZATION")
    organisation = msgspec.structs.replace(snap(*jobs), job_aggregates=aggregates)
    assert [i.resource for i in run(snap(*jobs), UNLABELLED)] == ["p"]
    assert run(organisation, UNLABELLED) == []


# ---------------------------------------------------------------- the shared costs


def test_the_shared_job_costs_agree_with_the_cost_package_job_for_job() -> None:
    snapshot, _ = load_snapshot(demo_path(), mode="demo")
    estimate = cost.estimate(snapshot, prices())
    context = Context(snapshot=snapshot, cost=estimate, settings=InsightSettings(), prices=prices())
    editions = {r.reservation_key: r.edition for r in snapshot.reservations.reservations}
    costs = job_costs(context)
    assert len(costs.jobs) == len(jobs_cost.countable_jobs(snapshot.jobs))
    for job_, usd, on_demand in costs:
        expected = jobs_cost.job_cost(job_, prices(), editions)
        assert usd == (None if expected is None else pytest.approx(expected.usd))
        assert on_demand == (job_.reservation is None)
