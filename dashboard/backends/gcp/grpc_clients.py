"""The gRPC clients of the live backend (Reservation, Dataproc, Dataflow, Monitoring) and how every call is
made: an explicit timeout, a short bounded retry (:mod:`~dashboard.backends.gcp.budget`: per call and per
poll), every page read, each page or failure kept as an :class:`~dashboard.recording.format.Exchange`
exactly as a recording holds it.

Imported only by the live backend: importing this module loads grpc and the Google clients.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")  # before grpc loads: its C core logs to the terminal

from google.api_core import exceptions as gexc
from google.api_core import retry as gretry
from google.protobuf.json_format import MessageToDict

from dashboard.backends.gcp.budget import MAX_ATTEMPTS, PollBudget, bounded
from dashboard.backends.gcp.endpoints import GrpcService, grpc_target
from dashboard.backends.gcp.grpc_channels import make_client
from dashboard.backends.gcp.grpc_errors import error_of
from dashboard.backends.gcp.threads import daemon_map
from dashboard.config import Config
from dashboard.errors import UsageError
from dashboard.models import SourceName
from dashboard.recording.format import Exchange, ExchangeError

if TYPE_CHECKING:
    from dashboard.backends.gcp.context import FetchContext

RETRIED = (gexc.ServiceUnavailable, gexc.DeadlineExceeded)
"""UNAVAILABLE and DEADLINE_EXCEEDED: retried, a few times within the policy's deadline (RESOURCE_EXHAUSTED
is not: the poll backs off)."""

UNREACHABLE = frozenset({"UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED"})
"""Codes after which further calls to the same service in the same poll are not worth making."""

CLOUD_SCOPE = "https://www.googleapis.com/auth/cloud-platform"

PARALLEL = 4
"""Calls of one poll in flight at once (one per project): a channel carries them side by side."""

MAX_PAGES = 200
"""Pages one call reads at most: a listing that goes on (or repeats a page token) ends in an error."""

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class CallPolicy:
    """How long one call may take.

    api_core gives each attempt what is left of ``timeout`` since the first (at least a second, else the
    whole ``timeout`` again) and starts no new attempt after ``retry_deadline`` nor after ``attempts``: one
    call (one page) takes at most about ``retry_deadline + timeout``.
    """

    timeout: float = 15.0
    """Seconds for an attempt, counted from the call's first attempt."""
    retry_deadline: float = 20.0
    """Seconds after which no further attempt starts."""
    initial_backoff: float = 0.25
    max_backoff: float = 4.0
    attempts: int = MAX_ATTEMPTS
    """Attempts of one call at most."""

    def retry(self) -> gretry.Retry:
        """The bounded retry every call passes as ``retry=`` (a new one per call: it counts attempts)."""
        return gretry.Retry(
            predicate=bounded(gretry.if_exception_type(*RETRIED), self.attempts),
            initial=self.initial_backoff,
            maximum=self.max_backoff,
            multiplier=2.0,
            timeout=self.retry_deadline,
        )


