"""A small evaluator of GoogleSQL SELECTs for the fake REST server: enough of the language to run the billing
export query on the rows a test puts in a table, so that a wrong WHERE, a wrong parameter or a wrong grouping
shows up as wrong numbers instead of a canned answer.

Understood: ``SELECT expr [AS alias], … FROM `table` | UNNEST(expr) [AS alias] [WHERE …] [GROUP BY …]
[ORDER BY … [ASC|DESC]] [LIMIT n]``; scalar subqueries in parentheses (correlated, e.g. over
``UNNEST(credits)``); ``AND``/``OR``/``NOT``, comparisons, ``+ - * /`` (``*`` and ``/`` first),
``IS [NOT] NULL``; the functions ``IF``,
``IFNULL``, ``TIMESTAMP_TRUNC(ts, HOUR|DAY|MONTH)`` (UTC) and the aggregates ``SUM``, ``MAX``, ``MIN``,
``COUNT``, ``ANY_VALUE``; named ``@parameters`` (STRING, INT64, FLOAT64, BOOL, TIMESTAMP). Columns are paths
into each row's nested dict (``service.description``, ``invoice.month``, ``_PARTITIONTIME``). Anything else
raises :class:`SqlError`, which the fake answers as BigQuery's 400 ``invalidQuery``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .fake_sql_parse import Node, Parser, Select, SqlError

__all__ = ["SqlError", "parameters", "query", "response"]

_AGGREGATES = {"SUM", "MAX", "MIN", "COUNT", "ANY_VALUE"}
_UNITS = {"HOUR", "DAY", "MONTH"}


@dataclass
class _Scope:
    row: Mapping[str, Any]
    rows: Sequence[Mapping[str, Any]] | None = None
    """The group's rows, where aggregates are evaluated."""


class Evaluator:
    """Runs one query on ``tables`` with ``params``."""

    def __init__(self, tables: Mapping[str, Sequence[Mapping[str, Any]]], params: Mapping[str, Any]) -> None:
        self.tables = tables
        self.params = params

    def run(self, query: Select, outer: Mapping[str, Any] | None = None) -> tuple[list[str], list[list[Any]]]:
        rows = self.source_rows(query, outer or {})
        if query.where is not None:
            rows = [r for r in rows if self.eval(query.where, _Scope(r)) is True]
        names = [alias for _, alias in query.items]
        aliases = dict(zip(names, (node for node, _ in query.items), strict=True))
        grouped = bool(query.group) or any(_has_aggregate(node) for node, _ in query.items)
        out: list[list[Any]] = []
        if grouped:
            keys = [aliases.get(g[1][0], g) if g[0] == "col" and len(g[1]) == 1 else g for g in query.group]
            groups: dict[tuple[Any, ...], list[Mapping[str, Any]]] = {}
            for r in rows:
                groups.setdefault(tuple(self.eval(k, _Scope(r)) for k in keys), []).append(r)
            if not query.group and not groups:
                groups[()] = []
            for members in groups.values():
                scope = _Scope(members[0] if members else outer or {}, members)
                out.append([self.eval(node, scope) for node, _ in query.items])
        else:
            out = [[self.eval(node, _Scope(r)) for node, _ in query.items] for r in rows]
        for node, descending in reversed(query.order):
            if node[0] != "col" or len(node[1]) != 1 or node[1][0] not in names:
                raise SqlError("ORDER BY: the fake orders by output columns only")
            index = names.index(node[1][0])
            out.sort(key=lambda values: (values[index] is not None, values[index]), reverse=descending)
        return names, out[: query.limit] if query.limit is not None else out

    def source_rows(self, query: Select, outer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        kind, what = query.source
        if kind == "table":
            if what not in self.tables:
                raise LookupError(what)
            return list(self.tables[what])
        elements = self.eval(what, _Scope(outer)) or []
        if query.alias is None:
            raise SqlError("UNNEST needs an alias in the fake")
        return [{**outer, query.alias: element} for element in elements]

    def eval(self, node: Node, scope: _Scope) -> Any:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "param":
            if node[1] not in self.params:
                raise SqlError(f"Query parameter '{node[1]}' not found")
            return self.params[node[1]]
        if kind == "col":
            value: Any = scope.row
            for part in node[1]:
                if not isinstance(value, Mapping) or part not in value:
                    raise SqlError(f"Unrecognized name: {'.'.join(node[1])}")
                value = value[part]
            return value
        if kind in ("and", "or"):
            a, b = self.eval(node[1], scope), self.eval(node[2], scope)
            return (a is True and b is True) if kind == "and" else (a is True or b is True)
        if kind == "not":
            value = self.eval(node[1], scope)
            return None if value is None else not value
        if kind == "isnull":
            return (self.eval(node[1], scope) is None) != node[2]
        if kind == "cmp":
            return _compare(node[1], self.eval(node[2], scope), self.eval(node[3], scope))
        if kind == "arith":
            a, b = self.eval(node[2], scope), self.eval(node[3], scope)
            if a is None or b is None:
                return None
            if node[1] == "/":
                if b == 0:
                    raise SqlError("division by zero: 1 / 0")
                return a / b
            return a + b if node[1] == "+" else a - b if node[1] == "-" else a * b
        if kind == "sub":
            _, values = self.run(node[1], scope.row)
            return values[0][0] if values else None
        if kind == "func":
            return self.call(node[1], node[2], scope)
        raise SqlError(f"cannot evaluate {kind}")

    def call(self, name: str, args: list[Node], scope: _Scope) -> Any:
        if name in _AGGREGATES:
            if scope.rows is None:
                raise SqlError(f"Aggregate function {name} not allowed here")
            if name == "COUNT" and not args:
                return len(scope.rows)
            values = [self.eval(args[0], _Scope(r)) for r in scope.rows]
            present = [v for v in values if v is not None]
            if name == "COUNT":
                return len(present)
            if not present:
                return None
            if name == "SUM":
                return sum(present)
            if name == "ANY_VALUE":
                return present[0]
            return max(present) if name == "MAX" else min(present)
        if name == "IF":
            return self.eval(args[1] if self.eval(args[0], scope) is True else args[2], scope)
        if name == "IFNULL":
            value = self.eval(args[0], scope)
            return self.eval(args[1], scope) if value is None else value
        if name == "TIMESTAMP_TRUNC":
            moment = self.eval(args[0], scope)
            unit = args[1][1][0].upper() if args[1][0] == "col" else None
            if unit not in _UNITS:
                raise SqlError("TIMESTAMP_TRUNC: the fake knows HOUR, DAY and MONTH")
            if moment is None:
                return None
            moment = moment.replace(minute=0, second=0, microsecond=0)
            if unit in ("DAY", "MONTH"):
                moment = moment.replace(hour=0)
            return moment.replace(day=1) if unit == "MONTH" else moment
        raise SqlError(f"Function not found: {name}")


def _has_aggregate(node: Any) -> bool:
    if isinstance(node, tuple) and node:
        if node[0] == "func" and node[1] in _AGGREGATES:
            return True
        if node[0] == "sub":
            return False
        return any(_has_aggregate(part) for part in node[1:])
    if isinstance(node, list):
        return any(_has_aggregate(part) for part in node)
    return False


def _compare(op: str, a: Any, b: Any) -> bool | None:
    if a is None or b is None:
        return None
    if isinstance(a, datetime) != isinstance(b, datetime):
        raise SqlError(f"No matching signature for operator {op} for {type(a).__name__}, {type(b).__name__}")
    if op == "=":
        return bool(a == b)
    if op in ("!=", "<>"):
        return bool(a != b)
    return bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op])


