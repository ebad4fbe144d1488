"""The Data Fusion source's live fetch over gRPC (the only module that imports its Google client): per
monitored project one ``ListInstances`` on ``projects/P/locations/-`` (every location; the API documents
the ``-`` wildcard and names the locations it could not reach in ``unreachable``), every page.

The endpoint is ``[sources.datafusion] endpoint`` (a fake on loopback gets a plaintext channel), else
Google's ``datafusion.googleapis.com:443``. The calls go through the shared
:class:`~dashboard.backends.gcp.grpc_clients.PollLog` (bounded retry, the poll's budget, a read-only
channel that refuses any RPC but List, Get and Search).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from dashboard.backends.gcp import discovery
from dashboard.backends.gcp.context import FetchContext
from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog
from dashboard.backends.gcp.grpc_source import source_clients, source_target
from dashboard.errors import SourceError
from dashboard.recording.format import Exchange
from dashboard.sources.datafusion.model import LIST_INSTANCES

ALL_LOCATIONS = "-"
"""The location wildcard ``ListInstances`` takes: every location of the project in one listing."""


@dataclass
class DatafusionClients:
    """The live Data Fusion client beside the shared gRPC ones (the call policy, poll counters)."""

    shared: GrpcClients
    client: Any
    """``data_fusion_v1.DataFusionClient``."""


_LOCK = threading.Lock()


def clients_of(ctx: FetchContext) -> DatafusionClients:
    """The Data Fusion client of the live backend, made on first use and kept in ``ctx.state``."""
    with _LOCK:
        found = ctx.state.get("datafusion")
        if isinstance(found, DatafusionClients):
            return found
        shared = cast(GrpcClients, ctx.grpc())
        settings = ctx.config.sources.get("datafusion")
        endpoint = settings.endpoint if settings is not None else None
        if not endpoint and ctx.anonymous:
            raise SourceError(
                "[auth] anonymous sends no credentials, which Google's Data Fusion endpoint refuses: set "
                "[sources.datafusion] endpoint or [sources.datafusion] enabled = false",
                code="CONFIG",
            )
        made = ctx.state["datafusion"] = make_clients(shared, endpoint or None, lambda: ctx.credentials)
        return made


def make_clients(
    shared: GrpcClients, endpoint: str | None, credentials: Callable[[], Any] | None = None
) -> DatafusionClients:
    """A ``DataFusionClient`` on ``endpoint`` (plaintext only on loopback; default Google's) over a read-only
    channel; ``credentials()`` gives the credentials of a TLS endpoint (default Application Default
    Credentials).

    Raises:
        UsageError: The endpoint cannot be used.
    """
    from google.cloud import data_fusion_v1
    from google.cloud.data_fusion_v1.services.data_fusion import transports

    target = source_target("datafusion", endpoint, "datafusion")
    (client,) = source_clients(
        shared, target, ((data_fusion_v1.DataFusionClient, transports.DataFusionGrpcTransport),), credentials
    )
    return DatafusionClients(shared=shared, client=client)


def fetch_datafusion(clients: DatafusionClients, t: datetime) -> list[Exchange]:
    """One poll of Data Fusion: ``ListInstances`` (all pages) of every project, projects side by side."""
    log = PollLog(clients.shared, "datafusion", t)

    def project_listing(fork: PollLog, project: str) -> bool:
        from google.cloud import data_fusion_v1

        request = data_fusion_v1.ListInstancesRequest(parent=f"projects/{project}/locations/{ALL_LOCATIONS}")
        return fork.call(LIST_INSTANCES, clients.client.list_instances, request) is None

    log.side_by_side(discovery.projects(clients.shared.projects), project_listing)  # organisation: found
    return log.exchanges


def fetch(ctx: FetchContext, t: datetime) -> list[Exchange]:
    """The spec's ``fetch``: :func:`fetch_datafusion` on the live backend's client."""
    return fetch_datafusion(clients_of(ctx), t)
