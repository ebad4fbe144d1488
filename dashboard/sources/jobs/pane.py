"""The jobs source's pane in the app: its frame builder, columns and detail screens (its
spec's ``app_pane``). Apart from :mod:`dashboard.sources.jobs.view` (the renderables ``--once`` prints
too), so that nothing headless that reaches the view reaches the widgets."""

from __future__ import annotations

from datetime import datetime

from rich.console import RenderableType

from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.registry import SourceSpec
from dashboard.sources.jobs.view import COLUMNS
from dashboard.views.items import JobItem
from dashboard.views.status import pane_heading
from widgets.frame import Frame, PaneData
from widgets.sourcepane import Detail, SourcePane


def app_pane_data(spec: SourceSpec, snapshot: Snapshot, now: datetime, prices: PriceTable) -> PaneData:
    """The app's jobs pane: its heading (:class:`widgets.jobs.JobsPane` formats its own rows, only those
    on screen)."""
    return PaneData(heading=pane_heading(spec.title, snapshot, spec.name, now))


def _detail(item: JobItem, frame: Frame) -> RenderableType:
    from widgets.detail.content import job_detail

    return job_detail(item, frame.snapshot, frame.now)


APP_PANE = SourcePane(
    widget="widgets.panes:JobsTablePane",
    build=app_pane_data,
    columns=COLUMNS,
    details=(Detail(JobItem, _detail, lambda item: item.job_id, lambda item: item.query),),
)
"""The app's pane (``SourceSpec.app_pane``)."""
