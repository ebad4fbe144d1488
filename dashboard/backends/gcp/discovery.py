"""Discovery, live: with ``[gcp] organization`` or ``folder`` (``--org`` / ``--folder``), one Cloud Asset
Inventory ``SearchAllResources`` over the scope finds which projects and regions hold the asset types the
sources declare (:attr:`~dashboard.registry.SourceSpec.asset_types`), so each such source reads only
there (docs/organisation.md, "Discovery").

The search runs at most every ``[discovery] interval`` seconds (its result kept between), every page read
through :class:`~dashboard.backends.gcp.grpc_clients.PollLog` (bounded retry, poll budget). A source's
fetch runs inside :func:`narrowed`: its ``projects`` and each project's ``regions`` are then the ones
discovery found (:func:`projects`, :func:`regions`, which the fetches call). When the search fails (403
without ``roles/cloudasset.viewer``, 5xx, a timeout, garbage) every source reads the configured projects and
regions, with a warning naming the role: a failed discovery never loses a source's data.

The Google client is imported only inside :meth:`Discoverer.search`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dashboard.parsers.discovery import (
    GLOBAL,
    PROJECT,
    ROLE,
    SEARCH_ALL_RESOURCES,
    Discovery,
    parse_discovery,
)
from dashboard.recording.format import Exchange

if TYPE_CHECKING:
    from dashboard.backends.gcp.context import FetchContext
    from dashboard.config import Config
    from dashboard.registry import SourceSpec

HOST = "cloudasset.googleapis.com:443"
"""Google's endpoint of the Cloud Asset API (``[discovery] endpoint`` overrides it)."""

PAGE_SIZE = 500
"""Results a page asks for: the most the API documents."""

READ_MASK = ("name", "asset_type", "project", "location", "parent_full_resource_name")
"""The only fields asked for."""

Where = dict[str, tuple[str, ...]]
"""Per project ID, the regions a source reads there (empty: a project-wide source's project)."""

_where: ContextVar[Where | None] = ContextVar("gcpdash_discovered", default=None)


def scope_of(ctx: FetchContext) -> str | None:
    """``organizations/N`` or ``folders/N`` from the config; None: no discovery."""
    gcp = ctx.config.gcp
    if gcp.organization:
        return f"organizations/{gcp.organization}"
    if gcp.folder:
        return f"folders/{gcp.folder}"
    return None


def projects(configured: Sequence[str]) -> tuple[str, ...]:
    """The projects a fetch reads: the discovered ones inside :func:`narrowed`, else ``configured``."""
    where = _where.get()
    return tuple(configured) if where is None else tuple(where)


def regions(project: str, configured: Sequence[str]) -> tuple[str, ...]:
    """The regions a fetch reads in ``project``: inside :func:`narrowed` the discovered ones (of
    ``configured``, in its order), else ``configured``."""
    where = _where.get()
    if where is None:
        return tuple(configured)
    found = where.get(project, ())
    return tuple(r for r in configured if r in found)


@contextmanager
def narrowed(where: Where | None) -> Iterator[None]:
    """Run a fetch reading only ``where`` (None: everything configured). The worker threads a fetch
    starts (:func:`~dashboard.backends.gcp.threads.daemon_map`) inherit it."""
    token = _where.set(where)
    try:
        yield
    finally:
        _where.reset(token)


PACKAGES = (
    "google.cloud.asset_v1",
    "google.cloud.asset_v1.services.asset_service.transports",
    "google.protobuf.field_mask_pb2",
    "dashboard.backends.gcp.grpc_source",
    "dashboard.backends.gcp.grpc_errors",
)
"""What a search imports: imported before the worker threads start when there is a scope."""


def asset_types() -> tuple[str, ...]:
    """Every asset type a registered source declares, once each, in registration order."""
    from dashboard import registry

    kinds = (kind for spec in registry.sources() for kind in spec.asset_types)
    return tuple(dict.fromkeys((*kinds, PROJECT)))


def check_line(config: Config, summary: str) -> list[str]:
    """``--check``'s lines of the discovery: the call, the role it needs on the scope, what it found."""
    scope = (
        f"organizations/{config.gcp.organization}"
        if config.gcp.organization
        else f"folders/{config.gcp.folder}"
    )
    return [
        f"discovery: {SEARCH_ALL_RESOURCES} on {scope}",
        f"  - needs {ROLE} on {scope}: which projects and regions hold something to read",
        f"  - {summary}",
    ]


