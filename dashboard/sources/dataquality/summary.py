"""What the pane, the reports, the rules and the JSON share of the data-quality data: each scan with its
jobs (a job read in full preferred to its listing), its newest result and its score over its jobs. Pure:
no rich, no client library."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dashboard.sources.dataquality.model import FINISHED, DataQualityData, Scan, ScanJob


@dataclass(frozen=True)
class ScanState:
    """One scan and what its jobs say."""

    scan: Scan
    jobs: tuple[ScanJob, ...]
    """Its jobs, oldest first, one per job (the FULL read where there is one)."""

    @property
    def key(self) -> str:
        """The scan's key (``project/location/scan_id``)."""
        return self.scan.key

    @property
    def last(self) -> ScanJob | None:
        """Its newest job, whatever its state."""
        return self.jobs[-1] if self.jobs else None

    @property
    def result(self) -> ScanJob | None:
        """Its newest job with a result (read in full, with a ``data_quality_result``), or that failed: a
        job CANCELLED, or read without a result (not yet written, or not readable), is passed over."""
        return next(
            (j for j in reversed(self.jobs) if j.full and (j.passed is not None or j.state == "FAILED")),
            None,
        )

    @property
    def finished(self) -> ScanJob | None:
        """Its newest job that runs no more (:data:`FINISHED`)."""
        return next((j for j in reversed(self.jobs) if j.state in FINISHED), None)

    @property
    def scores(self) -> list[float]:
        """The scores of its jobs read in full, oldest first."""
        return [j.score for j in self.jobs if j.full and j.score is not None]

    @property
    def status(self) -> str:
        """``failed`` (its newest result did not pass, or its newest finished job failed: a run queued or
        running after it does not clear it), ``passed``, ``running``, or ``unknown`` (no result yet)."""
        last, result, finished = self.last, self.result, self.finished
        if finished is not None and finished.state == "FAILED":
            return "failed"
        if result is not None and result.passed is False:
            return "failed"
        if result is not None and result.passed:
            return "passed"
        if last is not None and last.state in ("RUNNING", "PENDING"):
            return "running"
        return "unknown"

    @property
    def failed_rules(self) -> tuple[Any, ...]:
        """The rules its newest result failed."""
        result = self.result
        return tuple(r for r in result.rules if not r.passed) if result is not None else ()


ORDER = {"failed": 0, "running": 1, "unknown": 2, "passed": 3}


def jobs_by_scan(items: Iterable[ScanJob]) -> dict[str, list[ScanJob]]:
    """Per scan key, its jobs oldest first, the FULL read of a job preferred to its listing."""
    by_name: dict[str, ScanJob] = {}
    for job in items:
        kept = by_name.get(job.name)
        if kept is None or (job.full and not kept.full):
            by_name[job.name] = job
    out: dict[str, list[ScanJob]] = {}
    for job in by_name.values():
        out.setdefault(job.scan_key, []).append(job)
    for jobs in out.values():
        jobs.sort(key=lambda j: (j.at is None, j.at or datetime.min, j.job_id))
    return out


def states(data: DataQualityData) -> list[ScanState]:
    """Every scan with its jobs, failed first, then by table."""
    found = jobs_by_scan(data.jobs)
    out = [ScanState(s, tuple(found.get(s.key, ()))) for s in data.scans]
    return sorted(out, key=lambda s: (ORDER[s.status], s.scan.table or s.scan.resource, s.key))


_FIELD = r"(\*|\d+|\*/\d+|\d+(?:,\d+)*|\d+-\d+)"


def cron_interval(cron: str) -> timedelta | None:
    """The interval a scan's schedule (``TZ=UTC 30 7 * * *``, ``0 */6 * * *``) expects between runs, for
    the simple shapes: every N minutes, hourly, every N hours, daily, weekly; None for anything else."""
    fields = [f for f in cron.split() if not f.startswith(("TZ=", "CRON_TZ="))]
    if len(fields) != 5 or not all(re.fullmatch(_FIELD, f) for f in fields):
        return None
    minute, hour, day, month, weekday = fields
    if day != "*" or month != "*":
        return None
    if minute.startswith("*/") and hour == "*" and weekday == "*":
        return timedelta(minutes=int(minute[2:]))
    if not minute.isdigit():
        return None
    if weekday != "*":
        return timedelta(days=7) if weekday.isdigit() and hour.isdigit() else None
    if hour == "*":
        return timedelta(hours=1)
    if hour.startswith("*/"):
        return timedelta(hours=int(hour[2:]))
    if hour.isdigit():
        return timedelta(days=1)
    if "," in hour:
        return timedelta(hours=24 / len(hour.split(",")))
    return None


@dataclass(frozen=True)
class Stopped:
    """A scheduled scan's silence: its schedule's interval, its last start and how long ago that was."""

    every: timedelta
    last: datetime
    gap_s: float


def stopped(
    state: ScanState, now: datetime, intervals: float = 3.0, min_hours: float = 2.0
) -> Stopped | None:
    """How long a scheduled scan has not run, when that is ``intervals`` times its schedule's interval or
    more (and ``min_hours``); None otherwise, or when its schedule gives no interval."""
    scan = state.scan
    every = cron_interval(scan.cron) if scan.trigger == "schedule" else None
    if every is None:
        return None
    starts = [j.at for j in state.jobs if j.at is not None]
    if scan.latest_job_start is not None:
        starts.append(scan.latest_job_start)
    last = max(starts, default=None) or scan.created
    if last is None:
        return None
    gap = (now - last).total_seconds()
    if gap < max(intervals * every.total_seconds(), min_hours * 3600):
        return None
    return Stopped(every, last, gap)
