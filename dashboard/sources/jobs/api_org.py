"""The BigQuery jobs source in organisation mode, live: per due location one query of
``JOBS_BY_ORGANIZATION`` (or ``JOBS_BY_FOLDER``), run in the first configured project (:mod:`.org_sql`).

No ``jobs.list``: the query itself brings back the pending and running jobs. The schedule is the history's
(:class:`~dashboard.sources.jobs.api_window.HistorySchedule`, keyed by the scope): at most one billed query
per location per ``intervals.billed_query_gap``, each location every ``intervals.jobs_history``. The
window is whole hours: the first query reads ``gcp.history_window`` back (from the start of that hour), each
later one from the start of the previous hour, or earlier from the hour of the previous complete read or of
the oldest job it saw unfinished; its buckets replace those hours (:func:`.aggregates.merge_aggregates`).

A 403 (the caller lacks ``roles/bigquery.resourceViewer`` on the organisation or folder) is no billed
query: the caller reads the per-project JOBS views instead in the same poll, and the parser warns why.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from dashboard.backends.gcp.bq_client import read_query
from dashboard.backends.gcp.bq_wire import Capture
from dashboard.backends.gcp.budget import PollBudget
from dashboard.parsers.faults import is_denied
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.jobs.api import BUDGET_KEY, _skipped, _spend, org_request, schedule
from dashboard.sources.jobs.org_sql import Scope, org_jobs_sql

if TYPE_CHECKING:
    from dashboard.backends.gcp.context import FetchContext
    from dashboard.sources.jobs.paging import Cursor

HOUR = timedelta(hours=1)


def scope_of(ctx: FetchContext) -> tuple[Scope, str]:
    """``("organization", ID)`` or ``("folder", ID)`` from the config."""
    gcp = ctx.config.gcp
    if gcp.organization is not None:
        return "organization", gcp.organization
    if gcp.folder is None:
        raise ValueError("not in organisation mode")
    return "folder", gcp.folder


def hour_of(moment: datetime) -> datetime:
    """The start of ``moment``'s hour."""
    return moment.replace(minute=0, second=0, microsecond=0)


def org_since(ctx: FetchContext, location: str, t: datetime) -> datetime:
    """The start of the next window of ``location`` (a whole hour): the first time ``gcp.history_window``
    back; then the previous hour's start, or earlier the hour of the last complete read (polls that failed
    for a while) or of the oldest job it saw unfinished."""
    read: dict[str, tuple[datetime, datetime]] = ctx.state.setdefault("jobs.org", {})
    found = read.get(location)
    if found is None:
        return hour_of(t - timedelta(seconds=ctx.config.gcp.history_window))
    last, unfinished = found
    return min(hour_of(t) - HOUR, hour_of(last), unfinished)


def observe(ctx: FetchContext, location: str, t: datetime, exchanges: list[Exchange]) -> None:
    """After a complete read at ``t``: remember when, and the hour of the oldest job still unfinished."""
    from dashboard.models import JobsData
    from dashboard.parsers import parse_poll

    data = parse_poll("jobs", exchanges)
    unfinished = hour_of(t)
    if isinstance(data, JobsData):
        created = [j.created for j in data.jobs if j.state != "DONE" and j.created is not None]
        if created:
            unfinished = min(unfinished, hour_of(min(created)))
    ctx.state.setdefault("jobs.org", {})[location] = (t, unfinished)


def fetch_org(ctx: FetchContext, client: Any, poll: int, t: datetime) -> tuple[list[Exchange], bool]:
    """The organisation queries due at ``t``; and whether BigQuery denied the view (then the caller reads
    the projects' own views)."""
    scope, scope_id = scope_of(ctx)
    project = ctx.projects[0]
    plan = schedule(ctx)
    key = f"{scope}-{scope_id}"
    due = plan.due([key], ctx.locations, t)
    budget = PollBudget(per_method=True)
    exchanges: list[Exchange] = []
    denied = False
    for _, location in due:
        since = org_since(ctx, location, t)
        job_config = org_request(ctx, scope, scope_id, since, t)
        skipped = budget.skip(BUDGET_KEY, "jobs.query")
        if skipped is not None:
            plan.release(key, location)
            body = {"labels": job_config.labels, "location": location}
            path = f"/bigquery/v2/projects/{project}/queries"
            exchanges.append(
                _skipped(poll, t, skipped, method=fmt.BQ_JOBS_QUERY, path=path, params={}, body=body)
            )
            continue
        sql = org_jobs_sql(scope, project, location)
        with Capture(poll, t) as capture:
            done = read_query(ctx, client, capture, sql, job_config, location=location, project=project)
        exchanges.extend(capture.exchanges)
        if done:
            observe(ctx, location, t, capture.exchanges)
            continue
        _spend(budget, capture.exchanges)
        if any(is_denied(ex) for ex in capture.exchanges):
            denied = True
            plan.release(key, location)  # not billed: the per-project queries may run
    return exchanges, denied


def fetch_page(
    ctx: FetchContext, since: datetime, after: Mapping[str, Cursor | None], t: datetime, size: int
) -> list[Exchange]:
    """A page of ``size`` further jobs of each location in ``after`` (:mod:`dashboard.sources.jobs.paging`):
    one billed query per location, run in the first configured project, capped by
    ``gcp.maximum_bytes_billed``; a failure is that location's error exchange."""
    from dashboard.sources.jobs.api import page_request
    from dashboard.sources.jobs.org_sql import org_page_sql

    scope, scope_id = scope_of(ctx)
    project = ctx.projects[0]
    client = ctx.bigquery()
    exchanges: list[Exchange] = []
    for location, cursor in after.items():
        job_config = page_request(ctx, scope, scope_id, since, cursor)
        sql = org_page_sql(scope, project, location, size)
        with Capture(0, t) as capture:
            read_query(ctx, client, capture, sql, job_config, location=location, project=project)
        exchanges.extend(capture.exchanges)
    return exchanges