def parameters(body: Mapping[str, Any]) -> dict[str, Any]:
    """The request's named query parameters, as Python values."""
    out: dict[str, Any] = {}
    for param in body.get("queryParameters") or ():
        kind = param["parameterType"]["type"]
        value = param.get("parameterValue", {}).get("value")
        if value is None:
            out[param["name"]] = None
        elif kind == "TIMESTAMP":
            moment = datetime.fromisoformat(value)
            out[param["name"]] = (
                moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
            )
        elif kind == "INT64":
            out[param["name"]] = int(value)
        elif kind == "FLOAT64":
            out[param["name"]] = float(value)
        elif kind == "BOOL":
            out[param["name"]] = value.lower() == "true"
        else:
            out[param["name"]] = value
    return out


def query(sql: str, tables: Mapping[str, Sequence[Mapping[str, Any]]], params: Mapping[str, Any]) -> Any:
    """Column names and rows of ``sql`` on ``tables``.

    Raises:
        SqlError: A query the fake does not understand.
        LookupError: The table is not one of ``tables``.
    """
    parser = Parser(sql)
    select = parser.select()
    if parser.pos != len(parser.tokens):
        raise SqlError(f"Syntax error: unexpected {parser.tokens[parser.pos][1]!r}")
    return Evaluator(tables, params).run(select)


def _type(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if any(isinstance(v, bool) for v in present):
        return "BOOLEAN"
    if any(isinstance(v, datetime) for v in present):
        return "TIMESTAMP"
    if any(isinstance(v, float) for v in present):
        return "FLOAT"
    if present and all(isinstance(v, int) for v in present):
        return "INTEGER"
    return "STRING"


def _cell(value: Any, kind: str, int64_timestamps: bool) -> dict[str, Any]:
    if value is None:
        return {"v": None}
    if kind == "BOOLEAN":
        return {"v": "true" if value else "false"}
    if kind == "TIMESTAMP":
        us = round(value.timestamp() * 1_000_000)
        return {"v": str(us) if int64_timestamps else repr(us / 1_000_000)}
    if kind == "FLOAT":
        return {"v": repr(float(value))}
    return {"v": str(value)}


def response(
    body: Mapping[str, Any], tables: Mapping[str, Sequence[Mapping[str, Any]]], project: str, job_id: str
) -> Any:
    """BigQuery's ``jobs.query`` response for the request ``body`` run on ``tables`` (all rows on one page).

    Raises:
        SqlError, LookupError: As :func:`query`.
    """
    names, rows = query(str(body.get("query", "")), tables, parameters(body))
    kinds = [_type([r[i] for r in rows]) for i in range(len(names))]
    int64 = bool((body.get("formatOptions") or {}).get("useInt64Timestamp"))
    return {
        "kind": "bigquery#queryResponse",
        "schema": {
            "fields": [{"name": n, "type": k, "mode": "NULLABLE"} for n, k in zip(names, kinds, strict=True)]
        },
        "jobReference": {"projectId": project, "jobId": job_id, "location": body.get("location", "US")},
        "totalRows": str(len(rows)),
        "rows": [{"f": [_cell(v, k, int64) for v, k in zip(r, kinds, strict=True)]} for r in rows],
        "totalBytesProcessed": str(1_000 * sum(len(t) for t in tables.values())),
        "jobComplete": True,
        "cacheHit": False,
    }
