"""BigQuery on the wire: each HTTP exchange of the client kept as a recording holds it, and a guard that
lets only reads through.

The client's HTTP session passes every response to a hook (:class:`Capture`, active per thread) that keeps
the request (method, path, query parameters, JSON body) and the response (status, JSON body) as an
:class:`~dashboard.recording.format.Exchange`. An attempt that failed and was retried is replaced by the
retry; a call that got no response (connection refused, timeout) becomes an error exchange built from the
request that was about to be sent. The guard (:func:`install`) refuses, before sending, anything but
``jobs.list``, ``jobs.get``, ``jobs.getQueryResults``, ``tables.get`` and a ``jobs.query`` of a SELECT.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange, ExchangeError

if TYPE_CHECKING:
    import requests

SOURCE = "jobs"

_local = threading.local()


def install(session: Any) -> None:
    """Put the capture hook and the read-only guard on a client's HTTP session (``client._http``)."""
    session.hooks["response"].append(_on_response)
    session.request = _read_only(session.request)


READ_METHODS = frozenset(
    {fmt.BQ_JOBS_LIST, fmt.BQ_JOBS_QUERY, fmt.BQ_GET_QUERY_RESULTS, fmt.BQ_JOBS_GET, fmt.BQ_TABLES_GET}
)
"""The only REST methods the live backend sends; ``jobs.query`` only with a SELECT."""


class ReadOnlyViolation(PermissionError):
    """gcpdash was about to call a BigQuery method that is not a read (e.g. the client's own
    ``jobs.cancel`` after a failed wait): refused before anything is sent."""


def check_read_only(http_method: str, url: str, body: Any = None) -> None:
    """Refuse any request that is not a read: a method outside :data:`READ_METHODS`, or a
    ``jobs.query`` whose SQL is not a SELECT.

    Raises:
        ReadOnlyViolation: The request would be sent otherwise.
    """
    path = urlsplit(url).path
    method = method_id(http_method.upper(), path)
    if method not in READ_METHODS:
        raise ReadOnlyViolation(f"gcpdash only reads; refused {http_method} {path}")
    if method == fmt.BQ_JOBS_QUERY:
        try:
            query = json.loads(body or b"{}").get("query", "")
        except (ValueError, AttributeError):
            query = ""
        if not is_select(str(query)):
            raise ReadOnlyViolation("gcpdash only runs SELECT queries")


def is_select(sql: str) -> bool:
    """True when ``sql`` is a single SELECT statement (comments and a trailing semicolon allowed)."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    text = " ".join(lines).strip().rstrip(";").strip()
    return text[:6].upper() == "SELECT" and ";" not in text


def _read_only(send: Any) -> Any:
    def guarded(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        check_read_only(method, url, kwargs.get("data"))
        capture: Capture | None = getattr(_local, "capture", None)
        if capture is not None:
            capture.sent(method, url, kwargs.get("data"))
        return send(method, url, *args, **kwargs)

    return guarded


def _on_response(response: requests.Response, *args: Any, **kwargs: Any) -> None:
    capture: Capture | None = getattr(_local, "capture", None)
    if capture is not None:
        capture.response(response)


def method_id(http_method: str, path: str) -> str:
    """BigQuery's discovery method id for a request, e.g. ``bigquery.jobs.list``."""
    parts = path.rstrip("/").split("/")
    tail = parts[parts.index("projects") + 2 :] if "projects" in parts[:-1] else parts
    if http_method == "GET" and tail == ["jobs"]:
        return fmt.BQ_JOBS_LIST
    if http_method == "POST" and tail == ["queries"]:
        return fmt.BQ_JOBS_QUERY
    if http_method == "GET" and len(tail) == 2 and tail[0] == "queries":
        return fmt.BQ_GET_QUERY_RESULTS
    if http_method == "GET" and len(tail) == 2 and tail[0] == "jobs":
        return fmt.BQ_JOBS_GET
    if http_method == "GET" and len(tail) == 4 and tail[0] == "datasets" and tail[2] == "tables":
        return fmt.BQ_TABLES_GET
    return f"bigquery.{http_method} {path}"


