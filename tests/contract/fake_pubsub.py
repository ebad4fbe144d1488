"""A fake of Pub/Sub's Publisher and Subscriber gRPC services beside the fake Monitoring, for the Pub/Sub
source's contract tests: :class:`FakePubsubServer` is :class:`~tests.contract.fake_grpc.FakeGrpcServer`
with ``ListTopics`` and ``ListSubscriptions`` registered too, and :func:`world` the payloads of a
two-project Pub/Sub estate in Google's documented shapes (proto JSON of ``google.pubsub.v1`` and
``ListTimeSeriesResponse``), as exchanges a poll would record.

The estate (two projects, the second's subscriptions on two pages):

- ``acme-analytics``: topic ``clicks`` (kept in europe-west1), pull subscription ``events-sub`` (no
  reader: 5,000 undelivered, oldest 2 h, the same all window);
- ``acme-etl``: topics ``events`` and ``events-dlq``; page 1: ``events-sub`` (pull, dead-letter policy to
  ``events-dlq`` after 5 attempts, retention 1 day, oldest unacked 22 h 48 min), ``events-to-bq``
  (BigQuery export to ``acme-etl.raw.events``); page 2: ``events-push`` (push to a Cloud Run URL, most
  pushes ``remote_error``), ``events-archive`` (Cloud Storage export, a state gcpdash does not know).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dashboard.recording import format as fmt
from dashboard.recording.format import Exchange
from dashboard.sources.pubsub.api import METRICS
from dashboard.sources.pubsub.model import LIST_SUBSCRIPTIONS, LIST_TOPICS

from .fake_grpc import DEMO_PROJECTS, FakeGrpcServer, rpc_classes

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
"""The first minute of every series; points every minute to T0 + 15 min."""
ANALYTICS, ETL = DEMO_PROJECTS


def pubsub_classes() -> dict[str, tuple[Any, Any]]:
    """The fake_grpc RPCs plus Pub/Sub's two listings."""
    from google.cloud import pubsub_v1  # type: ignore[attr-defined]

    types = pubsub_v1.types
    return {
        **rpc_classes(),
        LIST_TOPICS: (types.ListTopicsRequest, types.ListTopicsResponse),
        LIST_SUBSCRIPTIONS: (types.ListSubscriptionsRequest, types.ListSubscriptionsResponse),
    }


class FakePubsubServer(FakeGrpcServer):
    """:class:`FakeGrpcServer` that also serves ``ListTopics`` and ``ListSubscriptions``."""

    def _register(self) -> None:
        self._classes = pubsub_classes()
        super()._register()


def _ex(method: str, request: dict[str, Any], response: dict[str, Any]) -> Exchange:
    return Exchange(
        v=1, poll=1, t=T0, source="pubsub", api="grpc", method=method, request=request, response=response
    )


