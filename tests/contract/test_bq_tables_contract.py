"""``tables.get`` of the tables the Dataflow jobs and the BigQuery export subscriptions write, live: the spec
fetches (real Dataflow, Pub/Sub and Monitoring gRPC clients against the fake gRPC servers, the real
google-cloud-bigquery client against the fake ``tables.get`` of tests/contract/fake_tables.py), then the
sources' parsers. Expectations are read by hand from the fakes' payloads.

Epoch milliseconds used below: 2025-12-01 00:00 UTC is 1,764,547,200 s (20,423 days of 86,400 s).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from dashboard.backends.gcp.bq_tables import MAX_TABLES, wanted
from dashboard.backends.gcp.context import FetchContext
from dashboard.config import AuthConfig, SourceConfig, TimeoutsConfig
from dashboard.models import BigQueryTable
from dashboard.parsers.poll import PollContext
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.dataflow import api as dataflow_api
from dashboard.sources.dataflow.parse import parse_dataflow
from dashboard.sources.pubsub import api as pubsub_api
from dashboard.sources.pubsub.model import LIST_SUBSCRIPTIONS
from dashboard.sources.pubsub.parse import parse_pubsub

from .fake_grpc import FakeGrpcServer, demo_config
from .fake_pubsub import FakePubsubServer, world
from .fake_tables import APP_OPENS, AUDIT, MISSING, RAW_EVENTS, READINGS, SESSIONS, FakeTables

pytestmark = pytest.mark.timeout(60)

NOW = datetime(2025, 12, 1, 8, 25, tzinfo=UTC)
ROLE = "roles/bigquery.metadataViewer"


def job(project: str, name: str, state: str, location: str, *tables: dict[str, str]) -> dict[str, Any]:
    """A Dataflow job summary as AggregatedListJobs returns it, writing ``tables`` (bigqueryDetails)."""
    return {
        "id": f"2025-11-30_01_00_00-{abs(hash(name)) % 10**18}",
        "projectId": project,
        "name": name,
        "type": "JOB_TYPE_STREAMING",
        "currentState": state,
        "currentStateTime": "2025-11-30T09:00:00Z",
        "createTime": "2025-11-30T09:00:00Z",
        "location": location,
        "jobMetadata": {"bigqueryDetails": list(tables)},
    }


def listing(project: str, *jobs: dict[str, Any]) -> Exchange:
    return Exchange(
        v=1,
        poll=1,
        t=NOW,
        source="dataflow",
        api="grpc",
        method=fmt.DATAFLOW_AGGREGATED_LIST_JOBS,
        request={"projectId": project, "filter": "ALL"},
        response={"jobs": list(jobs)},
    )


ESTATE = [
    listing(
        "acme-analytics",
        job(
            "acme-analytics",
            "clickstream-enrich",
            "JOB_STATE_RUNNING",
            "europe-west1",
            {"table": "sessions", "dataset": "clickstream", "projectId": "acme-analytics"},
        ),
        # the same table again, named whole in the legacy p:d.t form: read once
        job(
            "acme-analytics",
            "sessions-backfill",
            "JOB_STATE_RUNNING",
            "europe-west1",
            {"table": "acme-analytics:clickstream.sessions"},
        ),
        # ended: its table is not read
        job(
            "acme-analytics",
            "nightly-export",
            "JOB_STATE_DONE",
            "us-central1",
            {"table": "nightly", "dataset": "archive", "projectId": "acme-analytics"},
        ),
    ),
    listing(
        "acme-etl",
        job(
            "acme-etl",
            "iot-ingest",
            "JOB_STATE_RUNNING",
            "us-central1",
            {"table": "readings", "dataset": "telemetry", "projectId": "acme-etl"},
        ),
        job(
            "acme-etl",
            "orphan-writer",
            "JOB_STATE_DRAINING",
            "europe-west1",
            {"table": "missing", "dataset": "telemetry"},  # no projectId: the job's project
            {"table": "audit", "dataset": "restricted", "projectId": "acme-analytics"},
        ),
    ),
]


@pytest.fixture(scope="module")
def tables() -> Iterator[FakeTables]:
    with FakeTables(slow_seconds=2.0) as fake:
        yield fake


@pytest.fixture
def fake_tables(tables: FakeTables) -> FakeTables:
    tables.faults.clear()
    tables.log.clear()
    return tables


def context(grpc_address: str, rest_url: str | None, **sources: SourceConfig) -> FetchContext:
    config = demo_config(grpc_address)
    config = msgspec.structs.replace(
        config,
        endpoints=msgspec.structs.replace(config.endpoints, bigquery=rest_url),
        timeouts=TimeoutsConfig(call=1.0, retry_deadline=1.0),
        auth=AuthConfig(anonymous=True),
        sources=sources,
    )
    return FetchContext(config)


def poll_dataflow(rest_url: str | None) -> list[Exchange]:
    with FakeGrpcServer(ESTATE) as grpc_fake:
        ctx = context(grpc_fake.address, rest_url)
        try:
            return dataflow_api.fetch(ctx, NOW)
        finally:
            ctx.close()


SESSIONS_TABLE = BigQueryTable(
    table_id=SESSIONS,
    # 1,764,577,200,000 ms = 1,764,547,200 s + 30,000 s = 2025-12-01 00:00 + 8 h 20 min
    last_modified=datetime(2025, 12, 1, 8, 20, tzinfo=UTC),
    num_rows=310_000_000,
    num_bytes=52_428_800_000,
    streaming_rows=41_250,
    streaming_bytes=7_340_032,
    # 1,764,577,080,000 ms: 120 s before 08:20 = 08:18
    streaming_oldest=datetime(2025, 12, 1, 8, 18, tzinfo=UTC),
    type="TABLE",
    location="europe-west1",
)
READINGS_TABLE = BigQueryTable(
    table_id=READINGS,
    # 1,764,576,000,000 ms = 1,764,547,200 s + 28,800 s = 2025-12-01 08:00 (8 h × 3,600 s)
    last_modified=datetime(2025, 12, 1, 8, 0, tzinfo=UTC),
    num_rows=9_876_543_210,
    num_bytes=1_099_511_627_776,  # 1 TiB = 2^40 bytes
    type="TABLE",
    location="US",
)


def test_the_dataflow_poll_reads_each_running_jobs_table_once(fake_tables: FakeTables) -> None:
    exchanges = poll_dataflow(fake_tables.url)
    # sessions once (two jobs name it), nightly not at all (its job is done), missing in the job's project
    assert sorted(fake_tables.asked()) == sorted([SESSIONS, READINGS, MISSING, AUDIT])
    assert all(m == "GET" for m, _ in fake_tables.log)
    gets = [e for e in exchanges if e.method == fmt.BQ_TABLES_GET]
    assert len(gets) == 4
    assert {(e.source, e.poll, e.t, e.api, e.http_method) for e in gets} == {
        ("dataflow", 1, NOW, "rest", "GET")
    }
    assert {e.path for e in gets} == {
        "/bigquery/v2/projects/acme-analytics/datasets/clickstream/tables/sessions",
        "/bigquery/v2/projects/acme-etl/datasets/telemetry/tables/readings",
        "/bigquery/v2/projects/acme-etl/datasets/telemetry/tables/missing",
        "/bigquery/v2/projects/acme-analytics/datasets/restricted/tables/audit",
    }
    assert {e.status for e in gets} == {200, 403, 404}
    # the gRPC listings come first, the tables after them
    assert exchanges[0].method == fmt.DATAFLOW_AGGREGATED_LIST_JOBS
    assert exchanges[-1].method == fmt.BQ_TABLES_GET


def test_the_dataflow_poll_parses_to_its_tables_and_warns_of_the_others(fake_tables: FakeTables) -> None:
    data = parse_dataflow(poll_dataflow(fake_tables.url), PollContext("dataflow"))
    assert len(data.jobs) == 5  # every job stays, whatever its tables answered
    assert data.incomplete == ()
    assert data.tables == (SESSIONS_TABLE, READINGS_TABLE)  # by table id: acme-analytics first
    table_warnings = sorted(w for w in data.warnings if w.startswith("BigQuery table"))
    assert table_warnings == [
        f"BigQuery table {AUDIT} not read: 403 accessDenied: needs {ROLE} (permission bigquery.tables.get) "
        f"on {AUDIT}",
        f"BigQuery table {MISSING} not read: 404 notFound: Not found: Table acme-etl:telemetry.missing; "
        "check the project and region (tables.get, project acme-etl)",
    ]


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("401", "401 authError"),
        ("429", "429 rateLimitExceeded"),
        ("500", "500 internalError"),
        ("503", "503 backendError"),
        ("slow", "DEADLINE_EXCEEDED"),
        ("garbage", "GARBAGE"),
    ],
)
def test_a_failed_tables_get_is_a_warning_and_the_jobs_stay(
    fake_tables: FakeTables, fault: str, code: str
) -> None:
    fake_tables.faults[SESSIONS] = fault
    data = parse_dataflow(poll_dataflow(fake_tables.url), PollContext("dataflow"))
    assert len(data.jobs) == 5
    assert data.incomplete == ()
    read = [t.table_id for t in data.tables]
    if fault in ("429", "503", "slow"):  # the poll asks no further table after one (when it came first)
        assert read in ([READINGS], [])
    else:
        assert read == [READINGS]
    [warning] = [w for w in data.warnings if w.startswith(f"BigQuery table {SESSIONS} not read: ")]
    assert code in warning


def test_no_tables_get_anonymously_without_a_bigquery_endpoint(fake_tables: FakeTables) -> None:
    exchanges = poll_dataflow(None)  # Google's endpoint refuses anonymous requests: nothing asked
    assert [e for e in exchanges if e.method == fmt.BQ_TABLES_GET] == []
    assert fake_tables.asked() == []
    assert parse_dataflow(exchanges, PollContext("dataflow")).tables == ()


def test_at_most_25_distinct_tables_a_poll() -> None:
    names = [f"acme-etl.d.t{i}" for i in range(30)]
    assert wanted([*names[:3], *names]) == names[:25]
    assert MAX_TABLES == 25
    assert wanted(["nodataset", "p..t", "p.d.t", "p.d.t"]) == ["p.d.t"]


def pubsub_world() -> list[Exchange]:
    """The Pub/Sub fake's estate with acme-analytics' subscriptions replaced: an active export to
    events.app_opens (named the legacy ``p:d.t`` way) and a broken one to restricted.audit."""
    analytics = {
        "subscriptions": [
            {
                "name": "projects/acme-analytics/subscriptions/app-opens-to-bq",
                "topic": "projects/acme-analytics/topics/clicks",
                "bigqueryConfig": {"table": "acme-analytics:events.app_opens", "state": "ACTIVE"},
                "state": "ACTIVE",
            },
            {
                "name": "projects/acme-analytics/subscriptions/audit-to-bq",
                "topic": "projects/acme-analytics/topics/clicks",
                "bigqueryConfig": {"table": AUDIT, "state": "PERMISSION_DENIED"},
                "state": "RESOURCE_ERROR",
            },
        ]
    }
    return [
        msgspec.structs.replace(ex, response=analytics)
        if ex.method == LIST_SUBSCRIPTIONS and ex.request["project"] == "projects/acme-analytics"
        else ex
        for ex in world()
    ]


def test_the_pubsub_poll_reads_its_active_exports_tables(fake_tables: FakeTables) -> None:
    with FakePubsubServer(pubsub_world()) as fake:
        ctx = context(fake.address, fake_tables.url, pubsub=SourceConfig(endpoint=fake.address))
        try:
            exchanges = pubsub_api.fetch(ctx, NOW)
        finally:
            ctx.close()
    # app_opens and acme-etl's events-to-bq (raw.events); the export in RESOURCE_ERROR is not read
    assert sorted(fake_tables.asked()) == [APP_OPENS, RAW_EVENTS]
    gets = [e for e in exchanges if e.method == fmt.BQ_TABLES_GET]
    assert {(e.source, e.poll) for e in gets} == {("pubsub", 1)}
    data = parse_pubsub(exchanges, PollContext("pubsub"))
    assert len(data.subscriptions) == 2 + 4  # acme-analytics' two, acme-etl's four: all stay
    assert data.tables == (
        BigQueryTable(
            table_id=APP_OPENS,
            # 1,764,577,230,000 ms: 30 s after 08:20
            last_modified=datetime(2025, 12, 1, 8, 20, 30, tzinfo=UTC),
            num_rows=0,
            num_bytes=0,
            streaming_rows=16,
            streaming_bytes=2048,
            streaming_oldest=None,  # the buffer sends no oldestEntryTime
            type="TABLE",
            location="EU",
        ),
        BigQueryTable(
            table_id=RAW_EVENTS,
            # 1,764,577,170,000 ms: 30 s before 08:20
            last_modified=datetime(2025, 12, 1, 8, 19, 30, tzinfo=UTC),
            num_rows=125_000,
            num_bytes=37_500_000,  # 300 bytes a row
            type="TABLE",
            location="europe-west1",
        ),
    )
    assert [w for w in data.warnings if w.startswith("BigQuery table")] == []
