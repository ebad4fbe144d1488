"""Pub/Sub dead letters when several subscriptions share one dead-letter topic, in two projects.

Google's Pub/Sub monitoring page: "To monitor undeliverable messages that Pub/Sub forwards to a dead-letter
topic, use the subscription/dead_letter_message_count metric. This metric shows the number of undeliverable
messages that Pub/Sub forwards from a subscription." A dead-letter topic is often shared; its
``topic/send_request_count`` then counts every subscription's forwards and says nothing of whose they are.
Subscriptions are ``google.pubsub_v1.Subscription`` messages and metrics ``monitoring_v3``
``ListTimeSeriesResponse`` pages (DELTA counts aligned with ALIGN_SUM per minute, points newest first),
read through the parser as the live backend reads them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from dashboard.parsers.poll import PollContext
from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.pubsub import rules
from dashboard.sources.pubsub.model import LIST_SUBSCRIPTIONS, PubsubData
from dashboard.sources.pubsub.parse import parse_pubsub

T = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
DLQ = "projects/acme-etl/topics/shared-dlq"


def exchange(method: str, request: dict[str, Any], response: dict[str, Any]) -> Exchange:
    return Exchange(
        v=1, poll=1, t=T, source="pubsub", api="grpc", method=method, request=request, response=response
    )


def listing(project: str, *subs: Any) -> Exchange:
    from google import pubsub_v1

    page = pubsub_v1.ListSubscriptionsResponse(subscriptions=list(subs))
    text = pubsub_v1.ListSubscriptionsResponse.to_json(page, indent=None)
    return exchange(LIST_SUBSCRIPTIONS, {"project": f"projects/{project}"}, json.loads(text))


def subscription(project: str, name: str) -> Any:
    from google import pubsub_v1

    return pubsub_v1.Subscription(
        name=f"projects/{project}/subscriptions/{name}",
        topic=f"projects/{project}/topics/events",
        dead_letter_policy=pubsub_v1.DeadLetterPolicy(dead_letter_topic=DLQ, max_delivery_attempts=7),
    )


def read(project: str, metric: str, resource: str, label: str, counts: dict[str, list[int]]) -> Exchange:
    """One ``ListTimeSeries`` page: per subscription or topic, a point a minute up to ``T``, newest first."""
    from google.cloud import monitoring_v3

    page = monitoring_v3.ListTimeSeriesResponse(
        time_series=[
            monitoring_v3.TimeSeries(
                metric={"type": f"pubsub.googleapis.com/{metric}"},
                resource={"type": resource, "labels": {"project_id": project, label: thing}},
                points=[
                    monitoring_v3.Point(
                        interval={"end_time": T - timedelta(minutes=i)}, value={"int64_value": value}
                    )
                    for i, value in enumerate(reversed(values))
                ],
            )
            for thing, values in counts.items()
        ]
    )
    request = {
        "name": f"projects/{project}",
        "filter": f'metric.type = "pubsub.googleapis.com/{metric}" AND resource.type = "{resource}"',
        "aggregation": {"groupByFields": [f"resource.label.{label}"]},
    }
    text = monitoring_v3.ListTimeSeriesResponse.to_json(page, indent=None)
    return exchange(fmt.MON_LIST_TIME_SERIES, request, json.loads(text))


def poll(*exchanges: Exchange) -> PubsubData:
    return parse_pubsub(list(exchanges), PollContext("pubsub"))


def test_only_the_subscription_that_forwards_messages_is_named() -> None:
    data = poll(
        listing("acme-etl", subscription("acme-etl", "orders-bq"), subscription("acme-etl", "orders-gcs")),
        # the shared topic got 2 + 4 = 6 publishes, all of them orders-bq's forwards
        read("acme-etl", "topic/send_request_count", "pubsub_topic", "topic_id", {"shared-dlq": [0, 2, 4]}),
        read(
            "acme-etl",
            "subscription/dead_letter_message_count",
            "pubsub_subscription",
            "subscription_id",
            {"orders-bq": [0, 2, 4]},  # orders-gcs forwards nothing: Monitoring sends it no series
        ),
    )
    [insight] = rules.dead_letters(data, T)
    assert insight.resource_key == "acme-etl/orders-bq"
    assert insight.evidence == (
        f"6 messages forwarded to {DLQ} over the window (after 7 delivery attempts each)"  # 0 + 2 + 4
    )


def test_a_subscription_in_another_project_sharing_the_topic_is_not_named_for_its_forwards() -> None:
    data = poll(
        listing("acme-etl", subscription("acme-etl", "orders-bq")),
        # acme-bi's subscription dead-letters to the same topic in acme-etl, and forwards nothing: its
        # project's read of the count answers no series
        listing("acme-bi", subscription("acme-bi", "orders-bi")),
        read("acme-etl", "topic/send_request_count", "pubsub_topic", "topic_id", {"shared-dlq": [1, 1, 1]}),
        read(
            "acme-etl",
            "subscription/dead_letter_message_count",
            "pubsub_subscription",
            "subscription_id",
            {"orders-bq": [1, 1, 1]},
        ),
        read(
            "acme-bi", "subscription/dead_letter_message_count", "pubsub_subscription", "subscription_id", {}
        ),
    )
    assert [i.resource_key for i in rules.dead_letters(data, T)] == ["acme-etl/orders-bq"]


def test_without_the_count_the_topics_publishes_stand_in_for_every_subscription_sharing_it() -> None:
    data = poll(  # a recording made before the count was read
        listing("acme-etl", subscription("acme-etl", "orders-bq"), subscription("acme-etl", "orders-gcs")),
        read("acme-etl", "topic/send_request_count", "pubsub_topic", "topic_id", {"shared-dlq": [1, 1, 1]}),
    )
    evidence = f"3 publish requests to {DLQ} over the window (after 7 delivery attempts each)"
    found = {i.resource_key: i.evidence for i in rules.dead_letters(data, T)}
    assert found == {"acme-etl/orders-bq": evidence, "acme-etl/orders-gcs": evidence}
