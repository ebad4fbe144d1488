"""The panes, report sections and Overview lines of the registered sources that are not built in, from
their spec's :class:`~dashboard.registry.PaneSpec`: the same renderables in the app and in ``--once``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from dashboard import registry
from dashboard.models import Snapshot
from dashboard.registry import SourceSpec
from dashboard.views import fmt
from dashboard.views.columns import Row, table
from dashboard.views.items import Item
from dashboard.views.status import pane_heading


class PluginItem(Item, frozen=True, kw_only=True):
    """A row of a plugin's pane, as its detail screen finds it again: by its source and its row key."""

    source: str
    key: str
    name: str
    """What the row is called (its first cell)."""


def items(spec: SourceSpec, row_list: list[Row]) -> dict[str, PluginItem]:
    """The items behind ``row_list`` (rows of ``spec``'s pane) by row key, when its rows open."""
    if spec.pane is None or spec.pane.item is None:
        return {}
    return {r.key: PluginItem(source=spec.name, key=r.key, name=r.cells[0].plain) for r in row_list}


def shown() -> tuple[SourceSpec, ...]:
    """The plugins' sources that have a pane, in the order they are shown."""
    return tuple(spec for spec in registry.plugins() if spec.pane is not None)


def data_of(snapshot: Snapshot, spec: SourceSpec) -> Any:
    """``spec``'s source's data in ``snapshot``; its empty data while none was read."""
    return spec.data_in(snapshot)


def rows(spec: SourceSpec, snapshot: Snapshot, now: datetime) -> list[Row]:
    """The rows of ``spec``'s table."""
    assert spec.pane is not None
    return spec.pane.rows(data_of(snapshot, spec), now)


def heading(spec: SourceSpec, snapshot: Snapshot, now: datetime) -> Text:
    """The pane's title and its source's badge."""
    assert spec.pane is not None
    return pane_heading(spec.pane.title, snapshot, spec.name, now)


def section(
    spec: SourceSpec, snapshot: Snapshot, now: datetime, *, wide: bool | None = None
) -> RenderableType:
    """The pane as ``--once`` prints it: heading, then the table."""
    assert spec.pane is not None
    return Group(
        heading(spec, snapshot, now),
        table(spec.pane.columns, rows(spec, snapshot, now), wide=wide, empty=spec.pane.empty),
    )


def sections(snapshot: Snapshot, now: datetime) -> list[RenderableType]:
    """Every plugin pane, as ``--once`` prints them."""
    return [section(spec, snapshot, now) for spec in shown()]


def running_rows(snapshot: Snapshot, now: datetime) -> list[Row]:
    """The plugins' lines in the Overview's Running table."""
    out: list[Row] = []
    for spec in shown():
        assert spec.pane is not None
        if spec.pane.overview is None:
            continue
        count, detail = spec.pane.overview(data_of(snapshot, spec), now)
        out.append(Row.of(spec.name, [spec.pane.title, fmt.count(count), detail]))
    return out


def detail(spec: SourceSpec, snapshot: Snapshot, key: str, now: datetime) -> RenderableType | None:
    """The body of the detail screen of the row ``key`` of ``spec``'s pane; None when the row is gone or
    the source has no detail screen."""
    pane = spec.pane
    if pane is None or pane.item is None or pane.detail is None:
        return None
    found = pane.item(data_of(snapshot, spec), key)
    return None if found is None else pane.detail(found, now)
