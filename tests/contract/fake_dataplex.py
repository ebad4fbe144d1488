"""A fake of Dataplex's DataScanService for the data-quality source's contract tests:
:class:`FakeDataplexServer` is :class:`~tests.contract.fake_grpc.FakeGrpcServer` serving
``ListDataScans``, ``ListDataScanJobs`` and ``GetDataScanJob`` through google-cloud-dataplex's own
protos, and :func:`world` the payloads of a two-project estate in Google's documented shapes (proto JSON
of ``google.cloud.dataplex.v1``), as the exchanges a poll at :data:`NOW` records.

The estate (europe-west1; us-central1 and the ``us`` multi-region, where the ``US`` datasets' scans would
be, hold none):

- ``acme-etl``: ``orders-dq`` on ``acme-etl.sales.orders`` (daily at 07:30 UTC): yesterday's job passed
  (score 100), today's failed (score 50: ``customer_id`` non-null pass ratio 0.91 under its 0.99 threshold,
  ``order_id`` uniqueness 0.985 under 1.0, the ``amount`` range rule passed); and ``orders-profile``, a
  DATA_PROFILE scan of the same table (not a data-quality scan: left out);
- ``acme-analytics``: ``sessions-dq`` on ``acme-analytics.web.sessions`` (every 6 hours), its jobs on two
  pages: one passed at 06:00 (score 100), one RUNNING since 09:55 (no result read for it).

The tables' catalog entries (``GetEntry``, BASIC view): ``acme-etl.sales.orders`` changed at 09:40 (its
entry, updated at 09:41, says so in ``entrySource.updateTime``), ``acme-analytics.web.sessions`` at 02:00
yesterday (no ``entrySource.updateTime``: the entry's own ``updateTime``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dashboard.models_catalog import GET_ENTRY
from dashboard.recording.format import Exchange
from dashboard.sources.dataquality.model import GET_DATA_SCAN_JOB, LIST_DATA_SCAN_JOBS, LIST_DATA_SCANS

from .fake_grpc import DEMO_PROJECTS, DEMO_REGIONS, FakeGrpcServer, rpc_classes

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
SINCE = "2026-12-05T10:00:00Z"
"""``NOW`` less the two days' lookback: the jobs' filter."""
ANALYTICS, ETL = DEMO_PROJECTS
EW1 = "europe-west1"
ORDERS = f"projects/{ETL}/locations/{EW1}/dataScans/orders-dq"
SESSIONS = f"projects/{ANALYTICS}/locations/{EW1}/dataScans/sessions-dq"
ORDERS_OK = ORDERS + "/jobs/1a2b-yesterday"
ORDERS_FAILED = ORDERS + "/jobs/3c4d-today"
SESSIONS_OK = SESSIONS + "/jobs/5e6f-0600"
SESSIONS_RUNNING = SESSIONS + "/jobs/7a8b-0955"


def dataplex_classes() -> dict[str, tuple[Any, Any]]:
    """The fake_grpc RPCs plus DataScanService's three reads."""
    from google.cloud import dataplex_v1

    return {
        **rpc_classes(),
        LIST_DATA_SCANS: (dataplex_v1.ListDataScansRequest, dataplex_v1.ListDataScansResponse),
        LIST_DATA_SCAN_JOBS: (dataplex_v1.ListDataScanJobsRequest, dataplex_v1.ListDataScanJobsResponse),
        GET_DATA_SCAN_JOB: (dataplex_v1.GetDataScanJobRequest, dataplex_v1.DataScanJob),
        GET_ENTRY: (dataplex_v1.GetEntryRequest, dataplex_v1.Entry),
    }


class FakeDataplexServer(FakeGrpcServer):
    """:class:`FakeGrpcServer` that also serves the DataScanService reads."""

    def _register(self) -> None:
        self._classes = dataplex_classes()
        super()._register()


def _ex(method: str, request: dict[str, Any], response: dict[str, Any]) -> Exchange:
    return Exchange(
        v=1,
        poll=1,
        t=NOW,
        source="dataquality",
        api="grpc",
        method=method,
        request=request,
        response=response,
    )


