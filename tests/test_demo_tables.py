"""The demo's ``tables.get`` exchanges (Dataflow and Pub/Sub sources) are what google-cloud-bigquery's
``get_table`` sends and reads, and tell the story: the sessions table written each minute with a streaming
buffer trailing by clickstream-enrich's lag, the readings table stuck at 08:00 once iot-ingest stalls, the
export subscription's app_opens table written each minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from demo_helpers import by_method
from google.cloud import bigquery

from dashboard.recording import format as fmt

SESSIONS = "/bigquery/v2/projects/acme-analytics/datasets/clickstream/tables/sessions"
READINGS = "/bigquery/v2/projects/acme-etl/datasets/telemetry/tables/readings"
APP_OPENS = "/bigquery/v2/projects/acme-analytics/datasets/events/tables/app_opens"


def _at(exchanges: list[dict[str, Any]], path: str, t: datetime) -> bigquery.Table:
    [found] = [e for e in exchanges if e["path"] == path and datetime.fromisoformat(e["t"]) == t]
    assert (found["http_method"], found["params"], found["status"]) == ("GET", {"prettyPrint": "false"}, 200)
    return bigquery.Table.from_api_repr(found["response"])


def test_dataflow_reads_the_tables_its_running_jobs_write() -> None:
    gets = by_method("dataflow", fmt.BQ_TABLES_GET)
    assert {e["path"] for e in gets} == {SESSIONS, READINGS}
    six = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
    sessions = _at(gets, SESSIONS, six)
    assert (sessions.project, sessions.dataset_id, sessions.table_id) == (
        "acme-analytics",
        "clickstream",
        "sessions",
    )
    assert sessions.modified == six - timedelta(seconds=17)  # written each minute, 17 s before the poll
    buffer = sessions.streaming_buffer
    assert buffer is not None
    # clickstream-enrich's lag at 06:00: 45 s + 11.5 s × 60 minutes = 735 s = 12 min 15 s
    assert buffer.oldest_entry_time == datetime(2026, 11, 26, 5, 47, 45, tzinfo=UTC)
    assert buffer.estimated_rows == 9200 * 735  # 9,200 rows a second for the lag's 735 s
    half_past_eight = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
    readings = _at(gets, READINGS, half_past_eight)
    assert readings.modified == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # iot-ingest stalled at 08:00
    assert readings.streaming_buffer is None
    before = _at(gets, READINGS, datetime(2026, 11, 26, 7, 0, tzinfo=UTC))
    assert before.modified == datetime(2026, 11, 26, 6, 59, 37, tzinfo=UTC)  # 23 s before the 07:00 poll
    assert (readings.location, readings.table_type) == ("US", "TABLE")


def test_pubsub_reads_its_bigquery_exports_table() -> None:
    gets = by_method("pubsub", fmt.BQ_TABLES_GET)
    assert {e["path"] for e in gets} == {APP_OPENS}
    assert len(gets) == 180  # once a poll, every minute of the 3 hours
    seven = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    table = _at(gets, APP_OPENS, seven)
    assert table.modified == seven - timedelta(seconds=9)
    assert table.streaming_buffer is None
