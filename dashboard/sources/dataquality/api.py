"""The data-quality source's live fetch over gRPC (the only module that imports ``google-cloud-dataplex``).

Per monitored project and location (the regions and the BigQuery locations; side by side):
``ListDataScans`` (all pages); per data-quality scan, ``ListDataScanJobs`` of the last :data:`LOOKBACK`
(BASIC view, without results); then ``GetDataScanJob`` with the FULL view for each finished job not read
in full before (at most :data:`MAX_FULL` a poll, the newest first; the rest in later polls). Which jobs
were read is kept in ``ctx.state``; a read that failed is made again the next poll. Last, the catalog
entry of each scanned table (``CatalogService.GetEntry``, BASIC view: the entry without its aspects, the
cheapest read that gives ``entry_source.update_time``), at most :data:`MAX_CATALOG` a poll, each table
again after :data:`CATALOG_EVERY` (:mod:`~dashboard.backends.gcp.catalog_entries`).

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
from dashboard.backends.gcp.catalog_entries import CATALOG_EVERY, entries_due, get, read_entries
from dashboard.backends.gcp.context import FetchContext
from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog
from dashboard.backends.gcp.grpc_source import source_clients, source_target
from dashboard.errors import SourceError
from dashboard.parsers.common import TimeCache
from dashboard.parsers.poll import MALFORMED
from dashboard.recording.format import Exchange
from dashboard.sources.dataquality.model import (
    FINISHED,
    GET_DATA_SCAN_JOB,
    LIST_DATA_SCAN_JOBS,
    LIST_DATA_SCANS,
    Scan,
    ScanJob,
)
from dashboard.sources.dataquality.parse import jobs_page, scans_page

LOOKBACK: Final = timedelta(days=2)
"""How far back a poll lists each scan's jobs (``start_time > now - LOOKBACK``)."""
MAX_FULL: Final = 20
"""FULL reads (``GetDataScanJob``) one poll makes at most."""
MAX_CATALOG: Final = 10
"""Catalog entries (``GetEntry``) one poll reads at most."""

__all__ = ["CATALOG_EVERY", "MAX_CATALOG", "MAX_FULL", "entries_due", "fetch", "get", "scanned_tables"]
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
    due = entries_due(scanned_tables(scans), clients.entries_read, t, MAX_CATALOG)
    read_entries(log, clients.catalog, due, clients.entries_read, t)
    return log.exchanges


def scanned_tables(scans: Sequence[Scan]) -> list[tuple[str, str]]:
    """Each scanned table and its location (the scan's), in the scans' order."""
    return [(scan.table, scan.location) for scan in scans if scan.table]


def fetch(ctx: FetchContext, t: datetime) -> list[Exchange]:
    """The spec's ``fetch``: :func:`fetch_dataquality` on the live backend's clients."""
    return fetch_dataquality(clients_of(ctx), t)
