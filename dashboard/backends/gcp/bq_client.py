"""What the BigQuery sources (jobs and billing) share: the client, its retry, and one labelled query read
to its last page with every page (and a failure) captured as exchanges."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dashboard.backends.gcp.bq_wire import Capture, install
from dashboard.backends.gcp.budget import bounded
from dashboard.recording import format as fmt

if TYPE_CHECKING:
    from google.cloud import bigquery

    from dashboard.backends.gcp.context import FetchContext

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
    """BigQuery's own retry (it reads error reasons), bounded by the configured deadline and to
    :data:`~dashboard.backends.gcp.budget.MAX_ATTEMPTS` attempts, never on a quota error (a new one per
    call: it counts)."""
    from google.cloud import bigquery
    from google.cloud.bigquery.retry import _should_retry

    return bigquery.DEFAULT_RETRY.with_timeout(ctx.deadline).with_predicate(bounded(_should_retry))


def read_query(
    ctx: FetchContext,
    client: bigquery.Client,
    capture: Capture,
    sql: str,
    job_config: Any,
    *,
    location: str,
    project: str,
) -> bool:
    """Run ``sql`` (``jobs.query``, then ``getQueryResults`` pages) and read every page into ``capture``;
    a failure becomes the call's error exchange.

    Returns:
        True when every page was read.
    """
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
        return False
    return True
