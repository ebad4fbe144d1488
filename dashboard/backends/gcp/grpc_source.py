"""The gRPC clients of a registered source that has an endpoint of its own (``[sources.<name>] endpoint``):
several clients of one service on one target, over read-only channels the live backend closes with the
shared ones (:attr:`~dashboard.backends.gcp.grpc_clients.GrpcClients.channels`).

Imported only by the sources' live fetches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dashboard.errors import UsageError

if TYPE_CHECKING:
    from dashboard.backends.gcp.endpoints import GrpcTarget
    from dashboard.backends.gcp.grpc_clients import GrpcClients

CLOUD_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def source_target(service: str, endpoint: str | None, section: str) -> GrpcTarget:
    """``service``'s target: ``endpoint`` when set, else Google's.

    Raises:
        UsageError: The endpoint cannot be used (named as ``[sources.<section>] endpoint``).
    """
    from dashboard.backends.gcp.endpoints import grpc_target

    try:
        return grpc_target(service, endpoint)
    except ValueError as exc:
        raise UsageError(f"[sources.{section}] endpoint: {exc}") from None


def source_clients(
    shared: GrpcClients,
    target: GrpcTarget,
    kinds: tuple[tuple[Any, Any], ...],
    credentials: Callable[[], Any] | None = None,
) -> list[Any]:
    """One client per ``(client class, gRPC transport class)`` of ``kinds`` on ``target``; ``credentials()``
    gives the credentials of a TLS target (called only for one; default Application Default
    Credentials)."""
    from google.api_core.gapic_v1.client_info import ClientInfo

    from dashboard import __version__
    from dashboard.backends.gcp.grpc_channels import make_client

    channels: dict[str, Any] = {}
    info = ClientInfo(user_agent=f"gcpdash/{__version__}")  # type: ignore[no-untyped-call]

    def creds() -> Any:
        if credentials is not None:
            return credentials()
        import google.auth

        return google.auth.default(scopes=[CLOUD_SCOPE])[0]

    made = [
        make_client(target, client, transport, channels=channels, credentials=creds, client_info=info)
        for client, transport in kinds
    ]
    shared.channels.extend(channels.values())
    return made
