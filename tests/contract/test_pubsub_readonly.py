"""The Pub/Sub source only reads: its fetch names no Publisher or Subscriber method but the two listings
(statically, though both clients offer writes: publish, create, delete, seek, acknowledge), a full poll
reaches the fake with list calls only, and a write through its clients is refused by the channel before
anything is sent."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from dashboard.backends.gcp.grpc_channels import ReadOnlyViolation
from dashboard.recording import format as fmt
from dashboard.sources.pubsub import api
from dashboard.sources.pubsub.model import LIST_SUBSCRIPTIONS, LIST_TOPICS
from dashboard.sources.pubsub.spec import SPEC

from .fake_grpc import demo_clients
from .fake_pubsub import T0, FakePubsubServer, world
from .readonly import is_read_only_rpc

pytestmark = pytest.mark.timeout(30)


def _rpcs() -> set[str]:
    """Every RPC method of the Pub/Sub GAPIC clients (those taking ``retry`` and ``metadata``)."""
    from google import pubsub_v1

    names: set[str] = set()
    for cls in (pubsub_v1.PublisherClient, pubsub_v1.SubscriberClient):
        for name, member in inspect.getmembers(cls, inspect.isfunction):
            params = inspect.signature(member).parameters
            if not name.startswith("_") and "retry" in params and "metadata" in params:
                names.add(name)
    return names


def test_the_clients_offer_writes_and_the_fetch_names_only_the_listings() -> None:
    rpcs = _rpcs()
    assert {"publish", "create_topic", "delete_subscription", "acknowledge", "seek"} <= rpcs
    tree = ast.parse(Path(api.__file__).read_text(encoding="utf-8"))
    named = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert named & rpcs == {"list_topics", "list_subscriptions"}
    assert not strings & rpcs


def test_the_spec_declares_only_reads() -> None:
    assert SPEC.methods == (LIST_TOPICS, LIST_SUBSCRIPTIONS, fmt.MON_LIST_TIME_SERIES, fmt.BQ_TABLES_GET)
    assert all(is_read_only_rpc(m) for m in SPEC.methods[:3])
    assert fmt.BQ_TABLES_GET == "bigquery.tables.get"  # REST, a get: the BigQuery wire guard lets it through


def test_a_poll_sends_only_list_calls_and_a_write_is_refused_before_it_is_sent() -> None:
    from google.cloud import pubsub_v1

    with FakePubsubServer(world()) as fake:
        made = api.make_clients(demo_clients(fake.address, timeout=2.0, retry_deadline=2.0), fake.address)
        try:
            api.fetch_pubsub(made, T0)
            assert {r.method for r in fake.received} == {
                LIST_TOPICS,
                LIST_SUBSCRIPTIONS,
                fmt.MON_LIST_TIME_SERIES,
            }
            before = len(fake.received)
            with pytest.raises(ReadOnlyViolation):
                made.subscriber.delete_subscription(
                    request=pubsub_v1.types.DeleteSubscriptionRequest(
                        subscription="projects/acme-etl/subscriptions/events-sub"
                    )
                )
            with pytest.raises(ReadOnlyViolation):
                made.publisher.create_topic(request=pubsub_v1.types.Topic(name="projects/acme-etl/topics/x"))
            assert len(fake.received) == before
        finally:
            made.shared.close()
