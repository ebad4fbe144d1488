"""The BigQuery jobs source, live: ``jobs.list`` of queued (pending) and running jobs per project and, when
due, the INFORMATION_SCHEMA history query, each page kept as the exchange a recording holds.

The exchanges are the exact wire JSON, kept by :mod:`~dashboard.backends.gcp.bq_wire`, which also guards
the client's HTTP session so that only reads go out.

The only methods called: ``jobs.list``, ``jobs.query`` (a SELECT), ``jobs.getQueryResults`` and
``jobs.get`` (which ``query_and_wait`` may use to wait), and the Dataplex catalog's ``GetEntry`` of the jobs'
destination tables (:mod:`~dashboard.sources.jobs.api_catalog`): gcpdash reads, never changes anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from dashboard.backends.gcp.bq_client import read_query, retry
from dashboard.backends.gcp.bq_wire import (
    READ_METHODS,
    SOURCE,
    Capture,
    ReadOnlyViolation,
    check_read_only,
    error_of,
    is_select,
    method_id,
)
from dashboard.backends.gcp.budget import PollBudget, was_skipped
from dashboard.backends.gcp.threads import daemon_map
from dashboard.queries import jobs_history_sql
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange, ExchangeError
from dashboard.sources.jobs.api_catalog import read_catalog
from dashboard.sources.jobs.api_window import HistorySchedule, active_since, oldest_active

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
    "method_id",
]

PARALLEL = 4
"""Projects read at once."""
LIST_PAGE_SIZE = 50
"""Jobs per ``jobs.list`` page."""
ACTIVE_STATES = ("pending", "running")
"""The ``stateFilter`` of each ``jobs.list`` call, in order. The REST parameter repeats, but the client's
``list_jobs(state_filter=...)`` takes one state: one listing per state. Pending comes first, so that a job
that starts between the two calls is in the later, running one (the store keeps the later version)."""


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

    Projects are read side by side (:data:`PARALLEL` at once); the exchanges come out project by project,
    in the configured order. A project whose ``jobs.list`` failed runs no history query (no billed query
    in vain; it is due again at the next poll), the other projects carry on. Once a BigQuery method
    answered with a quota error, 503 or not in time, the poll's other calls of that method are not made
    (:class:`~dashboard.backends.gcp.budget.PollBudget`).

    With ``[gcp] organization`` or ``folder``: one organisation query per due location instead
    (:mod:`.api_org`); when BigQuery denies the organisation view, this per-project poll follows it.

    Raises:
        SourceError: No credentials or no project to watch.
    """
    poll = ctx.next_poll(SOURCE)
    client = ctx.bigquery()
    scoped: list[Exchange] = []
    if ctx.config.gcp.organization is not None or ctx.config.gcp.folder is not None:
        from dashboard.sources.jobs.api_org import fetch_org

        scoped, denied = fetch_org(ctx, client, poll, t)
        if not denied:
            return scoped
    return scoped + _per_project(ctx, client, poll, t)


def _per_project(ctx: FetchContext, client: bigquery.Client, poll: int, t: datetime) -> list[Exchange]:
    """Project mode's poll (:func:`fetch_jobs`), also organisation mode's when the view is denied."""
    plan = schedule(ctx)
    projects = ctx.projects
    due = plan.due(projects, ctx.locations, t)
    budget = PollBudget(per_method=True)
    ran: list[tuple[str, str]] = []

    def read(project: str) -> list[Exchange]:
        exchanges = list_active(ctx, client, project, poll, t, budget=budget)
        if any(ex.error is not None for ex in exchanges):
            return exchanges
        oldest = _oldest_active(exchanges)
        for location in [loc for p, loc in due if p == project]:
            since = active_since(oldest, location)
            queried = query_history(
                ctx, client, project, location, poll=poll, t=t, budget=budget, active_since=since
            )
            if not any(was_skipped(ex) for ex in queried):  # sent (if failed, not retried before its turn)
                ran.append((project, location))
            exchanges.extend(queried)
        return exchanges

    try:
        if len(projects) <= 1:
            results = [read(project) for project in projects]
        else:
            workers = min(PARALLEL, len(projects))
            results = daemon_map(read, list(projects), workers=workers, name="gcpdash-jobs")
    finally:
        for project, location in due:
            if (project, location) not in ran:  # not run: due again at the next poll
                plan.release(project, location)
    listed = [ex for exchanges in results for ex in exchanges]
    return listed + read_catalog(ctx, listed, poll, t)


