"""BigQuery ``tables.get`` resources → :class:`BigQueryTable`, and the sources' parsers reading the
``bigquery.tables.get`` exchanges of a poll. Every expectation is worked out by hand from the REST
reference's ``Table`` (``lastModifiedTime``, ``streamingBuffer.oldestEntryTime``: epoch milliseconds as
strings; ``numRows``, ``numBytes``, ``estimatedRows``, ``estimatedBytes``: int64 as strings).

2025-12-01 00:00 UTC is 1,764,547,200 s after the epoch (20,423 days of 86,400 s).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard.models import BigQueryTable, DataflowData
from dashboard.parsers.bq_tables import parse_tables, path_table, table_from_json, table_id, table_path
from dashboard.parsers.common import Garbage
from dashboard.parsers.poll import PollContext
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange, ExchangeError
from dashboard.sources.dataflow.parse import parse_dataflow
from dashboard.sources.pubsub.model import PubsubData
from dashboard.sources.pubsub.parse import parse_pubsub

T = datetime(2025, 12, 1, 8, 25, tzinfo=UTC)
PATH = "/bigquery/v2/projects/acme-analytics/datasets/clickstream/tables/sessions"


def exchange(
    source: str, path: str, response: Any = None, error: ExchangeError | None = None, status: int = 200
) -> Exchange:
    return Exchange(
        v=1,
        poll=3,
        t=T,
        source=source,
        api="rest",
        method=fmt.BQ_TABLES_GET,
        response=response,
        error=error,
        http_method="GET",
        path=path,
        params={"prettyPrint": "false"},
        status=status,
    )


def test_a_table_with_a_streaming_buffer() -> None:
    table = table_from_json(
        {
            "kind": "bigquery#table",
            "tableReference": {
                "projectId": "acme-analytics",
                "datasetId": "clickstream",
                "tableId": "sessions",
            },
            "numBytes": "52428800000",
            "numRows": "310000000",
            "lastModifiedTime": "1764577200000",
            "type": "TABLE",
            "location": "europe-west1",
            "streamingBuffer": {
                "estimatedBytes": "7340032",
                "estimatedRows": "41250",
                "oldestEntryTime": "1764577140000",
            },
        }
    )
    assert table == BigQueryTable(
        table_id="acme-analytics.clickstream.sessions",
        # 1,764,577,200 s − 1,764,547,200 s = 30,000 s = 8 h 20 min after midnight
        last_modified=datetime(2025, 12, 1, 8, 20, tzinfo=UTC),
        num_rows=310_000_000,
        num_bytes=52_428_800_000,
        streaming_rows=41_250,
        streaming_bytes=7_340_032,  # 7 MiB = 7 × 1,048,576
        # 60,000 ms = one minute before the last modification
        streaming_oldest=datetime(2025, 12, 1, 8, 19, tzinfo=UTC),
        type="TABLE",
        location="europe-west1",
    )
    assert table.has_streaming_buffer
    assert table.project == "acme-analytics"


def test_a_table_without_a_streaming_buffer_nor_a_reference_is_named_by_its_path() -> None:
    table = table_from_json(
        {"lastModifiedTime": "1764576000000", "numRows": "0", "numBytes": "0", "type": "VIEW"},
        "acme-etl.telemetry.readings",
    )
    # 1,764,576,000 s − 1,764,547,200 s = 28,800 s = 8 h
    assert table.last_modified == datetime(2025, 12, 1, 8, 0, tzinfo=UTC)
    assert (table.table_id, table.num_rows, table.num_bytes, table.type) == (
        "acme-etl.telemetry.readings",
        0,
        0,
        "VIEW",
    )
    assert (table.streaming_rows, table.streaming_bytes, table.streaming_oldest) == (None, None, None)
    assert not table.has_streaming_buffer
    assert table.location is None


def test_malformed_fields_are_left_out_not_fatal() -> None:
    table = table_from_json(
        {
            "tableReference": {"projectId": "p", "datasetId": "d", "tableId": "t"},
            "lastModifiedTime": "yesterday",
            "numRows": 12.5,
            "numBytes": {"x": 1},
            "type": 7,
            "location": "",
            "streamingBuffer": {"oldestEntryTime": "1764547200000"},
        }
    )
    assert table == BigQueryTable(
        table_id="p.d.t",
        streaming_rows=0,  # a buffer that gives no estimate: none counted yet
        streaming_oldest=datetime(2025, 12, 1, tzinfo=UTC),  # 1,764,547,200,000 ms: midnight exactly
    )


@pytest.mark.parametrize("resource", [[], "a table", {"numRows": "1"}])
def test_not_a_table_is_garbage(resource: Any) -> None:
    with pytest.raises(Garbage):
        table_from_json(resource)


def test_names_and_paths() -> None:
    assert table_id("acme-analytics:events.app_opens") == "acme-analytics.events.app_opens"
    assert table_id("events.app_opens", project="acme-analytics") == "acme-analytics.events.app_opens"
    assert table_id("app_opens", "events", "acme-analytics") == "acme-analytics.events.app_opens"
    assert table_path("acme-analytics.clickstream.sessions") == PATH
    assert path_table(PATH) == "acme-analytics.clickstream.sessions"
    assert path_table("/bigquery/v2/projects/p/datasets/d/tables/t%24part") == "p.d.t$part"
    assert path_table("/bigquery/v2/projects/p/jobs/j") is None
    assert path_table(None) is None


def test_failures_are_warnings_naming_the_table_and_the_role() -> None:
    denied = ExchangeError(
        code="403 accessDenied",
        message="Access Denied: Table acme-analytics:clickstream.sessions: Permission bigquery.tables.get "
        "denied",
        status=403,
    )
    ctx = PollContext("dataflow")
    tables = parse_tables(
        [
            exchange("dataflow", PATH, error=denied, status=403),
            exchange("dataflow", "/bigquery/v2/projects/acme-etl/datasets/telemetry/tables/readings", ["x"]),
            exchange(
                "dataflow",
                "/bigquery/v2/projects/acme-etl/datasets/telemetry/tables/gone",
                error=ExchangeError(code="DEADLINE_EXCEEDED", message="no answer within the timeout"),
            ),
        ],
        ctx,
    )
    assert tables == ()
    assert ctx.warnings == (
        "BigQuery table acme-analytics.clickstream.sessions not read: 403 accessDenied: needs "
        "roles/bigquery.metadataViewer (permission bigquery.tables.get) on "
        "acme-analytics.clickstream.sessions",
        "BigQuery table acme-etl.telemetry.readings not read: unexpected response from tables.get, project "
        "acme-etl: the response is list, expected an object",
        "BigQuery table acme-etl.telemetry.gone not read: DEADLINE_EXCEEDED: no answer within the timeout "
        "(tables.get, project acme-etl)",
    )
    assert ctx.incomplete == ()  # secondary: no part of the poll is missing


def _listing(source: str, method: str, request: dict[str, Any], response: dict[str, Any]) -> Exchange:
    return Exchange(
        v=1, poll=3, t=T, source=source, api="grpc", method=method, request=request, response=response
    )


def test_the_dataflow_and_pubsub_data_carry_the_polls_tables() -> None:
    resource = {"lastModifiedTime": "1764577200000", "numRows": "5"}
    dataflow = parse_dataflow(
        [
            _listing("dataflow", fmt.DATAFLOW_AGGREGATED_LIST_JOBS, {"projectId": "acme-analytics"}, {}),
            exchange("dataflow", PATH, resource),
        ],
        PollContext("dataflow"),
    )
    assert dataflow == DataflowData(
        tables=(
            BigQueryTable(
                table_id="acme-analytics.clickstream.sessions",
                last_modified=datetime(2025, 12, 1, 8, 20, tzinfo=UTC),
                num_rows=5,
            ),
        )
    )
    pubsub = parse_pubsub(
        [
            _listing(
                "pubsub", "google.pubsub.v1.Subscriber/ListSubscriptions", {"project": "projects/p"}, {}
            ),
            exchange("pubsub", PATH, resource),
        ],
        PollContext("pubsub"),
    )
    assert pubsub == PubsubData(tables=dataflow.tables)
