"""What a fake BigQuery holds per project, served the way BigQuery serves it: ``jobs.list`` evaluates its
``stateFilter`` (a repeated parameter) on the REST Job resources of the path's project, and a query of
``INFORMATION_SCHEMA.JOBS`` is evaluated on the rows of the path's project in the region its SQL names: the
SELECT list picks the columns (an unknown one is ``invalidQuery``, as BigQuery says ``Unrecognized name``),
the WHERE's ``AND``-ed comparisons of a column with a ``@parameter`` or a literal filter the rows, then
ORDER BY and LIMIT.

The rows hold the documented ``INFORMATION_SCHEMA.JOBS`` columns (GCP_REFERENCE.md section 1.2) as Python
values: TIMESTAMP a datetime, INTEGER an int, BOOLEAN a bool, RECORD a dict, REPEATED a list; cells go out in
BigQuery's REST row format (TIMESTAMP as integer microseconds with ``formatOptions.useInt64Timestamp``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SUBFIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "error_result": (
        ("reason", "STRING"),
        ("location", "STRING"),
        ("debug_info", "STRING"),
        ("message", "STRING"),
    ),
    "labels": (("key", "STRING"), ("value", "STRING")),
    "destination_table": (("project_id", "STRING"), ("dataset_id", "STRING"), ("table_id", "STRING")),
}

JOBS_COLUMNS: dict[str, str] = {
    "creation_time": "TIMESTAMP",
    "project_id": "STRING",
    "project_number": "INTEGER",
    "user_email": "STRING",
    "principal_subject": "STRING",
    "job_id": "STRING",
    "job_type": "STRING",
    "statement_type": "STRING",
    "priority": "STRING",
    "start_time": "TIMESTAMP",
    "end_time": "TIMESTAMP",
    "query": "STRING",
    "state": "STRING",
    "reservation_id": "STRING",
    "edition": "STRING",
    "total_bytes_processed": "INTEGER",
    "total_slot_ms": "INTEGER",
    "error_result": "RECORD",
    "cache_hit": "BOOLEAN",
    "destination_table": "RECORD",
    "labels": "RECORD",
    "parent_job_id": "STRING",
    "total_bytes_billed": "INTEGER",
    "transaction_id": "STRING",
}
"""``INFORMATION_SCHEMA.JOBS`` columns the fake knows, in its own order (not the order gcpdash selects)."""

_SELECT = re.compile(
    r"^\s*SELECT\s+(?P<columns>.+?)\s+FROM\s+`region-(?P<region>[a-z0-9-]+)`\.INFORMATION_SCHEMA\.JOBS"
    r"(?:_BY_PROJECT)?\s*(?:WHERE\s+(?P<where>.+?))?"
    r"\s*(?:ORDER BY\s+(?P<order>\w+)(?:\s+(?P<desc>ASC|DESC))?)?"
    r"\s*(?:LIMIT\s+(?P<limit>@\w+|\d+))?\s*;?\s*$",
    re.DOTALL | re.IGNORECASE,
)
_CONDITION = re.compile(r"^\s*(\w+)\s*(>=|<=|!=|<>|=|<|>)\s*(@\w+|'[^']*'|\d+)\s*$")


class QueryError(ValueError):
    """What BigQuery would answer ``400 invalidQuery``."""


@dataclass
class FakeJobs:
    """Per project, INFORMATION_SCHEMA.JOBS rows (each with a ``location``) and REST Job resources."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Per project, its JOBS rows; each also has ``location`` (``US``, ``EU``, ``europe-west4``)."""
    resources: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Per project, REST Job resources as ``jobs.list`` (projection full) returns them."""
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def list_jobs(self, project: str, states: list[str]) -> list[dict[str, Any]]:
        """``jobs.list`` of ``project``: the resources in one of ``states`` (``stateFilter``, lower case;
        none: every state), newest first."""
        wanted = {s.upper() for s in states}
        found = [r for r in self.resources.get(project, []) if not wanted or r["state"] in wanted]
        return sorted(found, key=lambda r: -int(r["statistics"]["creationTime"]))

    def query(self, project: str, body: dict[str, Any]) -> dict[str, Any]:
        """The ``jobs.query`` response of ``body`` run in ``project`` (one page: every row).

        Raises:
            QueryError: SQL the fake cannot evaluate, an unknown column or parameter.
        """
        sql = str(body.get("query", ""))
        match = _SELECT.match(sql)
        if match is None:
            raise QueryError(f"the fake cannot evaluate: {sql[:80]!r}")
        params = _parameters(body.get("queryParameters") or [])
        columns = [c.strip() for c in match["columns"].split(",")]
        for column in columns:
            if column not in JOBS_COLUMNS:
                raise QueryError(f"Unrecognized name: {column}")
        region = match["region"].lower()
        rows = [
            r
            for r in self.rows.get(project, [])
            if r.get("project_id") == project and str(r["location"]).lower() == region
        ]
        for condition in re.split(r"\s+AND\s+", match["where"] or "", flags=re.IGNORECASE):
            if condition.strip():
                rows = [r for r in rows if _holds(condition, r, params)]
        if match["order"]:
            order = match["order"]
            if order not in JOBS_COLUMNS:
                raise QueryError(f"Unrecognized name: {order}")
            rows.sort(key=lambda r: (r.get(order) is not None, r.get(order)), reverse=match["desc"] == "DESC")
        if match["limit"]:
            limit = match["limit"]
            rows = rows[: int(params[limit[1:]] if limit.startswith("@") else limit)]
        location = body.get("location") or match["region"].upper()
        return {
            "kind": "bigquery#queryResponse",
            "schema": {"fields": [_field(c) for c in columns]},
            "jobReference": {
                "projectId": project,
                "jobId": f"job_fake_{next(self._ids)}",
                "location": location,
            },
            "totalRows": str(len(rows)),
            "rows": [{"f": [_cell(JOBS_COLUMNS[c], c, r.get(c)) for c in columns]} for r in rows],
            "totalBytesProcessed": str(10 * 1024 * 1024),
            "jobComplete": True,
            "cacheHit": False,
        }


def _parameters(items: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for p in items:
        kind = p["parameterType"]["type"]
        value = p["parameterValue"]["value"]
        if kind == "TIMESTAMP":
            out[p["name"]] = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        elif kind in ("INT64", "INTEGER"):
            out[p["name"]] = int(value)
        else:
            out[p["name"]] = value
    return out


def _holds(condition: str, row: dict[str, Any], params: dict[str, Any]) -> bool:
    match = _CONDITION.match(condition)
    if match is None:
        raise QueryError(f"the fake cannot evaluate the condition {condition.strip()!r}")
    column, op, operand = match.groups()
    if column not in JOBS_COLUMNS:
        raise QueryError(f"Unrecognized name: {column}")
    if operand.startswith("@"):
        if operand[1:] not in params:
            raise QueryError(f"Query parameter '{operand[1:]}' not found")
        value = params[operand[1:]]
    elif operand.startswith("'"):
        value = operand[1:-1]
    else:
        value = int(operand)
    cell = row.get(column)
    if cell is None:
        return False  # a comparison with NULL is not true
    holds: bool = {
        ">=": cell >= value,
        "<=": cell <= value,
        ">": cell > value,
        "<": cell < value,
        "=": cell == value,
        "!=": cell != value,
        "<>": cell != value,
    }[op]
    return holds


def _field(name: str) -> dict[str, Any]:
    kind = JOBS_COLUMNS[name]
    out: dict[str, Any] = {"name": name, "type": kind, "mode": "REPEATED" if name == "labels" else "NULLABLE"}
    if kind == "RECORD":
        out["fields"] = [{"name": n, "type": t, "mode": "NULLABLE"} for n, t in SUBFIELDS[name]]
    return out


def _cell(kind: str, name: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {"v": None}
    if name == "labels":
        return {"v": [{"v": _record(name, item)} for item in value]}
    if kind == "RECORD":
        return {"v": _record(name, value)}
    if kind == "TIMESTAMP":
        return {"v": str(int(value.timestamp() * 1_000_000))}
    if kind == "BOOLEAN":
        return {"v": "true" if value else "false"}
    return {"v": str(value)}


def _record(name: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"f": [{"v": None if value.get(n) is None else str(value[n])} for n, _ in SUBFIELDS[name]]}