def list_active(
    ctx: FetchContext,
    client: bigquery.Client,
    project: str,
    poll: int,
    t: datetime,
    *,
    budget: PollBudget | None = None,
) -> list[Exchange]:
    """``jobs.list`` of every user's queued and running jobs in ``project`` (:data:`ACTIVE_STATES`), all
    pages; a failed listing ends it there."""
    exchanges: list[Exchange] = []
    for state in ACTIVE_STATES:
        listed = list_state(ctx, client, project, state=state, poll=poll, t=t, budget=budget)
        exchanges.extend(listed)
        if any(ex.error is not None for ex in listed):
            break
    return exchanges


def list_state(
    ctx: FetchContext,
    client: bigquery.Client,
    project: str,
    *,
    state: str,
    poll: int,
    t: datetime,
    budget: PollBudget | None = None,
) -> list[Exchange]:
    """``jobs.list`` of every user's jobs in ``state`` (``stateFilter``) in ``project``, all pages."""
    budget = budget or PollBudget(per_method=True)
    path = f"/bigquery/v2/projects/{project}/jobs"
    params = {"allUsers": "True", "stateFilter": state, "projection": "full"}
    skipped = budget.skip(BUDGET_KEY, "jobs.list")
    if skipped is not None:
        return [_skipped(poll, t, skipped, method=fmt.BQ_JOBS_LIST, path=path, params=params)]
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
            if isinstance(token, str):
                params["pageToken"] = token
            capture.failed(exc, fmt.BQ_JOBS_LIST, path, params)
    _spend(budget, capture.exchanges)
    return capture.exchanges


def _oldest_active(exchanges: list[Exchange]) -> dict[str, datetime]:
    """Per location, the creation time of the oldest job the ``jobs.list`` pages list (a page that cannot
    be read is left out: its poll reports it)."""
    from dashboard.sources.jobs.parse_list import jobs_from_list

    jobs = []
    for ex in exchanges:
        if isinstance(ex.response, dict):
            try:
                jobs.extend(jobs_from_list(ex.response))
            except Exception:  # garbage: the poll's parse says so
                continue
    return oldest_active(jobs)


BUDGET_KEY = "bigquery"
"""The service a poll's budget counts BigQuery's calls under."""


def _spend(budget: PollBudget, exchanges: list[Exchange]) -> None:
    for ex in exchanges:
        if ex.error is not None:
            budget.spend(
                BUDGET_KEY,
                method_id(ex.http_method or "GET", ex.path or "").removeprefix("bigquery."),
                ex.error,
            )


def _skipped(
    poll: int,
    t: datetime,
    error: ExchangeError,
    *,
    method: str,
    path: str,
    params: dict[str, str],
    body: dict[str, Any] | None = None,
) -> Exchange:
    """The error exchange of a call not made: BigQuery failed earlier in this poll (``error`` says how)."""
    return Exchange(
        v=1,
        poll=poll,
        t=t,
        source=SOURCE,
        api="rest",
        method=method,
        request=body or {},
        error=error,
        http_method="POST" if method == fmt.BQ_JOBS_QUERY else "GET",
        path=path,
        params=params,
    )


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