def _at(minute: int) -> str:
    return (T0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")


def series(
    resource: str, label: str, thing: str, metric: str, values: list[float], **extra: str
) -> dict[str, Any]:
    """One reduced series as Monitoring returns it: points newest first, int64 values as strings."""
    points = [
        {"interval": {"startTime": _at(i), "endTime": _at(i)}, "value": {"int64Value": str(int(v))}}
        for i, v in enumerate(values)
    ]
    return {
        "metric": {"type": f"pubsub.googleapis.com/{metric}", "labels": extra},
        "resource": {"type": resource, "labels": {label: thing}},
        "metricKind": "GAUGE" if "byte_cost" not in metric and "count" not in metric else "DELTA",
        "valueType": "INT64",
        "points": list(reversed(points)),
    }


def _sub(metric: str, thing: str, values: list[float], **extra: str) -> dict[str, Any]:
    return series("pubsub_subscription", "subscription_id", thing, metric, values, **extra)


def _topic(metric: str, thing: str, values: list[float]) -> dict[str, Any]:
    return series("pubsub_topic", "topic_id", thing, metric, values)


STEADY = [5000.0] * 16
GROWING = [1000.0 + 400 * i for i in range(16)]
"""events-sub in acme-etl: 1,000 → 7,000 undelivered over 15 min (+400 a minute)."""

SERIES: dict[tuple[str, str], list[dict[str, Any]]] = {
    (ANALYTICS, "subscription/num_undelivered_messages"): [
        _sub("subscription/num_undelivered_messages", "events-sub", STEADY)
    ],
    (ANALYTICS, "subscription/oldest_unacked_message_age"): [
        _sub("subscription/oldest_unacked_message_age", "events-sub", [7200.0 + 60 * i for i in range(16)])
    ],
    (ETL, "subscription/num_undelivered_messages"): [
        _sub("subscription/num_undelivered_messages", "events-sub", GROWING),
        _sub("subscription/num_undelivered_messages", "events-to-bq", [20.0] * 16),
    ],
    (ETL, "subscription/oldest_unacked_message_age"): [
        # 82,080 s = 22 h 48 min at the newest point: 95 % of the 86,400 s retention
        _sub("subscription/oldest_unacked_message_age", "events-sub", [81180.0 + 60 * i for i in range(16)]),
        _sub("subscription/oldest_unacked_message_age", "events-to-bq", [30.0] * 16),
    ],
    (ETL, "subscription/backlog_bytes"): [_sub("subscription/backlog_bytes", "events-sub", [3 * 2**20] * 16)],
    (ETL, "subscription/push_request_count"): [
        _sub("subscription/push_request_count", "events-push", [10.0] * 16, response_class="success"),
        _sub("subscription/push_request_count", "events-push", [30.0] * 16, response_class="remote_error"),
    ],
    (ETL, "subscription/byte_cost"): [_sub("subscription/byte_cost", "events-to-bq", [2**30] * 16)],
    (ETL, "topic/send_request_count"): [_topic("topic/send_request_count", "events-dlq", [0.0] * 15 + [3.0])],
    (ETL, "topic/byte_cost"): [_topic("topic/byte_cost", "events", [2**30] * 16)],
}
"""Per project and metric, the series Monitoring answers (every other read answers none)."""


def monitoring_request(project: str, index: int) -> dict[str, Any]:
    """The ``ListTimeSeries`` request of ``METRICS[index]`` as the client sends it (less its interval)."""
    spec = METRICS[index]
    return {
        "name": f"projects/{project}",
        "filter": spec.filter,
        "aggregation": {
            "alignmentPeriod": "60s",
            "perSeriesAligner": spec.aligner,
            "crossSeriesReducer": spec.reducer,
            "groupByFields": [spec.group_by, *spec.also_by],
        },
    }


SUBS_ETL_1 = [
    {
        "name": f"projects/{ETL}/subscriptions/events-sub",
        "topic": f"projects/{ETL}/topics/events",
        "pushConfig": {},
        "ackDeadlineSeconds": 60,
        "messageRetentionDuration": "86400s",
        "labels": {"team": "ingest"},
        "expirationPolicy": {"ttl": "2678400s"},
        "deadLetterPolicy": {
            "deadLetterTopic": f"projects/{ETL}/topics/events-dlq",
            "maxDeliveryAttempts": 5,
        },
        "retryPolicy": {"minimumBackoff": "10s", "maximumBackoff": "600s"},
        "state": "ACTIVE",
    },
    {
        "name": f"projects/{ETL}/subscriptions/events-to-bq",
        "topic": f"projects/{ETL}/topics/events",
        "bigqueryConfig": {"table": "acme-etl.raw.events", "useTopicSchema": True, "state": "ACTIVE"},
        "ackDeadlineSeconds": 600,
        "messageRetentionDuration": "604800s",
        "filter": 'attributes.kind = "order"',
        "state": "ACTIVE",
    },
]
SUBS_ETL_2 = [
    {
        "name": f"projects/{ETL}/subscriptions/events-push",
        "topic": f"projects/{ETL}/topics/events",
        "pushConfig": {
            "pushEndpoint": "https://ingest-abc123-ew.a.run.app/push",
            "oidcToken": {"serviceAccountEmail": "push@acme-etl.iam.gserviceaccount.com"},
        },
        "ackDeadlineSeconds": 20,
        "state": "ACTIVE",
    },
    {
        "name": f"projects/{ETL}/subscriptions/events-archive",
        "topic": f"projects/{ETL}/topics/events",
        "cloudStorageConfig": {
            "bucket": "acme-etl-archive",
            "maxDuration": "300s",
            "state": "IN_TRANSIT_LOCATION_RESTRICTION",
        },
        "state": "RESOURCE_ERROR",
    },
]


def world() -> list[Exchange]:
    """Every exchange of one poll of the estate, as the fake serves it."""
    out = [
        _ex(
            LIST_TOPICS,
            {"project": f"projects/{ANALYTICS}"},
            {
                "topics": [
                    {
                        "name": f"projects/{ANALYTICS}/topics/clicks",
                        "messageStoragePolicy": {"allowedPersistenceRegions": ["europe-west1"]},
                        "labels": {"env": "prod"},
                    }
                ]
            },
        ),
        _ex(
            LIST_SUBSCRIPTIONS,
            {"project": f"projects/{ANALYTICS}"},
            {
                "subscriptions": [
                    {
                        "name": f"projects/{ANALYTICS}/subscriptions/events-sub",
                        "topic": f"projects/{ANALYTICS}/topics/clicks",
                        "pushConfig": {},
                        "ackDeadlineSeconds": 10,
                        "state": "ACTIVE",
                    }
                ]
            },
        ),
        _ex(
            LIST_TOPICS,
            {"project": f"projects/{ETL}"},
            {
                "topics": [
                    {"name": f"projects/{ETL}/topics/events", "messageRetentionDuration": "86400s"},
                    {"name": f"projects/{ETL}/topics/events-dlq"},
                ]
            },
        ),
        _ex(
            LIST_SUBSCRIPTIONS,
            {"project": f"projects/{ETL}"},
            {"subscriptions": SUBS_ETL_1, "nextPageToken": "page-2"},
        ),
        _ex(LIST_SUBSCRIPTIONS, {"project": f"projects/{ETL}"}, {"subscriptions": SUBS_ETL_2}),
    ]
    for project in DEMO_PROJECTS:
        for i, spec in enumerate(METRICS):
            found = SERIES.get((project, spec.metric.removeprefix("pubsub.googleapis.com/")))
            out.append(
                _ex(
                    fmt.MON_LIST_TIME_SERIES,
                    monitoring_request(project, i),
                    {"timeSeries": found} if found else {},
                )
            )
    return out
