"""BigQuery spend per job, project and principal on an awkward estate, from jobs.list resources (REST,
projection full) and INFORMATION_SCHEMA.JOBS rows, every figure worked out by hand.

Three locations side by side (US, EU, asia-northeast1), two projects each; a workforce identity principal
(``principal_subject``, no ``user_email``); a cache hit (0 bytes billed); a query billed the 10 MiB
minimum for 1,000 bytes read; a script whose parent reports the sum of its two children (a DML INSERT and a
CREATE TABLE AS SELECT), listed with them; a job in a reservation of another admin project (its bytes are
informational); a PENDING job with nothing but its reference and creation time; a job that started before
the hour and ended inside it, and one that ended before it.

Prices (tests/cost/prices.py): on demand $5/TiB, Enterprise $0.05/slot-hour.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from dashboard import cost
from dashboard.cost.common import Inputs
from dashboard.models import Job, Snapshot
from dashboard.sources.jobs.cost import on_demand_by
from dashboard.sources.jobs.parse_list import job_from_history, job_from_resource
from dashboard.views.collect import by_principal
from insights.helpers import AT, TIB, prices, run, t

MIB = 2**20
WORKFORCE = "principal://iam.googleapis.com/locations/global/workforcePools/acme/subject/kai@partner.example"
ETL = "etl@shop-eu.iam.gserviceaccount.com"


def ms(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def listed(
    project: str,
    job_id: str,
    location: str,
    *,
    who: dict[str, str],
    created: datetime,
    ended: datetime | None = None,
    query: dict[str, object] | None = None,
    stats: dict[str, object] | None = None,
) -> Job:
    """A DONE job (PENDING without ``ended``) as a jobs.list item."""
    statistics: dict[str, object] = {"creationTime": ms(created), **(stats or {})}
    if ended is not None:
        statistics |= {"startTime": ms(created), "endTime": ms(ended), "query": query or {}}
    state = "DONE" if ended is not None else "PENDING"
    return job_from_resource(
        {
            "id": f"{project}:{location}.{job_id}",
            "jobReference": {"projectId": project, "jobId": job_id, "location": location},
            "state": state,
            "status": {"state": state},
            "statistics": statistics,
            "configuration": {"jobType": "QUERY", "query": {"query": f"SELECT '{job_id}'"}},
            **who,
        }
    )


def child(job_id: str, statement: str, billed: int, ended: datetime) -> Job:
    """A script's child statement as an INFORMATION_SCHEMA.JOBS row (decoded)."""
    row = {
        "creation_time": t(minutes=-40),
        "start_time": t(minutes=-40),
        "end_time": ended,
        "project_id": "shop-eu",
        "user_email": ETL,
        "principal_subject": f"serviceAccount:{ETL}",
        "job_id": job_id,
        "job_type": "QUERY",
        "statement_type": statement,
        "state": "DONE",
        "total_bytes_processed": billed,
        "total_bytes_billed": billed,
        "total_slot_ms": 1_000_000,
        "cache_hit": False,
        "parent_job_id": "script_1",
    }
    return job_from_history(row, "EU")


