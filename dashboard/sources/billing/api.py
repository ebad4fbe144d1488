"""The billing source, live: the Cloud Billing export query in BigQuery and, when a billing account is
configured, its budgets from the Budget API, each page kept as the exchange a recording holds.

The export query goes through the same BigQuery client as the jobs source, so the same exact-wire capture
and read-only guard (:mod:`~dashboard.backends.gcp.bq_wire`) apply: only a SELECT is sent. It runs in the
project that owns the export table, in the export dataset's location (``[billing] location``), labelled
``gcpdash-query: billing-export`` and capped by ``[gcp] maximum_bytes_billed``. ``ListBudgets`` goes over a
read-only gRPC channel (``[endpoints] budgets``, plaintext only for a loopback host).

The only methods called: ``jobs.query`` (a SELECT), ``jobs.getQueryResults`` and ``jobs.get`` (which
``query_and_wait`` may use to wait), and ``BudgetService/ListBudgets``.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dashboard.backends.gcp.bq_client import read_query
from dashboard.backends.gcp.bq_wire import Capture
from dashboard.errors import SourceError
from dashboard.models import SourceName
from dashboard.queries import billing_export_params, billing_export_sql, billing_hourly_span, billing_table
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources import BILLING_OFF

if TYPE_CHECKING:
    from dashboard.backends.gcp.context import FetchContext

__all__ = ["SOURCE", "budgets_client", "export_request", "fetch_billing", "list_budgets", "query_export"]

SOURCE: SourceName = "billing"
OFF = "OFF"
"""The error code of a fetch of an unconfigured billing source (:data:`dashboard.store.OFF`)."""
_LOCK = threading.Lock()


def fetch_billing(ctx: FetchContext, t: datetime) -> list[Exchange]:
    """One poll of the billing source: the export query when ``[billing] export_table`` is set, then
    ``ListBudgets`` when ``[billing] billing_account`` is set.

    Raises:
        SourceError: Neither is configured (code ``OFF``: the source is off, not failing), or no
            credentials.
    """
    billing = ctx.config.billing
    if not billing.export_table and not billing.billing_account:
        raise SourceError(BILLING_OFF, code=OFF)
    poll = ctx.next_poll(SOURCE)
    exchanges: list[Exchange] = []
    if billing.export_table:
        exchanges += query_export(ctx, billing.export_table, poll=poll, t=t)
        if any(ex.error is not None for ex in exchanges):
            return exchanges  # the poll fails with its query; budgets would not be shown anyway
    if billing.billing_account:
        exchanges += list_budgets(ctx, billing.billing_account, poll=poll, t=t)
    return exchanges


def export_project(ctx: FetchContext, table: str) -> str:
    """The project the export query runs in: the one that owns the export table."""
    project = billing_table(table).split(".", 1)[0]
    return project or ctx.projects[0]


def export_request(ctx: FetchContext, t: datetime) -> Any:
    """The export query's job config: label, byte cap and :func:`~dashboard.queries.billing_export_params`
    at ``t`` (hourly rows over the jobs history's window) as query parameters."""
    from google.cloud import bigquery

    span = billing_hourly_span(ctx.config.gcp.history_window)
    return bigquery.QueryJobConfig(
        labels={fmt.QUERY_LABEL: fmt.BILLING_EXPORT_QUERY},
        maximum_bytes_billed=ctx.config.gcp.maximum_bytes_billed,
        use_legacy_sql=False,
        query_parameters=[
            bigquery.ScalarQueryParameter(name, kind, value)
            for name, (kind, value) in billing_export_params(t, span).items()
        ],
    )


def query_export(ctx: FetchContext, table: str, *, poll: int, t: datetime) -> list[Exchange]:
    """The billing export query (all pages), as exchanges of the billing source.

    Raises:
        UsageError: ``table`` is not a ``project.dataset.table`` name.
    """
    sql = billing_export_sql(table)
    project = export_project(ctx, table)
    location = ctx.config.billing.location
    job_config = export_request(ctx, t)
    client = ctx.bigquery()
    with Capture(poll, t, SOURCE) as capture:
        read_query(ctx, client, capture, sql, job_config, location=location, project=project)
    return capture.exchanges


def budgets_client(ctx: FetchContext) -> Any:
    """The Budget API client (``[endpoints] budgets`` or Google's), over a read-only channel; made once
    per context."""
    with _LOCK:
        found = ctx.state.get("billing.budgets")
        if found is not None:
            return found
        from google.api_core.gapic_v1.client_info import ClientInfo
        from google.cloud.billing import budgets_v1
        from google.cloud.billing.budgets_v1.services.budget_service import transports

        from dashboard import __version__
        from dashboard.backends.gcp.endpoints import grpc_target
        from dashboard.backends.gcp.grpc_channels import make_client
        from dashboard.errors import UsageError

        try:
            target = grpc_target("budgets", ctx.config.endpoints.budgets)
        except ValueError as exc:
            raise UsageError(f"[endpoints] budgets: {exc}") from None
        channels: dict[str, Any] = {}
        client = make_client(
            target,
            budgets_v1.BudgetServiceClient,
            transports.BudgetServiceGrpcTransport,
            channels=channels,
            credentials=lambda: ctx.credentials,
            client_info=ClientInfo(user_agent=f"gcpdash/{__version__}"),  # type: ignore[no-untyped-call]
        )
        ctx.state["billing.budgets"] = client
        ctx.state["billing.channels"] = list(channels.values())
        return client


def list_budgets(ctx: FetchContext, account: str, *, poll: int, t: datetime) -> list[Exchange]:
    """``ListBudgets`` of ``billingAccounts/{account}``, all pages, as exchanges of the billing source."""
    from google.cloud.billing import budgets_v1

    from dashboard.backends.gcp.grpc_clients import CallPolicy, GrpcClients, PollLog

    client = budgets_client(ctx)
    holder = GrpcClients(
        projects=(),
        regions=(),
        locations=(),
        admin_projects=(),
        reservation=None,
        monitoring=None,
        dataflow=None,
        dataproc={},
        policy=CallPolicy(timeout=ctx.timeout, retry_deadline=ctx.deadline),
    )
    log = PollLog(holder, SOURCE, t, number=poll)
    name = account.strip().removeprefix("billingAccounts/")
    request = budgets_v1.ListBudgetsRequest(parent=f"billingAccounts/{name}")
    log.call(fmt.BUDGETS_LIST_BUDGETS, client.list_budgets, request)
    return log.exchanges


def close(ctx: FetchContext) -> None:
    """Close the Budget API client and its plaintext channels, if made."""
    client = ctx.state.pop("billing.budgets", None)
    transport = getattr(client, "transport", None)
    if transport is not None:
        transport.close()
    for channel in ctx.state.pop("billing.channels", ()):
        channel.close()
