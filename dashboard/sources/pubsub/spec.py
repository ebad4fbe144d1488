"""The Pub/Sub source's spec: see the package's docstring."""

from __future__ import annotations

from dashboard.iam import MONITORING_VIEWER, Grant
from dashboard.recording import format as fmt
from dashboard.registry import SourceSpec
from dashboard.sources import modules
from dashboard.sources.pubsub import rules
from dashboard.sources.pubsub.model import PubsubData
from dashboard.sources.pubsub.parse import LIST_SUBSCRIPTIONS, LIST_TOPICS
from dashboard.sources.pubsub.view import PANE

PUBSUB_VIEWER = "roles/pubsub.viewer"

GRANTS = (
    Grant(
        PUBSUB_VIEWER,
        "each monitored project",
        "list Pub/Sub topics and subscriptions",
        (LIST_TOPICS, LIST_SUBSCRIPTIONS),
    ),
    Grant(
        MONITORING_VIEWER,
        "each monitored project",
        "read backlog, oldest unacked age, push responses and billed bytes",
        (fmt.MON_LIST_TIME_SERIES,),
        required=False,
    ),
)
"""The roles the source needs, required ones first (GCP_REFERENCE.md section 10.1)."""

SPEC = SourceSpec(
    name="pubsub",
    title="Pub/Sub",
    interval=60.0,
    data=PubsubData,
    parse="dashboard.sources.pubsub.parse:parse_pubsub",
    fetch="dashboard.sources.pubsub.api:fetch",
    methods=(LIST_TOPICS, LIST_SUBSCRIPTIONS, fmt.MON_LIST_TIME_SERIES),
    grants=GRANTS,
    packages=(*modules.GRPC, "google.cloud.pubsub_v1"),
    merge="series",
    pane=PANE,
    cost=rules.cost,
    rules=rules.RULES,
    metrics=rules.metrics,
    short="Pub/Sub",
)