def estate() -> tuple[Job, ...]:
    ana, kai = {"user_email": "ana@acme.com"}, {"principal_subject": WORKFORCE}
    etl, jp = {"user_email": ETL}, {"user_email": "jp@acme.com"}
    return (
        # started 07:31, before the hour, ended 08:20 inside it: 2 TiB
        listed("shop-us", "long", "US", who=ana, created=t(minutes=-89), ended=t(minutes=-40),
               query={"totalBytesProcessed": str(2 * TIB), "totalBytesBilled": str(2 * TIB)}),
        # ended 07:50, before the hour: 0.5 TiB
        listed("shop-us", "early", "US", who=ana, created=t(minutes=-80), ended=t(minutes=-70),
               query={"totalBytesBilled": str(TIB // 2)}),
        # a cache hit: nothing billed
        listed("shop-us2", "cached", "US", who=kai, created=t(minutes=-30), ended=t(minutes=-29),
               query={"totalBytesProcessed": "0", "totalBytesBilled": "0", "cacheHit": True}),
        # 1,000 bytes read, billed the 10 MiB minimum
        listed("shop-eu2", "tiny", "EU", who=kai, created=t(minutes=-20), ended=t(minutes=-19),
               query={"totalBytesProcessed": "1000", "totalBytesBilled": str(10 * MIB)}),
        # the script's parent: the sum of its children's bytes, listed with them
        listed("shop-eu", "script_1", "EU", who=etl, created=t(minutes=-41), ended=t(minutes=-10),
               query={"statementType": "SCRIPT", "totalBytesBilled": str(3 * TIB),
                      "totalSlotMs": "2000000"}, stats={"numChildJobs": "2"}),
        child("script_1_0", "INSERT", TIB, t(minutes=-30)),
        child("script_1_1", "CREATE_TABLE_AS_SELECT", 2 * TIB, t(minutes=-10)),
        # in acme-admin's reservation: 2 slot-hours attributed, its 5 TiB billed are informational
        listed("shop-jp", "res", "asia-northeast1", who=jp, created=t(minutes=-15), ended=t(minutes=-5),
               query={"totalBytesBilled": str(5 * TIB), "totalSlotMs": str(2 * 3_600_000)},
               stats={"reservation_id": "acme-admin:asia-northeast1.jp-prod", "edition": "ENTERPRISE"}),
        # queued: a reference and a creation time, nothing else
        listed("shop-jp2", "queued", "asia-northeast1", who={}, created=t(minutes=-3)),
    )  # fmt: skip


def test_on_demand_spend_per_project_and_principal_within_the_hour() -> None:
    snap = Snapshot(at=AT, jobs=estate())
    rows = on_demand_by(Inputs(snapshot=snap, prices=prices()), t(hours=-1), AT)
    got = {(a.dimension, a.key): (pytest.approx(a.usd), a.jobs) for a in rows}
    tiny = 10 * MIB / TIB * 5  # the 10 MiB minimum at $5/TiB
    assert got == {
        ("project", "shop-eu"): ((1 + 2) * 5.0, 2),  # the two children; the parent not again
        ("project", "shop-us"): (2 * 5.0, 1),  # "early" ended before the hour
        ("project", "shop-eu2"): (tiny, 1),
        ("project", "shop-us2"): (0.0, 1),  # the cache hit: a job, $0
        ("principal", ETL): (15.0, 2),
        ("principal", "ana@acme.com"): (10.0, 1),
        ("principal", WORKFORCE): (tiny, 2),
    }
    od = cost.estimate(snap, prices()).service("bigquery_on_demand")
    # the window runs from the oldest job (07:31): every on-demand job, the parent once
    assert od.window_spend_usd == pytest.approx((2 + 0.5 + 0 + 1 + 2) * 5.0 + tiny)
    assert od.items == 6


def test_the_by_principal_view_counts_each_statement_once() -> None:
    groups = {g.principal: g for g in by_principal(estate(), prices(), {})}
    etl = groups[ETL]
    assert (etl.jobs, etl.bytes_billed, etl.cost_usd) == (2, 3 * TIB, pytest.approx(15.0))
    assert etl.slot_hours == pytest.approx(2 * 1_000_000 / 3.6e6)  # the children's, not the parent's too
    ana = groups["ana@acme.com"]
    assert (ana.jobs, ana.cost_usd) == (2, pytest.approx((2 + 0.5) * 5.0))
    kai = groups[WORKFORCE]  # named by its principal_subject
    assert (kai.jobs, kai.bytes_billed, kai.cost_usd) == (2, 10 * MIB, pytest.approx(10 * MIB / TIB * 5))
    jp = groups["jp@acme.com"]
    assert (jp.jobs, jp.bytes_billed, jp.cost_usd) == (1, 5 * TIB, pytest.approx(2 * 0.05))
    queued = groups["(unknown)"]
    assert (queued.jobs, queued.running, queued.cost_usd) == (1, 0, 0.0)  # queued is not running


def test_the_costly_principal_insight_reads_the_same_figures() -> None:
    found = run(Snapshot(at=AT, jobs=estate()), "bigquery.costly_principal", usd=1.0)
    assert [i.resource for i in found] == [ETL, "ana@acme.com"]
    # the window: 07:31 (the oldest job) to 09:00, 1.48 h
    hours = 89 / 60
    assert found[0].usd_per_hour == pytest.approx(15.0 / hours)
    assert found[0].evidence.startswith("2 jobs since 07:31: 3.000 TiB billed, 0.6 slot-hours")


def test_the_overview_counts_a_script_once_by_its_statements() -> None:
    from dashboard.sources.jobs.overview import overview_fields

    # a script that failed: the parent carries its failing child's error, and so does that child
    parent = {
        "id": "shop-eu:EU.script_2",
        "jobReference": {"projectId": "shop-eu", "jobId": "script_2", "location": "EU"},
        "state": "DONE",
        "status": {"state": "DONE", "errorResult": {"reason": "invalidQuery", "message": "no such table"}},
        "statistics": {
            "creationTime": ms(t(minutes=-9)),
            "startTime": ms(t(minutes=-9)),
            "endTime": ms(t(minutes=-8)),
            "numChildJobs": "1",
            "query": {"statementType": "SCRIPT"},
        },
        "configuration": {"jobType": "QUERY", "query": {"query": "BEGIN SELECT * FROM nope; END"}},
        "user_email": ETL,
    }
    failing = job_from_history(  # the failing child's row as INFORMATION_SCHEMA gives it
        {
            "creation_time": t(minutes=-9),
            "start_time": t(minutes=-9),
            "end_time": t(minutes=-8),
            "project_id": "shop-eu",
            "user_email": ETL,
            "job_id": "script_2_0",
            "job_type": "QUERY",
            "statement_type": "SELECT",
            "state": "DONE",
            "error_result": {"reason": "invalidQuery", "message": "no such table"},
            "parent_job_id": "script_2",
        },
        "EU",
    )
    jobs = (*estate(), job_from_resource(parent), failing)
    fields = overview_fields(Snapshot(at=AT, jobs=jobs))
    # statements: long, early, cached, tiny, the first script's two children, res, queued, the failing child
    assert fields["bigquery_jobs_total"] == 9
    assert fields["bigquery_jobs_failed"] == 1
    assert fields["bigquery_jobs_pending"] == 1
    assert fields["bigquery_jobs_running"] == 0
