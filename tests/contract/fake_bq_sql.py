"""BigQuery's INFORMATION_SCHEMA.JOBS views, evaluated for real: the request's GoogleSQL is transpiled with
sqlglot (``read="bigquery", write="duckdb"``) and run in DuckDB on a table ``jobs`` that holds the rows the
view would show, so that a wrong GROUP BY, WHERE or parameter shows up as wrong numbers.

The view's scope decides the rows (GCP_REFERENCE.md section 1.2): ``JOBS`` / ``JOBS_BY_PROJECT`` the rows of
the project the query runs in, ``JOBS_BY_FOLDER`` those of every project under the query project's parent
folder (and its subfolders: a row's ``folder_numbers``), ``JOBS_BY_ORGANIZATION`` every row; always only
the location the SQL's ``region-x`` names, which must be the request's location. A view in
:attr:`JobsSql.denied` answers 403 ``accessDenied`` as BigQuery does without ``bigquery.jobs.listAll``.

Rows are the documented JOBS columns as Python values (TIMESTAMP an aware datetime, RECORD a dict, labels a
list of ``{"key", "value"}``) plus ``location`` and ``folder_numbers``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from .fake_rest import FakeRest, Request
from .fake_rest_faults import error_body
from .fake_sql import parameters

COLUMNS: dict[str, str] = {
    "creation_time": "TIMESTAMP",
    "start_time": "TIMESTAMP",
    "end_time": "TIMESTAMP",
    "project_id": "VARCHAR",
    "project_number": "BIGINT",
    "user_email": "VARCHAR",
    "principal_subject": "VARCHAR",
    "job_id": "VARCHAR",
    "job_type": "VARCHAR",
    "statement_type": "VARCHAR",
    "priority": "VARCHAR",
    "state": "VARCHAR",
    "query": "VARCHAR",
    "total_bytes_processed": "BIGINT",
    "total_bytes_billed": "BIGINT",
    "total_slot_ms": "BIGINT",
    "cache_hit": "BOOLEAN",
    "reservation_id": "VARCHAR",
    "edition": "VARCHAR",
    "error_result": "STRUCT(reason VARCHAR, location VARCHAR, debug_info VARCHAR, message VARCHAR)",
    "labels": "STRUCT(key VARCHAR, value VARCHAR)[]",
    "parent_job_id": "VARCHAR",
    "destination_table": "STRUCT(project_id VARCHAR, dataset_id VARCHAR, table_id VARCHAR)",
    "transaction_id": "VARCHAR",
    "folder_numbers": "VARCHAR[]",
}
"""The JOBS columns the fake's table has (``folder_numbers``: BY_FOLDER's)."""

VIEWS = {"JOBS", "JOBS_BY_PROJECT", "JOBS_BY_FOLDER", "JOBS_BY_ORGANIZATION"}


@dataclass
class Ran:
    """One query the fake evaluated: where, which view, the DuckDB SQL and the parameters."""

    project: str
    location: str
    view: str
    sql: str
    params: dict[str, Any]
    rows: int


@dataclass
class JobsSql:
    """The rows of every project, the folder of each project, and the views denied."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    parents: dict[str, str] = field(default_factory=dict)
    """The parent folder of each project (JOBS_BY_FOLDER reads the query project's)."""
    denied: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    """Locations whose every query answers 403 ``accessDenied`` (set after a poll: a later page fails)."""
    page_delay: float = 0.0
    """Seconds a page of further jobs (``gcpdash-query: jobs-org-page``) waits before it is answered."""
    ran: list[Ran] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, project: str, body: dict[str, Any], job_id: str) -> tuple[int, dict[str, Any]]:
        """The status and the jobs.query response."""
        sql = str(body.get("query", ""))
        tree = sqlglot.parse_one(sql, read="bigquery")
        tables = [t for t in tree.find_all(exp.Table) if t.name.upper().split(".")[-1] in VIEWS]
        views = {t.name.upper().split(".")[-1] for t in tables}
        if len(views) != 1:
            return 400, {"error": {"code": 400, "message": f"the fake reads one JOBS view, not {views}"}}
        view = views.pop()
        region = {t.db for t in tables}
        location = str(body.get("location") or "US")
        if region != {f"region-{location.lower()}"}:
            return 400, {"error": {"code": 400, "message": f"{region} is not the request's {location}"}}
        if self.page_delay and (body.get("labels") or {}).get("gcpdash-query") == "jobs-org-page":
            time.sleep(self.page_delay)
        if location in self.refused:
            return 403, _error(403, "accessDenied", f"Access Denied: {view} in {location} for {project}")
        if view in self.denied:
            message = (
                f"Access Denied: Table {project}:{view}: User does not have permission bigquery.jobs.listAll"
            )
            return 403, _error(403, "accessDenied", message)
        for table in tables:
            table.replace(exp.to_table("jobs"))
        duck = sqlglot.transpile(tree.sql(dialect="bigquery"), read="bigquery", write="duckdb")[0]
        params = parameters(body)
        names, kinds, rows = self._run(duck, params, self._scope(view, project, location))
        with self._lock:
            self.ran.append(Ran(project, location, view, duck, params, len(rows)))
        return 200, _response(body, names=names, kinds=kinds, rows=rows, project=project, job_id=job_id)

    def _scope(self, view: str, project: str, location: str) -> list[dict[str, Any]]:
        here = [r for r in self.rows if r.get("location", "US") == location]
        if view in ("JOBS", "JOBS_BY_PROJECT"):
            return [r for r in here if r["project_id"] == project]
        if view == "JOBS_BY_FOLDER":
            folder = self.parents[project]
            return [r for r in here if folder in (r.get("folder_numbers") or ())]
        return here

    def _run(
        self, sql: str, params: dict[str, Any], rows: list[dict[str, Any]]
    ) -> tuple[list[str], list[Any], list[tuple[Any, ...]]]:
        con = duckdb.connect()
        try:
            con.execute("SET TimeZone = 'UTC'")
            con.execute("CREATE TABLE jobs (" + ", ".join(f"{c} {t}" for c, t in COLUMNS.items()) + ")")
            marks = "(" + ", ".join("?" for _ in COLUMNS) + ")"
            for start in range(0, len(rows), 100):  # one INSERT of many rows: executemany is slow in DuckDB
                chunk = rows[start : start + 100]
                values = [_value(r.get(c)) for r in chunk for c in COLUMNS]
                con.execute(f"INSERT INTO jobs VALUES {', '.join(marks for _ in chunk)}", values)
            used = {k: _value(v) for k, v in params.items() if f"${k}" in sql}
            cursor = con.execute(sql, used)
            names = [d[0] for d in cursor.description]
            kinds = [d[1] for d in cursor.description]
            return names, kinds, cursor.fetchall()
        finally:
            con.close()


