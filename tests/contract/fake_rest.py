"""A fake BigQuery REST server on 127.0.0.1, serving the demo recording's payloads, logging every request
and injecting faults.

Serves ``GET .../projects/P/jobs`` (running jobs of P, paged by ``maxResults``/``pageToken``), ``POST
.../projects/P/queries`` (keyed by P and the ``gcpdash-query`` label), ``GET .../projects/P/queries/JOB``
(further result pages, by ``pageToken``) and ``tables.get`` (the recording's, :mod:`.fake_tables`).
Anything else is 404 and logged, so a test of the log sees it.

Given a :class:`~tests.contract.fake_jobs.FakeJobs` instead of a recording, it serves what that holds per
project: ``jobs.list`` filtered by its ``stateFilter`` values, and INFORMATION_SCHEMA.JOBS queries evaluated
on the path project's rows. A query of a table in :attr:`FakeRest.tables` is not answered from the
recording: :mod:`.fake_sql` runs it on the table's rows (with the request's parameters).
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

from .fake_jobs import FakeJobs, QueryError
from .fake_recorded import DEMO, Recorded, load
from .fake_rest_faults import FAULTS, Rule, error_body, make_rule
from .fake_rest_faults import answer as fault_answer
from .fake_tables import demo_resources, table_answer

__all__ = ["DEMO", "FAULTS", "FakeRest", "Recorded", "Request", "bq_config", "load", "refused_url"]

SEEN: set[tuple[str, str]] = set()
"""Every (HTTP method, path) any fake REST server received in this process: the read-only test checks them."""


@dataclass
class Request:
    """One request the fake received."""

    method: str
    path: str
    params: dict[str, str]
    """The query parameters, the last value of a repeated one."""
    body: dict[str, Any]
    multi: dict[str, list[str]] = field(default_factory=dict)
    """The query parameters, every value of a repeated one (``stateFilter=pending&stateFilter=running``)."""


class FakeRest:
    """The server: ``with FakeRest() as fake: fake.url``; ``fake.log`` holds every request.

    Attributes:
        rules: The injected faults (:meth:`inject`), the first that matches a call applies.
    """

    def __init__(
        self,
        recorded: Recorded | None = None,
        *,
        slow_seconds: float = 3.0,
        port: int = 0,
        world: FakeJobs | None = None,
    ) -> None:
        """Bind to ``127.0.0.1:port`` (0: any free port); start with :meth:`start` or ``with``. Serve
        ``world`` when given, else ``recorded`` (default: the demo recording)."""
        self.world = world
        self.recorded = recorded or (Recorded() if world is not None else load())
        self.computed: dict[str, dict[str, Any]] = {}
        """The responses of the queries evaluated on :attr:`world`, by job id."""
        self.slow_seconds = slow_seconds
        self.rules: list[Rule] = []
        self.result_rows: int | None = None
        """Rows per page of a recorded query's results: a response with more is served as pages of this
        many, the first by jobs.query, the others by getQueryResults (page tokens ``rows-N``)."""
        self.page_size: int | None = None
        """Jobs per jobs.list page, whatever the client asks (small: to exercise paging)."""
        self.log: list[Request] = []
        self.tables: dict[str, list[dict[str, Any]]] = {}
        """Tables by ``project.dataset.table``: a query of one is evaluated on its rows (nested dicts)."""
        self.evaluated: dict[str, dict[str, Any]] = {}
        """The responses of evaluated queries, by job id."""
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeRest:
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeRest:
        """Start."""
        return self.start()

    def __exit__(self, *exc: object) -> None:
        """Stop."""
        self.stop()

    def inject(self, kind: str | tuple[str, ...], fault: str, *projects: str, after: int = 0) -> None:
        """Make every ``kind`` call (``list``, ``query``, ``results``, ``get``, or several: one count) fail
        with ``fault`` (see :data:`FAULTS`), optionally only in ``projects``, and only from call
        ``after + 1`` on (1: the first call is served, every later one fails)."""
        self.rules.append(make_rule(kind, fault, projects, after))

    @property
    def faults(self) -> dict[str, str]:
        """Per call kind, the fault injected on it."""
        return {kind: rule.fault for rule in self.rules for kind in sorted(rule.kinds)}

    def clear(self) -> None:
        """No faults, default paging, an empty log."""
        self.page_size = None
        self.result_rows = None
        self.tables.clear()
        self.rules.clear()
        with self._lock:
            self.log.clear()

    def requests(self, path_part: str = "") -> list[Request]:
        """The requests so far whose path contains ``path_part``."""
        with self._lock:
            return [r for r in self.log if path_part in r.path]

    def record(self, request: Request) -> None:
        """Log a request."""
        with self._lock:
            self.log.append(request)
            SEEN.add((request.method, request.path))

    def respond(self, request: Request) -> tuple[int, bytes]:
        """The status and body for ``request``."""
        parts = request.path.rstrip("/").split("/")
        if len(parts) < 6 or parts[1:4] != ["bigquery", "v2", "projects"]:
            return _error(404, "notFound", f"no such path {request.path}")
        project, tail = parts[4], parts[5:]
        if request.method == "GET" and tail == ["jobs"]:
            kind = "list"
        elif request.method == "POST" and tail == ["queries"]:
            kind = "query"
        elif request.method == "GET" and len(tail) == 2 and tail[0] == "queries":
            kind = "results"
        elif request.method == "GET" and len(tail) == 2 and tail[0] == "jobs":
            kind = "get"
        elif request.method == "GET" and len(tail) == 4 and tail[0::2] == ["datasets", "tables"]:
            kind = "table"
        else:
            return _error(404, "notFound", f"no such method {request.method} {request.path}")
        rule = next((r for r in self.rules if r.matches(kind, project)), None)
        if rule is not None and rule.hits():
            faulted = fault_answer(rule.fault, request.params.get("pageToken"), self.slow_seconds)
            if faulted is not None:
                return faulted
        if kind == "table":  # tables.get (the Dataflow and Pub/Sub sources')
            return table_answer(demo_resources(), request.path)
        if kind == "list":
            if self.world is not None:
                listed = self.world.list_jobs(project, request.multi.get("stateFilter", []))
                return 200, _json(self._page(listed, request.params))
            return 200, _json(self._list(project, request))
        if kind == "query" and self.tables:
            answer = self._evaluate(project, request.body)
            if answer is not None:
                return answer
        if kind == "query" and self.world is not None:
            try:
                result = self.world.query(project, request.body)
            except QueryError as exc:
                return _error(400, "invalidQuery", str(exc))
            with self._lock:
                self.computed[result["jobReference"]["jobId"]] = result
            return 200, _json(result)
        if kind == "query":
            label = (request.body.get("labels") or {}).get("gcpdash-query", "")
            found = self.recorded.query.get((project, label))
            if found is None:  # a query recorded in another project only (the billing export's)
                found = next((r for (_, lb), r in self.recorded.query.items() if lb == label), None)
            if found is None:
                return _error(400, "invalidQuery", f"the fake has no query labelled {label!r}")
            return 200, _json(self._rows_page(found, 0, project))
        query = self._query_of(tail[1])
        if query is None:
            return _error(404, "notFound", f"Not found: Job {project}:{tail[1]}")
        if kind == "get":
            return 200, _json(_job_resource(query, project))
        token = request.params.get("pageToken")
        if token and token.startswith("rows-"):
            return 200, _json(self._rows_page(query, int(token.removeprefix("rows-")), project))
        if not token:  # the first page again, or (maxResults=0) only whether the job is complete
            first = {k: v for k, v in query.items() if k not in ("rows", "pageToken")}
            first["kind"] = "bigquery#getQueryResultsResponse"
            if request.params.get("maxResults") != "0":
                first.update({k: query[k] for k in ("rows", "pageToken") if k in query})
            return 200, _json(first)
        found = self.recorded.results.get(token)
        if found is None:
            return _error(404, "notFound", "no such result page")
        return 200, _json(found)

    def _evaluate(self, project: str, body: dict[str, Any]) -> tuple[int, bytes] | None:
        """The query run on :attr:`tables`, or None when it reads none of them."""
        from .fake_sql import SqlError, response

        job_id = f"job_eval_{len(self.evaluated) + 1}"
        try:
            answer = response(body, self.tables, project, job_id)
        except LookupError:
            return None
        except SqlError as exc:
            return _error(400, "invalidQuery", str(exc))
        self.evaluated[job_id] = answer
        return 200, _json(answer)

    def _query_of(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            computed = self.computed.get(job_id)
        if computed is not None:
            return computed
        if job_id in self.evaluated:
            return self.evaluated[job_id]
        for response in self.recorded.query.values():
            if job_id in (response.get("jobReference", {}).get("jobId"), response.get("queryId")):
                return response
        return None

    def _rows_page(self, query: dict[str, Any], start: int, project: str) -> dict[str, Any]:
        """The page of ``query``'s rows from ``start`` (:attr:`result_rows` of them; all when unset). A
        job-less query (``queryId``, no ``jobReference``) whose rows do not fit gets a job, as BigQuery
        creates one then."""
        rows = query.get("rows") or []
        size = self.result_rows
        if size is None or len(rows) <= size or "pageToken" in query:  # a recorded paging stays as it is
            return query
        page = {k: v for k, v in query.items() if k != "rows" and (start == 0 or k != "schema")}
        page["rows"] = rows[start : start + size]
        page.pop("pageToken", None)
        if start + size < len(rows):
            page["pageToken"] = f"rows-{start + size}"
        if start:
            page["kind"] = "bigquery#getQueryResultsResponse"
        if "jobReference" not in page and "queryId" in page:
            location = page.get("location")
            page["jobReference"] = {"projectId": project, "jobId": page["queryId"], "location": location}
        return page

    def _list(self, project: str, request: Request) -> dict[str, Any]:
        """The recorded jobs of ``project`` in the states ``stateFilter`` asks for (every state without)."""
        states = {s.upper() for s in request.multi.get("stateFilter", [])}
        jobs = [j for j in self.recorded.jobs.get(project, []) if not states or j.get("state") in states]
        return self._page(jobs, request.params)

    def _page(self, jobs: list[dict[str, Any]], params: dict[str, str]) -> dict[str, Any]:
        size = self.page_size or int(params.get("maxResults", "50") or 50)
        start = int(params.get("pageToken", "0") or 0)
        page: dict[str, Any] = {"kind": "bigquery#jobList", "etag": "fake"}
        if jobs[start : start + size]:
            page["jobs"] = jobs[start : start + size]
        if start + size < len(jobs):
            page["nextPageToken"] = str(start + size)
        return page


def _job_resource(query: dict[str, Any], project: str) -> dict[str, Any]:
    """The jobs.get resource of a finished recorded query (a job-less one's job named by its queryId)."""
    ref = query.get("jobReference") or {
        "projectId": project,
        "jobId": query.get("queryId"),
        "location": query.get("location", "US"),
    }
    return {
        "kind": "bigquery#job",
        "id": f"{ref['projectId']}:{ref.get('location', 'US')}.{ref['jobId']}",
        "jobReference": ref,
        "configuration": {"jobType": "QUERY", "query": {"query": "SELECT 1", "useLegacySql": False}},
        "status": {"state": "DONE"},
        "statistics": {"creationTime": query.get("creationTime"), "endTime": query.get("endTime")},
    }


def _json(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def _error(status: int, reason: str, message: str) -> tuple[int, bytes]:
    return status, error_body(status, reason, message, reason)


def _handler(fake: FakeRest) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            """No Nagle delay: headers and body go out in two writes, which otherwise wait ~40 ms for the
            client's delayed ACK on every request."""
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                body = {"_raw": raw.decode("utf-8", "replace")}
            request = Request(
                self.command,
                url.path,
                dict(parse_qsl(url.query, keep_blank_values=True)),
                body,
                parse_qs(url.query, keep_blank_values=True),
            )
            fake.record(request)
            status, payload = fake.respond(request)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (a timeout test)

        do_GET = _serve
        do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    return Handler


def refused_url() -> str:
    """A loopback URL nothing listens on: connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def bq_config(url: str, projects: tuple[str, ...] = ("acme-analytics", "acme-etl"), **gcp: Any) -> Any:
    """A config reading BigQuery at ``url`` anonymously, with short timeouts (the suite stays fast)."""
    from dashboard.config import AuthConfig, Config, EndpointsConfig, GcpConfig, TimeoutsConfig

    return Config(
        gcp=GcpConfig(projects=list(projects), **gcp),
        endpoints=EndpointsConfig(bigquery=url),
        auth=AuthConfig(anonymous=True),
        timeouts=TimeoutsConfig(call=0.5, retry_deadline=0.5),
    )