def _scan(name: str, table: str, cron: str, kind: str = "DATA_QUALITY", **status: str) -> dict[str, Any]:
    project, dataset, tbl = table.split(".")
    return {
        "name": name,
        "uid": "u-" + name.rsplit("/", 1)[-1],
        "displayName": name.rsplit("/", 1)[-1],
        "labels": {"team": "data"},
        "state": "ACTIVE",
        "createTime": "2026-10-01T12:00:00Z",
        "updateTime": "2026-10-01T12:00:00Z",
        "data": {"resource": f"//bigquery.googleapis.com/projects/{project}/datasets/{dataset}/tables/{tbl}"},
        "executionSpec": {"trigger": {"schedule": {"cron": cron}}},
        "executionStatus": status,
        "type": kind,
    }


def _basic(name: str, state: str, start: str, end: str | None = None) -> dict[str, Any]:
    out = {"name": name, "uid": "u-" + name.rsplit("/", 1)[-1], "createTime": start, "startTime": start}
    if end:
        out["endTime"] = end
    return out | {"state": state, "type": "DATA_QUALITY"}


def _rule(column: str, dimension: str, kind: str, threshold: float | None, **result: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {"column": column, "dimension": dimension, kind: {}}
    if threshold is not None:
        rule["threshold"] = threshold
    return {"rule": rule, **result}


ORDERS_RULES = [
    _rule(
        "customer_id",
        "COMPLETENESS",
        "nonNullExpectation",
        0.99,
        evaluatedCount="120000",
        passedCount="109200",
        nullCount="10800",
        passRatio=0.91,  # 109,200 / 120,000
        failingRowsQuery="SELECT * FROM `acme-etl.sales.orders` WHERE customer_id IS NULL",
    ),
    _rule(
        "order_id",
        "UNIQUENESS",
        "uniquenessExpectation",
        None,
        evaluatedCount="120000",
        passedCount="118200",
        passRatio=0.985,  # 118,200 / 120,000
        failingRowsQuery="SELECT order_id FROM `acme-etl.sales.orders` GROUP BY 1 HAVING COUNT(*) > 1",
    ),
    _rule(
        "amount",
        "VALIDITY",
        "rangeExpectation",
        None,
        passed=True,
        evaluatedCount="120000",
        passedCount="120000",
        passRatio=1.0,
    ),
]


def _full(basic: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    return basic | {"dataQualityResult": result}


def jobs() -> dict[str, dict[str, Any]]:
    """The BASIC form of every job, by name."""
    return {
        ORDERS_OK: _basic(ORDERS_OK, "SUCCEEDED", "2026-12-06T07:30:00Z", "2026-12-06T07:34:10Z"),
        ORDERS_FAILED: _basic(ORDERS_FAILED, "SUCCEEDED", "2026-12-07T07:30:00Z", "2026-12-07T07:35:02Z"),
        SESSIONS_OK: _basic(SESSIONS_OK, "SUCCEEDED", "2026-12-07T06:00:00Z", "2026-12-07T06:02:00Z"),
        SESSIONS_RUNNING: _basic(SESSIONS_RUNNING, "RUNNING", "2026-12-07T09:55:00Z"),
    }


def full_jobs() -> dict[str, dict[str, Any]]:
    """What ``GetDataScanJob`` with the FULL view answers, by name."""
    found = jobs()
    return {
        ORDERS_OK: _full(
            found[ORDERS_OK],
            {
                "passed": True,
                "score": 100.0,
                "rowCount": "118000",
                "rules": [{**r, "passed": True, "passRatio": 1.0} for r in ORDERS_RULES],
            },
        ),
        ORDERS_FAILED: _full(
            found[ORDERS_FAILED],
            {
                "score": 50.0,  # Dataplex computes it; served as given (no "passed": false is left out)
                "rowCount": "120000",
                "dimensions": [
                    {"dimension": {"name": "COMPLETENESS"}, "score": 0.0},
                    {"dimension": {"name": "UNIQUENESS"}, "score": 0.0},
                    {"dimension": {"name": "VALIDITY"}, "passed": True, "score": 100.0},
                ],
                "rules": ORDERS_RULES,
            },
        ),
        SESSIONS_OK: _full(found[SESSIONS_OK], {"passed": True, "score": 100.0, "rowCount": "4500"}),
    }


def world(now: datetime = NOW) -> list[Exchange]:
    """Every exchange of one poll at ``now`` of the estate, as the fake serves it (the job listings ask
    for the jobs since two days before ``now``)."""
    found = jobs()
    out = []
    for project in DEMO_PROJECTS:
        for region in (*DEMO_REGIONS, "us"):
            parent = f"projects/{project}/locations/{region}"
            scans: list[dict[str, Any]] = []
            if (project, region) == (ETL, EW1):
                scans = [
                    _scan(
                        ORDERS,
                        "acme-etl.sales.orders",
                        "TZ=UTC 30 7 * * *",
                        latestJobStartTime="2026-12-07T07:30:00Z",
                    ),
                    _scan(
                        parent + "/dataScans/orders-profile",
                        "acme-etl.sales.orders",
                        "0 8 * * *",
                        "DATA_PROFILE",
                    ),
                ]
            elif (project, region) == (ANALYTICS, EW1):
                scans = [_scan(SESSIONS, "acme-analytics.web.sessions", "0 */6 * * *")]
            out.append(
                _ex(
                    LIST_DATA_SCANS,
                    {"parent": parent, "pageSize": 100},
                    {"dataScans": scans} if scans else {},
                )
            )
    since = (now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    listing = {"filter": f'start_time > "{since}"', "pageSize": 100}
    out.append(
        _ex(
            LIST_DATA_SCAN_JOBS,
            {"parent": ORDERS, **listing},
            {"dataScanJobs": [found[ORDERS_FAILED], found[ORDERS_OK]]},
        )
    )
    out.append(
        _ex(
            LIST_DATA_SCAN_JOBS,
            {"parent": SESSIONS, **listing},
            {"dataScanJobs": [found[SESSIONS_RUNNING]], "nextPageToken": "page-2"},
        )
    )
    out.append(
        _ex(LIST_DATA_SCAN_JOBS, {"parent": SESSIONS, **listing}, {"dataScanJobs": [found[SESSIONS_OK]]})
    )
    for name, body in full_jobs().items():
        out.append(_ex(GET_DATA_SCAN_JOB, {"name": name, "view": "FULL"}, body))
    for name, body in ENTRIES.items():
        out.append(_ex(GET_ENTRY, {"name": name, "view": "BASIC"}, body))
    return out


def _entry(table: str, location: str) -> str:
    project, dataset, name = table.split(".")
    return (
        f"projects/{project}/locations/{location}/entryGroups/@bigquery/entries/"
        f"bigquery.googleapis.com/projects/{project}/datasets/{dataset}/tables/{name}"
    )


ORDERS_ENTRY = _entry("acme-etl.sales.orders", EW1)
SESSIONS_ENTRY = _entry("acme-analytics.web.sessions", EW1)
ENTRIES = {
    ORDERS_ENTRY: {
        "name": ORDERS_ENTRY,
        "entryType": "projects/dataplex-types/locations/global/entryTypes/bigquery-table",
        "createTime": "2026-01-10T08:00:00Z",
        "updateTime": "2026-12-07T09:41:00Z",
        "parentEntry": ORDERS_ENTRY.rsplit("/tables/", 1)[0],
        "fullyQualifiedName": "bigquery:acme-etl.sales.orders",
        "entrySource": {
            "resource": "projects/acme-etl/datasets/sales/tables/orders",
            "system": "BigQuery",
            "platform": "Google Cloud",
            "displayName": "orders",
            "createTime": "2026-01-10T08:00:00Z",
            "updateTime": "2026-12-07T09:40:00Z",
            "location": EW1,
        },
    },
    SESSIONS_ENTRY: {
        "name": SESSIONS_ENTRY,
        "entryType": "projects/dataplex-types/locations/global/entryTypes/bigquery-table",
        "createTime": "2026-02-01T08:00:00Z",
        "updateTime": "2026-12-06T02:00:00Z",
        "fullyQualifiedName": "bigquery:acme-analytics.web.sessions",
        "entrySource": {
            "resource": "projects/acme-analytics/datasets/web/tables/sessions",
            "system": "BigQuery",
        },
    },
}
"""What ``GetEntry`` answers, by entry name."""