class Capture:
    """The exchanges of the calls made while it is active (``with Capture(...)``), in this thread."""

    def __init__(self, poll: int, t: datetime, source: str = SOURCE) -> None:
        """Start capturing for poll number ``poll`` of ``source`` (``jobs``, ``billing``) started at ``t``."""
        self.poll = poll
        self.t = t
        self.source = source
        self.exchanges: list[Exchange] = []
        self._previous: Capture | None = None
        self._pending: tuple[str, str, Any] | None = None

    def __enter__(self) -> Capture:
        """Capture in this thread."""
        self._previous = getattr(_local, "capture", None)
        _local.capture = self
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop capturing."""
        _local.capture = self._previous

    @property
    def pending(self) -> bool:
        """True while a request went out and no response came back (yet)."""
        return self._pending is not None

    def sent(self, http_method: str, url: str, body: Any) -> None:
        """A request is about to go out: what an error exchange says when no response comes back."""
        self._pending = (http_method, url, body)

    def response(self, response: requests.Response) -> None:
        """Keep one HTTP response as an exchange (replacing a failed attempt the client retried)."""
        self._pending = None
        request = response.request
        url = urlsplit(request.url or "")
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        http_method = request.method or "GET"
        body = _json_body(request.body)
        status = response.status_code
        payload: Any
        try:
            payload = json.loads(response.content) if response.content else None
        except ValueError:
            payload = None
        error: ExchangeError | None = None
        if status >= 400:
            error = _http_error(status, payload, response.reason or "")
            payload = None
        elif not isinstance(payload, dict):
            snippet = response.content[:60].decode("utf-8", "replace")
            error = ExchangeError(code="GARBAGE", message=f"the response is not a JSON object: {snippet!r}")
            payload = None
        exchange = Exchange(
            v=1,
            poll=self.poll,
            t=self.t,
            source=self.source,
            api="rest",
            method=method_id(http_method, url.path),
            request=body,
            response=payload,
            error=error,
            http_method=http_method,
            path=url.path,
            params=params,
            status=status,
        )
        last = self.exchanges[-1] if self.exchanges else None
        if (
            last is not None
            and last.error is not None
            and (last.http_method, last.path, last.params) == (http_method, url.path, params)
        ):
            self.exchanges[-1] = exchange
        else:
            self.exchanges.append(exchange)

    def failed(
        self,
        exc: BaseException,
        method: str,
        path: str,
        params: dict[str, str],
        body: dict[str, Any] | None = None,
    ) -> bool:
        """After a call raised ``exc``: unless the last response already says why, add an error exchange
        for the call (the request about to be sent, else ``method`` at ``path`` with ``body``). Returns True
        (the call failed)."""
        last = self.exchanges[-1] if self.exchanges else None
        if self._pending is None and last is not None and last.error is not None:
            return True
        body = body or {}
        if self._pending is not None:
            http_method, url, raw = self._pending
            parts = urlsplit(url)
            path, params, body = (
                parts.path,
                dict(parse_qsl(parts.query, keep_blank_values=True)),
                _json_body(raw),
            )
            method = method_id(http_method.upper(), path)
            self._pending = None
        self.exchanges.append(
            Exchange(
                v=1,
                poll=self.poll,
                t=self.t,
                source=self.source,
                api="rest",
                method=method,
                request=body,
                error=error_of(exc),
                http_method="POST" if method == fmt.BQ_JOBS_QUERY else "GET",
                path=path,
                params=params,
            )
        )
        return True


def _json_body(raw: Any) -> dict[str, Any]:
    """A request's JSON body as sent (empty when there is none or it is not a JSON object)."""
    if not isinstance(raw, (bytes, str)) or not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _http_error(status: int, payload: Any, reason_phrase: str) -> ExchangeError:
    """``403 accessDenied`` and BigQuery's message, from an error body (or the status line)."""
    error = payload.get("error") if isinstance(payload, dict) else None
    reason, message = "", reason_phrase
    if isinstance(error, dict):
        message = str(error.get("message") or message)
        errors = error.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            reason = str(errors[0].get("reason") or "")
        reason = reason or str(error.get("status") or "")
    return ExchangeError(code=f"{status} {reason}".strip(), message=message, status=status)


def error_of(exc: BaseException) -> ExchangeError:
    """An exception raised with no error response to show for it, as an exchange's error."""
    import requests
    from google.api_core import exceptions as gexc

    cause: BaseException | None = exc
    while isinstance(cause, gexc.RetryError) and cause.cause is not None:
        cause = cause.cause
    if isinstance(cause, requests.exceptions.Timeout):
        return ExchangeError(code="DEADLINE_EXCEEDED", message="no answer within the timeout")
    if isinstance(cause, requests.exceptions.ConnectionError):
        text = str(cause)
        what = "connection refused" if "refused" in text.lower() else "cannot connect"
        found = re.search(r"host='([^']+)', port=(\d+)", text)
        where = f" by {found[1]}:{found[2]}" if found else ""
        return ExchangeError(code="UNAVAILABLE", message=f"{what}{where}")
    if isinstance(cause, gexc.RetryError):
        return ExchangeError(code="DEADLINE_EXCEEDED", message=str(cause.message))
    if isinstance(cause, gexc.GoogleAPICallError):
        status = int(cause.code or 0) or None
        reason = getattr(cause, "reason", None) or ""
        return ExchangeError(code=f"{status or ''} {reason}".strip() or "ERROR", message=str(cause.message))
    if isinstance(cause, ValueError):
        return ExchangeError(code="GARBAGE", message=f"the response could not be read: {cause}"[:300])
    return ExchangeError(code="UNKNOWN", message=f"{type(cause).__name__}: {cause}"[:300])
