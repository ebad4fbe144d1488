"""The Pub/Sub source's data: topics, subscriptions and their Monitoring series."""

from __future__ import annotations

from typing import Literal

import msgspec

from dashboard.models import MetricSeries
from dashboard.models_tables import BigQueryTable

SubscriptionType = Literal["pull", "push", "bigquery", "cloud_storage", "bigtable"]

UNDELIVERED = "subscription/num_undelivered_messages"
OLDEST_UNACKED = "subscription/oldest_unacked_message_age"
BACKLOG_BYTES = "subscription/backlog_bytes"
PUSH_REQUESTS = "subscription/push_request_count"
"""Stored per response class: ``subscription/push_request_count:<response_class>``."""
SUB_BYTE_COST = "subscription/byte_cost"
DEAD_LETTERED = "subscription/dead_letter_message_count"
"""Messages Pub/Sub forwarded from a subscription to its dead-letter topic (a DELTA count)."""
TOPIC_SENDS = "topic/send_request_count"
TOPIC_BYTE_COST = "topic/byte_cost"


class Topic(msgspec.Struct, frozen=True, kw_only=True):
    """A Pub/Sub ``Topic`` as ``ListTopics`` returns it."""

    project: str
    topic_id: str
    name: str
    """The full name, ``projects/P/topics/T``."""
    labels: dict[str, str] = {}
    retention_s: float | None = None
    """``message_retention_duration``: how long the topic keeps messages (None: not set)."""
    kms_key: str | None = None
    regions: tuple[str, ...] = ()
    """``message_storage_policy.allowed_persistence_regions``: where its messages may be stored."""
    state: str = "STATE_UNSPECIFIED"

    @property
    def key(self) -> str:
        """Its row and series key: ``project/topic_id``."""
        return f"{self.project}/{self.topic_id}"


class Subscription(msgspec.Struct, frozen=True, kw_only=True):
    """A Pub/Sub ``Subscription`` as ``ListSubscriptions`` returns it."""

    project: str
    subscription_id: str
    name: str
    """The full name, ``projects/P/subscriptions/S``: what a Dataflow job's ``pubsub_details`` name."""
    topic: str
    """The full topic name (``_deleted-topic_`` once its topic was deleted)."""
    type: SubscriptionType = "pull"
    state: str = "STATE_UNSPECIFIED"
    """``ACTIVE``, ``RESOURCE_ERROR``, or whatever newer value the API sends."""
    ack_deadline_s: float = 10.0
    retention_s: float = 604800.0
    """``message_retention_duration`` (default 7 days): an unacknowledged message older is dropped."""
    retain_acked: bool = False
    dead_letter_topic: str | None = None
    max_delivery_attempts: int | None = None
    filter: str = ""
    labels: dict[str, str] = {}
    push_endpoint: str | None = None
    bigquery_table: str | None = None
    """``bigquery_config.table``, ``project.dataset.table`` (or ``project:dataset.table``)."""
    bigquery_state: str | None = None
    cloud_storage_bucket: str | None = None
    export_state: str | None = None
    """The export's own state (``bigquery_config.state`` or ``cloud_storage_config.state``)."""
    detached: bool = False
    exactly_once: bool = False
    ordering: bool = False

    @property
    def key(self) -> str:
        """Its row and series key: ``project/subscription_id``."""
        return f"{self.project}/{self.subscription_id}"

    @property
    def topic_key(self) -> str:
        """``project/topic_id`` of its topic (topics are named ``projects/P/topics/T``)."""
        parts = self.topic.split("/")
        return f"{parts[1]}/{parts[3]}" if len(parts) == 4 else self.topic


class PubsubData(msgspec.Struct, frozen=True, kw_only=True):
    """One poll of the Pub/Sub source (its series merged over the store's window)."""

    topics: tuple[Topic, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()
    series: tuple[MetricSeries, ...] = ()
    """Keyed ``project/subscription_id`` or ``project/topic_id``."""
    tables: tuple[BigQueryTable, ...] = ()
    """The tables the active BigQuery export subscriptions write (``tables.get``, this poll's)."""
    warnings: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()
    metrics_unavailable: str | None = None


# The API methods it reads, as recordings name them (here, not in the parser, so that the spec names them
# without importing the parser).
LIST_TOPICS = "google.pubsub.v1.Publisher/ListTopics"
LIST_SUBSCRIPTIONS = "google.pubsub.v1.Subscriber/ListSubscriptions"
