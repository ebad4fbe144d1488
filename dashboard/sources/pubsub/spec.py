"""The Pub/Sub source's spec: see the package's docstring."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast, overload

from dashboard.iam import MONITORING_VIEWER, TABLES_GRANT, Grant
from dashboard.recording import format as fmt
from dashboard.registry import CostService, PaneSpec, SourceSpec
from dashboard.sources import modules
from dashboard.sources.pubsub.model import PubsubData
from dashboard.sources.pubsub.parse import LIST_SUBSCRIPTIONS, LIST_TOPICS

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


class _Columns(Sequence[Any]):
    """The pane's columns (:data:`~dashboard.sources.pubsub.view.COLUMNS`), made on first use: the view
    imports rich, which a headless ``--record`` never loads."""

    @staticmethod
    def _all() -> tuple[Any, ...]:
        from dashboard.sources.pubsub.view import COLUMNS

        return COLUMNS

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())


def _rows(data: PubsubData, now: datetime) -> Any:
    from dashboard.sources.pubsub import view

    return view.rows(data, now)


def _item(data: PubsubData, key: str) -> Any:
    from dashboard.sources.pubsub import view

    return view.item(data, key)


def _detail(item: Any, now: datetime) -> Any:
    from dashboard.sources.pubsub import view

    return view.detail(item, now)


def _overview(data: PubsubData, now: datetime) -> tuple[int, str]:
    from dashboard.sources.pubsub import view

    return view.overview(data, now)


def _metrics(data: PubsubData) -> dict[str, float]:
    from dashboard.sources.pubsub import rules

    return rules.metrics(data)


PANE = PaneSpec(
    title="Pub/Sub",
    columns=cast(Any, _Columns()),
    rows=_rows,
    item=_item,
    detail=_detail,
    empty="no Pub/Sub subscription",
    overview=_overview,
)
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
    metrics=_metrics,
    order=10,
    short="Pub/Sub",
    report="dashboard.sources.pubsub.report:report",
    markdown="dashboard.sources.pubsub.report:markdown",
    document="dashboard.sources.pubsub.pipeline:document",
    app_pane="dashboard.sources.pubsub.pane:APP_PANE",
    hosts={"pubsub": "pubsub.googleapis.com:443"},
    raw_kinds=("pipeline",),
)
