"""The --once reports built from a hand-built snapshot: JSON (valid against its committed schema, exact cloud
text), Markdown (escaped tables) and text (every pane), none of them letting a control character out raw."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from views.factory import (
    ANSI_ERROR,
    ANSI_QUERY,
    ARRAY_QUERY,
    AT,
    HOSTILE_QUERY,
    MARKUP,
    RAW_CONTROLS,
    snapshot,
)

from dashboard.models import Snapshot
from dashboard.report import json_report
from dashboard.report.markdown import md_escape, md_table, render_markdown
from dashboard.report.text import console_for, print_report
from dashboard.views.columns import Column, Row

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "dashboard" / "data" / "snapshot.schema.json"
PANE_TITLES = ("Overview", "BigQuery jobs", "Slots & reservations", "Dataproc", "Dataflow", "Cost")


def _schema() -> dict[str, object]:
    loaded = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_committed_schema_is_in_sync_with_the_structs() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == json_report.schema_text(), (
        "regenerate: python -m dashboard.report.json_report --schema > dashboard/data/snapshot.schema.json"
    )


def test_schema_descriptions_do_not_keep_docstring_indentation() -> None:
    # msgspec 0.22 copied docstrings with their indentation, 0.23 strips it: the committed file must be
    # the same under both, so no description line may start with the docstring's indentation.
    def descriptions(node: object) -> list[str]:
        if isinstance(node, dict):
            own = [v for k, v in node.items() if k == "description" and isinstance(v, str)]
            return own + [d for v in node.values() for d in descriptions(v)]
        if isinstance(node, list):
            return [d for v in node for d in descriptions(v)]
        return []

    found = descriptions(_schema())
    assert len(found) > 20
    assert [d for d in found if any(line.startswith(" ") for line in d.splitlines())] == []
    assert any("\n" in d for d in found)  # paragraphs are kept, only the indentation goes


def test_schema_is_draft_2020_12_and_valid() -> None:
    schema = _schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_json_document_validates_and_has_every_section() -> None:
    raw = json_report.render_json(snapshot())
    doc = json.loads(raw)
    jsonschema.Draft202012Validator(_schema()).validate(doc)
    assert doc["schema"] == "gcpdash.snapshot/1"
    assert doc["at"] == "2026-11-26T09:00:00Z"
    assert doc["mode"] == "demo"
    assert doc["projects"] == ["acme-analytics", "acme-etl"]
    assert set(doc) >= {"generated_at", "regions", "sources", "overview", "jobs", "reservations", "dataproc"}
    assert set(doc["sources"]) == {
        "jobs",
        "reservations",
        "dataproc",
        "dataflow",
        "billing",
        "pubsub",
        "datafusion",
        "dataquality",
        "vertex",
        "composer",
    }
    assert doc["sources"]["dataproc"] == {
        "state": "stale",
        "reason": "503 UNAVAILABLE: The service is currently unavailable.",
        "updated_at": "2026-11-26T08:54:00Z",
        "age_s": 360.0,
        "warnings": [],
        "metrics": None,
    }
    assert [j["job_id"] for j in doc["jobs"]["running"]] == ["run_1", "hostile_markup"]
    assert len(doc["jobs"]["recent"]) == 8
    assert doc["jobs"]["by_principal"][0]["principal"] == "ana@acme.example"
    assert doc["jobs"]["by_principal"][0]["cost_usd"] == pytest.approx(12.5)
    assert {r["reservation_id"] for r in doc["reservations"]["reservations"]} == {"prod", "adhoc"}
    assert doc["reservations"]["commitments"][0]["plan"] == "ANNUAL"
    assert len(doc["reservations"]["assignments"]) == 2
    assert doc["dataproc"]["clusters"][0]["name"] == "ml-features"
    assert doc["dataflow"]["jobs"][1]["lag"][-1] == ["2026-11-26T09:00:00Z", 1200.0]
    costs = doc["cost"]
    assert costs["price_version"] == "2026.12.1"
    assert costs["estimate"] is True
    assert [s["service"] for s in costs["services"]] == [
        "bigquery_on_demand",
        "bigquery_ml",  # CREATE_MODEL on demand, its own line ($0 here)
        "bigquery_editions",
        "bi_engine",  # the reservations source's second line, $0 without a BI reservation
        "dataproc",
        "dataflow",
        "pubsub",  # registered sources' cost lines (by their order), $0 without their data
        "composer",
        "datafusion",
    ]
    assert costs["burn_rate_usd_per_hour"] == pytest.approx(
        sum(s["burn_rate_usd_per_hour"] for s in costs["services"])
    )
    assert doc["overview"]["burn_rate_usd_per_hour"] == costs["burn_rate_usd_per_hour"]


def test_json_keeps_cloud_text_exact_and_escapes_it() -> None:
    raw = json_report.render_json(snapshot())
    for char in (*RAW_CONTROLS, "\x7f"):
        assert char.encode() not in raw, f"{char!r} raw in the JSON"
    assert b"\\u001b[31m" in raw
    assert b"\\u202e" in raw
    assert b"\\u009b" in raw
    doc = json.loads(raw)
    by_id = {j["job_id"]: j for j in (*doc["jobs"]["running"], *doc["jobs"]["recent"])}
    assert by_id["hostile_markup"]["query"] == HOSTILE_QUERY
    assert by_id["hostile_ansi"]["query"] == ANSI_QUERY
    assert by_id["hostile_ansi"]["error_message"] == ANSI_ERROR
    assert by_id["hostile_array_syntax"]["query"] == ARRAY_QUERY
    assert by_id["hostile_array_syntax"]["labels"] == {"report": "売上レポート"}
    assert by_id["hostile_markup"]["query_summary"] == " ".join(HOSTILE_QUERY.split())


def test_json_of_an_empty_snapshot_validates() -> None:
    doc = json.loads(json_report.render_json(Snapshot(at=AT)))
    jsonschema.Draft202012Validator(_schema()).validate(doc)
    assert doc["sources"]["jobs"]["state"] == "loading"
    assert doc["jobs"]["running"] == []


def test_generated_at_is_the_wall_clock_unless_given() -> None:
    moment = datetime(2030, 1, 1, tzinfo=UTC)
    assert json_report.build_document(snapshot(), generated_at=moment).generated_at == moment
    assert json_report.build_document(snapshot()).generated_at.year >= 2026


@pytest.mark.parametrize(
    ("cloud", "escaped"),
    [
        ("a|b", "a\\|b"),
        ("`code`", "\\`code\\`"),
        ("**bold** _it_", "\\*\\*bold\\*\\* \\_it\\_"),
        (MARKUP, "\\[bold red\\]boom\\[/\\]"),
        ("<script>&amp;", "\\<script\\>\\&amp;"),
        (":fire: https://x.example", "\\:fire: https\\://x.example"),
        ("$1 and $2", "\\$1 and \\$2"),
        ("\x1b[2J\u202e", "\\\\x1b\\[2J\\\\u202e"),
        ("two\nlines", "two lines"),
        ("08:49:00", "08:49:00"),
    ],
)
def test_markdown_escaping(cloud: str, escaped: str) -> None:
    assert md_escape(cloud) == escaped


def test_markdown_table() -> None:
    columns = (Column("NAME", "name"), Column("N", "n", justify="right"))
    lines = md_table(columns, [Row.of("1", ["a|b", "1"])])
    assert lines == ["| NAME | N |", "| :--- | ---: |", "| a\\|b | 1 |"]
    assert md_table(columns, [], empty="nothing") == ["_nothing_"]


def test_markdown_report() -> None:
    out = render_markdown(snapshot())
    for title in PANE_TITLES:
        assert f"## {md_escape(title)}" in out
    assert "## Sources" in out
    assert "\\[bold red\\]boom\\[/\\]" in out
    assert "arr\\[OFFSET(0)\\]" in out
    assert "r'\\[/a-z\\]+'" in out
    assert "\\\\u202egnp.exe" in out
    assert "\\\\x1b\\[31mno rows" in out
    for raw in RAW_CONTROLS:
        assert raw not in out
    width = 0
    for line in out.splitlines():
        if not line.startswith("| "):
            width = 0
            continue
        assert line.endswith(" |")
        # escaped pipes do not split cells: every row has as many cells as its header
        cells = line.replace("\\|", "").count("|")
        width = width or cells
        assert cells == width, line


def test_text_report_prints_every_pane() -> None:
    buffer = StringIO()
    print_report(snapshot(), console_for(buffer, width=160))
    out = buffer.getvalue()
    for title in (*PANE_TITLES, "Sources"):
        assert title in out
    assert out.startswith("gcpdash · demo · 2026-11-26 09:00:00 UTC")
    assert MARKUP in out
    assert "\\u202egnp.exe" in out
    for raw in RAW_CONTROLS:
        assert raw not in out


def test_text_console_defaults() -> None:
    console = console_for(StringIO())
    assert console.width == 160
    assert console.color_system is None
    assert console_for(StringIO(), width=100).width == 100
