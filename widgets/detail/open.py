"""Which detail screen an opened row gets, with its content built from the latest frame: the one its
source's pane declares for its kind (:class:`widgets.sourcepane.Detail`)."""

from __future__ import annotations

from rich.console import RenderableType

from dashboard.views.items import Item
from widgets.detail.screens import DetailScreen
from widgets.frame import Frame
from widgets.sourcepane import Detail, detail_of


def _detail(item: Item) -> Detail:
    found = detail_of(item)
    if found is None:
        raise TypeError(f"no detail screen for {type(item).__name__}")
    return found


def detail_body(item: Item, frame: Frame) -> RenderableType:
    """What the detail screen of ``item`` shows at the frame's moment."""
    return _detail(item).body(item, frame)


def detail_screen(
    item: Item, frame: Frame, *, kind: str, key: str, pane_id: str, pane_title: str
) -> DetailScreen:
    """The detail screen of ``item``, the row ``key`` of kind ``kind`` in pane ``pane_id``."""
    found = _detail(item)
    return DetailScreen(
        (pane_title, found.name(item)),
        found.body(item, frame),
        kind=kind,
        key=key,
        pane_id=pane_id,
        copy_text=None if found.copy is None else found.copy(item),
    )
