"""The jobs source's catalog read, live: when the tables its jobs write last changed, from the Dataplex
catalog (``CatalogService.GetEntry``, BASIC view, through :mod:`~dashboard.backends.gcp.catalog_entries`).

After the listing, the destination tables of the jobs seen so far are read, at most :data:`MAX_TABLES` a
poll, each again after 30 minutes: first the tables of failed jobs and of jobs that run again and again
(scheduled queries, a table written by more than one job), then the rest, the most recently written first.
Anonymous query result tables (datasets named ``_...``) are left out. A table's catalog location is its
job's (``US`` → ``us``).

Off with ``[sources.jobs] settings = { catalog = false }``; nothing is asked when the Dataplex client
library is not installed, or with ``[auth] anonymous`` and no Dataplex endpoint. The Dataplex endpoint is
``[sources.dataquality] endpoint`` (the same service), else Google's. A failure is an error exchange (the
parser makes it one warning naming ``roles/dataplex.catalogViewer``), never an exception.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, cast

from dashboard.backends.gcp.catalog_entries import catalog_client, entries_due, read_entries
from dashboard.backends.gcp.context import FetchContext
from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog
from dashboard.models import Job, JobsData
from dashboard.models_catalog import GET_ENTRY
from dashboard.parsers.catalog_entries import entry_location, entry_name
from dashboard.recording.format import Exchange, ExchangeError

MAX_TABLES: Final = 20
"""Catalog entries one poll reads at most."""
KEEP: Final = 500
"""Destination tables remembered between polls at most (the most recently written)."""
STATE_KEY: Final = "jobs.catalog"


@dataclass
class Written:
    """A destination table seen in the jobs: where it is, how often and how lately it was written."""

    location: str
    last: float = 0.0
    """The newest job's creation (epoch seconds)."""
    jobs: set[str] = field(default_factory=set)
    urgent: bool = False
    """Written by a failed job, a scheduled query, or by more than one job."""


@dataclass
class CatalogState:
    """What the catalog read keeps across polls (in ``ctx.state``)."""

    tables: dict[str, Written] = field(default_factory=dict)
    asked: dict[str, datetime] = field(default_factory=dict)
    """Per table, when its entry was last asked for."""
    client: Any = None
    """``dataplex_v1.CatalogServiceClient``, made on first use."""


def enabled(ctx: FetchContext) -> bool:
    """True unless ``[sources.jobs] settings = { catalog = false }``, the Dataplex client library is not
    installed, or the credentials are anonymous and no Dataplex endpoint is set."""
    settings = ctx.config.sources.get("jobs")
    if settings is not None and settings.settings.get("catalog", True) is False:
        return False
    if ctx.anonymous and not _endpoint(ctx):
        return False
    return importlib.util.find_spec("google.cloud.dataplex_v1") is not None


def _endpoint(ctx: FetchContext) -> str | None:
    settings = ctx.config.sources.get("dataquality")
    return (settings.endpoint if settings is not None else None) or None


def is_scheduled(job: Job) -> bool:
    """A scheduled query's job (BigQuery Data Transfer Service labels it ``data_source_id``)."""
    return "data_source_id" in job.labels or job.job_id.startswith("scheduled_query")


def writable(table: str | None) -> bool:
    """A named destination table (``P.D.T``), not an anonymous query result (dataset ``_...``)."""
    parts = (table or "").split(".")
    return len(parts) == 3 and all(parts) and not parts[1].startswith("_") and "/" not in (table or "")


def observe(state: CatalogState, jobs: Iterable[Job]) -> None:
    """Note the destination tables of ``jobs`` (the most recently written :data:`KEEP` are kept)."""
    for job in jobs:
        table, location = job.destination_table, entry_location(job.location)
        if not writable(table) or location is None:
            continue
        seen = state.tables.setdefault(cast(str, table), Written(location=location))
        seen.jobs.add(job.job_id)
        seen.last = max(seen.last, job.created.timestamp() if job.created else 0.0)
        seen.urgent = seen.urgent or job.status == "failed" or is_scheduled(job) or len(seen.jobs) > 1
    if len(state.tables) > KEEP:
        newest = sorted(state.tables.items(), key=lambda kv: -kv[1].last)[:KEEP]
        state.tables = dict(newest)


def by_priority(state: CatalogState) -> list[tuple[str, str]]:
    """The tables, the urgent ones first, each group the most recently written first."""
    ordered = sorted(state.tables.items(), key=lambda kv: (not kv[1].urgent, -kv[1].last, kv[0]))
    return [(table, seen.location) for table, seen in ordered]


def read_catalog(ctx: FetchContext, exchanges: Sequence[Exchange], poll: int, t: datetime) -> list[Exchange]:
    """The catalog exchanges of poll ``poll`` at ``t``, after the listing ``exchanges`` of the same poll."""
    if not enabled(ctx):
        return []
    from dashboard.parsers import parse_poll

    state = ctx.state.get(STATE_KEY)
    if not isinstance(state, CatalogState):
        state = ctx.state[STATE_KEY] = CatalogState()
    try:
        data = parse_poll("jobs", exchanges)
    except Exception:  # no project answered: nothing new to read the tables of
        data = None
    if isinstance(data, JobsData):
        observe(state, data.jobs)
    due = entries_due(by_priority(state), state.asked, t, MAX_TABLES)
    if not due:
        return []
    shared = cast(GrpcClients, ctx.grpc())
    log = PollLog(shared, "jobs", t, number=poll)
    try:
        if state.client is None:
            state.client = catalog_client(shared, _endpoint(ctx), lambda: ctx.credentials)
    except Exception as exc:  # no credentials, a bad endpoint: every table's read failed the same way
        error = ExchangeError(code=str(getattr(exc, "code", None) or "UNAVAILABLE"), message=str(exc)[:300])
        for table, location in due:
            state.asked[table] = t
            log.add(GET_ENTRY, {"name": entry_name(table, location), "view": "BASIC"}, error=error)
        return log.exchanges
    read_entries(log, state.client, due, state.asked, t)
    return log.exchanges
