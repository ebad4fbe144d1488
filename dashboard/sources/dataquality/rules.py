"""Data-quality insight rules, each a function of the source's data, the BigQuery jobs and its thresholds
(``rule(data, jobs, now, threshold)``), registered as ``dataquality.<rule>`` with their defaults
(:data:`DEFAULTS`): ``[insights.thresholds]`` overrides them by ``dataquality.<rule>.<name>``.

- failed scan on a table in use: a scan's newest result failed and BigQuery jobs of the window wrote its
  table (at least ``min_jobs``; the jobs carry their destination table only, so only destinations join);
  critical when its score is under ``critical_score``;
- scan stopped: a scheduled scan whose schedule expects a run every interval and none started for
  ``intervals`` times it (and at least ``min_hours``);
- stale table (info): a scanned table whose catalog entry says it last changed ``hours`` or more ago,
  although a BigQuery job that writes it finished after that and before the entry was read (its write
  changed nothing, or the catalog lags).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from dashboard import registry
from dashboard.insights import Context, Insight, rule
from dashboard.models import Job
from dashboard.sources.dataquality.model import DataQualityData
from dashboard.sources.dataquality.summary import ScanState, states, stopped

Threshold = Callable[[str], float]

DEFAULTS: dict[str, dict[str, float]] = {
    "failed_table_in_use": {"min_jobs": 1.0, "critical_score": 80.0},
    "scan_stopped": {"intervals": 3.0, "min_hours": 2.0},
    "stale_table": {"hours": 6.0},
}
"""Each rule's thresholds with their defaults (docs/insights.md lists them)."""


def defaults(name: str) -> Threshold:
    """The default thresholds of the rule ``name``."""
    return DEFAULTS[name].__getitem__


def writers(jobs: Sequence[Job]) -> dict[str, list[Job]]:
    """The jobs by the table they wrote (``project.dataset.table``)."""
    out: dict[str, list[Job]] = {}
    for job in jobs:
        if job.destination_table:
            out.setdefault(job.destination_table, []).append(job)
    return out


def _insight(name: str, severity: str, state: ScanState, *texts: str) -> Insight:
    title, evidence, fix = texts
    return Insight(
        rule=f"dataquality.{name}",
        severity="critical" if severity == "critical" else "warning",
        title=title,
        source="dataquality",
        resource=state.key,
        resource_key=state.key,
        evidence=evidence,
        fix=fix,
    )


def failed_table_in_use(
    data: DataQualityData, jobs: Sequence[Job], now: datetime, threshold: Threshold | None = None
) -> list[Insight]:
    """A failed scan whose table ``min_jobs`` or more BigQuery jobs of the window wrote."""
    threshold = threshold or defaults("failed_table_in_use")
    least, critical = max(1.0, threshold("min_jobs")), threshold("critical_score")
    by_table = writers(jobs)
    out = []
    for state in states(data):
        table = state.scan.table
        if state.status != "failed" or not table or len(by_table.get(table, ())) < least:
            continue
        written = by_table[table]
        result = state.result
        score = result.score if result is not None else None
        failed = ", ".join(
            f"{r.name} {r.pass_ratio:g}" if r.pass_ratio is not None else r.name for r in state.failed_rules
        )
        moments = [t for t in (j.ended or j.created for j in written) if t is not None]
        last_write = max(moments, default=None)
        out.append(
            _insight(
                "failed_table_in_use",
                "critical" if score is not None and score < critical else "warning",
                state,
                f"Data quality of {table} failed ({state.scan.scan_id}) while jobs write it",
                (f"score {score:.1f}" if score is not None else "no score")
                + (f" (critical under {critical:.0f})" if score is not None else "")
                + (f"; failed rules: {failed}" if failed else "")
                + f"; {len(written)} BigQuery job(s) wrote the table in the window"
                + (f", last at {last_write:%H:%M}" if last_write else ""),
                "Look at the failed rules' failing rows (the detail's queries), fix the writer or the source "
                "data, and hold back what reads the table until the scan passes again",
            )
        )
    return out


