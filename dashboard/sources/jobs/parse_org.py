"""The organisation query's exchanges (:mod:`.org_sql`) → :class:`JobAggregates` and the jobs it lists.

Rows are decoded once each (:class:`~dashboard.parsers.bqrows.RowDecoder`, built from the first page's
schema): a ``job`` row becomes a :class:`~dashboard.models.Job` like a history row, an ``agg`` row a
:class:`Bucket`. Cost: O(rows returned). The window a result replaces is the request's ``@since``
parameter. A denied organisation view (403) is a warning: the live side has read the per-project views
instead, and those exchanges follow in the same poll.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from dashboard.models import Job
from dashboard.models_aggregates import AggWindow, Bucket, JobAggregates
from dashboard.parsers.bqrows import RowDecoder
from dashboard.parsers.common import Garbage, items
from dashboard.parsers.faults import error_reason, is_denied
from dashboard.parsers.poll import PollContext, request_of
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.jobs.org_sql import ORG_QUERY_LABEL, VIEWS
from dashboard.sources.jobs.parse_list import job_from_history

SCOPES = {view: scope for scope, view in VIEWS.items()}


def is_org_query(exchange: Exchange) -> bool:
    """True for a ``jobs.query`` of the organisation query (by its label)."""
    labels = request_of(exchange).get("labels")
    return isinstance(labels, dict) and labels.get(fmt.QUERY_LABEL) == ORG_QUERY_LABEL


class _OrgQuery:
    __slots__ = ("decoder", "location", "since")

    def __init__(self, location: str, since: datetime) -> None:
        self.location = location
        self.since = since
        self.decoder: RowDecoder | None = None


def parse_org(
    exchanges: Sequence[Exchange], ctx: PollContext
) -> tuple[list[Job], JobAggregates | None, set[int]]:
    """The jobs and aggregates of every organisation query in ``exchanges``, and the ``id()`` of each
    exchange read (the caller skips those)."""
    jobs: list[Job] = []
    buckets: list[Bucket] = []
    windows: dict[str, AggWindow] = {}
    scope: tuple[str, str, str] | None = None
    queries: dict[str, _OrgQuery] = {}
    used: set[int] = set()
    for ex in exchanges:
        if ex.method == fmt.BQ_JOBS_QUERY and is_org_query(ex):
            used.add(id(ex))
            request = request_of(ex)
            found = _scope(request)
            if ex.error is not None:
                view = found[2] if found else "the organisation view"
                then = "; each project's own JOBS view read instead" if is_denied(ex) else ""
                ctx.warn(f"{view} not read: {error_reason(ctx.source, ex)}{then}")
                continue
            if found is None:
                ctx.warn("an organisation query without its scope label: not read")
                continue
            scope = found
            query = _OrgQuery(str(request.get("location") or "?"), _since(request))
            job_id = _job_id(ex.response)
            if job_id:
                queries[job_id] = query
            _page(ctx, ex, query, jobs=jobs, buckets=buckets, windows=windows)
        elif ex.method == fmt.BQ_GET_QUERY_RESULTS:
            known = queries.get((ex.path or "").rstrip("/").split("/")[-1])
            if known is not None:
                used.add(id(ex))
                _page(ctx, ex, known, jobs=jobs, buckets=buckets, windows=windows)
    if scope is None:
        return jobs, None, used
    aggregates = JobAggregates(
        scope=scope[0],
        scope_id=scope[1],
        view=scope[2],
        windows=tuple(windows.values()),
        buckets=tuple(buckets),
    )
    return jobs, aggregates, used


def _page(
    ctx: PollContext,
    ex: Exchange,
    query: _OrgQuery,
    *,
    jobs: list[Job],
    buckets: list[Bucket],
    windows: dict[str, AggWindow],
) -> None:
    read = ctx.secondary(ex, "organisation totals incomplete", _rows, query)
    if read is None:
        return
    windows[query.location] = AggWindow(location=query.location, since=query.since)
    found_jobs, found_buckets = read
    jobs.extend(found_jobs)
    buckets.extend(found_buckets)


def _rows(response: dict[str, Any], query: _OrgQuery) -> tuple[list[Job], list[Bucket]]:
    schema = response.get("schema")
    if query.decoder is None:
        if type(schema) is not dict:
            raise Garbage("the organisation query's first page has no schema")
        query.decoder = RowDecoder(schema.get("fields") or [])
    jobs: list[Job] = []
    buckets: list[Bucket] = []
    location = query.location
    for row in query.decoder.rows(items(response, "rows") or None):
        kind = row.get("kind")
        if kind == "job":
            jobs.append(job_from_history(row, location))
        elif kind == "agg":
            hour = row.get("hour")
            if not isinstance(hour, datetime):
                raise Garbage("an aggregate row without its hour")
            buckets.append(
                Bucket(
                    location=location,
                    hour=hour,
                    dim=str(row.get("dim") or "total"),
                    key=row.get("key"),
                    jobs=row.get("jobs") or 0,
                    failures=row.get("failures") or 0,
                    bytes_billed=row.get("bytes_billed") or 0,
                    ondemand_bytes=row.get("ondemand_bytes") or 0,
                    slot_ms=row.get("slot_ms") or 0,
                    standard_slot_ms=row.get("standard_slot_ms") or 0,
                    enterprise_slot_ms=row.get("enterprise_slot_ms") or 0,
                    enterprise_plus_slot_ms=row.get("enterprise_plus_slot_ms") or 0,
                )
            )
        else:
            raise Garbage(f"an organisation row of kind {kind!r}")
    return jobs, buckets


def _scope(request: dict[str, Any]) -> tuple[str, str, str] | None:
    """``(scope, ID, view)`` from the request's labels (``gcpdash-scope``: ``organization-123``)."""
    labels = request.get("labels")
    value = labels.get(SCOPE_LABEL) if isinstance(labels, dict) else None
    if not isinstance(value, str) or "-" not in value:
        return None
    scope, _, number = value.partition("-")
    view = VIEWS.get(scope)
    return (scope, number, view) if view else None


SCOPE_LABEL = "gcpdash-scope"
"""The request label that says which organisation or folder a query reads: ``organization-123456``."""


def _since(request: dict[str, Any]) -> datetime:
    for param in request.get("queryParameters") or ():
        if isinstance(param, dict) and param.get("name") == "since":
            value = (param.get("parameterValue") or {}).get("value")
            if isinstance(value, str):
                return datetime.fromisoformat(value.replace(" UTC", "+00:00").replace("Z", "+00:00"))
    raise Garbage("the organisation query has no @since parameter")


def _job_id(response: dict[str, Any] | None) -> str | None:
    ref = response.get("jobReference") if isinstance(response, dict) else None
    job_id = ref.get("jobId") if isinstance(ref, dict) else None
    return job_id if isinstance(job_id, str) else None