@dataclass
class GrpcClients:
    """The live gRPC clients and what the sources remember between polls.

    Built by :func:`make_clients`; one instance serves the reservations, Dataproc and Dataflow sources. The
    poll counters and Monitoring windows are per source, so the sources may be polled from different
    threads (never one source twice at once).
    """

    projects: tuple[str, ...]
    """Monitored projects."""
    regions: tuple[str, ...]
    """Dataproc regions."""
    locations: tuple[str, ...]
    """BigQuery locations (``US``), where reservations live."""
    admin_projects: tuple[str, ...]
    """Projects that own reservations."""
    reservation: Any
    """``bigquery_reservation_v1.ReservationServiceClient``."""
    monitoring: Any
    """``monitoring_v3.MetricServiceClient``."""
    dataflow: Any
    """``dataflow_v1beta3.JobsV1Beta3Client``."""
    dataproc: dict[str, Any]
    """Per region, ``dataproc_v1.ClusterControllerClient`` on that region's endpoint."""
    batches: dict[str, Any] | None = None
    """Per region, ``dataproc_v1.BatchControllerClient``; None: Serverless batches are not listed."""
    jobs: dict[str, Any] | None = None
    """Per region, ``dataproc_v1.JobControllerClient``; None: cluster jobs are not listed."""
    policy: CallPolicy = field(default_factory=CallPolicy)
    polls: dict[str, int] = field(default_factory=dict)
    """Per source, how many polls it has made (the exchanges' ``poll``)."""
    monitoring_ends: dict[tuple[str, str, str], datetime] = field(default_factory=dict)
    """Per (source, project, metric filter), the end of the last window read: the next asks from there
    minus the overlap."""
    channels: list[Any] = field(default_factory=list)
    """Plaintext channels opened for loopback endpoints, closed by :meth:`close`."""

    def next_poll(self, source: SourceName) -> int:
        """Count a new poll of ``source`` and return its number (from 1)."""
        number = self.polls.get(source, 0) + 1
        self.polls[source] = number
        return number

    def close(self) -> None:
        """Close every client's transport."""
        clients: list[Any] = []
        for value in vars(self).values():  # a client, or per region a dict of them
            clients.extend(value.values() if isinstance(value, dict) else [value])
        for client in clients:
            transport = getattr(client, "transport", None)
            if transport is not None:
                transport.close()
        for channel in self.channels:
            channel.close()


def to_json(message: Any) -> dict[str, Any]:
    """A proto-plus message as proto JSON (camelCase, int64 as strings, enums by name, defaults left out),
    the dict ``json.loads(type(m).to_json(m, use_integers_for_enums=False, ...))`` would give."""
    out: dict[str, Any] = MessageToDict(
        type(message).pb(message),
        use_integers_for_enums=False,
        preserving_proto_field_name=False,
        always_print_fields_with_no_presence=False,
    )
    return out


