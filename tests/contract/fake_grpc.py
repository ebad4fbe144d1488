"""An in-process fake of Google's gRPC APIs (Reservation, Dataproc, Dataflow, Monitoring, Budgets) for
contract tests.

It serves the responses of a recording (keyed by method, the request without its page token and time
interval, and the page token), records every request with its metadata, and injects faults per method:
an error status, a handler that sleeps past the client's deadline, undecodable bytes, an error on a
later page, or any of these from the N-th call of the method on. No generated stubs: proto-plus message
classes (de)serialize themselves.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")

import grpc

from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange, ExchangeError
from dashboard.recording.reader import RecordedPoll, Recording

GARBAGE = b"\x0f\xff\xfe\xfd not a protobuf message"
"""What a garbage fault sends instead of a response: not decodable as any message."""

LIST_FIELDS = {
    fmt.RES_LIST_RESERVATIONS: "reservations",
    fmt.RES_LIST_COMMITMENTS: "capacityCommitments",
    fmt.RES_SEARCH_ALL_ASSIGNMENTS: "assignments",
    fmt.DATAPROC_LIST_CLUSTERS: "clusters",
    fmt.DATAPROC_LIST_BATCHES: "batches",
    fmt.DATAPROC_LIST_JOBS: "jobs",
    fmt.DATAFLOW_AGGREGATED_LIST_JOBS: "jobs",
    fmt.DATAFLOW_LIST_JOBS: "jobs",
    fmt.MON_LIST_TIME_SERIES: "timeSeries",
    fmt.BUDGETS_LIST_BUDGETS: "budgets",
}
"""Per served list method, the repeated field a page holds (to split a recorded page in two; never a get)."""

_IGNORED_KEYS = ("pageToken", "interval")


def rpc_classes() -> dict[str, tuple[Any, Any]]:
    """Per served RPC path, its (request, response) proto-plus classes."""
    from google.cloud import bigquery_reservation_v1 as res
    from google.cloud import dataflow_v1beta3 as flow
    from google.cloud import dataproc_v1, monitoring_v3
    from google.cloud.billing import budgets_v1

    return {
        fmt.RES_LIST_RESERVATIONS: (res.ListReservationsRequest, res.ListReservationsResponse),
        fmt.RES_LIST_COMMITMENTS: (res.ListCapacityCommitmentsRequest, res.ListCapacityCommitmentsResponse),
        fmt.RES_SEARCH_ALL_ASSIGNMENTS: (res.SearchAllAssignmentsRequest, res.SearchAllAssignmentsResponse),
        fmt.RES_GET_BI_RESERVATION: (res.GetBiReservationRequest, res.BiReservation),
        fmt.DATAPROC_LIST_CLUSTERS: (dataproc_v1.ListClustersRequest, dataproc_v1.ListClustersResponse),
        fmt.DATAPROC_LIST_BATCHES: (dataproc_v1.ListBatchesRequest, dataproc_v1.ListBatchesResponse),
        fmt.DATAPROC_LIST_JOBS: (dataproc_v1.ListJobsRequest, dataproc_v1.ListJobsResponse),
        fmt.DATAFLOW_AGGREGATED_LIST_JOBS: (flow.ListJobsRequest, flow.ListJobsResponse),
        fmt.DATAFLOW_LIST_JOBS: (flow.ListJobsRequest, flow.ListJobsResponse),
        fmt.MON_LIST_TIME_SERIES: (monitoring_v3.ListTimeSeriesRequest, monitoring_v3.ListTimeSeriesResponse),
        fmt.BUDGETS_LIST_BUDGETS: (budgets_v1.ListBudgetsRequest, budgets_v1.ListBudgetsResponse),
    }


def message_json(message: Any) -> dict[str, Any]:
    """A proto-plus message as proto JSON, as recordings hold it."""
    text = type(message).to_json(
        message, use_integers_for_enums=False, indent=None, always_print_fields_with_no_presence=False
    )
    out: dict[str, Any] = json.loads(text)
    return out


def request_key(method: str, request: dict[str, Any]) -> str:
    """What identifies a call regardless of its page and time window."""
    rest = {k: v for k, v in request.items() if k not in _IGNORED_KEYS}
    return method + " " + json.dumps(rest, sort_keys=True)


@dataclass(frozen=True)
class Fault:
    """A fault injected on one method."""

    kind: str = "abort"
    """``abort`` (an error status), ``sleep`` (never answers in time) or ``garbage`` (undecodable bytes)."""
    code: str = "UNAVAILABLE"
    """The status name, for ``abort``."""
    message: str = "injected fault"
    page: int | None = 1
    """The page it hits (2: the first page is served, the second fails); None: every page."""
    seconds: float = 5.0
    """How long ``sleep`` sleeps (the server's stop wakes it)."""
    where: str = ""
    """Only requests whose proto JSON contains this text (``acme-etl``: one project's calls); empty: all."""
    after: int = 0
    """Calls of the method served normally before the fault hits (1: it fails from the second call on,
    whatever page or project that call asks for), counted from :meth:`FakeGrpcServer.fault`."""


@dataclass(frozen=True)
class Received:
    """One request the server received."""

    method: str
    request: dict[str, Any]
    metadata: dict[str, str]


@dataclass
class _Served:
    pages: list[dict[str, Any]] = field(default_factory=list)
    error: ExchangeError | None = None


SEEN_METHODS: set[str] = set()
"""Every RPC path any fake server received in this process: the read-only test checks them."""


class FakeGrpcServer:
    """A gRPC server on ``127.0.0.1:0`` answering with recorded responses; use as a context manager."""

    def __init__(
        self, exchanges: Iterable[Exchange] = (), *, split_pages: bool = False, port: int = 0
    ) -> None:
        """Serve ``exchanges`` (one poll's, typically) on ``127.0.0.1:port`` (0: any free port);
        ``split_pages`` serves each one-page list response as two pages, to exercise pagination."""
        self.received: list[Received] = []
        self.faults: dict[str, Fault] = {}
        self._calls: dict[str, int] = {}
        """Per faulted method, its calls since the fault was injected."""
        self.latency = 0.0
        """Seconds every answer waits, to stand in for a network's round trip."""
        self._served: dict[str, _Served] = {}
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._classes = rpc_classes()
        self._server = grpc.server(ThreadPoolExecutor(max_workers=32))
        self.port = self._server.add_insecure_port(f"127.0.0.1:{port}")
        self._register()
        self.serve(exchanges, split_pages=split_pages)

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT``: what ``[endpoints]`` points at."""
        return f"127.0.0.1:{self.port}"

    def serve(self, exchanges: Iterable[Exchange], *, split_pages: bool = False) -> None:
        """Replace what is served by ``exchanges`` (gRPC ones only, in order: pages follow each other)."""
        served: dict[str, _Served] = {}
        for ex in exchanges:
            if ex.api != "grpc" or ex.method not in self._classes:
                continue
            entry = served.setdefault(self._key(ex.method, ex.request), _Served())
            if ex.error is not None:
                entry.error = ex.error
            elif ex.response is not None:
                entry.pages.append(ex.response)
        if split_pages:
            for key, entry in served.items():
                method = key.split(" ", 1)[0]
                if len(entry.pages) == 1 and method in LIST_FIELDS:
                    entry.pages = _split(entry.pages[0], LIST_FIELDS[method])
        with self._lock:
            self._served = served

    def fault(self, method: str, fault: Fault) -> None:
        """Inject ``fault`` on every call of ``method`` (an RPC path) until :meth:`clear_faults`."""
        with self._lock:
            self.faults[method] = fault
            self._calls[method] = 0

    def clear_faults(self) -> None:
        """Serve normally again."""
        with self._lock:
            self.faults.clear()
            self._calls.clear()

    def requests(self, method: str) -> list[dict[str, Any]]:
        """The requests received for ``method``, in order."""
        return [r.request for r in self.received if r.method == method]

    def start(self) -> FakeGrpcServer:
        """Start serving; returns self."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop at once, waking sleeping handlers."""
        self._stopping.set()
        self._server.stop(grace=None).wait(5)

    def __enter__(self) -> FakeGrpcServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _key(self, method: str, request: dict[str, Any]) -> str:  # what a request is matched on
        return request_key(method, request)

    def _register(self) -> None:
        by_service: dict[str, dict[str, grpc.RpcMethodHandler]] = {}
        for path, (request_cls, response_cls) in self._classes.items():
            service, name = path.split("/")
            handler = grpc.unary_unary_rpc_method_handler(
                self._handler(path, response_cls),
                request_deserializer=request_cls.deserialize,
                response_serializer=_serializer(response_cls),
            )
            by_service.setdefault(service, {})[name] = handler
        self._server.add_generic_rpc_handlers(
            tuple(grpc.method_handlers_generic_handler(s, h) for s, h in by_service.items())
        )

    def _handler(self, path: str, response_cls: Any) -> Callable[[Any, grpc.ServicerContext], Any]:
        def handle(request: Any, context: grpc.ServicerContext) -> Any:
            body = message_json(request)
            metadata = {k: v for k, v in context.invocation_metadata() if isinstance(v, str)}
            with self._lock:
                self.received.append(Received(path, body, metadata))
                SEEN_METHODS.add(path)
                fault = self.faults.get(path)
                calls = self._calls[path] = self._calls.get(path, 0) + 1
                entry = self._served.get(self._key(path, body))
                known = any(k.startswith(path + " ") for k in self._served)
            if self.latency:
                self._stopping.wait(self.latency)
            token = body.get("pageToken", "")
            page = 1 if not token else _page_of(token)
            if fault is not None and fault.where and fault.where not in json.dumps(body):
                fault = None
            if fault is not None and fault.page in (None, page) and calls > fault.after:
                if fault.kind == "sleep":
                    remaining = context.time_remaining()
                    wait = fault.seconds if remaining is None else min(fault.seconds, remaining + 0.2)
                    self._stopping.wait(wait)
                    return response_cls()
                if fault.kind == "garbage":
                    return GARBAGE
                context.abort(grpc.StatusCode[fault.code], fault.message)
            if entry is None:
                if known and not _lookback(path, body):
                    context.abort(grpc.StatusCode.NOT_FOUND, f"nothing recorded for {path} {body}")
                return response_cls()
            if entry.error is not None and page > len(entry.pages):
                context.abort(grpc.StatusCode[entry.error.code], entry.error.message)
            if page > len(entry.pages):
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"unknown page token {token!r}")
            return _encoded(path, response_cls, entry.pages[page - 1])

        return handle


