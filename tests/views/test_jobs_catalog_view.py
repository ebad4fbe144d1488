"""The jobs pane's TABLE UPDATED cell and the job detail's table lines, from hand-made catalog entries;
the parser's reading of ``GetEntry`` exchanges in a jobs poll."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dashboard.models import CatalogEntry, Job, JobsData
from dashboard.models_catalog import GET_ENTRY
from dashboard.parsers import parse_poll
from dashboard.pricing import default_prices
from dashboard.recording.format import Exchange, ExchangeError
from dashboard.sources.jobs.view import table_cell, table_fields
from dashboard.sources.jobs.writers import table_stale
from dashboard.views.collect import job_item

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TABLE = "acme-etl.sales.orders"
ENTRY = (
    "projects/acme-etl/locations/europe-west1/entryGroups/@bigquery/entries/"
    "bigquery.googleapis.com/projects/acme-etl/datasets/sales/tables/orders"
)


def job(started: datetime, *, failed: bool = False, state: str = "DONE") -> Job:
    return Job(
        project="acme-etl",
        job_id="orders_load",
        location="europe-west1",
        state=state,
        created=started - timedelta(seconds=1),
        started=started,
        ended=None if state != "DONE" else started + timedelta(minutes=5),
        destination_table=TABLE,
        error_reason="invalidQuery" if failed else None,
    )


def entry(updated: datetime, read_at: datetime = NOW) -> CatalogEntry:
    return CatalogEntry(table=TABLE, entry=ENTRY, updated=updated, read_at=read_at)


def test_a_table_older_than_its_failed_job_is_stale_and_red() -> None:
    failed = job(datetime(2026, 11, 26, 8, 0, tzinfo=UTC), failed=True)
    old = entry(datetime(2026, 11, 26, 5, 30, tzinfo=UTC))
    assert table_stale(failed, old)
    item = job_item(failed, NOW, default_prices(), {}, {TABLE: old})
    assert item.table_updated == datetime(2026, 11, 26, 5, 30, tzinfo=UTC)
    cell = table_cell(item, NOW)
    assert cell is not None
    assert cell.plain == "! 3h30m ago"  # 09:00 - 05:30
    assert "red" in str(cell.style)
    lines = dict(table_fields(item, NOW))
    assert lines["Destination"] == TABLE
    assert str(lines["Table updated"]) == "2026-11-26 05:30:00 UTC (3h30m ago) · not refreshed by this job"


def test_a_table_changed_after_its_job_started_is_fresh_and_dim() -> None:
    done = job(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    fresh = entry(datetime(2026, 11, 26, 8, 4, tzinfo=UTC))
    assert not table_stale(done, fresh)
    cell = table_cell(job_item(done, NOW, default_prices(), {}, {TABLE: fresh}), NOW)
    assert cell is not None
    assert (cell.plain, str(cell.style)) == ("56m ago", "dim")


def test_no_verdict_before_the_catalog_was_read_after_the_job_nor_while_it_runs() -> None:
    done = job(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))  # ended 08:05
    early = entry(datetime(2026, 11, 26, 5, 0, tzinfo=UTC), read_at=datetime(2026, 11, 26, 8, 3, tzinfo=UTC))
    assert not table_stale(done, early)
    running = job(datetime(2026, 11, 26, 8, 0, tzinfo=UTC), state="RUNNING")
    assert not table_stale(running, entry(datetime(2026, 11, 26, 5, 0, tzinfo=UTC)))
    unknown = job_item(done, NOW, default_prices(), {}, {})
    assert table_cell(unknown, NOW) is None
    assert dict(table_fields(unknown, NOW))["Table updated"] is None


def _get(body: dict[str, object] | None, error: ExchangeError | None = None) -> Exchange:
    return Exchange(
        v=1, poll=1, t=NOW, source="jobs", api="grpc", method=GET_ENTRY,
        request={"name": ENTRY, "view": "BASIC"}, response=body, error=error,
    )  # fmt: skip


def _listing() -> Exchange:
    return Exchange(
        v=1, poll=1, t=NOW, source="jobs", api="rest", method="bigquery.jobs.list",
        request={}, response={"jobs": []}, http_method="GET",
        path="/bigquery/v2/projects/acme-etl/jobs", params={"stateFilter": "running"},
    )  # fmt: skip


def test_the_parser_keeps_the_entry_and_makes_a_failed_one_a_warning() -> None:
    body = {"name": ENTRY, "entrySource": {"updateTime": "2026-11-26T05:30:00Z"}}
    data = parse_poll("jobs", [_listing(), _get(body)])
    assert isinstance(data, JobsData)
    assert data.tables == (entry(datetime(2026, 11, 26, 5, 30, tzinfo=UTC)),)
    denied = ExchangeError(code="PERMISSION_DENIED", message="Permission denied", status=403)
    data = parse_poll("jobs", [_listing(), _get(None, denied)])
    assert isinstance(data, JobsData)
    assert data.tables == ()
    [warning] = data.warnings
    assert warning.startswith("catalog: when acme-etl.sales.orders last changed is not shown: ")
    assert "roles/dataplex.catalogViewer" in warning
    garbage = parse_poll("jobs", [_listing(), _get({"name": "projects/p/locations/l/entries/x"})])
    assert isinstance(garbage, JobsData)
    assert garbage.tables == ()
    assert len(garbage.warnings) == 1
