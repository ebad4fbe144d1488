"""What every source's parser shares while it reads one poll: the rules for failed and malformed exchanges.

A *primary* exchange (the listing a source cannot do without: jobs.list, ListReservations, ListClusters,
AggregatedListJobs) is read per *part* (a project, an admin project's location, a project's region): one
that failed or returned garbage marks its part incomplete with a warning (``jobs.list failed for acme-bi:
...``) and the other parts' data stays, as do the pages of that part read before the failure; only when
not one page answered does the poll fail, with a :class:`~dashboard.errors.SourceError`. A *secondary*
one (a Monitoring metric, the history query, the commitments) only adds a warning: the poll's data comes
back without that part.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from dashboard.errors import SourceError
from dashboard.models import SourceName
from dashboard.parsers.common import Garbage, TimeCache
from dashboard.parsers.faults import (
    call_name,
    error_reason,
    exception_detail,
    garbage_error,
    garbage_reason,
    source_error,
)
from dashboard.recording.format import Exchange

T = TypeVar("T")

MALFORMED = (Garbage, KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError, OSError)
"""What a converter raises on a payload of the wrong shape (``OSError``/``OverflowError``: a timestamp out
of range). Caught per exchange, never let out raw."""


class PollContext:
    """One poll being parsed: its source, its warnings, and a cache of parsed timestamps.

    Built fresh for every poll; nothing here outlives it.
    """

    __slots__ = ("_answered", "_failure", "_incomplete", "_warnings", "source", "times")

    def __init__(self, source: SourceName) -> None:
        """Start parsing a poll of ``source``."""
        self.source: SourceName = source
        self.times = TimeCache()
        """RFC 3339 strings parsed so far in this poll."""
        self._warnings: dict[str, None] = {}
        self._incomplete: dict[str, None] = {}
        self._answered: set[str] = set()
        self._failure: SourceError | None = None

    def warn(self, text: str) -> None:
        """Add a warning (once, however often it happens in the poll)."""
        self._warnings[text] = None

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warnings so far, in the order they first happened."""
        return tuple(self._warnings)

    def primary(self, exchange: Exchange, read: Callable[..., T], *args: Any) -> T:
        """Read a primary exchange's response: ``read(response, *args)``.

        Raises:
            SourceError: The exchange carries an error, or its response is not the documented shape.
        """
        if exchange.error is not None:
            raise source_error(self.source, exchange)
        response = exchange.response
        if type(response) is not dict:
            raise garbage_error(exchange, _not_an_object(response))
        try:
            return read(response, *args)
        except MALFORMED as exc:
            raise garbage_error(exchange, exception_detail(exc)) from exc

    def listing(self, exchange: Exchange, part: str, read: Callable[..., T], *args: Any) -> T | None:
        """Read a page of a primary listing of ``part`` (``acme-bi``, ``acme-admin/US``): like
        :meth:`primary`, but a failed or malformed page marks ``part`` incomplete with a warning
        (``jobs.list failed for acme-bi: <reason>``) instead of failing the poll; :meth:`check` fails it
        when no part answered.

        Returns:
            What ``read`` returned, or None when the page failed.
        """
        try:
            found = self.primary(exchange, read, *args)
        except SourceError as exc:
            if self._failure is None:
                self._failure = exc
            if part not in self._incomplete:
                self._incomplete[part] = None
                self.warn(f"{call_name(exchange)} failed for {part}: {exc.reason}")
            return None
        self._answered.add(part)
        return found

    @property
    def incomplete(self) -> tuple[str, ...]:
        """The parts whose listing failed, in the order they failed."""
        return tuple(self._incomplete)

    def check(self) -> None:
        """Fail the poll when parts were listed and not one page of any answered (a part whose first pages
        answered before a later one failed keeps what they held: shown, and marked incomplete).

        Raises:
            SourceError: The first failure's, when no part answered.
        """
        if self._failure is not None and not self._answered:
            raise self._failure

    def secondary(
        self, exchange: Exchange, what: str | Callable[[Exchange], str], read: Callable[..., T], *args: Any
    ) -> T | None:
        """Read a secondary exchange's response, ``read(response, *args)``; on an error or garbage, warn
        ``"{what}: {reason}"``. ``what`` may be a function of the exchange, called only when needed.

        Returns:
            What ``read`` returned, or None when the exchange failed (a warning says why).
        """
        response = exchange.response
        if exchange.error is not None:
            reason = error_reason(self.source, exchange)
        elif type(response) is not dict:
            reason = garbage_reason(exchange, _not_an_object(response))
        else:
            try:
                return read(response, *args)
            except MALFORMED as exc:
                reason = garbage_reason(exchange, exception_detail(exc))
        subject = what if isinstance(what, str) else what(exchange)
        self.warn(f"{subject}: {reason}")
        return None


def request_of(exchange: Exchange) -> dict[str, Any]:
    """The exchange's request body, or an empty one when it has none (or not an object)."""
    request = exchange.request
    return request if type(request) is dict else {}


def params_of(exchange: Exchange) -> dict[str, Any]:
    """A REST exchange's query parameters, or none."""
    params = exchange.params
    return params if type(params) is dict else {}


def _not_an_object(response: Any) -> str:
    if response is None:
        return "neither a response nor an error"
    return f"the response is {type(response).__name__}, expected an object"
