"""The jobs source's catalog read, live: the real google-cloud-bigquery client lists the jobs of two
projects in the EU multi-region from the fake BigQuery (history rows with destination tables), then the
real google-cloud-dataplex ``CatalogServiceClient`` asks the fake Dataplex (tests/contract/fake_grpc.py) for
the destination tables' catalog entries, written by hand in Google's documented ``Entry`` shape (proto
JSON of ``google.cloud.dataplex.v1.Entry``: ``name``, ``entryType``, ``createTime``, ``updateTime``,
``entrySource.resource`` / ``system`` / ``updateTime``). Expectations are read from those payloads.

The estate at 09:00 UTC, 2026-12-07, both projects' datasets in ``EU`` (the entries in location ``eu``):

- acme-etl ``orders_load`` wrote ``acme-etl.sales.orders`` at 07:00 (ok), ``orders_load_2`` failed at
  08:00; the catalog says the table last changed at 07:01 (``entrySource.updateTime``): stale next to the
  failed job;
- acme-analytics ``rollup`` wrote ``acme-analytics.web.daily`` at 08:30; its entry has no
  ``entrySource.updateTime``, the entry's own ``updateTime`` (08:31:30) is used;
- every other query wrote an anonymous result table (dataset ``_anon``): never asked for.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from dashboard.backends.base import Poll
from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import live_store
from dashboard.config import Config, SourceConfig
from dashboard.models import JobsData
from dashboard.models_catalog import GET_ENTRY
from dashboard.recording.format import Exchange
from dashboard.views.collect import jobs_section

from .fake_grpc import FakeGrpcServer, Fault, rpc_classes
from .fake_jobs import FakeJobs
from .fake_rest import FakeRest, bq_config
from .world import _row

pytestmark = pytest.mark.timeout(60)

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ETL, ANALYTICS = "acme-etl", "acme-analytics"
ORDERS = (
    "projects/acme-etl/locations/eu/entryGroups/@bigquery/entries/"
    "bigquery.googleapis.com/projects/acme-etl/datasets/sales/tables/orders"
)
DAILY = (
    "projects/acme-analytics/locations/eu/entryGroups/@bigquery/entries/"
    "bigquery.googleapis.com/projects/acme-analytics/datasets/web/tables/daily"
)


class Clock:
    def now(self) -> datetime:
        return T0


def _dest(project: str, dataset: str, table: str) -> dict[str, str]:
    return {"project_id": project, "dataset_id": dataset, "table_id": table}


def world() -> FakeJobs:
    h = timedelta(hours=1)
    etl = [
        _row(ETL, "EU", "orders_load", T0 - 2 * h, destination_table=_dest(ETL, "sales", "orders")),
        _row(
            ETL,
            "EU",
            "orders_load_2",
            T0 - h,
            destination_table=_dest(ETL, "sales", "orders"),
            error_result={"reason": "invalidQuery", "message": "Syntax error", "location": None,
                          "debug_info": None},
        ),
        _row(ETL, "EU", "adhoc", T0 - h),  # an anonymous result table
    ]  # fmt: skip
    analytics = [
        _row(ANALYTICS, "EU", "rollup", T0 - timedelta(minutes=30),
             destination_table=_dest(ANALYTICS, "web", "daily")),
    ]  # fmt: skip
    return FakeJobs(rows={ETL: etl, ANALYTICS: analytics}, resources={ETL: [], ANALYTICS: []})


def _entry(request: str, body: dict[str, Any]) -> Exchange:
    return Exchange(
        v=1, poll=1, t=T0, source="jobs", api="grpc", method=GET_ENTRY,
        request={"name": request, "view": "BASIC"}, response=body,
    )  # fmt: skip


ENTRIES = [
    _entry(
        ORDERS,
        {
            "name": ORDERS,
            "entryType": "projects/655216118709/locations/global/entryTypes/bigquery-table",
            "createTime": "2025-03-01T10:00:00Z",
            "updateTime": "2026-12-07T07:02:10.512Z",
            "fullyQualifiedName": "bigquery:acme-etl.sales.orders",
            "entrySource": {
                "resource": "//bigquery.googleapis.com/projects/acme-etl/datasets/sales/tables/orders",
                "system": "BigQuery",
                "location": "eu",
                "createTime": "2025-03-01T09:59:58Z",
                "updateTime": "2026-12-07T07:01:00Z",
            },
        },
    ),
    _entry(
        DAILY,
        {
            "name": DAILY,
            "entryType": "projects/655216118709/locations/global/entryTypes/bigquery-table",
            "createTime": "2025-06-01T00:00:00Z",
            "updateTime": "2026-12-07T08:31:30Z",
            "entrySource": {
                "resource": "//bigquery.googleapis.com/projects/acme-analytics/datasets/web/tables/daily"
            },
        },
    ),
]  # fmt: skip


class FakeCatalog(FakeGrpcServer):
    """The fake gRPC server serving ``CatalogService.GetEntry`` through google-cloud-dataplex's protos."""

    def _register(self) -> None:
        from google.cloud import dataplex_v1

        self._classes = {**rpc_classes(), GET_ENTRY: (dataplex_v1.GetEntryRequest, dataplex_v1.Entry)}
        super()._register()


