"""The Data Fusion source's spec: see the package's docstring."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast, overload

from dashboard.iam import Grant
from dashboard.registry import CostService, PaneSpec, SourceSpec
from dashboard.sources import modules
from dashboard.sources.datafusion.model import RUNNING, DatafusionData
from dashboard.sources.datafusion.parse import LIST_INSTANCES

DATAFUSION_VIEWER = "roles/datafusion.viewer"

GRANTS = (
    Grant(
        DATAFUSION_VIEWER,
        "each monitored project",
        "list Data Fusion instances (every location)",
        (LIST_INSTANCES,),
    ),
)
"""The role the source needs (GCP_REFERENCE.md section 10.5)."""


class _Columns(Sequence[Any]):
    """The pane's columns (:data:`~dashboard.sources.datafusion.view.COLUMNS`), made on first use: the view
    imports rich, which a headless ``--record`` never loads."""

    @staticmethod
    def _all() -> tuple[Any, ...]:
        from dashboard.sources.datafusion.view import COLUMNS

        return COLUMNS

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())


def _rows(data: DatafusionData, now: datetime) -> Any:
    from dashboard.sources.datafusion import view

    return view.rows(data, now)


def _item(data: DatafusionData, key: str) -> Any:
    from dashboard.sources.datafusion import view

    return view.item(data, key)


def _detail(item: Any, now: datetime) -> Any:
    from dashboard.sources.datafusion import view

    return view.detail(item, now)


def _overview(data: DatafusionData, now: datetime) -> tuple[int, str]:
    from dashboard.sources.datafusion import view

    return view.overview(data, now)


def _metrics(data: DatafusionData) -> dict[str, float]:
    from dashboard.sources.datafusion import rules

    return rules.metrics(data)


def _window_from(data: DatafusionData) -> list[datetime]:
    return [s.points[0].t for s in data.series if s.metric == RUNNING and s.points]


PANE = PaneSpec(
    title="Data Fusion",
    columns=cast(Any, _Columns()),
    rows=_rows,
    item=_item,
    detail=_detail,
    empty="no Data Fusion instance",
    overview=_overview,
)
"""The pane; its functions import :mod:`dashboard.sources.datafusion.view` (and rich) when first shown."""

SPEC = SourceSpec(
    name="datafusion",
    title="Data Fusion",
    interval=300.0,
    data=DatafusionData,
    parse="dashboard.sources.datafusion.parse:parse_datafusion",
    fetch="dashboard.sources.datafusion.api:fetch",
    methods=(LIST_INSTANCES,),
    grants=GRANTS,
    packages=(*modules.GRPC, "google.cloud.data_fusion_v1"),
    merge="series",
    requires=("dataproc",),
    pane=PANE,
    services=(CostService(name="datafusion", title="Data Fusion", billed_as=("Cloud Data Fusion",)),),
    estimator="dashboard.sources.datafusion.cost:ESTIMATOR",
    window_from=_window_from,
    rule_modules=("dashboard.sources.datafusion.rules",),
    metrics=_metrics,
    order=50,
    short="Data Fusion",
    report="dashboard.sources.datafusion.report:report",
    markdown="dashboard.sources.datafusion.report:markdown",
    document="dashboard.sources.datafusion.report:document",
    app_pane="dashboard.sources.datafusion.pane:APP_PANE",
    hosts={"datafusion": "datafusion.googleapis.com:443"},
)