def _value(value: Any) -> Any:
    """A value as DuckDB takes it: a naive UTC timestamp."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _error(status: int, reason: str, message: str) -> dict[str, Any]:
    import json

    return dict(json.loads(error_body(status, reason, message, reason)))


def _field(name: str, kind: Any) -> dict[str, Any]:
    """A schema field from a DuckDB type."""
    text = str(kind).upper()
    if text.endswith("[]"):
        inner = _field(name, text[:-2])
        return {**inner, "mode": "REPEATED"}
    if text.startswith("STRUCT("):
        subs = [part.strip().split(" ", 1) for part in _split(text[7:-1])]
        return {
            "name": name,
            "type": "RECORD",
            "mode": "NULLABLE",
            "fields": [_field(n.strip('"').lower(), t) for n, t in subs],
        }
    for prefix, bq in (
        ("TIMESTAMP", "TIMESTAMP"),
        ("BOOL", "BOOLEAN"),
        ("DOUBLE", "FLOAT"),
        ("FLOAT", "FLOAT"),
        ("DECIMAL", "FLOAT"),
    ):
        if text.startswith(prefix):
            return {"name": name, "type": bq, "mode": "NULLABLE"}
    if text in ("BIGINT", "HUGEINT", "INTEGER", "SMALLINT", "TINYINT", "UBIGINT", "INT128"):
        return {"name": name, "type": "INTEGER", "mode": "NULLABLE"}
    return {"name": name, "type": "STRING", "mode": "NULLABLE"}


def _split(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _cell(value: Any, schema: dict[str, Any], int64: bool) -> Any:
    """A value in BigQuery's REST row format (every scalar a string)."""
    if value is None:
        return None
    if schema.get("mode") == "REPEATED":
        item = {**schema, "mode": "NULLABLE"}
        return [{"v": _cell(v, item, int64)} for v in value]
    kind = schema["type"]
    if kind == "RECORD":
        return {"f": [{"v": _cell(value.get(f["name"]), f, int64)} for f in schema["fields"]]}
    if kind == "TIMESTAMP":
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        us = round(moment.timestamp() * 1_000_000)
        return str(us) if int64 else repr(us / 1_000_000)
    if kind == "BOOLEAN":
        return "true" if value else "false"
    if kind == "FLOAT":
        return repr(float(value))
    return str(value)


def _response(
    body: dict[str, Any],
    *,
    names: list[str],
    kinds: list[Any],
    rows: list[tuple[Any, ...]],
    project: str,
    job_id: str,
) -> dict[str, Any]:
    fields = [_field(n, k) for n, k in zip(names, kinds, strict=True)]
    int64 = bool((body.get("formatOptions") or {}).get("useInt64Timestamp"))
    return {
        "kind": "bigquery#queryResponse",
        "schema": {"fields": fields},
        "jobReference": {"projectId": project, "jobId": job_id, "location": body.get("location", "US")},
        "totalRows": str(len(rows)),
        "rows": [{"f": [{"v": _cell(v, f, int64)} for v, f in zip(r, fields, strict=True)]} for r in rows],
        "totalBytesProcessed": "10485760",
        "jobComplete": True,
        "cacheHit": False,
    }


class SqlFakeRest(FakeRest):
    """The fake REST BigQuery whose JOBS-view queries :class:`JobsSql` evaluates; ``jobs.list`` lists
    nothing (organisation mode does not list; the per-project fallback then sees no running job)."""

    def __init__(self, jobs: JobsSql, **kwargs: Any) -> None:
        from .fake_jobs import FakeJobs

        super().__init__(world=FakeJobs(), **kwargs)
        self.jobs = jobs

    def respond(self, request: Request) -> tuple[int, bytes]:
        import json

        parts = request.path.rstrip("/").split("/")
        if (
            request.method == "POST"
            and parts[-1] == "queries"
            and "INFORMATION_SCHEMA" in str(request.body.get("query", ""))
        ):
            rule = next((r for r in self.rules if r.matches("query", parts[4])), None)
            if rule is None:
                job_id = f"job_sql_{len(self.computed) + 1}"
                status, answer = self.jobs.answer(parts[4], request.body, job_id)
                if status == 200:
                    with self._lock:
                        self.computed[job_id] = answer
                return status, json.dumps(answer).encode()
        return super().respond(request)
