"""The stale-table insight against when the catalog entry was read: the entry (``GetEntry``, read every
30 minutes at most) can only show writes that finished before it was read; a write after the read says
nothing about the catalog yet. Both ways, by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard.models import Job
from dashboard.sources.dataquality import rules
from dashboard.sources.dataquality.model import CatalogEntry, DataQualityData, Scan

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
TABLE = "acme-jp.sales.orders"
SCAN = Scan(
    project="acme-jp",
    location="asia-northeast1",
    scan_id="orders-dq",
    name="projects/acme-jp/locations/asia-northeast1/dataScans/orders-dq",
    resource="//bigquery.googleapis.com/projects/acme-jp/datasets/sales/tables/orders",
    table=TABLE,
)


def data(read_at: datetime) -> DataQualityData:
    entry = CatalogEntry(table=TABLE, updated=NOW - timedelta(hours=8), read_at=read_at)  # changed 02:00
    return DataQualityData(scans=(SCAN,), items=(entry,))


def load(ended: datetime) -> Job:
    return Job(project="acme-jp", job_id="load", destination_table=TABLE, ended=ended, created=ended)


def test_a_write_after_the_entry_was_read_is_not_evidence_of_a_stale_catalog() -> None:
    # read at 09:00; the load finished at 09:30: the entry could not show it
    assert rules.stale_table(data(NOW - timedelta(hours=1)), [load(NOW - timedelta(minutes=30))], NOW) == []


def test_a_write_between_the_change_and_the_read_is() -> None:
    # read at 09:00; the load finished at 08:30, after the 02:00 change: 8 h unchanged although written
    [insight] = rules.stale_table(data(NOW - timedelta(hours=1)), [load(NOW - timedelta(minutes=90))], NOW)
    assert insight.evidence.startswith("catalog: last changed 2026-12-07 02:00 (8.0 h ago; threshold 6 h)")
    assert insight.evidence.endswith("1 job(s) writing it finished since, the last at 08:30")
