"""The Vertex AI source's live fetch over Vertex AI's REST API (``https://{region}-aiplatform.googleapis.com``:
the regional endpoint is mandatory), with ``google-auth``'s ``AuthorizedSession``, imported inside the
functions only. docs/vertex.md says why not ``google-cloud-aiplatform`` (its import time and size).

Per project and region, side by side: ``pipelineJobs.list`` of the runs created in the window, or still
running from before it (filtered server-side, newest first, without their ``pipelineSpec``),
``modelDeploymentMonitoringJobs.list``, and for each monitoring job and deployed model the stats anomalies
of the window. Every page is one exchange; a
request that failed with a transient error (429, 5xx, no answer) is retried within ``[timeouts]
retry_deadline``, each attempt bounded by ``[timeouts] call``, and only the last attempt is kept. The
session is guarded: anything but those reads is refused before it is sent (:func:`check_read_only`).

The endpoint is ``[sources.vertex] endpoint`` (one base URL for every region: a fake, a private endpoint;
``http://`` only to loopback), else Google's regional one.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Final
from urllib.parse import urlsplit

from dashboard.backends.gcp.context import FetchContext
from dashboard.backends.gcp.threads import daemon_map
from dashboard.errors import SourceError, UsageError
from dashboard.recording.format import Exchange, ExchangeError
from dashboard.sources.vertex.model import LIST_MONITORING_JOBS, LIST_PIPELINE_JOBS, SEARCH_ANOMALIES

SOURCE = "vertex"
WINDOW: Final = timedelta(hours=24)
"""How far back the runs and the monitoring stats are read (runs created since, ``create_time>``)."""
READ_MASK: Final = (
    "name,displayName,state,createTime,startTime,endTime,updateTime,labels,error,templateUri,"
    "jobDetail.taskDetails,pipelineSpec.pipelineInfo"
)
"""The ``PipelineJob`` fields read: not the (large) rest of ``pipelineSpec``, nor the runtime config."""
PAGE_SIZE: Final = 100
MAX_PAGES: Final = 20
"""Pages one listing reads at most in a poll (2,000 runs of one region in a day)."""
OBJECTIVES: Final = ("RAW_FEATURE_DRIFT", "RAW_FEATURE_SKEW")
TRANSIENT: Final = frozenset({429, 500, 502, 503, 504})
PARALLEL: Final = 4

_LOCK = threading.Lock()


class ReadOnlyViolation(PermissionError):
    """gcpdash was about to send a Vertex AI request that is not one of its reads: refused, never sent."""


def check_read_only(http_method: str, url: str) -> None:
    """Let through only ``GET .../pipelineJobs``, ``GET .../modelDeploymentMonitoringJobs`` and the one
    documented read that is a POST, ``POST .../modelDeploymentMonitoringJobs/J:searchModelDeployment
    MonitoringStatsAnomalies``.

    Raises:
        ReadOnlyViolation: Anything else.
    """
    path = urlsplit(url).path
    verb = http_method.upper()
    parts = path.rstrip("/").split("/")
    listing = verb == "GET" and parts[-1] in ("pipelineJobs", "modelDeploymentMonitoringJobs")
    search = (
        verb == "POST"
        and len(parts) >= 2
        and parts[-2] == "modelDeploymentMonitoringJobs"
        and parts[-1].endswith(":searchModelDeploymentMonitoringStatsAnomalies")
        and parts[-1].count(":") == 1
    )
    if not (listing or search):
        raise ReadOnlyViolation(f"gcpdash only reads; refused {http_method} {path}")


def guard(session: Any) -> Any:
    """Put the read-only check in front of every request of ``session`` (an ``AuthorizedSession``)."""
    send = session.request

    def guarded(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        check_read_only(method, url)
        return send(method, url, *args, **kwargs)

    session.request = guarded
    return session


def base_url(ctx: FetchContext, region: str) -> str:
    """Where a region's requests go: ``[sources.vertex] endpoint``, else Google's regional endpoint."""
    settings = ctx.config.sources.get(SOURCE)
    endpoint = settings.endpoint if settings is not None else None
    if endpoint:
        from dashboard import validate

        try:
            return validate.rest_endpoint(
                endpoint, anonymous=ctx.anonymous, where="[sources.vertex] endpoint"
            ).rstrip("/")
        except UsageError as exc:
            raise SourceError(str(exc), code="CONFIG") from None
    if ctx.anonymous:
        raise SourceError(
            "[auth] anonymous sends no credentials, which Google's Vertex AI endpoint refuses: set "
            "[sources.vertex] endpoint or [sources.vertex] enabled = false",
            code="CONFIG",
        )
    return f"https://{region}-aiplatform.googleapis.com"


def session_of(ctx: FetchContext) -> Any:
    """The guarded ``AuthorizedSession`` of the live backend, made on first use (kept in ``ctx.state``)."""
    with _LOCK:
        found = ctx.state.get(SOURCE)
        if found is None:
            from google.auth.transport.requests import AuthorizedSession

            # anonymous credentials cannot be refreshed: a 401 is the answer, not a cue to refresh
            refresh = () if ctx.anonymous else (401,)
            session = AuthorizedSession(ctx.credentials, refresh_status_codes=refresh)  # type: ignore[no-untyped-call]
            found = ctx.state[SOURCE] = guard(session)
        return found


def _http_error(status: int, payload: Any, phrase: str) -> ExchangeError:
    """``403 PERMISSION_DENIED`` and Google's message, from an error body (or the status line)."""
    error = payload.get("error") if isinstance(payload, dict) else None
    reason, message = "", phrase
    if isinstance(error, dict):
        message = str(error.get("message") or message)
        errors = error.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            reason = str(errors[0].get("reason") or "")
        reason = reason or str(error.get("status") or "")
    return ExchangeError(code=f"{status} {reason}".strip(), message=message[:500], status=status)