def scan_stopped(
    data: DataQualityData, jobs: Sequence[Job], now: datetime, threshold: Threshold | None = None
) -> list[Insight]:
    """A scheduled scan with no run for ``intervals`` times its schedule's interval (and ``min_hours``)."""
    threshold = threshold or defaults("scan_stopped")
    times, least = threshold("intervals"), threshold("min_hours")
    out = []
    for state in states(data):
        scan = state.scan
        found = stopped(state, now, times, least)
        if found is None:
            continue
        every, last, gap = found.every, found.last, found.gap_s
        out.append(
            _insight(
                "scan_stopped",
                "warning",
                state,
                f"Data-quality scan {scan.scan_id} stopped running ({scan.table or scan.resource})",
                f"schedule {scan.cron!r} expects a run every {every.total_seconds() / 3600:g} h; the last "
                f"started {last:%Y-%m-%d %H:%M}, {gap / 3600:.1f} h ago (threshold {times:g} intervals)",
                "Check the scan's state and its execution identity's permissions on the table, and its "
                "last job's message; run it on demand to see the error",
            )
        )
    return out


def stale_table(
    data: DataQualityData, jobs: Sequence[Job], now: datetime, threshold: Threshold | None = None
) -> list[Insight]:
    """A scanned table unchanged in the catalog for ``hours`` although a job that writes it finished
    since."""
    threshold = threshold or defaults("stale_table")
    hours = threshold("hours")
    by_table = writers(jobs)
    catalog = data.catalog
    out = []
    seen: set[str] = set()
    for state in states(data):
        table = state.scan.table
        entry = catalog.get(table or "")
        if not table or table in seen or entry is None or entry.updated is None:
            continue
        seen.add(table)
        age_h = (now - entry.updated).total_seconds() / 3600
        read = entry.read_at or now  # a write after the entry was read cannot show in it yet
        later = [
            j for j in by_table.get(table, ()) if j.ended is not None and entry.updated < j.ended <= read
        ]
        if age_h < hours or not later:
            continue
        newest = max(j.ended for j in later if j.ended is not None)
        out.append(
            Insight(
                rule="dataquality.stale_table",
                severity="info",
                title=f"Table {table} unchanged for {age_h:.1f} h although jobs write it",
                source="dataquality",
                resource=table,
                resource_key=state.key,
                evidence=f"catalog: last changed {entry.updated:%Y-%m-%d %H:%M} ({age_h:.1f} h ago; "
                f"threshold {hours:g} h); {len(later)} job(s) writing it finished since, the last at "
                f"{newest:%H:%M}",
                fix="Check what those jobs wrote (an empty result, a WRITE_APPEND of no rows, a write to "
                "another table of the same name) and whether the table's readers get fresh data",
            )
        )
    return out


RULES = (failed_table_in_use, scan_stopped, stale_table)


def _data(ctx: Context) -> DataQualityData:
    spec = registry.spec("dataquality")
    found = DataQualityData() if spec is None else spec.data_in(ctx.snapshot)
    return found if isinstance(found, DataQualityData) else DataQualityData()


def _register(fn: Callable[[DataQualityData, Sequence[Job], datetime, Threshold], list[Insight]]) -> None:
    rule_id = f"dataquality.{fn.__name__}"

    def run(ctx: Context) -> list[Insight]:
        return fn(_data(ctx), ctx.snapshot.jobs, ctx.snapshot.at, lambda name: ctx.threshold(rule_id, name))

    run.__name__ = run.__qualname__ = fn.__name__
    rule(rule_id, **DEFAULTS[fn.__name__])(run)


for _fn in RULES:
    _register(_fn)


def metrics(data: DataQualityData) -> dict[str, float]:
    """``--fail-on`` values: ``dataquality.failed_scans`` and ``dataquality.min_score`` (the lowest newest
    score of any scan, 100 when none has one)."""
    found = states(data)
    scores = [s.result.score for s in found if s.result is not None and s.result.score is not None]
    return {
        "failed_scans": float(sum(1 for s in found if s.status == "failed")),
        "min_score": float(min(scores, default=100.0)),
    }
