"""How much one poll spends on a failing service: retries bounded per call and per poll.

Per call, a transient error (503 / UNAVAILABLE, a timeout) is tried at most :data:`MAX_ATTEMPTS` times with
jittered exponential backoff (the client's), and a quota error (429, RESOURCE_EXHAUSTED,
rateLimitExceeded) not again at all: the poll backs off instead (:func:`backoff`). Per poll, once a service
answered one call with a quota error, 503 / UNAVAILABLE or no answer in time (:func:`trips`), the poll's
other calls to that service are not made (a gRPC API's quota and its endpoint serve all its methods); for
BigQuery, whose rate limits and backends are per method, only that method's (a failing history query does
not stop another project's ``jobs.list``). Each call not made is kept
as an error exchange saying why (:meth:`PollBudget.skip`), so the parser marks its part as it would a
failed call.

No Google import: the predicates look at exceptions by their attributes.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterable

from dashboard.recording.format import Exchange, ExchangeError

MAX_ATTEMPTS = 3
"""Attempts of one call at most (the first and two retries), within the retry deadline."""

RETRIED_NOTE = "still failing after retries"
"""The note (PEP 678) :func:`bounded` adds to the exception it gives up on."""

BACKOFF_CAP = 16
"""A source backing off waits at most this many intervals."""

_QUOTA = ("rateLimitExceeded", "quotaExceeded", "RESOURCE_EXHAUSTED")
_TRIPS = frozenset({"UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED"})


def is_quota(error: ExchangeError) -> bool:
    """True for a quota or rate limit error (429, RESOURCE_EXHAUSTED, 403 rateLimitExceeded)."""
    code = error.code or ""
    return error.status == 429 or code.startswith("429") or any(q in code for q in _QUOTA)


def trips(error: ExchangeError) -> bool:
    """True when ``error`` says the service will not answer the poll's other calls either: a quota error,
    503 / UNAVAILABLE (refused connections too) or DEADLINE_EXCEEDED (no answer in time)."""
    code = error.code or ""
    return is_quota(error) or code in _TRIPS or error.status == 503 or code.startswith("503")


def throttled(exchanges: Iterable[Exchange], *, failed: bool = False) -> bool:
    """True when the source backs off after a poll of ``exchanges``: a call answered with a quota error,
    or (``failed``: the poll has no data) with 503 / UNAVAILABLE. A 503 of one part of a poll that still
    has data (a Monitoring metric) does not hold the rest back."""
    for exchange in exchanges:
        error = exchange.error
        if error is None:
            continue
        code = error.code or ""
        unavailable = code == "UNAVAILABLE" or error.status == 503 or code.startswith("503")
        if is_quota(error) or (failed and unavailable):
            return True
    return False


def backoff(interval: float, streak: int, rng: random.Random) -> float:
    """Seconds the next poll waits after ``streak`` throttled polls in a row (from 1):
    ``interval * 2**streak`` (at most :data:`BACKOFF_CAP` intervals), jittered down by up to a quarter so
    that sources and instances do not come back together."""
    full = interval * min(2.0**streak, float(BACKOFF_CAP))
    return full * rng.uniform(0.75, 1.0)


def _is_quota_exception(exc: BaseException) -> bool:
    if getattr(exc, "code", None) == 429:
        return True
    grpc_status = getattr(exc, "grpc_status_code", None)
    if getattr(grpc_status, "name", None) == "RESOURCE_EXHAUSTED":
        return True
    errors = getattr(exc, "errors", None)
    reason = ""
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        reason = str(errors[0].get("reason") or "")
    return any(q in reason for q in _QUOTA)


def bounded(retryable: Callable[[Exception], bool], attempts: int = MAX_ATTEMPTS) -> Callable[..., bool]:
    """A retry predicate for one call: ``retryable``, but never a quota error and for at most
    ``attempts`` attempts in all (a fresh predicate per call: it counts)."""
    failures = [0]
    lock = threading.Lock()

    def allowed(exc: Exception) -> bool:
        if _is_quota_exception(exc) or not retryable(exc):
            return False
        with lock:
            failures[0] += 1
            if failures[0] < attempts:
                return True
        exc.add_note(RETRIED_NOTE)
        return False

    return allowed


SKIPPED = "not asked: "
"""How the message of a call not made (:meth:`PollBudget.skip`) starts."""


def was_skipped(exchange: Exchange) -> bool:
    """True for the error exchange of a call the budget did not make."""
    error = exchange.error
    return error is not None and (error.message or "").startswith(SKIPPED)


class PollBudget:
    """The services that tripped (:func:`trips`) in one poll, shared by the poll's threads."""

    def __init__(self, *, per_method: bool = False) -> None:
        """Nothing tripped yet. ``per_method``: a failure stops only its method (BigQuery's per-method
        rate limits and backends); by default it stops the service."""
        self._per_method = per_method
        self._lock = threading.Lock()
        self._tripped: dict[str, tuple[str, ExchangeError]] = {}

    def skip(self, service: str, method: str) -> ExchangeError | None:
        """The error a call of ``method`` to ``service`` is kept with instead of being made, when the
        service (or, ``per_method``, the method) tripped earlier in this poll: the same code, and a message
        naming the call that tripped it."""
        with self._lock:
            found = self._tripped.get(service) or self._tripped.get(f"{service} {method}")
        if found is None:
            return None
        call, error = found
        return ExchangeError(
            code=error.code,
            message=f"{SKIPPED}{call} answered {error.code} earlier in this poll",
            status=error.status,
        )

    def spend(self, service: str, call: str, error: ExchangeError | None) -> None:
        """Count a call's outcome: a failure that :func:`trips` stops ``service`` (``per_method``: ``call``)
        for the rest of the poll."""
        if error is not None and trips(error):
            key = f"{service} {call}" if self._per_method else service
            with self._lock:
                self._tripped.setdefault(key, (call, error))
