"""The BigQuery jobs source, live: ``jobs.list`` of queued (pending) and running jobs per project and, when
due, the INFORMATION_SCHEMA history query, each page kept as the exchange a recording holds.

The exchanges are the exact wire JSON, kept by :mod:`~dashboard.backends.gcp.bq_wire`, which also guards
the client's HTTP session so that only reads go out.

The only methods called: ``jobs.list``, ``jobs.query`` (a SELECT), ``jobs.getQueryResults`` and
``jobs.get`` (which ``query_and_wait`` may use to wait): gcpdash reads, never changes anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from dashboard.backends.gcp.bq_window import HistorySchedule
from dashboard.backends.gcp.bq_wire import (
    READ_METHODS,
    SOURCE,
    Capture,
    ReadOnlyViolation,
    check_read_only,
    error_of,
    install,
    is_select,
    method_id,
)
from dashboard.queries import jobs_history_sql
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

if TYPE_CHECKING:
    from google.cloud import bigquery

    from dashboard.backends.gcp.context import FetchContext

__all__ = [
    "READ_METHODS",
    "Capture",
    "ReadOnlyViolation",
    "check_read_only",
    "error_of",
    "fetch_jobs",
    "is_select",
    "make_client",
    "method_id",
]

LIST_PAGE_SIZE = 50
"""Jobs per ``jobs.list`` page."""
ACTIVE_STATES = ("pending", "running")
"""The ``stateFilter`` of each ``jobs.list`` call, in order. The REST parameter repeats, but the client's
``list_jobs(state_filter=...)`` takes one state: one listing per state. Pending comes first, so that a job
that starts between the two calls is in the later, running one (the store keeps the later version)."""
RESULTS_PAGE_SIZE = 10_000
"""Rows per history result page: a window's rows usually fit in one page, which saves the ``jobs.get``
and ``jobs.getQueryResults`` calls the client makes for further pages."""


def make_client(ctx: FetchContext) -> bigquery.Client:
    """The BigQuery client: ADC (or anonymous), on ``[endpoints] bigquery`` when set; with the capture
    hook installed on its HTTP session."""
    from google.cloud import bigquery

    endpoint = ctx.config.endpoints.bigquery
    options = {"api_endpoint": endpoint} if endpoint else None
    client = bigquery.Client(project=ctx.projects[0], credentials=ctx.credentials, client_options=options)
    install(client._http)
    return client


def retry(ctx: FetchContext) -> Any:
    """BigQuery's own retry (it reads error reasons), bounded by the configured deadline."""
    from google.cloud import bigquery

    return bigquery.DEFAULT_RETRY.with_timeout(ctx.deadline)


def schedule(ctx: FetchContext) -> HistorySchedule:
    """The history schedule kept in ``ctx`` between polls."""
    found = ctx.state.get("jobs.history")
    if not isinstance(found, HistorySchedule):
        intervals = ctx.config.intervals
        found = HistorySchedule(
            interval=intervals.jobs_history,
            gap=intervals.billed_query_gap,
            first_window=ctx.config.gcp.history_window,
        )
        ctx.state["jobs.history"] = found
    return found


def fetch_jobs(ctx: FetchContext, t: datetime) -> list[Exchange]:
    """One poll of the jobs source: per project ``jobs.list`` (pending, then running; all users, all pages),
    then the history queries that are due for it (the first poll: every location of every project).

    A failed ``jobs.list`` ends the poll there (the parser fails it; no billed query runs in vain).

    Raises:
        SourceError: No credentials or no project to watch.
    """
    poll = ctx.next_poll(SOURCE)
    client = ctx.bigquery()
    plan = schedule(ctx)
    due = plan.due(ctx.projects, ctx.locations, t)
    exchanges: list[Exchange] = []
    try:
        for project in ctx.projects:
            listed = list_active(ctx, client, project, poll, t)
            exchanges.extend(listed)
            if any(ex.error is not None for ex in listed):
                break
            for location in [loc for p, loc in due if p == project]:
                due.remove((project, location))
                exchanges.extend(query_history(ctx, client, project, location, poll=poll, t=t))
    finally:
        for project, location in due:  # not run: due again at the next poll
            plan.release(project, location)
    return exchanges


