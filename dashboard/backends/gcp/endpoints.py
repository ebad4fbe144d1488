"""Where each gRPC service is reached: Google's endpoints by default, a configured override otherwise.

Pure functions, no Google import: the live backend turns a :class:`GrpcTarget` into a channel. Google's
endpoint of a source's service is declared on its spec (``SourceSpec.hosts``). Dataproc is
regional (``{region}-dataproc.googleapis.com:443``); the other services are global. An override such as
``127.0.0.1:9060`` (an emulator, a test's fake server) is plaintext when its host is a loopback address and
TLS otherwise; ``{region}`` in a Dataproc override is replaced by the region (private endpoints).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Final

from dashboard import registry

GrpcService = str
"""A gRPC service by its ``[endpoints]`` key: ``monitoring``, or one a source's spec declares (``hosts``)."""

SHARED_HOSTS: Final[dict[GrpcService, str]] = {"monitoring": "monitoring.googleapis.com:443"}
"""Google's endpoint of each service that several sources read (Cloud Monitoring's time series)."""


def default_host(service: GrpcService) -> str:
    """Google's own endpoint of ``service``: a shared one, else the one a source's spec declares
    (``SourceSpec.hosts``); ``{region}`` is left for a regional service.

    Raises:
        KeyError: No source reaches ``service``.
    """
    found = SHARED_HOSTS.get(service)
    if found is not None:
        return found
    for spec in registry.sources():
        if service in spec.hosts:
            return spec.hosts[service]
    raise KeyError(service)


_SCHEMES = ("grpc://", "grpcs://", "http://", "https://", "dns:///")


@dataclass(frozen=True)
class GrpcTarget:
    """An endpoint to open a channel to."""

    address: str
    """``host:port``."""
    insecure: bool
    """Plaintext (a loopback override); otherwise TLS with credentials."""


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.1``, ``::1``), brackets allowed."""
    name = host.strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def split_host_port(address: str) -> tuple[str, int | None]:
    """``host:port`` → ``(host, port)``; IPv6 in brackets (``[::1]:9060``); no port → None."""
    if address.startswith("["):
        host, _, rest = address[1:].partition("]")
        port = rest.removeprefix(":")
        return host, int(port) if port else None
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or ":" in host:
        return address, None
    return host, int(port)


def grpc_target(service: GrpcService, override: str | None = None, region: str | None = None) -> GrpcTarget:
    """The endpoint of ``service``, for ``region`` when the service is regional.

    Args:
        service: Its ``[endpoints]`` key (:func:`default_host`).
        override: The ``[endpoints]`` setting, e.g. ``127.0.0.1:9060`` or
            ``{region}-dataproc.p.example.com:443``; None for Google's endpoint. A scheme
            (``http://``, ``grpc://``) is accepted and dropped; a missing port means 443.
        region: The Dataproc region (``us-central1``); required for Dataproc's default endpoint.

    Returns:
        Where to connect and whether the channel is plaintext (only ever for a loopback host).

    Raises:
        ValueError: Dataproc without a region, or an override that is empty.
    """
    template = default_host(service) if override is None else override.strip()
    for scheme in _SCHEMES:
        template = template.removeprefix(scheme)
    template = template.rstrip("/")
    if not template:
        raise ValueError(f"the {service} endpoint is empty")
    if "{region}" in template:
        if not region:
            raise ValueError(f"the {service} endpoint {template!r} needs a region")
        template = template.replace("{region}", region)
    host, port = split_host_port(template)
    address = template if port is not None else f"{template}:443"
    return GrpcTarget(address=address, insecure=is_loopback(host))
