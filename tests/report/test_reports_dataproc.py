"""Dataproc jobs and Serverless batches in the --once reports, from a hand-built snapshot: the JSON document
(valid against the committed schema, figures by hand), Markdown and text tables, cloud text kept literal."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import jsonschema

from dashboard.models import Batch, DataprocData, DataprocJob, Job, Snapshot
from dashboard.report import json_report
from dashboard.report.markdown import render_markdown
from dashboard.report.text import console_for, print_report

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
MESSAGE = "Job failed with message [bold red]TABLE_OR_VIEW_NOT_FOUND[/]"


def ago(minutes: float) -> datetime:
    return AT - timedelta(minutes=minutes)


def snapshot() -> Snapshot:
    failed = Batch(
        name="projects/acme-etl/locations/europe-west4/batches/dq-orders",
        project="acme-etl",
        region="europe-west4",
        batch_id="dq-orders",
        state="FAILED",
        state_message=MESSAGE,
        created=ago(62),
        started=ago(60),
        state_time=ago(30),
        batch_type="SparkSql",
        runtime_version="2.2",
        creator="maria@acme.example",
        milli_dcu_seconds=12 * 1800 * 1000,  # 12 DCU for 30 minutes = 6 DCU-hours
        shuffle_storage_gb_seconds=73 * 1800,  # 73 GB for 30 minutes = 36.5 GB-hours
    )
    running = Batch(
        name="projects/acme-analytics/locations/us-central1/batches/sessionize",
        project="acme-analytics",
        region="us-central1",
        batch_id="sessionize",
        state="RUNNING",
        created=ago(21),
        started=ago(20),
        state_time=ago(20),
        batch_type="PySpark",
        current_milli_dcu=48_000,
        current_shuffle_gb=0,
    )
    job = DataprocJob(
        project="acme-etl",
        region="europe-west4",
        job_id="enrich-1",
        cluster="etl-nightly",
        job_type="PySpark",
        state="RUNNING",
        state_since=ago(40),
        submitted=ago(41),
        started=ago(40),
    )
    opener = Job(project="quiet", job_id="opener", created=ago(60), ended=ago(60), bytes_billed=0)
    return Snapshot(
        at=AT,
        mode="demo",
        projects=("acme-analytics", "acme-etl"),
        regions=("europe-west4", "us-central1"),
        jobs=(opener,),
        dataproc=DataprocData(batches=(running, failed), jobs=(job,)),
    )


def test_the_json_document_lists_batches_and_jobs() -> None:
    doc = json.loads(json_report.render_json(snapshot()))
    schema = json.loads((ROOT / "dashboard" / "data" / "snapshot.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)
    batches = doc["dataproc"]["batches"]
    assert [b["batch_id"] for b in batches] == ["dq-orders", "sessionize"]  # failed first
    failed, running = batches
    assert (failed["state"], failed["batch_type"], failed["state_message"]) == ("FAILED", "SparkSql", MESSAGE)
    assert (failed["dcu_hours"], failed["shuffle_gb_hours"], failed["usage_estimated"]) == (6.0, 36.5, False)
    assert failed["duration_s"] == 1800
    # 6 DCU-h x $0.060 + 36.5 GB-h / 730 h x $0.040 per GB-month = $0.36 + $0.002
    assert abs(failed["usd"] - (6 * 0.060 + 36.5 / 730 * 0.040)) < 1e-9
    assert failed["usd_per_hour"] == 0
    # running 20 minutes at 48 DCU: 16 DCU-h so far (estimate), 48 x $0.060 = $2.88/h, $0.96 so far
    assert (running["usage_estimated"], running["current_dcu"]) == (True, 48.0)
    assert abs(running["dcu_hours"] - 48 * 20 / 60) < 1e-9
    assert abs(running["usd_per_hour"] - 48 * 0.060) < 1e-9
    assert abs(running["usd"] - 48 * 0.060 * 20 / 60) < 1e-9
    (job,) = doc["dataproc"]["jobs"]
    assert (job["job_id"], job["cluster"], job["job_type"], job["state"]) == (
        "enrich-1",
        "etl-nightly",
        "PySpark",
        "RUNNING",
    )
    assert (job["submitted"], job["duration_s"]) == ("2026-11-26T08:19:00Z", 2400)


def test_markdown_and_text_show_the_tables_with_the_message_literal() -> None:
    markdown = render_markdown(snapshot())
    assert "### Serverless batches" in markdown
    assert "### Jobs (running, and ended in the last 24 h)" in markdown
    assert "| dq-orders | acme-etl | europe-west4 | SparkSql | FAILED |" in markdown
    assert "\\[bold red\\]TABLE" in markdown  # escaped, not markup
    out = StringIO()
    print_report(snapshot(), console_for(out, width=220, color=False))
    text = out.getvalue()
    assert "Serverless batches (2)" in text
    assert "Jobs (1)" in text
    assert "[bold red]TABLE_OR_VIEW_NOT_FOUND[/]" in text
    assert "~16.0" in text  # the running batch's DCU-hours, estimated
