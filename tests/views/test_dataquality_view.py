"""The data-quality pane: rows failed first, figures as shown, the detail's rules and score chart, cloud
text shown literally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.console import Console

from dashboard.sources.dataquality.model import CatalogEntry, DataQualityData, RuleResult, Scan, ScanJob
from dashboard.sources.dataquality.view import detail, item, overview, rows

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def scan(scan_id: str, table: str, cron: str = "0 * * * *") -> Scan:
    project, dataset, name = table.split(".")
    return Scan(
        project=project,
        location="europe-west1",
        scan_id=scan_id,
        name=f"projects/{project}/locations/europe-west1/dataScans/{scan_id}",
        resource=f"//bigquery.googleapis.com/projects/{project}/datasets/{dataset}/tables/{name}",
        table=table,
        trigger="schedule",
        cron=cron,
    )


def job(scan_id: str, project: str, hours_ago: float, score: float, *rules: RuleResult) -> ScanJob:
    job_id = f"j{hours_ago:g}"
    return ScanJob(
        project=project,
        location="europe-west1",
        scan_id=scan_id,
        job_id=job_id,
        name=f"projects/{project}/locations/europe-west1/dataScans/{scan_id}/jobs/{job_id}",
        state="SUCCEEDED",
        started=NOW - timedelta(hours=hours_ago),
        full=True,
        passed=all(r.passed for r in rules),
        score=score,
        row_count=1200,
        rules=rules,
    )


BAD = RuleResult(
    name="[bold]nulls[/bold]",  # a rule's name is the user's text: shown as it is
    column="customer_id",
    dimension="COMPLETENESS",
    threshold=0.99,
    pass_ratio=0.91,
    evaluated_count=1200,
    failing_rows_query="SELECT * FROM t WHERE customer_id IS NULL",
)
GOOD = RuleResult(name="ids", column="id", passed=True, pass_ratio=1.0)
DATA = DataQualityData(
    scans=(scan("a-ok", "acme-etl.sales.customers"), scan("z-bad", "acme-etl.sales.orders")),
    items=(
        job("a-ok", "acme-etl", 1, 100.0, GOOD),
        job("z-bad", "acme-etl", 2, 100.0, GOOD),
        job("z-bad", "acme-etl", 1, 50.0, BAD, GOOD),
        CatalogEntry(table="acme-etl.sales.orders", updated=NOW - timedelta(minutes=20), read_at=NOW),
    ),
)


def text(renderable: object) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_rows_failed_first_with_their_figures() -> None:
    found = rows(DATA, NOW)
    assert [r.key for r in found] == ["acme-etl/europe-west1/z-bad", "acme-etl/europe-west1/a-ok"]
    cells = [c.plain for c in found[0].cells]
    assert cells[0] == "acme-etl.sales.orders"
    assert cells[2] == "failed"
    assert cells[4] == "50.0"
    assert cells[5] == "█▅"  # 100 then 50 on a 0-100 scale (8 bars: 50 % is the 5th)
    assert cells[6] == "[bold]nulls[/bold] 0.91"
    assert cells[8] == "20m ago"  # the catalog entry
    assert [c.plain for c in found[1].cells][8] == "—"  # no entry read for it


def test_the_detail_lists_the_rules_and_the_scores() -> None:
    state = item(DATA, "acme-etl/europe-west1/z-bad")
    assert state is not None
    out = text(detail(state, NOW))
    assert "[bold]nulls[/bold]" in out  # literal, never markup
    assert "0.9100" in out
    assert "SELECT * FROM t WHERE customer_id IS NULL" in out
    chart = [line for line in out.splitlines() if line.startswith("2026-12-07")]
    assert [line.split()[-1] for line in chart] == ["100.0", "50.0"]
    assert "█" * 10 + " " * 10 in chart[1]  # 50 of 100: ten of twenty cells


def test_overview() -> None:
    assert overview(DATA, NOW) == (2, "1 failed")
