"""The data-quality source's live fetch over gRPC (the only module that imports ``google-cloud-dataplex``).

Per monitored project and location (the regions and the BigQuery locations; side by side):
``ListDataScans`` (all pages); per data-quality scan, ``ListDataScanJobs`` of the last :data:`LOOKBACK`
(BASIC view, without results); then ``GetDataScanJob`` with the FULL view for each finished job not read
in full before (at most :data:`MAX_FULL` a poll, the newest first; the rest in later polls). Which jobs
were read is kept in ``ctx.state``; a read that failed is made again the next poll. Last, the catalog
entry of each scanned table (``CatalogService.GetEntry``, BASIC view: the entry without its aspects, the
cheapest read that gives ``entry_source.update_time``), at most :data:`MAX_CATALOG` a poll, each table
again after :data:`CATALOG_EVERY`.

The endpoint is ``[sources.dataquality] endpoint`` (a fake on loopback gets a plaintext channel), else
Google's (``dataplex.googleapis.com``). Calls go through the shared
:class:`~dashboard.backends.gcp.grpc_clients.PollLog` (bounded retry, the poll's budget, a read-only
channel).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, cast

from dashboard.backends.gcp import discovery
from dashboard.backends.gcp.context import FetchContext
from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog, to_json
from dashboard.backends.gcp.grpc_source import source_clients, source_target
from dashboard.errors import SourceError
from dashboard.parsers.common import TimeCache
from dashboard.parsers.poll import MALFORMED
from dashboard.recording.format import Exchange, ExchangeError
from dashboard.sources.dataquality.model import FINISHED, Scan, ScanJob
from dashboard.sources.dataquality.parse import (
    GET_DATA_SCAN_JOB,
    GET_ENTRY,
    LIST_DATA_SCAN_JOBS,
    LIST_DATA_SCANS,
    entry_name,
    jobs_page,
    scans_page,
)

LOOKBACK: Final = timedelta(days=2)
"""How far back a poll lists each scan's jobs (``start_time > now - LOOKBACK``)."""
MAX_FULL: Final = 20
"""FULL reads (``GetDataScanJob``) one poll makes at most."""
MAX_CATALOG: Final = 10
"""Catalog entries (``GetEntry``) one poll reads at most."""
CATALOG_EVERY: Final = timedelta(minutes=30)
"""A table's catalog entry is read again after this long."""
PAGE_SIZE: Final = 100


@dataclass
class DataplexClients:
    """The live Dataplex client beside the shared gRPC ones, and the jobs read in full so far."""

    shared: GrpcClients
    scans: Any
    """``dataplex_v1.DataScanServiceClient``."""
    catalog: Any = None
    """``dataplex_v1.CatalogServiceClient``."""
    read: set[str] = field(default_factory=set)
    """Names of the jobs whose FULL read answered (not read again)."""
    entries_read: dict[str, datetime] = field(default_factory=dict)
    """Per table (``P.D.T``), when its catalog entry was last asked for."""


_LOCK = threading.Lock()


def clients_of(ctx: FetchContext) -> DataplexClients:
    """The Dataplex clients of the live backend, made on first use and kept in ``ctx.state``."""
    with _LOCK:
        found = ctx.state.get("dataquality")
        if isinstance(found, DataplexClients):
            return found
        shared = cast(GrpcClients, ctx.grpc())
        settings = ctx.config.sources.get("dataquality")
        endpoint = (settings.endpoint if settings is not None else None) or None
        if not endpoint and ctx.anonymous:
            raise SourceError(
                "[auth] anonymous sends no credentials, which Google's Dataplex endpoint refuses: set "
                "[sources.dataquality] endpoint or [sources.dataquality] enabled = false",
                code="CONFIG",
            )
        made = ctx.state["dataquality"] = make_clients(shared, endpoint, lambda: ctx.credentials)
        return made


def make_clients(
    shared: GrpcClients, endpoint: str | None, credentials: Callable[[], Any] | None = None
) -> DataplexClients:
    """A ``DataScanServiceClient`` on ``endpoint`` (None: Google's) over a read-only channel.

    Raises:
        UsageError: The endpoint cannot be used.
    """
    from google.cloud import dataplex_v1
    from google.cloud.dataplex_v1.services.catalog_service import transports as catalog_t
    from google.cloud.dataplex_v1.services.data_scan_service import transports

    target = source_target("dataplex", endpoint, "dataquality")
    scans, catalog = source_clients(
        shared,
        target,
        (
            (dataplex_v1.DataScanServiceClient, transports.DataScanServiceGrpcTransport),
            (dataplex_v1.CatalogServiceClient, catalog_t.CatalogServiceGrpcTransport),
        ),
        credentials,
    )
    return DataplexClients(shared=shared, scans=scans, catalog=catalog)


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