class Discoverer:
    """The live backend's discovery: one search at most every ``[discovery] interval``, shared by every
    source's poll (thread-safe: the first poll that needs it searches, the others wait for its result)."""

    def __init__(self, ctx: FetchContext) -> None:
        """Nothing is contacted until :meth:`get`."""
        self.ctx = ctx
        self.scope = scope_of(ctx)
        self.interval = ctx.config.discovery.interval
        self.last: Discovery | None = None
        """The latest discovery; None before the first."""
        self.exchanges: list[Exchange] = []
        """The latest search's pages (what a recording keeps of it)."""
        self._at: datetime | None = None
        self._untaken = False
        self._lock = threading.Lock()
        self._client: Any = None

    def get(self, t: datetime) -> Discovery | None:
        """The discovery for a poll at ``t``: the kept one while younger than the interval, else a new
        search; None without an organisation or folder scope."""
        if self.scope is None:
            return None
        with self._lock:
            if self.last is None or self._at is None or (t - self._at).total_seconds() >= self.interval:
                try:
                    self.exchanges = self.search(t)
                    self.last = parse_discovery(self.scope, self.exchanges)
                except Exception as exc:  # no project, no credentials: the sources read everything
                    self.exchanges = []
                    self.last = Discovery(scope=self.scope, error=f"{type(exc).__name__}: {exc}"[:300])
                self._at = t
                self._untaken = True
            return self.last

    def take(self) -> list[Exchange]:
        """The latest search's exchanges once (what ``--record`` writes to ``discovery.jsonl``), then
        none until the next search."""
        with self._lock:
            if not self._untaken:
                return []
            self._untaken = False
            return list(self.exchanges)

    def search(self, t: datetime) -> list[Exchange]:
        """One ``SearchAllResources`` of the scope, every page; a failure is its last exchange."""
        from dashboard.backends.gcp.grpc_clients import PollLog

        assert self.scope is not None
        clients = self.ctx.grpc()
        log = PollLog(clients, "discovery", t)
        try:
            client = self._asset_client(clients)
        except Exception as exc:  # no credentials, a bad endpoint: said as the search's failure
            from dashboard.backends.gcp.grpc_errors import error_of

            log.add(SEARCH_ALL_RESOURCES, {"scope": self.scope}, error=error_of(exc))
            return log.exchanges
        from google.cloud import asset_v1
        from google.protobuf import field_mask_pb2

        request = asset_v1.SearchAllResourcesRequest(
            scope=self.scope,
            asset_types=list(asset_types()),
            page_size=PAGE_SIZE,
            read_mask=field_mask_pb2.FieldMask(paths=list(READ_MASK)),
        )
        log.call(SEARCH_ALL_RESOURCES, client.search_all_resources, request)
        return log.exchanges

    def _asset_client(self, clients: Any) -> Any:
        if self._client is None:
            from google.cloud import asset_v1
            from google.cloud.asset_v1.services.asset_service import transports

            from dashboard.backends.gcp.grpc_source import source_clients, source_target

            target = source_target("asset", self.ctx.config.discovery.endpoint or HOST, "discovery")
            kinds = ((asset_v1.AssetServiceClient, transports.AssetServiceGrpcTransport),)
            self._client = source_clients(clients, target, kinds, lambda: self.ctx.credentials)[0]
        return self._client

    def where(self, spec: SourceSpec, t: datetime) -> tuple[Where | None, str | None]:
        """Where ``spec``'s fetch reads at ``t``, and a note for its poll's warnings.

        Returns:
            ``(None, None)`` without a scope or for a source that declares no asset type (it reads
            everything configured); ``(None, warning)`` when the search failed (the same); else the
            discovered projects and their regions among ``[gcp] regions`` (a project-wide resource keeps
            its project with no region), with a note of what was found outside those regions.
        """
        if not spec.asset_types or self.scope is None:
            return None, None
        found = self.get(t)
        if found is None:
            return None, None
        if found.error is not None:
            return None, (
                f"discovery failed ({found.error}): reading the configured projects × regions; grant "
                f"{ROLE} on {self.scope} to read only where there is something"
            )
        configured = {*self.ctx.regions, *(loc.lower() for loc in self.ctx.locations)}  # Dataplex: ``us``
        where: dict[str, set[str]] = {}
        outside: set[str] = set()
        for project, region in sorted(found.pairs(spec.asset_types)):
            if region == GLOBAL or region in configured:
                where.setdefault(project, set()).update({region} - {GLOBAL})
            else:
                outside.add(region)
        note = None
        if outside:
            note = (
                f"discovery found {spec.title} in {', '.join(sorted(outside))}, outside [gcp] regions: "
                "add them there to read them"
            )
        return {p: tuple(sorted(r)) for p, r in where.items()}, note

    def summary(self) -> str | None:
        """The latest discovery in a line (for ``--once`` and the Overview); None before any."""
        found = self.last
        if found is None:
            return None
        if found.error is not None:
            return f"discovery of {found.scope} failed ({found.error}); needs {ROLE}"
        return found.summary(self.ctx.regions)
