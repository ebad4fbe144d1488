"""The Pub/Sub source's spec: see the package's docstring."""

from __future__ import annotations

from dashboard.iam import MONITORING_VIEWER, TABLES_GRANT, Grant
from dashboard.recording import format as fmt
from dashboard.registry import CostService, SourceSpec
from dashboard.sources import modules
from dashboard.sources.lazy import lazy, view_pane
from dashboard.sources.pubsub.model import LIST_SUBSCRIPTIONS, LIST_TOPICS, PubsubData

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
    TABLES_GRANT,
)
"""The roles the source needs, required ones first (GCP_REFERENCE.md section 10.1)."""


PANE = view_pane("dashboard.sources.pubsub.view", title="Pub/Sub", empty="no Pub/Sub subscription")
"""The pane; its functions import :mod:`dashboard.sources.pubsub.view` (and rich) when first shown."""

SPEC = SourceSpec(
    name="pubsub",
    title="Pub/Sub",
    interval=60.0,
    data=PubsubData,
    parse="dashboard.sources.pubsub.parse:parse_pubsub",
    fetch="dashboard.sources.pubsub.api:fetch",
    methods=(LIST_TOPICS, LIST_SUBSCRIPTIONS, fmt.MON_LIST_TIME_SERIES, fmt.BQ_TABLES_GET),
    grants=GRANTS,
    packages=(*modules.GRPC, *modules.BQ_TABLES, "google.cloud.pubsub_v1"),
    merge="series",
    pane=PANE,
    services=(CostService(name="pubsub", title="Pub/Sub throughput", billed_as=("Cloud Pub/Sub",)),),
    estimator="dashboard.sources.pubsub.cost:ESTIMATOR",
    window_from=lambda data: [s.points[0].t for s in data.series if s.points],
    rule_modules=("dashboard.sources.pubsub.rules",),
    metrics=lazy("dashboard.sources.pubsub.rules:metrics"),
    order=10,
    short="Pub/Sub",
    report="dashboard.sources.pubsub.report:report",
    markdown="dashboard.sources.pubsub.report:markdown",
    document="dashboard.sources.pubsub.pipeline:document",
    app_pane="dashboard.sources.pubsub.pane:APP_PANE",
    asset_types=("pubsub.googleapis.com/Subscription", "pubsub.googleapis.com/Topic"),
    hosts={"pubsub": "pubsub.googleapis.com:443"},
    raw_kinds=("pipeline",),
)