class PollLog:
    """The exchanges of one poll of one source, gathered call by call: the same a recording holds
    (docs/recording.md, "What each source records per poll").

    What every gRPC source's fetch (``dashboard/sources/<name>/api.py``) does with it: projects are read
    side by side (:meth:`side_by_side`); a failed primary listing marks its part (a project, a region, an
    admin project's location) and the other parts are still read; only when every primary listing failed
    are the Monitoring reads skipped (the poll fails, later calls would only cost time). A service that
    answered with a quota error, or a method that answered 503 or not in time, is not asked again in the
    same poll (the poll's budget). Only list and search calls are made.
    """

    def __init__(
        self,
        clients: GrpcClients,
        source: SourceName,
        t: datetime,
        number: int | None = None,
        budget: PollBudget | None = None,
    ) -> None:
        """Start a poll of ``source`` at ``t``; its ``number`` is by default the next of ``clients``'
        counter; its ``budget`` (the services that failed in this poll) is shared with its forks."""
        self.clients = clients
        self.source: SourceName = source
        self.t = t
        self.number = clients.next_poll(source) if number is None else number
        self.budget = budget or PollBudget()
        self.exchanges: list[Exchange] = []

    def fork(self) -> PollLog:
        """An empty log of the same poll, for calls made in another thread; :meth:`join` it back."""
        return PollLog(self.clients, self.source, self.t, self.number, self.budget)

    def join(self, other: PollLog) -> None:
        """Append ``other``'s exchanges (a fork of this poll) after this log's."""
        self.exchanges.extend(other.exchanges)

    def side_by_side(self, items: Sequence[T], task: Callable[[PollLog, T], R]) -> list[R]:
        """``task(log, item)`` for every item, up to :data:`PARALLEL` at once, each writing to its own fork
        of this poll; the forks' exchanges are then appended in the order of ``items``.

        Returns:
            What each task returned, in the order of ``items``.
        """
        if len(items) <= 1:
            return [task(self, item) for item in items]
        forks = [self.fork() for _ in items]
        workers = min(PARALLEL, len(items))
        pairs = list(zip(forks, items, strict=True))  # in daemon threads: a hung call never blocks exit
        results = daemon_map(lambda pair: task(*pair), pairs, workers=workers, name=f"gcpdash-{self.source}")
        for fork in forks:
            self.join(fork)
        return results

    def add(self, method: str, request: dict[str, Any], response: Any = None, error: Any = None) -> None:
        """Append one exchange: a page's ``response`` (proto JSON) or an ``error``."""
        self.exchanges.append(
            Exchange(
                v=1,
                poll=self.number,
                t=self.t,
                source=self.source,
                api="grpc",
                method=method,
                request=request,
                response=response,
                error=error,
            )
        )

    def call(
        self, method: str, invoke: Callable[..., Any], request: Any, max_pages: int | None = None
    ) -> ExchangeError | None:
        """Call a list/search RPC and read every page, one exchange each.

        Args:
            method: The RPC path (``dashboard.recording.format``).
            invoke: The client method, e.g. ``client.list_clusters``.
            request: The request message.
            max_pages: Read at most this many pages, the rest left unread without an error; default all.

        Returns:
            None when every page was read; else the error, already recorded after the pages before it (or,
            when the service failed earlier in this poll, instead of making the call).
        """
        first = to_json(request)
        service, name = method.rsplit("/", 1)[0].rsplit(".", 1)[0], method.rsplit("/", 1)[-1]
        skipped = self.budget.skip(service, name)
        if skipped is not None:
            self.add(method, first, error=skipped)
            return skipped
        page_request = first
        policy = self.clients.policy
        seen: set[str] = set()
        try:
            pager = invoke(request=request, retry=policy.retry(), timeout=policy.timeout)
            pages: Iterator[Any] = iter(pager.pages)
            for page in pages:
                self.add(method, page_request, response=to_json(page))
                token = page.next_page_token
                if not token or (max_pages is not None and len(seen) + 1 >= max_pages):
                    break
                page_request = {**first, "pageToken": token}
                if token in seen or len(seen) + 1 >= MAX_PAGES:
                    error = _endless(token, token in seen)
                    self.add(method, page_request, error=error)
                    return error
                seen.add(token)
        except Exception as exc:  # every failure, garbage included, becomes this call's error exchange
            error = error_of(exc)
            self.add(method, page_request, error=error)
            self.budget.spend(service, name, error)
            return error
        return None


def _endless(token: str, repeated: bool) -> ExchangeError:
    """The error a listing ends with when its pages would not end."""
    if repeated:
        return ExchangeError(code="INTERNAL", message=f"the API sent the page token {token[:40]!r} again")
    return ExchangeError(code="OUT_OF_RANGE", message=f"more than {MAX_PAGES} pages; the rest was not read")


