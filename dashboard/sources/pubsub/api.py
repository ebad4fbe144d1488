"""The Pub/Sub source's live fetch over gRPC (the only module that imports its Google client): every
topic and subscription of each monitored project, all pages, then one Monitoring ``ListTimeSeries`` per
metric and project, reduced server-side to one series per subscription or topic; then, over BigQuery's
REST API, ``tables.get`` of the tables its active BigQuery export subscriptions write
(:mod:`~dashboard.backends.gcp.bq_tables`).

The Pub/Sub endpoint is ``[sources.pubsub] endpoint`` (an emulator or a fake on loopback gets a plaintext
channel); without it ``$PUBSUB_EMULATOR_HOST`` (``host:port``, as Google's client libraries honour it:
plaintext, no credentials); else Google's. Monitoring is the one every gRPC source shares
(``[endpoints] monitoring``). The gRPC calls go through the shared
:class:`~dashboard.backends.gcp.grpc_clients.PollLog` (bounded retry, the poll's budget, a read-only
channel that refuses any RPC but List, Get and Search).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, cast

from dashboard.backends.gcp import discovery
from dashboard.backends.gcp.bq_tables import read_tables
from dashboard.backends.gcp.context import FetchContext
from dashboard.backends.gcp.grpc_clients import GrpcClients, PollLog
from dashboard.backends.gcp.grpc_monitoring import MetricSpec, read_metrics
from dashboard.backends.gcp.grpc_source import source_clients
from dashboard.errors import SourceError, UsageError
from dashboard.parsers.bq_tables import table_id
from dashboard.parsers.poll import MALFORMED
from dashboard.recording.format import Exchange
from dashboard.sources.pubsub.model import LIST_SUBSCRIPTIONS, LIST_TOPICS
from dashboard.sources.pubsub.parse import subscriptions_page

if TYPE_CHECKING:
    from dashboard.backends.gcp.endpoints import GrpcTarget

_SUB = "resource.label.subscription_id"
_TOPIC = "resource.label.topic_id"
_PS = "pubsub.googleapis.com/"

METRICS: Final = (
    MetricSpec(
        _PS + "subscription/num_undelivered_messages", "pubsub_subscription", "ALIGN_MAX", "REDUCE_SUM", _SUB
    ),
    MetricSpec(
        _PS + "subscription/oldest_unacked_message_age",
        "pubsub_subscription",
        "ALIGN_MAX",
        "REDUCE_MAX",
        _SUB,
    ),
    MetricSpec(_PS + "subscription/backlog_bytes", "pubsub_subscription", "ALIGN_MAX", "REDUCE_SUM", _SUB),
    # per response class (success, remote_error, timeout, ...): a failing push endpoint shows here
    MetricSpec(
        _PS + "subscription/push_request_count",
        "pubsub_subscription",
        "ALIGN_SUM",
        "REDUCE_SUM",
        _SUB,
        also_by=("metric.label.response_class",),
    ),
    MetricSpec(_PS + "subscription/byte_cost", "pubsub_subscription", "ALIGN_SUM", "REDUCE_SUM", _SUB),
    # per subscription: a dead-letter topic may be shared, its publishes then say nothing of whose they are
    MetricSpec(
        _PS + "subscription/dead_letter_message_count", "pubsub_subscription", "ALIGN_SUM", "REDUCE_SUM", _SUB
    ),
    MetricSpec(_PS + "topic/send_request_count", "pubsub_topic", "ALIGN_SUM", "REDUCE_SUM", _TOPIC),
    MetricSpec(_PS + "topic/byte_cost", "pubsub_topic", "ALIGN_SUM", "REDUCE_SUM", _TOPIC),
)
"""What the source reads from Monitoring: gauges by their maximum per minute (the backlog summed over a
subscription's regions, the oldest age its maximum), counts and billed bytes as per-minute totals."""


@dataclass
class PubsubClients:
    """The live Pub/Sub clients beside the shared gRPC ones (Monitoring, the call policy, poll counters)."""

    shared: GrpcClients
    publisher: Any
    """``pubsub_v1.PublisherClient``."""
    subscriber: Any
    """``pubsub_v1.SubscriberClient``."""


_LOCK = threading.Lock()

EMULATOR_HOST = "PUBSUB_EMULATOR_HOST"
"""The environment variable Google's client libraries take an emulator's ``host:port`` from."""


def emulator_host(environ: Mapping[str, str] | None = None) -> str | None:
    """``$PUBSUB_EMULATOR_HOST`` when set and not blank."""
    found = (os.environ if environ is None else environ).get(EMULATOR_HOST, "").strip()
    return found or None


def clients_of(ctx: FetchContext) -> PubsubClients:
    """The Pub/Sub clients of the live backend, made on first use and kept in ``ctx.state``."""
    with _LOCK:
        found = ctx.state.get("pubsub")
        if isinstance(found, PubsubClients):
            return found
        shared = cast(GrpcClients, ctx.grpc())
        settings = ctx.config.sources.get("pubsub")
        endpoint = settings.endpoint if settings is not None else None
        emulator = None if endpoint else emulator_host()
        if not endpoint and not emulator and ctx.anonymous:
            raise SourceError(
                "[auth] anonymous sends no credentials, which Google's Pub/Sub endpoint refuses: set "
                f"[sources.pubsub] endpoint or {EMULATOR_HOST} (an emulator) or [sources.pubsub] "
                "enabled = false",
                code="CONFIG",
            )
        made = ctx.state["pubsub"] = make_clients(
            shared, endpoint or None, lambda: ctx.credentials, emulator=emulator
        )
        return made


def pubsub_target(endpoint: str | None, emulator: str | None = None) -> GrpcTarget:
    """Where the Pub/Sub clients connect: ``endpoint`` (plaintext only on loopback), else ``emulator``
    (``$PUBSUB_EMULATOR_HOST``: plaintext whatever its host, as Google's client libraries reach it), else
    Google's endpoint.

    Raises:
        UsageError: The endpoint cannot be used.
    """
    from dashboard.backends.gcp.endpoints import GrpcTarget, grpc_target

    use_emulator = bool(emulator) and not endpoint
    where = f"${EMULATOR_HOST}" if use_emulator else "[sources.pubsub] endpoint"
    try:
        target = grpc_target("pubsub", endpoint or emulator)
    except ValueError as exc:
        raise UsageError(f"{where}: {exc}") from None
    return GrpcTarget(address=target.address, insecure=True) if use_emulator else target


def make_clients(
    shared: GrpcClients,
    endpoint: str | None,
    credentials: Callable[[], Any] | None = None,
    *,
    emulator: str | None = None,
) -> PubsubClients:
    """A Publisher and a Subscriber on ``endpoint`` over read-only channels; ``credentials()`` gives the
    credentials of a TLS endpoint (called only for one; default Application Default Credentials).

    ``emulator`` (``$PUBSUB_EMULATOR_HOST``, used when ``endpoint`` is None) is reached as Google's client
    libraries reach it: a plaintext channel without credentials, whatever its host.

    Raises:
        UsageError: The endpoint cannot be used.
    """
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]
    from google.pubsub_v1.services.publisher import transports as pub_t
    from google.pubsub_v1.services.subscriber import transports as sub_t

    publisher, subscriber = source_clients(
        shared,
        pubsub_target(endpoint, emulator),
        (
            (pubsub_v1.PublisherClient, pub_t.PublisherGrpcTransport),
            (pubsub_v1.SubscriberClient, sub_t.SubscriberGrpcTransport),
        ),
        credentials,
    )
    return PubsubClients(shared=shared, publisher=publisher, subscriber=subscriber)


