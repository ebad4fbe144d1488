"""What counts as a read: the read-only tests of the live backend (gRPC and REST) share these rules."""

from __future__ import annotations

import re

READ_RPC_PREFIXES = ("List", "Get", "Search", "AggregatedList")
"""gRPC method names that only read (``ListClusters``, ``SearchAllAssignments``, ``AggregatedListJobs``)."""


_READ = re.compile(rf"^(?:{'|'.join(READ_RPC_PREFIXES)})(?:[A-Z]|$)")


def rpc_method(name: str) -> str:
    """``package.Service/ListClusters`` or ``list_clusters`` → ``ListClusters``."""
    method = name.rsplit("/", 1)[-1]
    if "_" in method or method.islower():
        method = "".join(part.capitalize() for part in method.split("_"))
    return method


def is_read_only_rpc(name: str) -> bool:
    """True when the RPC (path, method name or a client's snake_case method) only reads."""
    return _READ.match(rpc_method(name)) is not None


def snake(method: str) -> str:
    """``AggregatedListJobs`` → ``aggregated_list_jobs``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", rpc_method(method)).lower()
