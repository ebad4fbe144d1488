"""Dataplex (proto JSON) → :class:`Scan` and :class:`ScanJob`; one poll → :class:`DataQualityData`.

The scan listing of each project and region is primary (a failed one marks ``project/region``
incomplete; the poll fails only when none answered); the job listings and the FULL reads are secondary (a
warning). Only ``DATA_QUALITY`` scans are kept. A job read in full this poll is an item with its results;
a listed job is an item too (:attr:`ScanJob.key` keeps the two apart in the store).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from dashboard.models_catalog import GET_ENTRY
from dashboard.parsers.catalog_entries import entry_from_json, entry_name, table_of
from dashboard.parsers.common import Garbage, TimeCache, items, opt_int64, str_map
from dashboard.parsers.poll import PollContext, request_of
from dashboard.recording.format import Exchange
from dashboard.sources.dataquality.model import (
    GET_DATA_SCAN_JOB,
    LIST_DATA_SCAN_JOBS,
    LIST_DATA_SCANS,
    DataQualityData,
    Item,
    RuleResult,
    Scan,
    ScanJob,
)

__all__ = [
    "GET_DATA_SCAN_JOB",
    "GET_ENTRY",
    "LIST_DATA_SCANS",
    "LIST_DATA_SCAN_JOBS",
    "entry_from_json",
    "entry_name",
    "parse_dataquality",
    "table_of",
]


_EMPTY: dict[str, Any] = {}
_SCAN = re.compile(r"^projects/([^/]+)/locations/([^/]+)/dataScans/([^/]+)$")
_JOB = re.compile(r"^projects/([^/]+)/locations/([^/]+)/dataScans/([^/]+)/jobs/([^/]+)$")
RULE_TYPES = (
    "nonNullExpectation",
    "uniquenessExpectation",
    "rangeExpectation",
    "setExpectation",
    "regexExpectation",
    "statisticRangeExpectation",
    "rowConditionExpectation",
    "tableConditionExpectation",
    "sqlAssertion",
    "templateReference",
)
"""``DataQualityRule``'s ``rule_type`` oneof, as proto JSON names it."""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else _EMPTY


def _time(times: TimeCache, value: Any) -> Any:
    return times[value] if isinstance(value, str) and value else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def scan_from_json(body: Any, times: TimeCache) -> Scan:
    """A ``DataScan`` message."""
    scan = _dict(body)
    found = _SCAN.match(str(scan.get("name") or ""))
    if found is None:
        raise Garbage(f"{scan.get('name')!r} is not a data scan name")
    project, location, scan_id = found.groups()
    resource = str(_dict(scan.get("data")).get("resource") or _dict(scan.get("data")).get("entity") or "")
    trigger = _dict(_dict(scan.get("executionSpec")).get("trigger"))
    status = _dict(scan.get("executionStatus"))
    kind = "schedule" if "schedule" in trigger else "one_time" if "oneTime" in trigger else "on_demand"
    return Scan(
        project=project,
        location=location,
        scan_id=scan_id,
        name=str(scan["name"]),
        display_name=str(scan.get("displayName") or ""),
        resource=resource,
        table=table_of(resource),
        state=str(scan.get("state") or "STATE_UNSPECIFIED"),
        trigger=kind,
        cron=str(_dict(trigger.get("schedule")).get("cron") or ""),
        labels=str_map(scan.get("labels")),
        created=_time(times, scan.get("createTime")),
        latest_job_start=_time(times, status.get("latestJobStartTime")),
        latest_job_end=_time(times, status.get("latestJobEndTime")),
    )


def scans_page(response: dict[str, Any], times: TimeCache) -> list[Scan]:
    """The data-quality scans of one ``ListDataScans`` page (profile and discovery scans left out)."""
    return [
        scan_from_json(s, times)
        for s in items(response, "dataScans")
        if _dict(s).get("type", "DATA_QUALITY") == "DATA_QUALITY"
    ]