def org_request(ctx: FetchContext, scope: str, scope_id: str, since: datetime, t: datetime) -> Any:
    """The organisation query's job config (:mod:`.api_org`): labels (query and scope), byte cap and the
    parameters."""
    from google.cloud import bigquery

    from dashboard.sources.jobs.org_sql import MAX_ACTIVE, ORG_QUERY_LABEL, TOP_JOBS, top_k

    hours = int((t - since).total_seconds() // 3600) + 1
    return _scoped(
        ctx,
        ORG_QUERY_LABEL,
        f"{scope}-{scope_id}",
        [
            bigquery.ScalarQueryParameter("since", "TIMESTAMP", since),
            bigquery.ScalarQueryParameter("top_k", "INT64", top_k(hours)),
            bigquery.ScalarQueryParameter("top_jobs", "INT64", TOP_JOBS),
            bigquery.ScalarQueryParameter("max_active", "INT64", MAX_ACTIVE),
        ],
    )


def page_request(
    ctx: FetchContext, scope: str, scope_id: str, since: datetime, cursor: tuple[int, int, str, str] | None
) -> Any:
    """A page of further jobs' job config (:func:`.api_org.fetch_page`): labels, byte cap, the window's
    start and the keyset cursor (``@first`` without one)."""
    from google.cloud import bigquery

    from dashboard.sources.jobs.org_sql import ORG_PAGE_LABEL

    mark = cursor or (0, 0, "", "")
    return _scoped(
        ctx,
        ORG_PAGE_LABEL,
        f"{scope}-{scope_id}",
        [
            bigquery.ScalarQueryParameter("since", "TIMESTAMP", since),
            bigquery.ScalarQueryParameter("first", "BOOL", cursor is None),
            bigquery.ScalarQueryParameter("after_bytes", "INT64", mark[0]),
            bigquery.ScalarQueryParameter("after_slot_ms", "INT64", mark[1]),
            bigquery.ScalarQueryParameter("after_job", "STRING", mark[2]),
            bigquery.ScalarQueryParameter("after_project", "STRING", mark[3]),
        ],
    )


def _scoped(ctx: FetchContext, query: str, scope: str, parameters: list[Any]) -> Any:
    """An organisation-mode job config: its ``gcpdash-query`` and ``gcpdash-scope`` labels, the byte cap."""
    from google.cloud import bigquery

    from dashboard.sources.jobs.parse_org import SCOPE_LABEL

    return bigquery.QueryJobConfig(
        labels={fmt.QUERY_LABEL: query, SCOPE_LABEL: scope},
        maximum_bytes_billed=ctx.config.gcp.maximum_bytes_billed,
        use_legacy_sql=False,
        query_parameters=parameters,
    )


def query_history(
    ctx: FetchContext,
    client: bigquery.Client,
    project: str,
    location: str,
    *,
    poll: int,
    t: datetime,
    budget: PollBudget | None = None,
    active_since: datetime | None = None,
) -> list[Exchange]:
    """The INFORMATION_SCHEMA.JOBS query of ``project`` in ``location`` over its next window (from
    ``active_since``, the oldest active job's creation, when earlier), all pages; a complete read moves the
    window on."""
    budget = budget or PollBudget(per_method=True)
    plan = schedule(ctx)
    since, until = plan.window(project, location, t, active_since=active_since)
    sql = jobs_history_sql(location)
    job_config = history_request(ctx, since, until)
    skipped = budget.skip(BUDGET_KEY, "jobs.query")
    if skipped is not None:
        body = {"labels": job_config.labels, "location": location}
        path = f"/bigquery/v2/projects/{project}/queries"
        return [_skipped(poll, t, skipped, method=fmt.BQ_JOBS_QUERY, path=path, params={}, body=body)]
    with Capture(poll, t) as capture:
        if not read_query(ctx, client, capture, sql, job_config, location=location, project=project):
            _spend(budget, capture.exchanges)
            return capture.exchanges
    from dashboard.models import JobsData
    from dashboard.parsers import parse_poll

    data = parse_poll("jobs", capture.exchanges)
    if isinstance(data, JobsData) and data.history:
        plan.observe(project, location, until, data.jobs)
    return capture.exchanges