class Pages:
    """One poll's requests: each page an exchange, transient failures retried within the deadline."""

    def __init__(self, ctx: FetchContext, session: Any, poll: int, t: datetime) -> None:
        """Requests of poll ``poll`` (started at ``t``) through ``session``."""
        self.ctx, self.session, self.poll, self.t = ctx, session, poll, t

    def _exchange(
        self, method: str, verb: str, url: str, params: dict[str, str], body: dict[str, Any]
    ) -> Exchange:
        from google.auth.exceptions import GoogleAuthError

        from dashboard.backends.gcp.bq_wire import error_of

        give_up = time.monotonic() + self.ctx.deadline
        delay = 0.5
        while True:
            status: int | None = None
            payload: Any = None
            error: ExchangeError | None = None
            try:
                response = self.session.request(
                    verb,
                    url,
                    params=params or None,
                    data=json.dumps(body) if verb == "POST" else None,
                    headers={"Content-Type": "application/json"} if verb == "POST" else None,
                    timeout=self.ctx.timeout,
                )
                status = int(response.status_code)
                try:
                    payload = json.loads(response.content) if response.content else None
                except ValueError:
                    payload = None
                if status >= 400:
                    error, payload = _http_error(status, payload, str(response.reason or "")), None
                elif not isinstance(payload, dict):
                    snippet = bytes(response.content[:60]).decode("utf-8", "replace")
                    error = ExchangeError(
                        code="GARBAGE", message=f"the response is not a JSON object: {snippet!r}"
                    )
                    payload = None
            except ReadOnlyViolation:
                raise
            except GoogleAuthError as exc:  # the credentials could not be refreshed: no request went out
                error = ExchangeError(code="401 UNAUTHENTICATED", message=str(exc)[:300], status=401)
            except Exception as exc:  # no answer: a timeout, a refused connection
                error = error_of(exc)
            # a 429 or 5xx, or no answer at all (a timeout, a refused connection); never a refused credential
            retry = error is not None and (
                status in TRANSIENT or (status is None and error.code in ("DEADLINE_EXCEEDED", "UNAVAILABLE"))
            )
            if retry and time.monotonic() + delay < give_up:
                time.sleep(delay)
                delay = min(delay * 2, 4.0)
                continue
            path = urlsplit(url).path
            request = body if verb == "POST" else {"parent": path.split("/v1/", 1)[-1].rsplit("/", 1)[0]}
            return Exchange(
                v=1,
                poll=self.poll,
                t=self.t,
                source=SOURCE,
                api="rest",
                method=method,
                request=request,
                response=payload,
                error=error,
                http_method=verb,
                path=path,
                params=params,
                status=status,
            )

    def every_page(
        self, method: str, verb: str, url: str, params: dict[str, str], body: dict[str, Any] | None = None
    ) -> list[Exchange]:
        """Every page of a listing (``nextPageToken``), up to :data:`MAX_PAGES`; stops at a failed page."""
        found: list[Exchange] = []
        token = ""
        for _ in range(MAX_PAGES):
            page_params = dict(params)
            page_body = dict(body or {})
            if token and verb == "GET":
                page_params["pageToken"] = token
            elif token:
                page_body["pageToken"] = token
            ex = self._exchange(method, verb, url, page_params, page_body)
            found.append(ex)
            token = str((ex.response or {}).get("nextPageToken") or "") if ex.error is None else ""
            if not token:
                break
        return found


