"""The Composer source's spec: see the package's docstring."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast, overload

from dashboard.iam import MONITORING_VIEWER, Grant
from dashboard.recording import format as fmt
from dashboard.registry import CostService, PaneSpec, SourceSpec
from dashboard.sources import modules
from dashboard.sources.composer.model import ComposerData
from dashboard.sources.composer.parse import LIST_ENVIRONMENTS, LIST_WORKLOADS

COMPOSER_VIEWER = "roles/composer.environmentAndStorageObjectViewer"

GRANTS = (
    Grant(
        COMPOSER_VIEWER,
        "each monitored project",
        "list Composer environments and their workloads",
        (LIST_ENVIRONMENTS, LIST_WORKLOADS),
    ),
    Grant(
        MONITORING_VIEWER,
        "each monitored project",
        "read environment health, DAG runs and durations, parse errors, scheduler heartbeats",
        (fmt.MON_LIST_TIME_SERIES,),
        required=False,
    ),
)
"""The roles the source needs, required ones first (GCP_REFERENCE.md section 10.2)."""


class _Columns(Sequence[Any]):
    """The pane's columns (:data:`~dashboard.sources.composer.view.COLUMNS`), made on first use: the view
    imports rich, which a headless ``--record`` never loads."""

    @staticmethod
    def _all() -> tuple[Any, ...]:
        from dashboard.sources.composer.view import COLUMNS

        return COLUMNS

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())


def _rows(data: ComposerData, now: datetime) -> Any:
    from dashboard.sources.composer import view

    return view.rows(data, now)


def _item(data: ComposerData, key: str) -> Any:
    from dashboard.sources.composer import view

    return view.item(data, key)


def _detail(item: Any, now: datetime) -> Any:
    from dashboard.sources.composer import view

    return view.detail(item, now)


def _overview(data: ComposerData, now: datetime) -> tuple[int, str]:
    from dashboard.sources.composer import view

    return view.overview(data, now)


def _metrics(data: ComposerData) -> dict[str, float]:
    from dashboard.sources.composer import rules

    return rules.metrics(data)


PANE = PaneSpec(
    title="Composer",
    columns=cast(Any, _Columns()),
    rows=_rows,
    item=_item,
    detail=_detail,
    empty="no Composer environment",
    overview=_overview,
)
"""The pane; its functions import :mod:`dashboard.sources.composer.view` (and rich) when first shown."""

SPEC = SourceSpec(
    name="composer",
    title="Composer",
    interval=120.0,
    data=ComposerData,
    parse="dashboard.sources.composer.parse:parse_composer",
    fetch="dashboard.sources.composer.api:fetch",
    methods=(LIST_ENVIRONMENTS, LIST_WORKLOADS, fmt.MON_LIST_TIME_SERIES),
    grants=GRANTS,
    packages=(*modules.GRPC, "google.cloud.orchestration.airflow.service_v1"),
    merge="series",
    pane=PANE,
    # Composer bills DCU-hours, database and storage by SKU, which the billing export's "Cloud Composer"
    # lines hold; no per-size price is invented: its estimator's line is $0, not an estimate
    services=(CostService(name="composer", title="Cloud Composer", billed_as=("Cloud Composer",)),),
    estimator="dashboard.sources.composer.cost:ESTIMATOR",
    rule_modules=("dashboard.sources.composer.rules",),
    metrics=_metrics,
    order=20,
    short="Composer",
    report="dashboard.sources.composer.report:report",
    markdown="dashboard.sources.composer.report:markdown",
    document="dashboard.sources.composer.document:document",
    app_pane="dashboard.sources.composer.pane:APP_PANE",
    hosts={"composer": "composer.googleapis.com:443"},
    raw_kinds=("composer_environment",),
)