def _lookback(path: str, body: dict[str, Any]) -> bool:
    """A ``ListTimeSeries`` lookback of a cumulative metric (one alignment period of hours) that the served
    poll did not record, as a poll after a recording's first holds none: answered empty, as Monitoring
    answers a window without points."""
    if path != fmt.MON_LIST_TIME_SERIES:
        return False
    period = str((body.get("aggregation") or {}).get("alignmentPeriod", "60s"))
    return period.endswith("s") and period[:-1].isdigit() and int(period[:-1]) > 60


_ENCODED: dict[tuple[str, str], bytes] = {}
"""Served pages already encoded, by method and JSON text: protobuf's JSON parser is slow, and fault
matrices serve the same pages from many servers."""


def _encoded(path: str, response_cls: Any, page: dict[str, Any]) -> bytes:
    """``page`` (proto JSON) as ``response_cls``'s wire bytes."""
    text = json.dumps(page)
    found = _ENCODED.get((path, text))
    if found is None:
        message = response_cls.from_json(text, ignore_unknown_fields=True)
        found = _ENCODED[(path, text)] = response_cls.serialize(message)
    return found


def _serializer(response_cls: Any) -> Callable[[Any], bytes]:
    def serialize(message: Any) -> bytes:
        if isinstance(message, bytes):
            return message
        data: bytes = response_cls.serialize(message)
        return data

    return serialize


