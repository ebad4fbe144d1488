"""The queues source's live fetch: ``GET {endpoint}/v1/projects/{project}/queues``, every page, one
exchange each (what a recording holds). The endpoint is ``[sources.queues] endpoint``."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from typing import Any

from dashboard.errors import SourceError
from dashboard.recording.format import Exchange, ExchangeError

LIST = "acme.queues.list"


def fetch(ctx: Any, t: datetime) -> list[Exchange]:
    settings = ctx.config.sources.get("queues")
    endpoint = settings.endpoint if settings is not None else None
    if not endpoint:
        raise SourceError("no endpoint: set [sources.queues] endpoint", code="CONFIG")
    poll = ctx.next_poll("queues")
    out: list[Exchange] = []
    for project in ctx.projects:
        path = f"/v1/projects/{project}/queues"
        params: dict[str, str] = {}
        while True:
            url = endpoint.rstrip("/") + path + ("?" + urllib.parse.urlencode(params) if params else "")
            base = {"v": 1, "poll": poll, "t": t, "source": "queues", "api": "rest", "method": LIST}
            request = {"http_method": "GET", "path": path, "params": dict(params)}
            try:
                with urllib.request.urlopen(url, timeout=ctx.timeout) as answer:
                    body = json.loads(answer.read())
            except urllib.error.HTTPError as exc:
                error = _error_of(exc)
                out.append(Exchange(**base, **request, error=error, status=exc.code))
                break
            except (OSError, ValueError) as exc:
                error = ExchangeError(code="UNAVAILABLE", message=f"{type(exc).__name__}: {exc}")
                out.append(Exchange(**base, **request, error=error))
                break
            out.append(Exchange(**base, **request, response=body, status=200))
            token = body.get("nextPageToken")
            if not token:
                break
            params = {"pageToken": token}
    return out


def _error_of(exc: urllib.error.HTTPError) -> ExchangeError:
    """A failed call as gcpdash records REST errors: ``403 PERMISSION_DENIED`` (the HTTP status and the
    error body's ``status``), the body's message."""
    try:
        body = json.loads(exc.read()).get("error", {})
    except (OSError, ValueError, AttributeError):
        body = {}
    status = str(body.get("status") or exc.reason)
    return ExchangeError(
        code=f"{exc.code} {status}", message=str(body.get("message") or exc), status=exc.code
    )
