"""What a failed gRPC call said, as an exchange's ``error``: the status name and a message a person can
read (a refused connection as ``cannot connect to ADDRESS: Connection refused``).

Imported only by the live backend: importing this module loads grpc.
"""

from __future__ import annotations

import re

import grpc
from google.api_core import exceptions as gexc

from dashboard.backends.gcp.budget import RETRIED_NOTE
from dashboard.recording.format import ExchangeError


def error_of(exc: BaseException) -> ExchangeError:
    """What a failed call said, as an exchange's ``error``: the gRPC status name and the message.

    ``RetryError`` (not a ``GoogleAPICallError``) carries the last attempt's error as its cause; a
    response that could not be decoded is ``INTERNAL`` with a message that says so.
    """
    if isinstance(exc, gexc.RetryError):
        cause = exc.cause
        if cause is None or isinstance(cause, gexc.RetryError):
            return ExchangeError(code="DEADLINE_EXCEEDED", message=str(exc.message))
        inner = error_of(cause)
        if inner.message.endswith(f"({RETRIED_NOTE})"):
            return inner
        return ExchangeError(code=inner.code, message=f"{inner.message} ({RETRIED_NOTE})")
    if isinstance(exc, gexc.GoogleAPICallError):
        status = exc.grpc_status_code
        code = status.name if status is not None else _code_of_http(exc.code)
        message = _connect_error(str(exc.message or ""))
        if code == "INTERNAL" and "deserializ" in message.lower():
            message = f"the response could not be decoded ({message})"
        if RETRIED_NOTE in getattr(exc, "__notes__", ()):  # the retry gave up after its attempts
            message = f"{message} ({RETRIED_NOTE})"
        return ExchangeError(code=code, message=message)
    if isinstance(exc, grpc.RpcError):
        status_fn = getattr(exc, "code", None)
        details_fn = getattr(exc, "details", None)
        status = status_fn() if callable(status_fn) else None
        details = details_fn() if callable(details_fn) else ""
        return ExchangeError(code=getattr(status, "name", "UNKNOWN"), message=str(details or ""))
    return ExchangeError(code="UNKNOWN", message=f"{type(exc).__name__}: {exc}")


_CONNECT = re.compile(
    r"failed to connect to all addresses.*?\b(?:ipv[46]|unix):(\S+?): (?:.*: )?([^:]+)$", re.DOTALL
)


def _connect_error(message: str) -> str:
    """grpc's long "failed to connect to all addresses; last error: ..." as ``cannot connect to ADDRESS:
    Connection refused``; any other message unchanged."""
    found = _CONNECT.match(message.strip())
    if found is None:
        return message
    return f"cannot connect to {found.group(1)}: {found.group(2).strip()}"


def _code_of_http(code: int | None) -> str:
    table = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND"}
    table |= {429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
    return table.get(code or 0, "UNKNOWN")