def _page_of(token: str) -> int:
    """Page tokens this server hands out are ``page-N``; a recorded one counts as page 2."""
    return int(token.removeprefix("page-")) if token.startswith("page-") else 2


def _split(response: dict[str, Any], list_field: str) -> list[dict[str, Any]]:
    """One page's items as two pages (a single item stays one page)."""
    items = response.get(list_field) or []
    if len(items) < 2:
        return [response]
    half = len(items) // 2
    first = {**response, list_field: items[:half], "nextPageToken": "page-2"}
    second = {**response, list_field: items[half:]}
    second.pop("nextPageToken", None)
    return [first, second]


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def poll_exchanges(source: str, number: int) -> tuple[Exchange, ...]:
    """The gRPC exchanges of the demo recording's poll ``number`` of ``source`` (what its gRPC fetch makes;
    the Dataflow source's ``tables.get`` are REST: tests/contract/test_bq_tables_contract.py)."""
    for poll in demo_polls(source):
        if poll.number == number:
            return tuple(e for e in poll.exchanges if e.api == "grpc")
    raise KeyError(f"the demo has no poll {number} of {source}")


_DEMO: dict[str, Any] = {}


def demo_polls(source: str) -> Iterator[RecordedPoll]:
    """Every recorded poll of ``source`` in the demo (read once per process)."""
    if "recording" not in _DEMO:
        from dashboard.recording.demo import demo_path
        from dashboard.recording.reader import read_recording

        _DEMO["recording"] = read_recording(demo_path())
    recording: Recording = _DEMO["recording"]
    yield from recording.polls[source]