def _listed(exchanges: Sequence[Exchange], method: str, read: Callable[..., list[Any]]) -> list[Any]:
    """What the answered pages of ``method`` hold (a page that cannot be read holds nothing)."""
    times = TimeCache()
    found: list[Any] = []
    for ex in exchanges:
        if ex.method == method and ex.error is None and isinstance(ex.response, dict):
            try:
                found.extend(read(ex.response, times))
            except MALFORMED:
                continue
    return found


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def to_read(jobs: Sequence[ScanJob], read: set[str], limit: int = MAX_FULL) -> list[str]:
    """The finished jobs not read in full yet, newest first, at most ``limit``."""
    fresh = {j.name: j for j in jobs if j.state in FINISHED and j.name not in read}
    newest = sorted(fresh.values(), key=lambda j: (j.at is None, -(j.at.timestamp() if j.at else 0.0)))
    return [j.name for j in newest[:limit]]


def locations(shared: GrpcClients) -> list[str]:
    """Where scans are listed: the monitored regions, then the BigQuery locations as Dataplex names them
    (``US`` → ``us``: a scan lives in its table's location)."""
    found = list(dict.fromkeys([*shared.regions, *(loc.lower() for loc in shared.locations)]))
    return found


def fetch_dataquality(clients: DataplexClients, t: datetime) -> list[Exchange]:
    """One poll: the scans of every project and region, their recent jobs, the new jobs' results."""
    from google.cloud import dataplex_v1

    log = PollLog(clients.shared, "dataquality", t)
    since = _stamp(t - LOOKBACK)
    places = locations(clients.shared)  # with an organisation scope, only where discovery found scans:
    parts = [
        (p, r) for p in discovery.projects(clients.shared.projects) for r in discovery.regions(p, places)
    ]

    def part(fork: PollLog, where: tuple[str, str]) -> None:
        project, region = where
        request = dataplex_v1.ListDataScansRequest(
            parent=f"projects/{project}/locations/{region}", page_size=PAGE_SIZE
        )
        fork.call(LIST_DATA_SCANS, clients.scans.list_data_scans, request)
        for scan in _listed(fork.exchanges, LIST_DATA_SCANS, scans_page):
            jobs = dataplex_v1.ListDataScanJobsRequest(
                parent=scan.name, filter=f'start_time > "{since}"', page_size=PAGE_SIZE
            )
            fork.call(LIST_DATA_SCAN_JOBS, clients.scans.list_data_scan_jobs, jobs)

    log.side_by_side(parts, part)
    listed = _listed(log.exchanges, LIST_DATA_SCAN_JOBS, jobs_page)
    for name in to_read(listed, clients.read):
        request = dataplex_v1.GetDataScanJobRequest(
            name=name, view=dataplex_v1.GetDataScanJobRequest.DataScanJobView.FULL
        )
        if get(log, GET_DATA_SCAN_JOB, clients.scans.get_data_scan_job, request) is None:
            clients.read.add(name)
    scans = _listed(log.exchanges, LIST_DATA_SCANS, scans_page)
    for table, location in entries_due(scans, clients.entries_read, t):
        clients.entries_read[table] = t  # asked for, answered or not: again after CATALOG_EVERY
        entry = dataplex_v1.GetEntryRequest(
            name=entry_name(table, location), view=dataplex_v1.EntryView.BASIC
        )
        get(log, GET_ENTRY, clients.catalog.get_entry, entry)
    return log.exchanges


def entries_due(
    scans: Sequence[Scan], asked: dict[str, datetime], t: datetime, limit: int = MAX_CATALOG
) -> list[tuple[str, str]]:
    """The scanned tables (and their locations) whose catalog entry was not asked for within
    :data:`CATALOG_EVERY`, those never asked for first, then the longest ago; at most ``limit``."""
    found: dict[str, str] = {}
    for scan in scans:
        if scan.table and scan.table not in found:
            found[scan.table] = scan.location
    due = [
        (table, location)
        for table, location in found.items()
        if table not in asked or t - asked[table] >= CATALOG_EVERY
    ]
    due.sort(key=lambda p: (p[0] in asked, asked.get(p[0], t), p[0]))
    return due[:limit]


def fetch(ctx: FetchContext, t: datetime) -> list[Exchange]:
    """The spec's ``fetch``: :func:`fetch_dataquality` on the live backend's clients."""
    return fetch_dataquality(clients_of(ctx), t)
