"""``CatalogService.GetEntry`` (BASIC view) of BigQuery tables, for the data-quality and jobs sources:
the cheapest Dataplex catalog read that says when a table last changed (``entry_source.update_time``).

Each read is one exchange of the calling source's poll (:class:`~dashboard.backends.gcp.grpc_clients.
PollLog`: its budget, its retry policy), its answer or its error; a failure never raises. A table is asked
for at most once per :data:`CATALOG_EVERY` (answered or not), at most ``limit`` tables a poll, those never
asked for first: which tables were asked for when is the caller's ``asked`` map, kept across polls.

Imported only by the live fetches; the client library is imported inside :func:`read_entries` and
:func:`catalog_client`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, Final

from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog, to_json
from dashboard.models_catalog import GET_ENTRY
from dashboard.parsers.catalog_entries import entry_name
from dashboard.recording.format import ExchangeError

CATALOG_EVERY: Final = timedelta(minutes=30)
"""A table's catalog entry is read again after this long."""


def get(log: PollLog, method: str, invoke: Callable[..., Any], request: Any) -> ExchangeError | None:
    """One Get RPC, kept as one exchange (its response, or its error), within the poll's budget."""
    from dashboard.backends.gcp.grpc_errors import error_of

    body = to_json(request)
    service, name = method.rsplit("/", 1)[0].rsplit(".", 1)[0], method.rsplit("/", 1)[-1]
    skipped = log.budget.skip(service, name)
    if skipped is not None:
        log.add(method, body, error=skipped)
        return skipped
    policy = log.clients.policy
    try:
        response = invoke(request=request, retry=policy.retry(), timeout=policy.timeout)
    except Exception as exc:  # every failure, garbage included, becomes the exchange's error
        error = error_of(exc)
        log.add(method, body, error=error)
        log.budget.spend(service, name, error)
        return error
    log.add(method, body, response=to_json(response))
    return None


def entries_due(
    tables: Iterable[tuple[str, str]], asked: dict[str, datetime], t: datetime, limit: int
) -> list[tuple[str, str]]:
    """The ``(table, location)`` pairs of ``tables`` (in the caller's order of priority; a table's first
    location counts) not asked for within :data:`CATALOG_EVERY`: those never asked for first, in that
    order, then the longest ago; at most ``limit``."""
    found: dict[str, str] = {}
    for table, location in tables:
        if table and location and table not in found:
            found[table] = location
    due = [(tb, loc) for tb, loc in found.items() if tb not in asked or t - asked[tb] >= CATALOG_EVERY]
    rank = {tb: i for i, tb in enumerate(found)}
    due.sort(key=lambda p: (p[0] in asked, asked.get(p[0], t), rank[p[0]]))
    return due[:limit]


def read_entries(
    log: PollLog, catalog: Any, due: Iterable[tuple[str, str]], asked: dict[str, datetime], t: datetime
) -> None:
    """``GetEntry`` (BASIC view) of each ``(table, location)`` of ``due`` through ``catalog`` (a
    ``dataplex_v1.CatalogServiceClient``), each noted in ``asked`` at ``t`` whatever the answer."""
    from google.cloud import dataplex_v1

    for table, location in due:
        asked[table] = t  # asked for, answered or not: again after CATALOG_EVERY
        request = dataplex_v1.GetEntryRequest(
            name=entry_name(table, location), view=dataplex_v1.EntryView.BASIC
        )
        get(log, GET_ENTRY, catalog.get_entry, request)


def catalog_client(
    shared: GrpcClients, endpoint: str | None, credentials: Callable[[], Any] | None = None
) -> Any:
    """A ``dataplex_v1.CatalogServiceClient`` on ``endpoint`` (None: Google's; named as ``[sources.
    dataquality] endpoint``, the Dataplex one) over a read-only channel.

    Raises:
        UsageError: The endpoint cannot be used.
    """
    from google.cloud import dataplex_v1
    from google.cloud.dataplex_v1.services.catalog_service import transports

    from dashboard.backends.gcp.grpc_source import source_clients, source_target

    target = source_target("dataplex", endpoint, "dataquality")
    kinds = ((dataplex_v1.CatalogServiceClient, transports.CatalogServiceGrpcTransport),)
    return source_clients(shared, target, kinds, credentials)[0]