DEMO_PROJECTS = ("acme-analytics", "acme-etl")
DEMO_REGIONS = ("us-central1", "europe-west1")
DEMO_ADMIN = "acme-admin"

SOURCES = ("reservations", "dataproc", "dataflow")
"""The sources read over gRPC."""

PRIMARY = {
    "reservations": fmt.RES_LIST_RESERVATIONS,
    "dataproc": fmt.DATAPROC_LIST_CLUSTERS,
    "dataflow": fmt.DATAFLOW_AGGREGATED_LIST_JOBS,
}
"""Per source, the listing whose failure fails its poll."""


def demo_config(address: str) -> Any:
    """A config watching the demo's projects, every gRPC endpoint at ``address``, anonymous."""
    from dashboard.config import AuthConfig, Config, EndpointsConfig, GcpConfig

    return Config(
        gcp=GcpConfig(
            projects=list(DEMO_PROJECTS),
            regions=list(DEMO_REGIONS),
            bigquery_locations=["US"],
            reservation_admin_projects=[DEMO_ADMIN],
        ),
        endpoints=EndpointsConfig(
            reservation=address, dataproc=address, dataflow=address, monitoring=address
        ),
        auth=AuthConfig(anonymous=True),
    )


def demo_clients(
    address: str,
    *,
    timeout: float = 5.0,
    retry_deadline: float = 5.0,
    batches: bool = True,
    jobs: bool = True,
) -> Any:
    """:func:`~dashboard.backends.gcp.grpc_clients.make_clients` for :func:`demo_config`, with short,
    test-sized timeouts."""
    from dashboard.backends.gcp.grpc_clients import CallPolicy, make_clients

    policy = CallPolicy(timeout=timeout, retry_deadline=retry_deadline, initial_backoff=0.05, max_backoff=0.2)
    return make_clients(demo_config(address), policy=policy, batches=batches, jobs=jobs)


def fetcher(source: str) -> Callable[[Any, Any], list[Exchange]]:
    """The live fetch of a gRPC source."""
    import importlib

    fetch: Callable[[Any, Any], list[Exchange]] = getattr(
        importlib.import_module(f"dashboard.sources.{source}.api"), f"fetch_{source}"
    )
    return fetch
