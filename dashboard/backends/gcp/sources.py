"""Which function fetches each source live: BigQuery jobs here, the gRPC sources from the ``grpc_*``
modules, found by name on first use so a source whose module is missing is only that source unavailable."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dashboard.errors import SourceError
from dashboard.recording.format import Exchange

if TYPE_CHECKING:
    from dashboard.backends.gcp.context import FetchContext

Fetch = Callable[["FetchContext", datetime], list[Exchange]]
"""``fetch(ctx, t)``: read a source once at poll time ``t``; its exchanges in the order they happened.
The gRPC modules' functions take the :class:`~dashboard.backends.gcp.grpc_clients.GrpcClients` instead
(``ctx.grpc()``); :func:`fetcher` adapts them."""

GRPC_FETCHERS = {
    "reservations": "fetch_reservations",
    "dataproc": "fetch_dataproc",
    "dataflow": "fetch_dataflow",
}
"""The gRPC sources and the name of the function, in some ``dashboard.backends.gcp.grpc_*`` module, that
fetches each."""


def _grpc_attribute(name: str) -> Any:
    """The first ``grpc_*`` module attribute called ``name``."""
    import dashboard.backends.gcp as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not info.name.startswith("grpc_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        value = getattr(module, name, None)
        if value is not None:
            return value
    return None


def fetcher(source: str) -> Fetch:
    """The live fetch of ``source``.

    Raises:
        SourceError: The source has no live fetch in this build (``UNIMPLEMENTED``).
    """
    if source == "jobs":
        from dashboard.backends.gcp.bigquery import fetch_jobs

        return fetch_jobs
    if source == "billing":
        from dashboard.backends.gcp.billing import fetch_billing

        return fetch_billing
    name = GRPC_FETCHERS.get(source)
    found = _grpc_attribute(name) if name else None
    if not callable(found):
        raise SourceError(f"{source}: no live reader in this build of gcpdash", code="UNIMPLEMENTED")

    def fetch(ctx: FetchContext, t: datetime) -> list[Exchange]:
        exchanges: list[Exchange] = found(ctx.grpc(), t)
        return exchanges

    return fetch


def _grpc(name: str) -> Fetch:
    def fetch(ctx: FetchContext, t: datetime) -> list[Exchange]:
        found = _grpc_attribute(name)
        exchanges: list[Exchange] = found(ctx.grpc(), t)
        return exchanges

    fetch.__name__ = name
    return fetch


fetch_reservations = _grpc("fetch_reservations")
fetch_dataproc = _grpc("fetch_dataproc")
fetch_dataflow = _grpc("fetch_dataflow")
"""The gRPC sources' fetches as :data:`Fetch` (their spec's ``fetch``)."""
