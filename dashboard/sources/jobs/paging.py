"""Organisation mode's further jobs, a page at a time, on demand (the jobs pane's ``m`` key).

In organisation mode a poll lists only the active and the costliest jobs; the window's counts come from
BigQuery's totals (docs/organisation.md). A page is one query per location read
(:data:`~dashboard.sources.jobs.org_sql.ORG_PAGE_SQL`): the window's next :data:`PAGE_SIZE` finished jobs,
costliest first, after the last job of that location's previous page (a keyset, so a page never repeats
the one before even while new jobs arrive). The pages start at the top of the window's order: the
costliest jobs, which the polls mostly listed already, come again and merge by key. A location whose page
came back short has no further job; a location whose page failed keeps its cursor, and its reason is
said. Each press is one billed query per location (at least BigQuery's 10 MiB minimum, capped by
``gcp.maximum_bytes_billed``): the result says how much it billed.

Only a backend that reads live can page (:class:`~dashboard.backends.base.SupportsJobPages`): a recording
holds what was polled, not what a user asked for later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from dashboard.models import Job
from dashboard.models_aggregates import JobAggregates
from dashboard.sources.jobs.org_sql import ORG_PAGE_LABEL, PAGE_SIZE

if TYPE_CHECKING:
    from dashboard.models import Snapshot
    from dashboard.recording.format import Exchange
    from dashboard.session import Session


class Cursor(NamedTuple):
    """Where a location's next page starts: after this job in the pages' order."""

    ondemand_bytes: int
    slot_ms: int
    job_id: str
    project: str


@dataclass(frozen=True)
class JobPage:
    """One page per location: the jobs, each location's next cursor, the failures."""

    jobs: tuple[Job, ...] = ()
    after: dict[str, Cursor | None] = field(default_factory=dict)
    """Per location read: the cursor of its next page; None when this page was its last."""
    failed: dict[str, str] = field(default_factory=dict)
    """Per location: why its page failed (its cursor stays)."""
    bytes_billed: int = 0


def is_page_query(exchange: Exchange) -> bool:
    """True for a ``jobs.query`` of a page of further jobs (by its label)."""
    from dashboard.parsers.poll import request_of
    from dashboard.recording import format as fmt

    labels = request_of(exchange).get("labels")
    return isinstance(labels, dict) and labels.get(fmt.QUERY_LABEL) == ORG_PAGE_LABEL


def parse_page(exchanges: Sequence[Exchange], size: int = PAGE_SIZE) -> JobPage:
    """The jobs and cursors of the page queries (of ``size`` jobs) in ``exchanges``: a ``jobs.query`` per
    location, then its ``getQueryResults`` pages, if any."""
    from dashboard.parsers.bqrows import RowDecoder
    from dashboard.parsers.common import Garbage, items
    from dashboard.parsers.faults import error_reason, exception_detail, garbage_reason
    from dashboard.parsers.poll import MALFORMED, request_of
    from dashboard.recording import format as fmt
    from dashboard.sources.jobs.parse_list import job_from_history

    jobs: list[Job] = []
    after: dict[str, Cursor | None] = {}
    failed: dict[str, str] = {}
    billed = 0
    by_job: dict[str, tuple[str, list[RowDecoder]]] = {}
    counts: dict[str, int] = {}
    for ex in exchanges:
        if ex.method == fmt.BQ_JOBS_QUERY and is_page_query(ex):
            location = str(request_of(ex).get("location") or "?")
            ref = ex.response.get("jobReference") if isinstance(ex.response, dict) else None
            decoders: list[RowDecoder] = []
            if isinstance(ref, dict) and isinstance(ref.get("jobId"), str):
                by_job[ref["jobId"]] = (location, decoders)
        elif ex.method == fmt.BQ_GET_QUERY_RESULTS:
            found = by_job.get((ex.path or "").rstrip("/").split("/")[-1])
            if found is None:
                continue
            location, decoders = found
        else:
            continue
        if ex.error is not None or not isinstance(ex.response, dict):
            failed[location] = (
                error_reason("jobs", ex) if ex.error is not None else garbage_reason(ex, "not an object")
            )
            after.pop(location, None)
            continue
        try:
            if not decoders:
                schema = ex.response.get("schema")
                if type(schema) is not dict:
                    raise Garbage("the page's first response has no schema")
                decoders.append(RowDecoder(schema.get("fields") or []))
            rows = list(decoders[0].rows(items(ex.response, "rows") or None))
            read = [job_from_history(row, location) for row in rows]
            billed += int(ex.response.get("totalBytesBilled") or 0)
        except MALFORMED as exc:
            failed[location] = garbage_reason(ex, exception_detail(exc))
            after.pop(location, None)
            continue
        jobs.extend(read)
        counts[location] = counts.get(location, 0) + len(rows)
        if rows:
            last = rows[-1]
            after[location] = Cursor(
                int(last.get("job_ondemand_bytes") or 0),
                int(last.get("job_slot_ms") or 0),
                str(last.get("job_id") or ""),
                str(last.get("project_id") or ""),
            )
        if not ex.response.get("pageToken") and counts[location] < size:
            after[location] = None  # a short page: the location has no further job
    return JobPage(jobs=tuple(jobs), after=after, failed=failed, bytes_billed=billed)


