"""``bigquery.stale_table``: on a table the last job writing it did not refresh, and not on one it did,
nor before the catalog was read after the job, nor under the threshold; the figures by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard import cost
from dashboard.insights import Context, InsightSettings
from dashboard.models import CatalogEntry, Job, Snapshot
from dashboard.sources.jobs.rules_tables import stale_table

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
TABLE = "acme-etl.sales.orders"


def job(job_id: str, started: datetime, *, error: str | None = None) -> Job:
    return Job(
        project="acme-etl",
        job_id=job_id,
        location="EU",
        created=started - timedelta(seconds=2),
        started=started,
        ended=started + timedelta(minutes=4),
        destination_table=TABLE,
        error_reason=error,
        error_message="Syntax error" if error else None,
    )


def found(jobs: tuple[Job, ...], updated: datetime, read_at: datetime = NOW, **thresholds: float) -> list:
    entry = CatalogEntry(table=TABLE, updated=updated, read_at=read_at)
    snapshot = Snapshot(at=NOW, jobs=jobs, job_tables={TABLE: entry})
    settings = InsightSettings(thresholds={f"bigquery.stale_table.{k}": v for k, v in thresholds.items()})
    ctx = Context(snapshot=snapshot, cost=cost.estimate(snapshot), settings=settings)
    return list(stale_table(ctx))


def test_the_table_a_failed_job_did_not_refresh() -> None:
    ok = job("load_0700", datetime(2026, 12, 7, 7, 0, tzinfo=UTC))
    failed = job("load_0900", datetime(2026, 12, 7, 9, 0, tzinfo=UTC), error="invalidQuery")
    # the table changed at 07:03 (the 07:00 load), the 09:00 load failed; the catalog read at 10:00
    [insight] = found((ok, failed), datetime(2026, 12, 7, 7, 3, tzinfo=UTC))
    assert (insight.rule, insight.severity, insight.resource) == ("bigquery.stale_table", "warning", TABLE)
    assert insight.resource_key == failed.key
    assert insight.title == f"Table {TABLE} not refreshed: its last job failed (invalidQuery)"
    # 10:00 - 07:03 = 2 h 57 min = 2.95 h, shown to one decimal: 3.0
    assert insight.evidence == (
        "catalog: last changed 2026-12-07 07:03 (3.0 h ago; threshold 1 h); job load_0900 started 09:00, "
        "ended 09:04"
    )


def test_a_successful_job_that_changed_nothing_is_info() -> None:
    done = job("load_0900", datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    [insight] = found((done,), datetime(2026, 12, 7, 6, 0, tzinfo=UTC))
    assert insight.severity == "info"


def test_no_insight_when_the_job_refreshed_it_or_it_cannot_be_judged_yet() -> None:
    done = job("load_0900", datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    failed = job("load_0900", datetime(2026, 12, 7, 9, 0, tzinfo=UTC), error="invalidQuery")
    assert found((done,), datetime(2026, 12, 7, 9, 3, tzinfo=UTC)) == []  # changed by the job
    # read at 09:02, before the failed job ended (09:04): no verdict
    assert (
        found(
            (failed,),
            datetime(2026, 12, 7, 7, 0, tzinfo=UTC),
            read_at=datetime(2026, 12, 7, 9, 2, tzinfo=UTC),
        )
        == []
    )
    # 09:30 → 10:00 is 0.5 h, under the 1 h threshold (the job started 09:40)
    late = job("load_0940", datetime(2026, 12, 7, 9, 40, tzinfo=UTC), error="invalidQuery")
    assert found((late,), datetime(2026, 12, 7, 9, 30, tzinfo=UTC)) == []
    # with the threshold at 0.25 h it fires
    assert len(found((late,), datetime(2026, 12, 7, 9, 30, tzinfo=UTC), min_hours=0.25)) == 1
