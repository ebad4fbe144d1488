"""What each pane shows at one moment, as plain data: the pane list, and the frame the poll worker builds
(:func:`widgets.panedata.build`) for the UI thread to show. Light to import (nothing but the standard
library and the sources' specs at run time): the app needs :data:`PANES` for its first frame."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

    from dashboard.insights import Insight
    from dashboard.models import Snapshot
    from dashboard.views.columns import Column, Row
    from dashboard.views.items import Item


def _panes() -> tuple[tuple[str, str, str], ...]:
    """The Overview, each built-in source's pane (its spec's ``app_pane``), Cost and Insights."""
    from dashboard import registry

    shown = [(s.pane_id or s.name, s.title) for s in registry.sources() if s.builtin and s.app_pane]
    entries = [("overview", "Overview"), *shown, ("cost", "Cost"), ("insights", "Insights")]
    return tuple((pane_id, title, str(n)) for n, (pane_id, title) in enumerate(entries, start=1))


PANES: tuple[tuple[str, str, str], ...] = _panes()
"""Pane id, title and key, in tab order."""


@dataclass(frozen=True)
class TableData:
    """One table: its columns, its rows (keyed), and the items behind the rows by key."""

    columns: tuple[Column, ...]
    rows: list[Row]
    items: Mapping[str, Item] = field(default_factory=dict)
    kind: str = ""
    """What a row is: ``job``, ``reservation``, ``cluster``, ``dataproc_job``, ``batch``, ``dataflow``."""


@dataclass(frozen=True)
class PaneData:
    """One pane: a heading with its source's status, an optional table, and what shows below it."""

    heading: Text
    table: TableData | None = None
    body: RenderableType | None = None
    more: tuple[tuple[str, TableData], ...] = ()
    """Further tables below the first, each under its title (the Dataproc pane's jobs and batches)."""


@dataclass(frozen=True)
class Frame:
    """Every pane at one moment."""

    snapshot: Snapshot
    now: datetime
    panes: Mapping[str, PaneData]
    jobs: object | None = None
    """The jobs pane's rows prepared off the UI thread (:class:`widgets.jobs.PreparedJobs`), if any."""
    insights: tuple[Insight, ...] = ()
    """What the rules found in the snapshot, critical first then by money at stake."""