@dataclass
class Pager:
    """A session's place in each location's pages, for one store (a new window or a step back starts the
    session over with a new store, and the pages over with it)."""

    store: object
    after: dict[str, Cursor | None] = field(default_factory=dict)
    """Per location paged so far: the next page's cursor, None when it has no further job."""

    def wanted(self, locations: Sequence[str]) -> dict[str, Cursor | None]:
        """The locations with a page left, each with its cursor (None: its first page)."""
        return {loc: self.after.get(loc) for loc in locations if loc not in self.after or self.after[loc]}

    def took(self, page: JobPage) -> None:
        """Move each location that answered on past its page."""
        self.after.update(page.after)


def pages_since(now: datetime, window: timedelta, aggregates: JobAggregates) -> datetime:
    """The pages' ``@since``: where BigQuery's totals begin (their oldest hour: the first query read
    ``gcp.history_window`` back), or the start of the window's first hour if that is later, so the jobs
    the pages list are among those the totals count."""
    start = (now - window).replace(minute=0, second=0, microsecond=0)
    hours = [b.hour for b in aggregates.buckets]
    return max(start, min(hours)) if hours else start


@dataclass(frozen=True)
class PagePlan:
    """What the next page reads: from where, each location's cursor, and the pages' place."""

    since: datetime
    wanted: dict[str, Cursor | None]
    pager: Pager


def plan_page(session: Session, snapshot: Snapshot, now: datetime) -> PagePlan | str:
    """What the next page reads, from ``snapshot`` (the one shown: BigQuery's totals say which locations
    and from when); or why there is none, in one line."""
    aggregates = snapshot.job_aggregates
    if aggregates is None:
        return "every job of the window is listed already (project mode)"
    pager = session.pager
    if not isinstance(pager, Pager) or pager.store is not session.store:
        pager = session.pager = Pager(session.store)
    wanted = pager.wanted(sorted({w.location for w in aggregates.windows}))
    if not wanted:
        return "no further job in the window: every page is read"
    return PagePlan(pages_since(now, session.window, aggregates), wanted, pager)


def read_page(session: Session, plan: PagePlan) -> JobPage | None:
    """The page ``plan`` asks for, read by the session's backend (the network: no lock held); None when
    the backend cannot read pages."""
    from dashboard.backends.base import SupportsJobPages

    backend = session.backend
    return backend.job_page(plan.since, plan.wanted) if isinstance(backend, SupportsJobPages) else None


def take_page(session: Session, plan: PagePlan, page: JobPage | None) -> str:
    """Merge ``page`` into the session's store (with the polls held off: they merge into it too) and move
    the pages on; what happened, in one line."""
    if page is None:
        return "further jobs are read live; a recording holds only what was polled"
    if plan.pager.store is not session.store:
        return "the window changed while the page was read: press m again"
    plan.pager.took(page)
    return _said(page, session.store.add_jobs(page.jobs), plan.wanted)


def more_jobs(session: Session) -> str:
    """:func:`plan_page`, :func:`read_page` and :func:`take_page` in one go, in this thread."""
    now = session.clock.now()
    plan = plan_page(session, session.store.snapshot(now), now)
    if isinstance(plan, str):
        return plan
    return take_page(session, plan, read_page(session, plan))


def _said(page: JobPage, added: int, wanted: Mapping[str, Any]) -> str:
    from dashboard.views.fmt import size

    parts = [f"{added:,} more jobs listed ({len(page.jobs):,} read"]
    parts[0] += f", {size(page.bytes_billed)} billed)" if page.bytes_billed else ")"
    ended = [loc for loc in wanted if page.after.get(loc, 0) is None]
    if ended:
        parts.append(f"{', '.join(ended)}: no further job")
    parts.extend(f"{loc} not read: {reason}" for loc, reason in page.failed.items())
    return "; ".join(parts)
