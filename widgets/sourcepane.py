"""A source's pane in the app, as its package declares it (``SourceSpec.app_pane``, a ``module:attribute``
naming a :class:`SourcePane`): the widget that shows it, the columns of its tables, the builder of its part
of each frame and the detail screens of its rows. A source with only a
:class:`~dashboard.registry.PaneSpec` (a plugin's table) gets the same, made from that spec
(:func:`plugin_pane`); the shell (:mod:`widgets.paneset`, :mod:`widgets.panedata`,
:mod:`widgets.detail.open`) loops over :func:`source_panes`.

No Textual here: the views of the sources import it, and the poll worker builds frames with it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from dashboard import registry
from dashboard.registry import SourceSpec

if TYPE_CHECKING:
    from rich.console import RenderableType

    from dashboard.models import Snapshot
    from dashboard.pricing import PriceTable
    from dashboard.views.columns import Column
    from widgets.frame import Frame, PaneData


def pane_columns(
    columns: Sequence[Column], *, wide: Collection[str] = (), name: tuple[str, int] = ("", 0)
) -> tuple[Column, ...]:
    """A view's columns as a pane shows them: those keyed in ``wide`` only on wide terminals (200+
    cells), so names stay readable at 120; the ``name`` column (its key and the cells it keeps however
    narrow the terminal) kept readable."""
    key, width = name
    out = []
    for column in columns:
        shown = replace(column, wide=True) if column.key in wide else column
        if column.key == key:
            shown = replace(shown, min_width=max(column.min_width or 0, width))
        out.append(shown)
    return tuple(out)


@dataclass(frozen=True)
class Detail:
    """The detail screen of one kind of row: its body, and its name and text to copy (``c``)."""

    item: type[Any]
    """The items it shows (a :class:`~dashboard.views.items.Item` class)."""
    body: Callable[[Any, Frame], RenderableType]
    """``body(item, frame)``: what it shows at the frame's moment."""
    name: Callable[[Any], str]
    """``name(item)``: its title after the pane's."""
    copy: Callable[[Any], str | None] | None = None
    """``copy(item)``: what ``c`` copies (a query, a message); None: nothing."""


@dataclass(frozen=True)
class SourcePane:
    """A source's pane in the app (see the module docstring)."""

    widget: str
    """``module:Class`` of its widget, made with ``(pane_id, id=...)``."""
    build: Callable[[SourceSpec, Snapshot, datetime, PriceTable], PaneData]
    """``build(spec, snapshot, now, prices)``: its part of a frame (run in the poll worker)."""
    columns: tuple[Column, ...] = ()
    """Its main table's columns, as shown."""
    more: tuple[tuple[str, tuple[Column, ...]], ...] = ()
    """Its further tables, by widget id suffix, and their columns."""
    details: tuple[Detail, ...] = ()
    short: bool = False
    """A short main table (a few rows): its notes get the rest of the pane."""


def _attribute(path: str) -> Any:
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


def widget_class(pane: SourcePane) -> Callable[..., Any]:
    """The class of ``pane``'s widget (imported)."""
    found: Callable[..., Any] = _attribute(pane.widget)
    return found


_lock = threading.Lock()
_made: dict[str, tuple[SourceSpec, SourcePane | None]] = {}
"""Each source's pane by name, with the spec it was made of (a registry loaded again makes it again)."""


def source_pane(spec: SourceSpec) -> SourcePane | None:
    """``spec``'s pane in the app: its package's (``app_pane``), else its :class:`PaneSpec`'s table;
    None when it has no pane."""
    with _lock:
        made = _made.get(spec.name)
        if made is not None and made[0] is spec:
            return made[1]
        found: SourcePane | None
        if spec.app_pane:
            found = _attribute(spec.app_pane)
            if not isinstance(found, SourcePane):
                raise TypeError(f"{spec.app_pane} is not a SourcePane")
        else:
            found = None if spec.pane is None else plugin_pane(spec)
        _made[spec.name] = (spec, found)
        return found


def pane_id(spec: SourceSpec) -> str:
    """The app pane that shows ``spec``'s source."""
    return spec.pane_id or spec.name


def source_panes() -> dict[str, tuple[SourceSpec, SourcePane]]:
    """Every registered source's pane in the app, by pane id, in the order they are shown."""
    out: dict[str, tuple[SourceSpec, SourcePane]] = {}
    for spec in registry.sources():
        found = source_pane(spec)
        if found is not None:
            out[pane_id(spec)] = (spec, found)
    return out


def find(pane: str) -> SourcePane | None:
    """The source pane with id ``pane``; None for the shell's own panes."""
    found = source_panes().get(pane)
    return None if found is None else found[1]


def detail_of(item: Any) -> Detail | None:
    """The detail screen of ``item``'s kind; None when no pane opens it."""
    for _, found in source_panes().values():
        for detail in found.details:
            if isinstance(item, detail.item):
                return detail
    return None


def plugin_pane(spec: SourceSpec) -> SourcePane:
    """The pane of a source that declares only a :class:`PaneSpec`: a table of its things, each opening
    its detail screen."""
    from dashboard.views.plugins import PluginItem

    assert spec.pane is not None
    return SourcePane(
        widget="widgets.panes:TablePane",
        build=_plugin_build,
        columns=tuple(spec.pane.columns),
        details=(Detail(PluginItem, _plugin_detail, _plugin_name),),
    )


def _plugin_build(spec: SourceSpec, snapshot: Snapshot, now: datetime, prices: PriceTable) -> PaneData:
    from dashboard.views import plugins
    from widgets.frame import PaneData, TableData

    assert spec.pane is not None
    rows = plugins.rows(spec, snapshot, now)
    return PaneData(
        heading=plugins.heading(spec, snapshot, now),
        table=TableData(spec.pane.columns, rows, plugins.items(spec, rows), spec.name),
    )


def _plugin_detail(item: Any, frame: Frame) -> RenderableType:
    from rich.text import Text

    from dashboard.views import plugins

    spec = registry.spec(item.source)
    body = None if spec is None else plugins.detail(spec, frame.snapshot, item.key, frame.now)
    return body if body is not None else Text(f"{item.name}: no longer listed", style="dim")


def _plugin_name(item: Any) -> str:
    name: str = item.name
    return name