def fetch_pubsub(clients: PubsubClients, t: datetime) -> list[Exchange]:
    """One poll of Pub/Sub, projects side by side.

    Per project: ``ListTopics`` and ``ListSubscriptions`` (all pages); then, unless every subscription
    listing failed, one ``ListTimeSeries`` per metric of :data:`METRICS`.
    """
    log = PollLog(clients.shared, "pubsub", t)

    def project_listing(fork: PollLog, project: str) -> bool:
        from google.cloud import pubsub_v1  # type: ignore[attr-defined]

        topics = pubsub_v1.types.ListTopicsRequest(project=f"projects/{project}")
        fork.call(LIST_TOPICS, clients.publisher.list_topics, topics)
        subs = pubsub_v1.types.ListSubscriptionsRequest(project=f"projects/{project}")
        return fork.call(LIST_SUBSCRIPTIONS, clients.subscriber.list_subscriptions, subs) is None

    projects = discovery.projects(clients.shared.projects)  # with an organisation scope: where found
    if not any(log.side_by_side(projects, project_listing)):
        return log.exchanges
    read_metrics(log, projects, METRICS)
    return log.exchanges


def export_tables(exchanges: Sequence[Exchange]) -> list[str]:
    """The tables (``project.dataset.table``) the ``ACTIVE`` BigQuery export subscriptions of a poll's
    listings write, in the order listed; a page that cannot be read names none."""
    tables: list[str] = []
    for ex in exchanges:
        if ex.method != LIST_SUBSCRIPTIONS or ex.error is not None or not isinstance(ex.response, dict):
            continue
        project = str((ex.request or {}).get("project") or "").removeprefix("projects/")
        try:
            subs = subscriptions_page(ex.response, project)
        except MALFORMED:
            continue
        tables.extend(
            table_id(s.bigquery_table)
            for s in subs
            if s.type == "bigquery" and s.state == "ACTIVE" and not s.detached and s.bigquery_table
        )
    return tables


def fetch(ctx: FetchContext, t: datetime) -> list[Exchange]:
    """The spec's ``fetch``: :func:`fetch_pubsub` on the live backend's clients, then ``tables.get`` of
    the tables its active BigQuery export subscriptions write, in the same poll."""
    clients = clients_of(ctx)
    exchanges = fetch_pubsub(clients, t)
    poll = clients.shared.polls.get("pubsub", 0)
    return exchanges + read_tables(ctx, export_tables(exchanges), source="pubsub", poll=poll, t=t)