def _rule(body: Any) -> RuleResult:
    result = _dict(body)
    rule = _dict(result.get("rule"))
    kind = next((k for k in RULE_TYPES if k in rule), "")
    short = re.sub(r"(Expectation)$", "", kind)
    short = re.sub(r"([A-Z])", r"_\1", short).lower()
    column = str(rule.get("column") or "")
    name = str(rule.get("name") or "") or (f"{short}({column})" if column else short or "rule")
    evaluated = opt_int64(result.get("evaluatedCount"))
    passed_count = opt_int64(result.get("passedCount"))
    ratio = _float(result.get("passRatio"))
    if evaluated:  # a row-level rule: proto3 leaves a count or ratio of 0 out of the message
        passed_count = passed_count or 0
        ratio = passed_count / evaluated if ratio is None else ratio
    return RuleResult(
        name=name,
        rule_type=short,
        dimension=str(rule.get("dimension") or ""),
        column=column,
        threshold=_float(rule.get("threshold")) or None,  # 0 is the default: every row (1.0)
        passed=result.get("passed") is True,
        pass_ratio=ratio,
        evaluated_count=evaluated,
        passed_count=passed_count,
        null_count=opt_int64(result.get("nullCount")),
        failing_rows_query=str(result.get("failingRowsQuery") or ""),
    )


def job_from_json(body: Any, times: TimeCache, *, full: bool) -> ScanJob:
    """A ``DataScanJob`` message (BASIC from the listing, FULL from ``GetDataScanJob``)."""
    job = _dict(body)
    found = _JOB.match(str(job.get("name") or ""))
    if found is None:
        raise Garbage(f"{job.get('name')!r} is not a data scan job name")
    project, location, scan_id, job_id = found.groups()
    result = _dict(job.get("dataQualityResult"))
    dimensions: dict[str, float] = {}
    for d in items(result, "dimensions"):
        name = str(_dict(_dict(d).get("dimension")).get("name") or "")
        score = _float(_dict(d).get("score"))
        if name and score is not None:
            dimensions[name] = score
    return ScanJob(
        project=project,
        location=location,
        scan_id=scan_id,
        job_id=job_id,
        name=str(job["name"]),
        state=str(job.get("state") or "STATE_UNSPECIFIED"),
        created=_time(times, job.get("createTime")),
        started=_time(times, job.get("startTime")),
        ended=_time(times, job.get("endTime")),
        message=str(job.get("message") or ""),
        partial_failure=str(job.get("partialFailureMessage") or ""),
        full=full,
        passed=(result.get("passed") is True) if full and result else None,
        score=_float(result.get("score")) if full else None,
        row_count=opt_int64(result.get("rowCount")) if full else None,
        dimensions=dimensions if full else {},
        rules=tuple(_rule(r) for r in items(result, "rules")) if full else (),
    )


def jobs_page(response: dict[str, Any], times: TimeCache) -> list[ScanJob]:
    """Every job of one ``ListDataScanJobs`` page."""
    return [job_from_json(j, times, full=False) for j in items(response, "dataScanJobs")]


def _full(response: dict[str, Any], times: TimeCache) -> ScanJob:
    return job_from_json(response, times, full=True)


def _part(request: dict[str, Any]) -> str:
    """``projects/P/locations/R`` → ``P/R``."""
    parts = str(request.get("parent") or request.get("name") or "?").split("/")
    return f"{parts[1]}/{parts[3]}" if len(parts) >= 4 else "/".join(parts)


def parse_dataquality(exchanges: Sequence[Exchange], ctx: PollContext) -> DataQualityData:
    """The data-quality source's data from every exchange of one poll.

    Raises:
        SourceError: No project's and region's scan listing answered.
    """
    scans: list[Scan] = []
    jobs: dict[str, Item] = {}
    for ex in exchanges:
        if ex.method == LIST_DATA_SCANS:
            page = ctx.listing(ex, _part(request_of(ex)), scans_page, ctx.times)
            scans.extend(page or ())
        elif ex.method == LIST_DATA_SCAN_JOBS:
            parent = str(request_of(ex).get("parent") or "?")
            found = ctx.secondary(ex, f"the jobs of {parent} not shown", jobs_page, ctx.times)
            jobs.update((j.key, j) for j in found or ())
        elif ex.method == GET_DATA_SCAN_JOB:
            name = str(request_of(ex).get("name") or "?")
            got = ctx.secondary(ex, f"the results of {name} not shown", _full, ctx.times)
            if got is not None:
                jobs[got.key] = got
        elif ex.method == GET_ENTRY:
            name = str(request_of(ex).get("name") or "?")
            entry = ctx.secondary(ex, f"the catalog entry {name} not shown", entry_from_json, ctx.times, ex.t)
            if entry is not None:
                jobs[entry.key] = entry
    ctx.check()
    return DataQualityData(
        scans=tuple(scans),
        items=tuple(jobs.values()),
        incomplete=ctx.incomplete,
        warnings=ctx.warnings,
    )
