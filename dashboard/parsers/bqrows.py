"""BigQuery's REST row format: ``schema.fields[]`` plus ``rows[].f[].v``, decoded into plain dicts.

A cell is ``{"v": value}``: NULL is ``null``; INTEGER, FLOAT, BOOLEAN and TIMESTAMP are strings (TIMESTAMP as
integer microseconds with ``formatOptions.useInt64Timestamp``, else float seconds, ``"1.7326E9"``); a RECORD
is ``{"v": {"f": [cells]}}``; a REPEATED field is ``{"v": [{"v": …}, …]}``. Only the first page of a result
carries the schema, so a decoder is built once from it and reused for every page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from dashboard.parsers.common import Garbage, parse_bool, parse_bq_timestamp, parse_int64

Row = dict[str, Any]
Converter = Callable[[Any], Any]

_SCALARS: dict[str, Converter | None] = {
    "INTEGER": parse_int64,
    "INT64": parse_int64,
    "FLOAT": float,
    "FLOAT64": float,
    "BOOLEAN": parse_bool,
    "BOOL": parse_bool,
    "TIMESTAMP": parse_bq_timestamp,
}
"""Types converted from their string form; every other scalar (STRING, NUMERIC, DATE, BYTES, JSON …) is
kept as the string BigQuery sent."""


class RowDecoder:
    """Decodes rows of one schema into ``{column: value}`` dicts (RECORD → dict, REPEATED → list)."""

    __slots__ = ("_columns", "_width", "names")

    def __init__(self, fields: Sequence[Any]) -> None:
        """Compile the converters of a schema's fields.

        Args:
            fields: ``schema.fields`` of a query response.

        Raises:
            Garbage: A field is not an object with a name.
        """
        if type(fields) is not list:
            raise Garbage(f"schema fields are {type(fields).__name__}, expected a list")
        columns: list[tuple[str, Converter | None]] = []
        for field in fields:
            if type(field) is not dict or type(field.get("name")) is not str:
                raise Garbage("a schema field is not an object with a name")
            columns.append((field["name"], _converter(field)))
        self._columns = tuple(columns)
        self._width = len(columns)
        self.names: tuple[str, ...] = tuple(name for name, _ in columns)
        """The column names, in schema order."""

    def row(self, record: Any) -> Row:
        """One row (``{"f": [cells]}``) as a dict.

        Raises:
            Garbage: Not a row of this schema.
        """
        cells = record["f"]
        if type(cells) is not list or len(cells) != self._width:
            raise Garbage(f"a row has {_count(cells)} cells, the schema {self._width} columns")
        out: Row = {}
        for (name, conv), cell in zip(self._columns, cells, strict=True):
            value = cell["v"]
            out[name] = value if value is None or conv is None else conv(value)
        return out

    def rows(self, records: Any) -> list[Row]:
        """Every row of a page (missing ``rows`` means none).

        Raises:
            Garbage: ``rows`` is not a list of rows of this schema.
        """
        if records is None:
            return []
        if type(records) is not list:
            raise Garbage(f"rows are {type(records).__name__}, expected a list")
        row = self.row
        return [row(r) for r in records]


def _count(cells: Any) -> str:
    return str(len(cells)) if type(cells) is list else f"no list of ({type(cells).__name__})"


def _converter(field: dict[str, Any]) -> Converter | None:
    kind = str(field.get("type", "STRING")).upper()
    if kind in ("RECORD", "STRUCT"):
        sub = RowDecoder(field.get("fields") or [])
        conv: Converter | None = sub.row
    else:
        conv = _SCALARS.get(kind)
    if str(field.get("mode", "NULLABLE")).upper() == "REPEATED":
        return _repeated(conv)
    return conv


def _repeated(conv: Converter | None) -> Converter:
    def decode(values: Any) -> list[Any]:
        if type(values) is not list:
            raise Garbage(f"a REPEATED cell is {type(values).__name__}, expected a list")
        if conv is None:
            return [v["v"] for v in values]
        return [None if (x := v["v"]) is None else conv(x) for v in values]

    return decode


def decode_rows(schema: Any, records: Any) -> list[Row]:
    """Rows of a result as dicts, given its ``schema`` (``{"fields": [...]}``) and ``rows``.

    Raises:
        Garbage: The schema or the rows are not BigQuery's row format.
    """
    if type(schema) is not dict:
        raise Garbage(f"schema is {type(schema).__name__}, expected an object")
    return RowDecoder(schema.get("fields") or []).rows(records)
