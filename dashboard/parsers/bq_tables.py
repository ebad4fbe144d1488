"""BigQuery ``tables.get`` (REST ``Table``) → :class:`~dashboard.models_tables.BigQueryTable`: what the
Dataflow and Pub/Sub sources read of the tables they write, one exchange a table.

The read is secondary: a failed or malformed ``tables.get`` is a warning on its source naming the table
(and, when denied, the role and permission that allow it), never a failure of the poll.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import unquote

from dashboard.iam import BQ_METADATA_VIEWER
from dashboard.models_tables import BigQueryTable
from dashboard.parsers.common import Garbage, obj, opt_epoch_ms, opt_int64
from dashboard.parsers.faults import error_reason, is_denied
from dashboard.parsers.poll import MALFORMED, PollContext
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

PERMISSION: Final = "bigquery.tables.get"

_EMPTY: dict[str, Any] = {}


def table_id(table: str, dataset: str = "", project: str = "") -> str:
    """``project.dataset.table`` of a table named whole (``p:d.t``, ``p.d.t``) or in parts."""
    whole = table.replace(":", ".", 1)
    if whole.count(".") >= 2:
        return whole
    if whole.count(".") == 1:
        return f"{project}.{whole}"
    return f"{project}.{dataset}.{whole}"


def table_path(table: str) -> str:
    """The REST path of ``tables.get`` for ``project.dataset.table``."""
    project, dataset, name = table.split(".", 2)
    return f"/bigquery/v2/projects/{project}/datasets/{dataset}/tables/{name}"


def path_table(path: str | None) -> str | None:
    """``project.dataset.table`` from a ``tables.get`` path; None when it is not one."""
    parts = (path or "").rstrip("/").split("/")
    try:
        at = parts.index("projects")
    except ValueError:
        return None
    tail = parts[at + 1 :]
    if len(tail) != 5 or tail[1] != "datasets" or tail[3] != "tables" or not all(tail[0::2]):
        return None
    return ".".join(unquote(p) for p in tail[0::2])


def _lenient(read: Any, value: Any) -> Any:
    try:
        return read(value)
    except MALFORMED:
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def table_from_json(resource: Any, table: str | None = None) -> BigQueryTable:
    """A ``Table`` resource as ``tables.get`` returns it; ``table`` names it when its ``tableReference``
    does not.

    Every field but the name is read leniently (missing or malformed: None). ``lastModifiedTime`` and
    ``streamingBuffer.oldestEntryTime`` are epoch milliseconds as strings; ``numRows``, ``numBytes`` and
    the buffer's estimates are (u)int64 as strings.

    Raises:
        Garbage: Not an object, or it names no table.
    """
    body = obj(resource, "a BigQuery table")
    ref = body.get("tableReference")
    ref = ref if isinstance(ref, dict) else _EMPTY
    parts = [_text(ref.get(k)) for k in ("projectId", "datasetId", "tableId")]
    if all(parts):
        name = ".".join(p for p in parts if p)
    elif table:
        name = table
    else:
        raise Garbage("a table resource without a tableReference")
    buffer = body.get("streamingBuffer")
    buffer = buffer if isinstance(buffer, dict) else None
    return BigQueryTable(
        table_id=name,
        last_modified=_lenient(opt_epoch_ms, body.get("lastModifiedTime")),
        num_rows=_lenient(opt_int64, body.get("numRows")),
        num_bytes=_lenient(opt_int64, body.get("numBytes")),
        streaming_rows=None if buffer is None else _lenient(opt_int64, buffer.get("estimatedRows", "0")),
        streaming_bytes=None if buffer is None else _lenient(opt_int64, buffer.get("estimatedBytes")),
        streaming_oldest=None if buffer is None else _lenient(opt_epoch_ms, buffer.get("oldestEntryTime")),
        type=_text(body.get("type")),
        location=_text(body.get("location")),
    )


def warning(ctx: PollContext, exchange: Exchange, table: str) -> str:
    """The warning for a failed ``tables.get`` of ``table``: the role and permission when denied, else
    the reason (:func:`~dashboard.parsers.faults.error_reason`)."""
    error = exchange.error
    if error is not None and is_denied(exchange):
        reason = f"{error.code}: needs {BQ_METADATA_VIEWER} (permission {PERMISSION}) on {table}"
    else:
        reason = error_reason(ctx.source, exchange)
    return f"BigQuery table {table} not read: {reason}"


class TableCollector:
    """The ``tables.get`` exchanges of one poll → its tables (the last answer per table)."""

    def __init__(self) -> None:
        self._tables: dict[str, BigQueryTable] = {}

    def read(self, ctx: PollContext, exchange: Exchange) -> None:
        """Read one ``tables.get`` exchange; a failure is a warning on the poll."""
        table = path_table(exchange.path) or "?"
        if exchange.error is not None:
            self._tables.pop(table, None)
            ctx.warn(warning(ctx, exchange, table))
            return
        found = ctx.secondary(exchange, f"BigQuery table {table} not read", table_from_json, table)
        if found is not None:
            self._tables[found.table_id] = found

    def tables(self) -> tuple[BigQueryTable, ...]:
        """The tables read, by table id."""
        return tuple(self._tables[k] for k in sorted(self._tables))


def parse_tables(exchanges: Iterable[Exchange], ctx: PollContext) -> tuple[BigQueryTable, ...]:
    """The tables of every ``bigquery.tables.get`` exchange among ``exchanges``."""
    collector = TableCollector()
    for ex in exchanges:
        if ex.method == fmt.BQ_TABLES_GET:
            collector.read(ctx, ex)
    return collector.tables()