def list_active(
    ctx: FetchContext, client: bigquery.Client, project: str, poll: int, t: datetime
) -> list[Exchange]:
    """``jobs.list`` of every user's queued and running jobs in ``project`` (:data:`ACTIVE_STATES`), all
    pages; a failed listing ends it there."""
    exchanges: list[Exchange] = []
    for state in ACTIVE_STATES:
        listed = list_state(ctx, client, project, state=state, poll=poll, t=t)
        exchanges.extend(listed)
        if any(ex.error is not None for ex in listed):
            break
    return exchanges


def list_state(
    ctx: FetchContext, client: bigquery.Client, project: str, *, state: str, poll: int, t: datetime
) -> list[Exchange]:
    """``jobs.list`` of every user's jobs in ``state`` (``stateFilter``) in ``project``, all pages."""
    with Capture(poll, t) as capture:
        try:
            iterator = client.list_jobs(
                project=project,
                all_users=True,
                state_filter=state,
                page_size=LIST_PAGE_SIZE,
                retry=retry(ctx),
                timeout=ctx.timeout,
            )
            for _ in iterator.pages:
                pass
        except Exception as exc:  # every failure becomes the call's error exchange
            last = capture.exchanges[-1].response if capture.exchanges else None
            token = last.get("nextPageToken") if last else None
            params = {"allUsers": "True", "stateFilter": state, "projection": "full"}
            if isinstance(token, str):
                params["pageToken"] = token
            capture.failed(exc, fmt.BQ_JOBS_LIST, f"/bigquery/v2/projects/{project}/jobs", params)
    return capture.exchanges


def history_request(ctx: FetchContext, since: datetime, until: datetime) -> Any:
    """The history query's job config: label, byte cap and the window as query parameters."""
    from google.cloud import bigquery

    return bigquery.QueryJobConfig(
        labels={fmt.QUERY_LABEL: fmt.JOBS_HISTORY_QUERY},
        maximum_bytes_billed=ctx.config.gcp.maximum_bytes_billed,
        use_legacy_sql=False,
        query_parameters=[
            bigquery.ScalarQueryParameter("since", "TIMESTAMP", since),
            bigquery.ScalarQueryParameter("until", "TIMESTAMP", until),
            bigquery.ScalarQueryParameter("max_rows", "INT64", ctx.config.gcp.history_max_rows),
        ],
    )


def query_history(
    ctx: FetchContext, client: bigquery.Client, project: str, location: str, *, poll: int, t: datetime
) -> list[Exchange]:
    """The INFORMATION_SCHEMA.JOBS query of ``project`` in ``location`` over its next window, all pages;
    a complete read moves the window on."""
    plan = schedule(ctx)
    since, until = plan.window(project, location, t)
    sql = jobs_history_sql(location)
    job_config = history_request(ctx, since, until)
    with Capture(poll, t) as capture:
        try:
            rows = client.query_and_wait(
                sql,
                job_config=job_config,
                location=location,
                project=project,
                api_timeout=ctx.timeout,
                wait_timeout=max(ctx.deadline, ctx.timeout),
                retry=retry(ctx),
                job_retry=None,  # type: ignore[arg-type]
                page_size=RESULTS_PAGE_SIZE,
            )
            for _ in rows.pages:
                pass
        except Exception as exc:  # every failure becomes the call's error exchange
            method = fmt.BQ_GET_QUERY_RESULTS if capture.exchanges else fmt.BQ_JOBS_QUERY
            path = f"/bigquery/v2/projects/{project}/queries"
            capture.failed(exc, method, path, {}, body={"labels": job_config.labels, "location": location})
            return capture.exchanges
    from dashboard.models import JobsData
    from dashboard.parsers import parse_poll

    data = parse_poll("jobs", capture.exchanges)
    if isinstance(data, JobsData) and data.history:
        plan.observe(project, location, until, data.jobs)
    return capture.exchanges
