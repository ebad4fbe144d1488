"""The data-quality source's insight rules, each on data made to trigger it and on data made not to; the
figures by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.models import Job
from dashboard.sources.dataquality import rules
from dashboard.sources.dataquality.model import CatalogEntry, DataQualityData, RuleResult, Scan, ScanJob
from dashboard.sources.dataquality.summary import cron_interval

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
SCAN = "projects/acme-etl/locations/europe-west1/dataScans/orders-dq"
TABLE = "acme-etl.sales.orders"


def scan(cron: str = "TZ=UTC 30 7 * * *", **fields: object) -> Scan:
    return Scan(
        project="acme-etl",
        location="europe-west1",
        scan_id="orders-dq",
        name=SCAN,
        resource="//bigquery.googleapis.com/projects/acme-etl/datasets/sales/tables/orders",
        table=TABLE,
        cron=cron,
        **({"trigger": "schedule"} | fields),  # type: ignore[arg-type]
    )


def job(job_id: str, start: datetime, *, passed: bool, score: float, full: bool = True) -> ScanJob:
    failing = (
        RuleResult(name="non_null(customer_id)", column="customer_id", passed=False, pass_ratio=0.91),
        RuleResult(name="uniqueness(order_id)", column="order_id", passed=False, pass_ratio=0.985),
    )
    return ScanJob(
        project="acme-etl",
        location="europe-west1",
        scan_id="orders-dq",
        job_id=job_id,
        name=f"{SCAN}/jobs/{job_id}",
        state="SUCCEEDED",
        started=start,
        ended=start + timedelta(minutes=5),
        full=full,
        passed=passed if full else None,
        score=score if full else None,
        rules=() if passed or not full else failing,
    )


def writes(table: str, *ends: datetime) -> tuple[Job, ...]:
    return tuple(
        Job(project="acme-etl", job_id=f"load_{i}", destination_table=table, ended=end, created=end)
        for i, end in enumerate(ends)
    )


FAILED = DataQualityData(
    scans=(scan(),),
    items=(
        job("a", NOW - timedelta(days=1, hours=2, minutes=30), passed=True, score=100.0),
        job("b", NOW - timedelta(hours=2, minutes=30), passed=False, score=50.0),
        job("b", NOW - timedelta(hours=2, minutes=30), passed=False, score=50.0, full=False),  # its listing
    ),
)


def test_a_failed_scan_on_a_table_jobs_write() -> None:
    jobs = writes(TABLE, NOW - timedelta(hours=1), NOW - timedelta(minutes=20))
    [insight] = rules.failed_table_in_use(FAILED, jobs, NOW)
    assert insight.rule == "dataquality.failed_table_in_use"
    assert insight.severity == "critical"  # 50 < the 80 critical score
    assert insight.resource_key == "acme-etl/europe-west1/orders-dq"
    assert insight.evidence == (
        "score 50.0 (critical under 80); failed rules: non_null(customer_id) 0.91, uniqueness(order_id) "
        "0.985; 2 BigQuery job(s) wrote the table in the window, last at 09:40"
    )


def test_a_failed_scan_over_the_critical_score_is_a_warning() -> None:
    found = rules.failed_table_in_use(
        FAILED, writes(TABLE, NOW), NOW, {"min_jobs": 1.0, "critical_score": 40.0}.__getitem__
    )
    assert [i.severity for i in found] == ["warning"]


@pytest.mark.parametrize(
    ("data", "jobs"),
    [
        (FAILED, writes("acme-etl.sales.customers", NOW)),  # jobs write another table
        (FAILED, ()),  # nothing writes it
        (  # the newest result passed (the failed one is older)
            DataQualityData(
                scans=(scan(),),
                items=(
                    job("a", NOW - timedelta(hours=5), passed=False, score=50.0),
                    job("b", NOW - timedelta(hours=1), passed=True, score=100.0),
                ),
            ),
            writes(TABLE, NOW),
        ),
    ],
)
def test_no_failed_scan_insight(data: DataQualityData, jobs: tuple[Job, ...]) -> None:
    assert rules.failed_table_in_use(data, jobs, NOW) == []


def test_min_jobs_counts_the_writes() -> None:
    two = {"min_jobs": 2.0, "critical_score": 80.0}.__getitem__
    assert rules.failed_table_in_use(FAILED, writes(TABLE, NOW), NOW, two) == []
    assert len(rules.failed_table_in_use(FAILED, writes(TABLE, NOW, NOW), NOW, two)) == 1


def test_a_scan_that_stopped_running() -> None:
    # every 6 hours; the last run 21 h ago: ≥ 3 × 6 = 18 h
    data = DataQualityData(
        scans=(scan("0 */6 * * *"),),
        items=(job("a", NOW - timedelta(hours=21), passed=True, score=100.0),),
    )
    [insight] = rules.scan_stopped(data, (), NOW)
    assert insight.rule == "dataquality.scan_stopped"
    assert insight.evidence == (
        "schedule '0 */6 * * *' expects a run every 6 h; the last started 2026-12-06 13:00, 21.0 h ago "
        "(threshold 3 intervals)"
    )


@pytest.mark.parametrize(
    "data",
    [
        # 17 h < 18 h
        DataQualityData(
            scans=(scan("0 */6 * * *"),),
            items=(job("a", NOW - timedelta(hours=17), passed=True, score=100.0),),
        ),
        # the listing says a job started 1 h ago (none of its jobs listed yet)
        DataQualityData(scans=(scan("0 */6 * * *", latest_job_start=NOW - timedelta(hours=1)),)),
        # on demand: no schedule expects a run
        DataQualityData(scans=(scan("", trigger="on_demand"),)),
        # a schedule gcpdash cannot put an interval on
        DataQualityData(
            scans=(scan("0 6 1 * *"),), items=(job("a", NOW - timedelta(days=20), passed=True, score=100.0),)
        ),
    ],
)
def test_no_stopped_scan_insight(data: DataQualityData) -> None:
    assert rules.scan_stopped(data, (), NOW) == []


@pytest.mark.parametrize(
    ("cron", "hours"),
    [
        ("TZ=UTC 30 7 * * *", 24),
        ("0 */6 * * *", 6),
        ("15 * * * *", 1),
        ("*/30 * * * *", 0.5),
        ("0 9 * * 1", 168),
        ("0 6,18 * * *", 12),
        ("0 6 1 * *", None),
        ("not a cron", None),
    ],
)
def test_cron_intervals(cron: str, hours: float | None) -> None:
    found = cron_interval(cron)
    assert (None if found is None else found.total_seconds() / 3600) == hours


def with_entry(updated: datetime) -> DataQualityData:
    entry = CatalogEntry(table=TABLE, updated=updated, read_at=NOW)
    return DataQualityData(scans=FAILED.scans, items=(*FAILED.items, entry))


def test_a_table_the_catalog_says_is_stale_although_jobs_write_it() -> None:
    # last changed 8 h ago (≥ 6 h); two loads finished since, at 09:00 and 09:40
    data = with_entry(NOW - timedelta(hours=8))
    [insight] = rules.stale_table(
        data, writes(TABLE, NOW - timedelta(hours=1), NOW - timedelta(minutes=20)), NOW
    )
    assert (insight.rule, insight.severity, insight.resource) == ("dataquality.stale_table", "info", TABLE)
    assert insight.evidence == (
        "catalog: last changed 2026-12-07 02:00 (8.0 h ago; threshold 6 h); 2 job(s) writing it finished "
        "since, the last at 09:40"
    )


@pytest.mark.parametrize(
    ("updated", "ends"),
    [
        (NOW - timedelta(hours=5), (NOW - timedelta(minutes=20),)),  # 5 h < 6 h
        (NOW - timedelta(hours=8), (NOW - timedelta(hours=9),)),  # the write was before the change
        (NOW - timedelta(hours=8), ()),  # nothing writes it
    ],
)
def test_no_stale_table_insight(updated: datetime, ends: tuple[datetime, ...]) -> None:
    assert rules.stale_table(with_entry(updated), writes(TABLE, *ends), NOW) == []


def test_metrics() -> None:
    assert rules.metrics(FAILED) == {"failed_scans": 1.0, "min_score": 50.0}
    assert rules.metrics(DataQualityData()) == {"failed_scans": 0.0, "min_score": 100.0}
