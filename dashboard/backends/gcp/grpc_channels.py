"""The channels under the live gRPC clients: read-only by construction.

Every channel gcpdash opens passes through :class:`ReadOnlyInterceptor`, which refuses, before anything is
sent, any RPC whose method is not a List, Get or Search call (``DeleteCluster``, ``CreateReservation``,
...): whatever code calls a client, the channel only carries reads. Loopback endpoints get one plaintext
channel per address; others a TLS channel with the given credentials, made the way the client library
makes its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import grpc

from dashboard.backends.gcp.endpoints import GrpcTarget

READ_METHOD = re.compile(r"^(?:List|Get|Search|AggregatedList)(?:[A-Z]|$)")
"""A read RPC's method name (``ListClusters``, ``SearchAllAssignments``, ``AggregatedListJobs``)."""

CHANNEL_OPTIONS = [("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)]
"""As the client libraries set them: a large Monitoring or cluster listing page must not be cut at 4 MiB."""


class ReadOnlyViolation(PermissionError):
    """A call of an RPC that is not a read: refused before it was sent."""


def is_read_rpc(path: str) -> bool:
    """True for ``/package.Service/ListX`` (and Get, Search, AggregatedList) paths."""
    return READ_METHOD.match(path.rsplit("/", 1)[-1]) is not None


def _check(details: Any) -> None:
    method = details.method
    path = method.decode() if isinstance(method, bytes) else str(method)
    if not is_read_rpc(path):
        raise ReadOnlyViolation(f"gcpdash only reads: {path} refused before it was sent")


class ReadOnlyInterceptor(
    grpc.UnaryUnaryClientInterceptor,  # type: ignore[misc]
    grpc.UnaryStreamClientInterceptor,  # type: ignore[misc]
    grpc.StreamUnaryClientInterceptor,  # type: ignore[misc]
    grpc.StreamStreamClientInterceptor,  # type: ignore[misc]
):
    """Refuses every RPC that is not a read, for all four call shapes."""

    def intercept_unary_unary(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        """A unary call: checked, then sent."""
        _check(client_call_details)
        return continuation(client_call_details, request)

    def intercept_unary_stream(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        """A server-streaming call: checked, then sent."""
        _check(client_call_details)
        return continuation(client_call_details, request)

    def intercept_stream_unary(
        self, continuation: Any, client_call_details: Any, request_iterator: Any
    ) -> Any:
        """A client-streaming call: checked, then sent."""
        _check(client_call_details)
        return continuation(client_call_details, request_iterator)

    def intercept_stream_stream(
        self, continuation: Any, client_call_details: Any, request_iterator: Any
    ) -> Any:
        """A bidirectional call: checked, then sent."""
        _check(client_call_details)
        return continuation(client_call_details, request_iterator)


READ_ONLY = ReadOnlyInterceptor()


def plaintext_channel(address: str) -> Any:
    """A read-only plaintext channel to a loopback ``address`` (emulators, tests)."""
    return grpc.intercept_channel(grpc.insecure_channel(address, options=CHANNEL_OPTIONS), READ_ONLY)


def read_only_factory(transport_cls: Any) -> Callable[..., Any]:
    """A channel factory for ``transport_cls``: its own ``create_channel`` (TLS, credentials, scopes),
    wrapped read-only. The transport calls it with its host and credentials."""

    def create(*args: Any, **kwargs: Any) -> Any:
        return grpc.intercept_channel(transport_cls.create_channel(*args, **kwargs), READ_ONLY)

    return create


def make_client(
    target: GrpcTarget,
    client_cls: Any,
    transport_cls: Any,
    *,
    channels: dict[str, Any],
    credentials: Callable[[], Any],
    client_info: Any,
) -> Any:
    """One client on ``target``, over a read-only channel.

    Args:
        target: Where and how (plaintext for loopback).
        client_cls: E.g. ``dataproc_v1.ClusterControllerClient``.
        transport_cls: Its gRPC transport class.
        channels: Plaintext channels by address, shared by the clients of one address (filled in here).
        credentials: Returns the credentials for a TLS endpoint (called only for one).
        client_info: Who is calling (``x-goog-api-client``).
    """
    if target.insecure:
        channel = channels.get(target.address)
        if channel is None:
            channel = channels[target.address] = plaintext_channel(target.address)
        return client_cls(transport=transport_cls(channel=channel, client_info=client_info))
    transport = transport_cls(
        host=target.address,
        credentials=credentials(),
        channel=read_only_factory(transport_cls),
        client_info=client_info,
    )
    return client_cls(transport=transport)
