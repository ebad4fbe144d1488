"""What a failed or malformed exchange means to a person: a short reason that says what to do.

A denied call names the IAM role that would allow it (:mod:`dashboard.iam`); a throttled one says polling
backs off; anything else carries the code and the first line of what the API said, cut short. The reasons
are plain text built from cloud data: whoever shows them renders them literally.
"""

from __future__ import annotations

import re
from typing import Any

from dashboard.errors import SourceError
from dashboard.iam import grant_for
from dashboard.models import SourceName
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange

MESSAGE_CHARS = 160
"""The most of an API's own message a reason quotes."""

_QUOTA_REASONS = ("rateLimitExceeded", "quotaExceeded", "RESOURCE_EXHAUSTED")
_DENIED = ("PERMISSION_DENIED", "accessDenied", "forbidden")


def call_name(exchange: Exchange) -> str:
    """The call as a person recognises it: ``jobs.list``, ``the jobs-history query``, ``ListClusters``."""
    method = exchange.method
    if exchange.api == "rest":
        if method == fmt.BQ_JOBS_QUERY:
            name = _query_name(exchange.request)
            return f"{name} query" if name else "jobs.query"
        return method.removeprefix("bigquery.")
    return method.rsplit("/", 1)[-1]


def _query_name(request: Any) -> str | None:
    labels = request.get("labels") if isinstance(request, dict) else None
    name = labels.get(fmt.QUERY_LABEL) if isinstance(labels, dict) else None
    return name if isinstance(name, str) else None


def target(exchange: Exchange) -> str:
    """Where the call went: ``project acme-etl, us-central1``; empty when the exchange does not say."""
    request = exchange.request if isinstance(exchange.request, dict) else {}
    project: str | None = None
    place: str | None = None
    if exchange.path:
        project = _after(exchange.path.split("/"), "projects")
    for key in ("projectId", "parent", "name"):
        value = request.get(key)
        if not isinstance(value, str):
            continue
        if key == "projectId":
            project = project or value
        else:
            parts = value.split("/")
            project = project or _after(parts, "projects")
            place = place or _after(parts, "locations")
    region = request.get("region") or request.get("location")
    if isinstance(region, str):
        place = region
    if project in (None, "-"):
        project = None
    where = [f"project {project}"] if project else []
    if place and place != "-":
        where.append(place)
    return ", ".join(where)


def _after(parts: list[str], collection: str) -> str | None:
    for i, part in enumerate(parts[:-1]):
        if part == collection and parts[i + 1]:
            return parts[i + 1]
    return None


def is_denied(exchange: Exchange) -> bool:
    """True when ``exchange`` failed for want of a permission (not for a quota that also says 403)."""
    error = exchange.error
    return error is not None and _is_denied(error.code or "", error.status)


def _is_denied(code: str, status: int | None) -> bool:
    if any(q in code for q in _QUOTA_REASONS):
        return False
    return any(d in code for d in _DENIED) or code.strip() == "403" or (status == 403 and code.isdigit())


def _is_quota(code: str, status: int | None) -> bool:
    return any(q in code for q in _QUOTA_REASONS) or code.startswith("429") or status == 429


_SERVICE = re.compile(r"apis/api/([a-z0-9.-]+\.googleapis\.com)")
_DISABLED = ("has not been used in project", "it is disabled", "SERVICE_DISABLED", "accessNotConfigured")


def _disabled_api(code: str, message: str) -> str | None:
    """The API a 403 / PERMISSION_DENIED says is not enabled (``dataproc.googleapis.com``), "" when it does
    not name it, None when the error is not about a disabled API at all."""
    if not any(d in code or d in message for d in _DISABLED):
        return None
    found = _SERVICE.search(message)
    return found.group(1) if found else ""


def _short(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else ""
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"


def error_reason(source: SourceName, exchange: Exchange) -> str:
    """Why ``exchange`` failed, short and actionable.

    Examples: ``403 accessDenied: needs roles/bigquery.resourceViewer on project acme-analytics
    (jobs.list)``; ``UNAVAILABLE: The service is currently unavailable. (AggregatedListJobs, project p)``.
    """
    error = exchange.error
    if error is None:
        return f"{call_name(exchange)} failed"
    code, message, status = error.code or "error", error.message or "", error.status
    where = target(exchange)
    call = call_name(exchange)
    context = f"{call}, {where}" if where else call
    disabled = _disabled_api(code, message) if _is_denied(code, status) else None
    if disabled is not None:  # not a missing role: no role helps until the API is enabled
        on = f" in {where.split(', ')[0]}" if where else ""
        enable = f"; gcloud services enable {disabled}" if disabled else ""
        return f"{code}: API not enabled{on}{enable} ({call})"
    if _is_denied(code, status):
        grant = grant_for(source, exchange.method, message)
        if grant is not None:
            on = f" on {where.split(', ')[0]}" if where else ""
            return f"{code}: needs {grant.role}{on} ({call})"
    elif _is_quota(code, status):
        return f"{code}: quota or rate limit reached, polling backs off ({context})"
    elif code in ("UNAUTHENTICATED", "401") or code.startswith("401") or status == 401:
        return f"{code}: credentials refused; run gcloud auth application-default login ({context})"
    elif code == "NOT_FOUND" or code.startswith("404") or status == 404:
        text = _short(message)
        return f"{code}: {text + '; ' if text else ''}check the project and region ({context})"
    text = _short(message)
    return f"{code}: {text} ({context})" if text else f"{code} ({context})"


def source_error(source: SourceName, exchange: Exchange) -> SourceError:
    """The :class:`SourceError` a failed primary exchange fails its poll with."""
    code = exchange.error.code if exchange.error is not None else None
    return SourceError(error_reason(source, exchange), code=code)


def garbage_error(exchange: Exchange, detail: str) -> SourceError:
    """The :class:`SourceError` for a response that is not the shape its API documents."""
    where = target(exchange)
    context = f"{call_name(exchange)}, {where}" if where else call_name(exchange)
    return SourceError(f"unexpected response from {context}: {_short(detail)}", code="GARBAGE")


def garbage_reason(exchange: Exchange, detail: str) -> str:
    """The reason of :func:`garbage_error`, for a warning."""
    return garbage_error(exchange, detail).reason


def exception_detail(exc: BaseException) -> str:
    """What a converter's exception says, e.g. ``missing 'jobReference'`` for a KeyError."""
    if isinstance(exc, KeyError):
        return f"missing {exc.args[0]!r}" if exc.args else "a required field is missing"
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