def _rfc3339(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fetch_region(pages: Pages, base: str, project: str, region: str, t: datetime) -> list[Exchange]:
    """One project's and region's runs, monitoring jobs and their stats anomalies."""
    start = _rfc3339(t - WINDOW)
    parent = f"{base}/v1/projects/{project}/locations/{region}"
    found = pages.every_page(
        LIST_PIPELINE_JOBS,
        "GET",
        f"{parent}/pipelineJobs",
        {
            # and a run still running from before the window (the filter takes AND and OR)
            "filter": f'create_time>"{start}" OR state="PIPELINE_STATE_RUNNING"',
            "orderBy": "create_time desc",
            "readMask": READ_MASK,
            "pageSize": str(PAGE_SIZE),
        },
    )
    if all(ex.error is not None for ex in found):
        return found  # the region cannot be read: its monitoring jobs would fail the same way
    listing = pages.every_page(
        LIST_MONITORING_JOBS, "GET", f"{parent}/modelDeploymentMonitoringJobs", {"pageSize": str(PAGE_SIZE)}
    )
    found.extend(listing)
    for ex in listing:
        for job in (ex.response or {}).get("modelDeploymentMonitoringJobs") or ():
            if not isinstance(job, dict) or not isinstance(job.get("name"), str):
                continue
            for config in job.get("modelDeploymentMonitoringObjectiveConfigs") or ():
                model = config.get("deployedModelId") if isinstance(config, dict) else None
                if not model:
                    continue
                body = {
                    "deployedModelId": str(model),
                    "objectives": [{"type": o} for o in OBJECTIVES],
                    "startTime": start,
                    "endTime": _rfc3339(t),
                    "pageSize": PAGE_SIZE,
                }
                url = f"{base}/v1/{job['name']}:searchModelDeploymentMonitoringStatsAnomalies"
                found.extend(pages.every_page(SEARCH_ANOMALIES, "POST", url, {}, body))
    return found


def fetch(ctx: FetchContext, t: datetime) -> list[Exchange]:
    """The spec's ``fetch``: every configured project and region, side by side."""
    parts = [(p, r) for p in ctx.projects for r in ctx.regions]
    if not parts:
        raise SourceError("no region to read Vertex AI in: set [gcp] regions", code="CONFIG")
    bases = {r: base_url(ctx, r) for r in ctx.regions}
    pages = Pages(ctx, session_of(ctx), ctx.poll_number(SOURCE), t)
    task: Callable[[tuple[str, str]], list[Exchange]] = lambda part: fetch_region(  # noqa: E731
        pages, bases[part[1]], part[0], part[1], t
    )
    results = daemon_map(task, parts, workers=min(PARALLEL, len(parts)), name="gcpdash-vertex")
    return [ex for found in results for ex in found]
