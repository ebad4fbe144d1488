"""The data-quality pane: one row per scan (its table's data-quality state), failed first, with its score's
trend over its jobs; a scan's detail: its rules and their pass ratios, its score over its jobs."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard.sources.dataquality.model import CatalogEntry, DataQualityData, RuleResult
from dashboard.sources.dataquality.summary import ScanState, states, stopped
from dashboard.views.columns import Column, Row, table
from dashboard.views.fmt import age, count, spark, visible, when

COLUMNS = (
    Column("TABLE", "table", min_width=24, max_width=40, shrink=True, cut="middle"),
    Column("SCAN", "scan", max_width=24, shrink=True, drop=4),
    Column("STATE", "state"),
    Column("LAST RUN", "last_run", drop=2),
    Column("SCORE", "score", justify="right"),
    Column("TREND", "trend", max_width=16, cut="start", drop=3),
    Column("FAILED RULES", "failed", max_width=48, shrink=True),
    Column("ROWS", "rows", justify="right", drop=1),
    Column("CATALOG UPDATED", "catalog", drop=5),
)

_STYLE = {"failed": "bold red", "passed": "green", "running": "cyan", "unknown": "dim"}


def _rule(r: RuleResult) -> str:
    ratio = f" {r.pass_ratio:.2f}" if r.pass_ratio is not None else ""
    return f"{r.name}{ratio}"


def _state(state: ScanState, now: datetime) -> Text:
    """Its status; ``stopped`` (yellow) after it, for a scheduled scan that has not run for 3 intervals."""
    text = Text(state.status, style=_STYLE.get(state.status, ""))
    if stopped(state, now) is not None:
        text.append(" stopped", style="bold yellow")
    return text


def row(state: ScanState, now: datetime, catalog: dict[str, CatalogEntry]) -> Row:
    """A scan's row."""
    last, result = state.last, state.result
    score = result.score if result is not None else None
    entry = catalog.get(state.scan.table or "")
    return Row.of(
        state.key,
        [
            state.scan.table or state.scan.resource,
            state.scan.scan_id,
            _state(state, now),
            None if last is None or last.at is None else f"{last.at:%m-%d %H:%M} {last.state}",
            None if score is None else f"{score:.1f}",
            spark(state.scores, 16) or None,
            ", ".join(_rule(r) for r in state.failed_rules) or None,
            None if result is None or result.row_count is None else count(result.row_count),
            None if entry is None or entry.updated is None else age(entry.updated, now),
        ],
    )


def rows(data: DataQualityData, now: datetime) -> list[Row]:
    """One row per scan, failed first."""
    catalog = data.catalog
    return [row(s, now, catalog) for s in states(data)]


def item(data: DataQualityData, key: str) -> ScanState | None:
    """The scan of a row."""
    return next((s for s in states(data) if s.key == key), None)


RULE_COLUMNS = (
    Column("RULE", "rule", min_width=10, max_width=36, shrink=True),
    Column("DIMENSION", "dimension"),
    Column("COLUMN", "column", max_width=24, shrink=True),
    Column("PASSED", "passed"),
    Column("PASS RATIO", "ratio", justify="right"),
    Column("THRESHOLD", "threshold", justify="right"),
    Column("EVALUATED", "evaluated", justify="right"),
)


def rule_rows(state: ScanState) -> list[Row]:
    """The newest result's rules, failed first."""
    result = state.result
    if result is None:
        return []
    ordered = sorted(result.rules, key=lambda r: (r.passed, r.pass_ratio or 0.0, r.name))
    return [
        Row.of(
            f"{state.key}/{i}",
            [
                r.name,
                r.dimension or None,
                r.column or None,
                Text("yes", style="green") if r.passed else Text("no", style="bold red"),
                None if r.pass_ratio is None else f"{r.pass_ratio:.4f}",
                None if r.threshold is None else f"{r.threshold:.2f}",
                None if r.evaluated_count is None else count(r.evaluated_count),
            ],
        )
        for i, r in enumerate(ordered)
    ]


def _line(value: str, style: str = "") -> Text:
    return Text(visible(value), style=style)


def score_chart(state: ScanState) -> list[Text]:
    """The score of each job read in full, oldest first: a bar of 0-100 per job."""
    lines = []
    for job in state.jobs:
        if not job.full or job.score is None:
            continue
        bar = "█" * round(job.score / 5)
        style = "green" if job.passed else "red"
        at = when(job.at, dated=True) if job.at else job.job_id
        lines.append(Text.assemble(f"{at}  ", (f"{bar:<20}", style), f" {job.score:5.1f}"))
    return lines


def detail(state: ScanState, now: datetime) -> RenderableType:
    """A scan: its table, schedule, newest result's rules, its score over its jobs; cloud text literal."""
    scan, result = state.scan, state.result
    head = [
        _line(f"Data-quality scan {scan.name}", "bold"),
        _line(
            f"table {scan.table or scan.resource} · state {scan.state} · {scan.trigger} {scan.cron}".strip()
        ),
    ]
    if result is not None:
        dims = ", ".join(f"{k} {v:.1f}" for k, v in sorted(result.dimensions.items()))
        head.append(
            _line(
                f"newest result: job {result.job_id} {result.state} · passed {result.passed} · score "
                f"{result.score if result.score is not None else '-'}"
                + (f" · {count(result.row_count)} rows" if result.row_count is not None else "")
                + (f" · {dims}" if dims else "")
            )
        )
        if result.message or result.partial_failure:
            head.append(_line(result.message or result.partial_failure, "yellow"))
    queries = [
        _line(f"{r.name}: {r.failing_rows_query}", "dim")
        for r in (result.rules if result else ())
        if not r.passed and r.failing_rows_query
    ]
    chart = score_chart(state)
    return Group(
        *head,
        Text(""),
        table(RULE_COLUMNS, rule_rows(state), title="Rules", empty="no result read yet"),
        *([Text("Failing rows", style="bold"), *queries] if queries else []),
        Text(""),
        Text("Score over its jobs", style="bold"),
        *(chart or [Text("no score yet", style="dim")]),
    )


def overview(data: DataQualityData, now: datetime) -> tuple[int, str]:
    """Scans, and how many failed."""
    found = states(data)
    failed = sum(1 for s in found if s.status == "failed")
    return len(found), f"{failed} failed"
