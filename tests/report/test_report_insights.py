"""Insights and alerts in the three --once reports: every insight with its severity, rule, resource, money
at stake (labelled an estimate), evidence and fix; the alerts that were checked; cloud text in an insight
shown literally (text), escaped (Markdown) and kept exactly (JSON)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import jsonschema
import msgspec
from views.factory import ANSI_ERROR, MARKUP, RAW_CONTROLS, snapshot

from dashboard.alerts import check, conditions
from dashboard.insights import Insight
from dashboard.report import json_report
from dashboard.report.assess import Assessment, assess
from dashboard.report.markdown import render_markdown
from dashboard.report.text import console_for, print_report

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "dashboard" / "data" / "snapshot.schema.json").read_text(encoding="utf-8"))

HOSTILE = Insight(
    rule="dataproc.error_cluster",
    severity="critical",
    title=f"Cluster {MARKUP} in ERROR still bills its VMs",
    source="dataproc",
    resource=f"ml-{MARKUP}|x",
    resource_key="acme-etl/europe-west1/ml-features",
    evidence=f"ERROR since 04:12; {ANSI_ERROR}",
    usd_per_hour=7.5,
    usd_per_month=5475.0,
    fix="Delete it: `gcloud dataproc clusters delete ml-features`",
)
PLAIN = Insight(
    rule="dataflow.failed_job",
    severity="warning",
    title="Batch job customer-360-backfill failed at 08:00",
    source="dataflow",
    resource="customer-360-backfill",
    evidence="JOB_STATE_FAILED at 08:00",
    fix="Read the job's error log",
)


def assessment(with_alerts: bool = True) -> Assessment:
    """The factory snapshot's assessment with two hand-made insights and, optionally, two alerts."""
    base = assess(snapshot())
    found = (HOSTILE, PLAIN)
    checks = conditions(["critical: insights.critical > 0", "jobs.running > 5"]) if with_alerts else ()
    metrics = {**base.metrics, "insights.critical": 1, "jobs.running": 2}
    return msgspec.structs.replace(
        base, insights=found, metrics=metrics, alerts=check(checks, metrics, found)
    )


def test_text_report_has_alerts_at_the_top_and_every_insight_literally() -> None:
    buffer = StringIO()
    print_report(snapshot(), console_for(buffer, width=400), assessment=assessment())
    out = buffer.getvalue()
    lines = out.splitlines()
    assert lines[1].startswith("Alerts  1 of 2 fired: 1 critical, 0 warning; exit 2")
    fired = (
        f"FIRED  critical  insights.critical > 0  (value 1: dataproc.error_cluster:ml-{MARKUP}|x; --fail-on)"
    )
    assert lines[2] == fired
    assert lines[3] == "ok     warning   jobs.running > 5  (value 2; --fail-on)"
    assert (
        out.index("Alerts")
        < out.index("Overview")
        < out.index("Insights")
        < out.index("Slots & reservations")
    )
    assert "1 critical · 1 warning · 0 info" in out
    assert f"Cluster {MARKUP} in ERROR still bills its VMs" in out
    assert f"ml-{MARKUP}|x" in out
    assert "$7.50/h · $5,475/month est." in out
    assert "evidence: ERROR since 04:12; \\x1b[31mno rows" in out
    assert "fix: Delete it: `gcloud dataproc clusters delete ml-features`" in out
    assert "no $ estimate" in out  # the failed job cannot be put in money
    for raw in RAW_CONTROLS:
        assert raw not in out


def test_text_report_without_conditions_has_no_alerts_section() -> None:
    buffer = StringIO()
    print_report(snapshot(), console_for(buffer, width=200), assessment=assessment(with_alerts=False))
    assert "Alerts" not in buffer.getvalue()
    assert "Insights" in buffer.getvalue()


def test_markdown_report_escapes_insights_and_lists_alerts() -> None:
    out = render_markdown(snapshot(), assessment=assessment())
    assert "## Alerts\n_1 of 2 fired: 1 critical, 0 warning; exit 2_\n" in out
    assert "| FIRED | critical | insights.critical \\> 0 | 1 | --fail-on |" in out
    assert "| ok | warning | jobs.running \\> 5 | 2 | --fail-on |" in out
    assert (
        out.index("## Alerts") < out.index("## Overview") < out.index("## Insights") < out.index("## Sources")
    )
    assert "- **CRITICAL** Cluster \\[bold red\\]boom\\[/\\] in ERROR still bills its VMs\n" in out
    assert "  - resource: ml-\\[bold red\\]boom\\[/\\]\\|x (Dataproc; rule dataproc.error\\_cluster)\n" in out
    assert "  - at stake: \\$7.50/h · \\$5,475/month est.\n" in out
    assert "  - evidence: ERROR since 04:12; \\\\x1b\\[31mno rows" in out
    assert "  - fix: Delete it: \\`gcloud dataproc clusters delete ml-features\\`\n" in out
    assert "- **WARNING** Batch job customer-360-backfill failed at 08:00\n" in out
    assert "  - at stake: no \\$ estimate\n" in out
    for raw in RAW_CONTROLS:
        assert raw not in out


def test_markdown_without_conditions_has_no_alerts_section() -> None:
    out = render_markdown(snapshot(), assessment=assessment(with_alerts=False))
    assert "## Alerts" not in out
    assert (
        "## Insights\n_1 critical · 1 warning · 0 info; money at stake is estimated from list prices_" in out
    )


def test_json_keeps_insight_text_exactly_and_validates() -> None:
    raw = json_report.render_json(snapshot(), assessment=assessment())
    for char in RAW_CONTROLS:
        assert char.encode() not in raw
    doc = json.loads(raw)
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["schema"] == "gcpdash.snapshot/1"
    assert doc["insight_counts"] == {"critical": 1, "warning": 1, "info": 0}
    assert doc["insights"][0] == {
        "rule": "dataproc.error_cluster",
        "severity": "critical",
        "title": f"Cluster {MARKUP} in ERROR still bills its VMs",
        "source": "dataproc",
        "resource": f"ml-{MARKUP}|x",
        "resource_key": "acme-etl/europe-west1/ml-features",
        "evidence": f"ERROR since 04:12; {ANSI_ERROR}",
        "usd_per_hour": 7.5,
        "usd_per_month": 5475.0,
        "fix": "Delete it: `gcloud dataproc clusters delete ml-features`",
    }
    assert doc["insights"][1]["usd_per_hour"] is None
    assert [(a["expr"], a["fired"], a["value"], a["findings"]) for a in doc["alerts"]] == [
        ("insights.critical > 0", True, 1, [f"dataproc.error_cluster:ml-{MARKUP}|x"]),
        ("jobs.running > 5", False, 2, []),
    ]
    assert doc["metrics"]["jobs.running"] == 2


def test_json_without_an_assessment_evaluates_the_rules() -> None:
    doc = json.loads(json_report.render_json(snapshot()))
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["alerts"] == []
    # the factory's ml-features is in ERROR and bills: the Dataproc rule finds it
    assert any(
        i["rule"] == "dataproc.error_cluster" and i["resource"] == "ml-features" for i in doc["insights"]
    )
    assert doc["metrics"]["insights.total"] == len(doc["insights"])
    assert sum(doc["insight_counts"].values()) == len(doc["insights"])


def test_an_old_document_without_the_new_keys_still_validates() -> None:
    doc = json.loads(json_report.render_json(snapshot()))
    for key in ("insights", "insight_counts", "metrics", "alerts"):
        del doc[key]
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