@pytest.fixture
def rest() -> Iterator[FakeRest]:
    with FakeRest(world=world()) as server:
        yield server


@pytest.fixture
def catalog() -> Iterator[FakeCatalog]:
    with FakeCatalog(ENTRIES) as server:
        yield server


def config(rest: FakeRest, dataplex: FakeCatalog, **settings: Any) -> Config:
    base = bq_config(rest.url, projects=(ETL, ANALYTICS), bigquery_locations=["EU"])
    sources = {
        "dataquality": SourceConfig(endpoint=dataplex.address, enabled=False),
        **({"jobs": SourceConfig(settings=settings)} if settings else {}),
    }
    return msgspec.structs.replace(base, sources=sources)


def poll(rest: FakeRest, dataplex: FakeCatalog, **settings: Any) -> JobsData:
    live = LiveBackend(config(rest, dataplex, **settings), Clock())
    [result] = live.poll("jobs", force=True)
    assert result.error is None, result.error
    assert isinstance(result.data, JobsData)
    return result.data


def test_the_destination_tables_entries_are_read_in_the_eu_and_shown_next_to_their_jobs(
    rest: FakeRest, catalog: FakeCatalog
) -> None:
    data = poll(rest, catalog)
    asked = catalog.requests(GET_ENTRY)
    # the failed job's table first, then the other; the anonymous result tables never
    assert [r["name"] for r in asked] == [ORDERS, DAILY]
    assert all(r["view"] == "BASIC" for r in asked)
    assert data.warnings == ()
    tables = {e.table: e for e in data.tables}
    assert set(tables) == {"acme-etl.sales.orders", "acme-analytics.web.daily"}
    assert tables["acme-etl.sales.orders"].updated == datetime(2026, 12, 7, 7, 1, tzinfo=UTC)
    # no entrySource.updateTime: the entry's own
    assert tables["acme-analytics.web.daily"].updated == datetime(2026, 12, 7, 8, 31, 30, tzinfo=UTC)

    store = live_store(LiveBackend(config(rest, catalog), Clock()))
    store.apply(Poll(source="jobs", t=T0, data=data))
    section = jobs_section(store.snapshot(T0), T0)
    items = {i.job_id: i for i in section.recent}
    # orders_load started 07:00:02, the table changed at 07:01 (after it): refreshed
    assert items["orders_load"].table_updated == datetime(2026, 12, 7, 7, 1, tzinfo=UTC)
    assert not items["orders_load"].table_stale
    # orders_load_2 started 08:00:02 and failed; the catalog (read at 09:00) still says 07:01: stale
    assert items["orders_load_2"].table_stale
    # rollup started 08:30:02, the table changed at 08:31:30
    assert not items["rollup"].table_stale
    assert items["adhoc"].table_updated is None


def test_a_denied_catalog_read_is_one_warning_naming_the_role_and_the_jobs_stay(
    rest: FakeRest, catalog: FakeCatalog
) -> None:
    catalog.fault(
        GET_ENTRY, Fault(code="PERMISSION_DENIED", message="Permission denied on dataplex.entries.get")
    )
    data = poll(rest, catalog)
    assert {j.job_id for j in data.jobs} == {"orders_load", "orders_load_2", "adhoc", "rollup"}
    assert data.tables == ()
    assert data.incomplete == ()
    catalog_warnings = [w for w in data.warnings if w.startswith("catalog:")]
    assert catalog_warnings, data.warnings
    assert all("roles/dataplex.catalogViewer" in w for w in catalog_warnings)
    assert any("acme-etl.sales.orders" in w for w in catalog_warnings)


def test_the_catalog_read_is_off_with_the_setting(rest: FakeRest, catalog: FakeCatalog) -> None:
    data = poll(rest, catalog, catalog=False)
    assert catalog.requests(GET_ENTRY) == []
    assert data.tables == ()
    assert len(data.jobs) == 4


def test_a_table_is_not_asked_for_again_within_30_minutes(rest: FakeRest, catalog: FakeCatalog) -> None:
    live = LiveBackend(config(rest, catalog), Clock())
    for _ in range(2):
        [result] = live.poll("jobs", force=True)
        assert result.error is None
    assert len(catalog.requests(GET_ENTRY)) == 2  # the second poll, at the same moment, asked nothing
