"""The faults the fake BigQuery REST server (:mod:`.fake_rest`) injects, and the error bodies it sends, in
the shape Google's front ends and BigQuery document (GCP_REFERENCE.md section 9): ``{"error": {"code",
"message", "errors": [{"reason", ...}], "status"}}``."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

FAULTS = ("401", "403", "rate", "404", "429", "500", "503", "504", "slow", "garbage", "page2")
"""``401`` authError (UNAUTHENTICATED), ``403`` accessDenied, ``rate`` 403 rateLimitExceeded, ``404``
notFound, ``429`` rateLimitExceeded, ``500`` internalError, ``503`` backendError, ``504`` DEADLINE_EXCEEDED
(a front end's answer: no ``errors`` list), ``slow`` (answers after the server's ``slow_seconds``),
``garbage`` (200 with an HTML body, not JSON), ``page2`` (the second page fails with 403 accessDenied)."""

ERRORS: dict[str, tuple[int, str | None, str, str]] = {
    "401": (
        401,
        "authError",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
        "other valid authentication credential.",
        "UNAUTHENTICATED",
    ),
    "403": (
        403,
        "accessDenied",
        "Access Denied: Project p: User does not have bigquery.jobs.listAll",
        "PERMISSION_DENIED",
    ),
    "rate": (
        403,
        "rateLimitExceeded",
        "Exceeded rate limits: too many api requests per user per method",
        "PERMISSION_DENIED",
    ),
    "404": (404, "notFound", "Not found: Project p", "NOT_FOUND"),
    "429": (429, "rateLimitExceeded", "Too many requests", "RESOURCE_EXHAUSTED"),
    "500": (500, "internalError", "An internal error occurred", "INTERNAL"),
    "503": (503, "backendError", "The service is currently unavailable", "UNAVAILABLE"),
    "504": (504, None, "Deadline expired before operation could complete.", "DEADLINE_EXCEEDED"),
    "page2": (403, "accessDenied", "Access Denied on a later page", "PERMISSION_DENIED"),
}
"""Per error fault: HTTP status, the ``errors[0].reason`` (None: no ``errors`` list), message, status."""

GARBAGE = b"<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>"
"""What ``garbage`` answers with 200: a proxy's HTML page, not JSON."""


def error_body(status: int, reason: str | None, message: str, name: str | None = None) -> bytes:
    """A Google API error body; ``reason`` None leaves out the ``errors`` list (as a front end does)."""
    error: dict[str, object] = {"code": status, "message": message, "status": name or reason or "UNKNOWN"}
    if reason is not None:
        error["errors"] = [{"message": message, "domain": "global", "reason": reason}]
    return json.dumps({"error": error}).encode()


@dataclass
class Rule:
    """One injected fault: on calls of these kinds (``list``, ``query``, ``results``, ``get``), in these
    projects (none: every project), after the first ``after`` of them (counted together)."""

    kinds: frozenset[str]
    fault: str
    projects: frozenset[str] = frozenset()
    after: int = 0
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def matches(self, kind: str, project: str) -> bool:
        """Whether a call of ``kind`` in ``project`` is one this rule counts."""
        return kind in self.kinds and (not self.projects or project in self.projects)

    def hits(self) -> bool:
        """Count one matching call; True when the fault applies to it."""
        with self._lock:
            self.calls += 1
            return self.calls > self.after


def make_rule(kinds: str | Iterable[str], fault: str, projects: Iterable[str], after: int) -> Rule:
    """A :class:`Rule`, checked.

    Raises:
        ValueError: An unknown fault.
    """
    if fault not in FAULTS:
        raise ValueError(f"unknown fault {fault!r}")
    chosen = frozenset([kinds] if isinstance(kinds, str) else kinds)
    return Rule(chosen, fault, frozenset(projects), after)


def answer(fault: str, page_token: str | None, slow_seconds: float) -> tuple[int, bytes] | None:
    """What the server answers under ``fault``; None: serve normally (after ``slow``'s wait, or a first
    page under ``page2``)."""
    if fault == "slow":
        time.sleep(slow_seconds)
        return None
    if fault == "garbage":
        return 200, GARBAGE
    if fault == "page2" and not page_token:
        return None
    status, reason, message, name = ERRORS[fault]
    return status, error_body(status, reason, message, name)