def make_clients(
    config: Config,
    *,
    projects: list[str] | None = None,
    policy: CallPolicy | None = None,
    credentials: Any = None,
    batches: bool = True,
    jobs: bool = True,
) -> GrpcClients:
    """Build the gRPC clients from the configuration.

    Args:
        config: Projects, regions, BigQuery locations, reservation admin projects, ``[endpoints]``
            overrides and ``[auth] anonymous``.
        projects: The monitored projects when the caller resolved them (e.g. the credentials' project);
            default ``config.gcp.projects``.
        policy: Timeouts and retries (tests pass short ones).
        credentials: Credentials for TLS endpoints; default Application Default Credentials, or none at
            all with ``anonymous``. Loopback endpoints get a plaintext channel and no credentials.
        batches: Also list Dataproc Serverless batches.
        jobs: Also list the jobs of Dataproc clusters.

    Raises:
        UsageError: No project to watch, or an endpoint that cannot be used.
    """
    from google.api_core.gapic_v1.client_info import ClientInfo
    from google.cloud import bigquery_reservation_v1 as res_v1
    from google.cloud import dataflow_v1beta3, dataproc_v1, monitoring_v3
    from google.cloud.bigquery_reservation_v1.services.reservation_service import transports as res_t
    from google.cloud.dataflow_v1beta3.services.jobs_v1_beta3 import transports as flow_t
    from google.cloud.dataproc_v1.services.batch_controller import transports as batch_t
    from google.cloud.dataproc_v1.services.cluster_controller import transports as cluster_t
    from google.cloud.dataproc_v1.services.job_controller import transports as job_t
    from google.cloud.monitoring_v3.services.metric_service import transports as mon_t

    from dashboard import __version__

    gcp = config.gcp
    watched = tuple(projects if projects is not None else gcp.projects)
    if not watched:
        raise UsageError("no project to watch: pass --project or set [gcp] projects in the config file")
    endpoints = config.endpoints
    channels: dict[str, Any] = {}
    creds: list[Any] = [credentials]

    def credentials_once() -> Any:
        if creds[0] is None:
            creds[0] = _credentials(config.auth.anonymous)
        return creds[0]

    info = ClientInfo(user_agent=f"gcpdash/{__version__}")  # type: ignore[no-untyped-call]

    def build(service: GrpcService, client_cls: Any, transport_cls: Any, region: str | None = None) -> Any:
        try:
            target = grpc_target(service, getattr(endpoints, service), region)
        except ValueError as exc:
            raise UsageError(f"[endpoints] {service}: {exc}") from None
        return make_client(
            target,
            client_cls,
            transport_cls,
            channels=channels,
            credentials=credentials_once,
            client_info=info,
        )

    regions = tuple(gcp.regions)

    def per_region(client_cls: Any, transport_cls: Any) -> dict[str, Any]:
        return {r: build("dataproc", client_cls, transport_cls, r) for r in regions}

    res_transport = res_t.ReservationServiceGrpcTransport
    clients = GrpcClients(
        projects=watched,
        regions=regions,
        locations=tuple(gcp.bigquery_locations),
        admin_projects=tuple(gcp.reservation_admin_projects or watched),
        reservation=build("reservation", res_v1.ReservationServiceClient, res_transport),
        monitoring=build("monitoring", monitoring_v3.MetricServiceClient, mon_t.MetricServiceGrpcTransport),
        dataflow=build("dataflow", dataflow_v1beta3.JobsV1Beta3Client, flow_t.JobsV1Beta3GrpcTransport),
        dataproc=per_region(dataproc_v1.ClusterControllerClient, cluster_t.ClusterControllerGrpcTransport),
        policy=policy or CallPolicy(),
    )
    if batches:
        clients.batches = per_region(dataproc_v1.BatchControllerClient, batch_t.BatchControllerGrpcTransport)
    if jobs:
        clients.jobs = per_region(dataproc_v1.JobControllerClient, job_t.JobControllerGrpcTransport)
    clients.channels.extend(channels.values())
    return clients


def _credentials(anonymous: bool) -> Any:
    """Anonymous credentials, or Application Default Credentials (with a hint when there are none)."""
    if anonymous:
        from google.auth.credentials import AnonymousCredentials

        return AnonymousCredentials()  # type: ignore[no-untyped-call]
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        found, _ = google.auth.default(scopes=[CLOUD_SCOPE])
    except DefaultCredentialsError:
        raise UsageError(
            "no Google credentials: run gcloud auth application-default login, or set [auth] anonymous"
        ) from None
    return found


def with_clients(
    fetch: Callable[[GrpcClients, datetime], list[Exchange]],
) -> Callable[[FetchContext, datetime], list[Exchange]]:
    """A gRPC source's fetch of the live backend's clients (``ctx.grpc()``), as a spec's ``fetch``."""

    def run(ctx: FetchContext, t: datetime) -> list[Exchange]:
        return fetch(ctx.grpc(), t)

    run.__doc__ = fetch.__doc__
    return run
