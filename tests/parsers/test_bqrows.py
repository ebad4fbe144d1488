"""BigQuery's REST row format: RECORD, REPEATED, NULL and every scalar, decoded by schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard.parsers.bqrows import RowDecoder, decode_rows
from dashboard.parsers.common import Garbage

SIX = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)

SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "t", "type": "TIMESTAMP", "mode": "NULLABLE"},
        {"name": "n", "type": "INTEGER", "mode": "NULLABLE"},
        {"name": "x", "type": "FLOAT", "mode": "NULLABLE"},
        {"name": "ok", "type": "BOOLEAN", "mode": "NULLABLE"},
        {"name": "s", "type": "STRING", "mode": "NULLABLE"},
        {"name": "d", "type": "DATE", "mode": "NULLABLE"},
        {"name": "money", "type": "NUMERIC", "mode": "NULLABLE"},
        {
            "name": "err",
            "type": "RECORD",
            "mode": "NULLABLE",
            "fields": [{"name": "reason", "type": "STRING"}, {"name": "code", "type": "INT64"}],
        },
        {
            "name": "labels",
            "type": "RECORD",
            "mode": "REPEATED",
            "fields": [{"name": "key", "type": "STRING"}, {"name": "value", "type": "STRING"}],
        },
        {"name": "tags", "type": "STRING", "mode": "REPEATED"},
        {"name": "times", "type": "TIMESTAMP", "mode": "REPEATED"},
        {
            "name": "outer",
            "type": "STRUCT",
            "fields": [
                {
                    "name": "inner",
                    "type": "RECORD",
                    "mode": "REPEATED",
                    "fields": [{"name": "n", "type": "INT64"}],
                }
            ],
        },
    ]
}


def cell(value: Any) -> dict[str, Any]:
    return {"v": value}


def record(*values: Any) -> dict[str, Any]:
    return {"f": [cell(v) for v in values]}


FULL_ROW = {
    "f": [
        cell("1795672800000001"),
        cell("-42"),
        cell("1.5"),
        cell("true"),
        cell("[bold]not markup[/]"),
        cell("2026-11-26"),
        cell("123.456"),
        cell(record("invalidQuery", "400")),
        cell([cell(record("team", "growth")), cell(record("env", None))]),
        cell([cell("a"), cell("b")]),
        cell([cell("1795672800000000"), cell("1.7956728E9")]),
        cell({"f": [cell([cell(record("7")), cell(record(None))])]}),
    ]
}

NULL_ROW = {"f": [cell(None)] * 8 + [cell([]), cell(None), cell([]), cell(None)]}


def test_every_type_decodes() -> None:
    (row,) = decode_rows(SCHEMA, [FULL_ROW])
    assert row == {
        "t": SIX + timedelta(microseconds=1),
        "n": -42,
        "x": 1.5,
        "ok": True,
        "s": "[bold]not markup[/]",
        "d": "2026-11-26",
        "money": "123.456",
        "err": {"reason": "invalidQuery", "code": 400},
        "labels": [{"key": "team", "value": "growth"}, {"key": "env", "value": None}],
        "tags": ["a", "b"],
        "times": [SIX, SIX],
        "outer": {"inner": [{"n": 7}, {"n": None}]},
    }


def test_nulls_and_empty_repeated_fields() -> None:
    (row,) = decode_rows(SCHEMA, [NULL_ROW])
    assert all(row[name] is None for name in ("t", "n", "x", "ok", "s", "d", "money", "err", "tags", "outer"))
    assert row["labels"] == []
    assert row["times"] == []


def test_the_decoder_serves_later_pages_without_a_schema() -> None:
    decoder = RowDecoder(SCHEMA["fields"])
    assert decoder.names[:3] == ("t", "n", "x")
    first = decoder.rows([FULL_ROW])
    later = decoder.rows([NULL_ROW, FULL_ROW])
    assert later[1] == first[0]
    assert decoder.rows(None) == []


def test_float_seconds_timestamps_of_the_older_form() -> None:
    schema = {"fields": [{"name": "t", "type": "TIMESTAMP"}]}
    rows = decode_rows(schema, [record("1.79567280025E9"), record("1795672800250000")])
    assert [r["t"] for r in rows] == [SIX + timedelta(milliseconds=250)] * 2


@pytest.mark.parametrize(
    ("schema", "rows", "match"),
    [
        ({"fields": "nope"}, [], "schema fields"),
        ([], [], "schema is list"),
        ({"fields": [{"type": "STRING"}]}, [], "with a name"),
        ({"fields": [{"name": "a"}]}, "nope", "rows are str"),
        ({"fields": [{"name": "a"}]}, [record("1", "2")], "2 cells"),
        ({"fields": [{"name": "a"}]}, [{"f": "x"}], "cells"),
        ({"fields": [{"name": "a", "mode": "REPEATED"}]}, [record("x")], "REPEATED"),
    ],
)
def test_garbage_is_named(schema: Any, rows: Any, match: str) -> None:
    with pytest.raises(Garbage, match=match):
        decode_rows(schema, rows)
