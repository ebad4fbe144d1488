"""One poll of the BigQuery jobs source → :class:`JobsData`.

The poll holds, per project, the pages of ``jobs.list`` (``stateFilter=pending``, then ``running``; older
recordings list running jobs only), and when history is due the ``jobs.query`` of ``INFORMATION_SCHEMA.JOBS``
followed by ``jobs.getQueryResults`` for further pages.
``jobs.list`` is primary, per project: a project whose listing failed is incomplete (a warning says why, the
other projects' jobs stay); the poll fails only when no project's listing answered. The history query is
secondary: when it fails, the running jobs still come back, with a warning that history is limited and
what would lift it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dashboard.models import CatalogEntry, Job, JobsData
from dashboard.models_catalog import GET_ENTRY
from dashboard.parsers.catalog_entries import entry_from_json, table_of
from dashboard.parsers.common import Garbage, items
from dashboard.parsers.faults import error_reason, garbage_reason, target
from dashboard.parsers.poll import MALFORMED, PollContext, params_of, request_of
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.jobs.parse_history import HistoryReader
from dashboard.sources.jobs.parse_list import jobs_from_list
from dashboard.sources.jobs.parse_org import is_org_query, parse_org

ACTIVE_FILTERS = ("pending", "running")
"""The ``stateFilter`` values of the listings whose jobs are still active (:attr:`JobsData.running_keys`)."""


class _HistoryQuery:
    """A history query seen in this poll: where it ran, and its schema once a page carried one."""

    __slots__ = ("location", "reader")

    def __init__(self, location: str | None) -> None:
        self.location = location
        self.reader: HistoryReader | None = None


def is_history_query(exchange: Exchange) -> bool:
    """True for the ``jobs.query`` of ``INFORMATION_SCHEMA.JOBS`` (by its label, else by its SQL)."""
    request = request_of(exchange)
    labels = request.get("labels")
    if isinstance(labels, dict) and fmt.QUERY_LABEL in labels:
        return bool(labels[fmt.QUERY_LABEL] == fmt.JOBS_HISTORY_QUERY)
    query = request.get("query")
    return isinstance(query, str) and "INFORMATION_SCHEMA.JOBS" in query


def parse_jobs(exchanges: Sequence[Exchange], ctx: PollContext) -> JobsData:
    """Build the jobs source's data from every exchange of one poll.

    History jobs come first and ``jobs.list`` jobs last, so that a store merging them in order keeps the
    real-time version of a job both report.

    Raises:
        SourceError: No project's ``jobs.list`` answered (a page failed or is garbage in every one).
    """
    listed: list[Job] = []
    history: list[Job] = []
    running: set[str] | None = None
    history_read = False
    queries: dict[str, _HistoryQuery] = {}
    last: _HistoryQuery | None = None
    tables: list[CatalogEntry] = []
    unread: dict[str, list[str]] = {}
    org: list[Exchange] = []  # read after the loop: a recorded poll's exchanges are decoded once
    org_ids: set[str] = set()
    for ex in exchanges:
        method = ex.method
        if method == fmt.BQ_JOBS_QUERY and is_org_query(ex):
            org.append(ex)
            org_id = _job_id(ex)
            if org_id:
                org_ids.add(org_id)
            continue
        if method == fmt.BQ_GET_QUERY_RESULTS and org_ids and _job_id(ex) in org_ids:
            org.append(ex)
            continue
        if method == GET_ENTRY:
            _catalog(ex, ctx, tables, unread)
        elif method == fmt.BQ_JOBS_LIST:
            page = ctx.listing(ex, _project(ex), jobs_from_list)
            if page is None:
                continue
            listed.extend(page)
            if params_of(ex).get("stateFilter") in ACTIVE_FILTERS:
                if running is None:
                    running = set()
                running.update(job.key for job in page)
            _warn_unreachable(ex, ctx)
        elif method == fmt.BQ_JOBS_QUERY:
            if not is_history_query(ex):
                last = None
                continue
            location = request_of(ex).get("location")
            last = _HistoryQuery(location if isinstance(location, str) else None)
            job_id = _job_id(ex)
            if job_id:
                queries[job_id] = last
            rows = ctx.secondary(ex, "history limited to running jobs", _read_page, last)
            if rows is not None:
                history.extend(rows)
                history_read = history_read or _complete(ex.response)
        elif method == fmt.BQ_GET_QUERY_RESULTS:
            job_id = _job_id(ex)
            known = queries.get(job_id) if job_id else None
            query = known or (last if not job_id or not queries else None)
            if query is None:
                continue  # another query's results (billing export, …)
            rows = ctx.secondary(ex, "history incomplete, later rows missing", _read_page, query)
            if rows is not None:
                history.extend(rows)
                history_read = history_read or _complete(ex.response)
    for reason, names in unread.items():
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        ctx.warn(f"catalog: when {shown} last changed is not shown: {reason}")
    org_jobs, aggregates, _ = parse_org(org, ctx) if org else ([], None, set())
    history[:0] = org_jobs
    ctx.check()
    if aggregates is not None and running is None:  # organisation mode: the query listed the active jobs
        running = {job.key for job in org_jobs if job.state != "DONE"}
    return JobsData(
        jobs=(*history, *listed),
        running_keys=None if running is None else frozenset(running),
        history=history_read,
        incomplete=ctx.incomplete,
        warnings=ctx.warnings,
        aggregates=aggregates,
        tables=tuple(tables),
    )


def _catalog(
    ex: Exchange, ctx: PollContext, tables: list[CatalogEntry], unread: dict[str, list[str]]
) -> None:
    """A destination table's catalog entry (``GetEntry``): secondary, a failure is one warning per reason
    (a denied read names the role that allows it), never a failure of the poll."""
    name = str(request_of(ex).get("name") or "")
    table = table_of("//" + name.partition("/entries/")[2]) or name or "?"
    response = ex.response
    if ex.error is not None:
        reason = error_reason(ctx.source, ex)
    elif type(response) is not dict:
        reason = garbage_reason(ex, f"the response is {type(response).__name__}, expected an object")
    else:
        try:
            tables.append(entry_from_json(response, ctx.times, ex.t))
            return
        except MALFORMED as exc:
            reason = garbage_reason(ex, str(exc))
    unread.setdefault(reason, []).append(table)


def _project(ex: Exchange) -> str:
    """The project a ``jobs.list`` listed (``/bigquery/v2/projects/P/jobs``); ``?`` when it does not say."""
    parts = (ex.path or "").split("/")
    if "projects" in parts[:-1]:
        return parts[parts.index("projects") + 1] or "?"
    return "?"


def _warn_unreachable(ex: Exchange, ctx: PollContext) -> None:
    response = ex.response or {}
    unreachable = response.get("unreachable")
    if unreachable and isinstance(unreachable, list):
        where = target(ex)
        places = ", ".join(str(u) for u in unreachable)
        at = f" ({where})" if where else ""
        ctx.warn(f"jobs.list could not reach {places}{at}; jobs there are missing")


def _job_id(ex: Exchange) -> str | None:
    """The query job an exchange belongs to: the response's jobReference, else the URL path."""
    response = ex.response
    if isinstance(response, dict):
        ref = response.get("jobReference")
        if isinstance(ref, dict) and isinstance(ref.get("jobId"), str):
            return str(ref["jobId"])
    if ex.method == fmt.BQ_GET_QUERY_RESULTS and ex.path:
        parts = ex.path.rstrip("/").split("/")
        if len(parts) >= 2 and parts[-2] == "queries":
            return parts[-1]
    return None


def _complete(response: dict[str, Any] | None) -> bool:
    return isinstance(response, dict) and response.get("jobComplete") is not False


def _read_page(response: dict[str, Any], query: _HistoryQuery) -> list[Job]:
    """The history jobs of one result page (none while the query has not completed)."""
    schema = response.get("schema")
    if schema is not None and query.reader is None:
        if type(schema) is not dict:
            raise Garbage(f"schema is {type(schema).__name__}, expected an object")
        query.reader = HistoryReader(schema.get("fields") or [])
    if query.location is None:
        ref = response.get("jobReference")
        if isinstance(ref, dict) and isinstance(ref.get("location"), str):
            query.location = ref["location"]
    rows = items(response, "rows")
    if not rows:
        return []
    if query.reader is None:
        raise Garbage("rows arrived before any page carried the schema")
    return query.reader.jobs(rows, query.location)
