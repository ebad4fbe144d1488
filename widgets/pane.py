"""A pane: a scrollable view of one renderable built from the latest Snapshot, with its data's status."""

from __future__ import annotations

from rich.console import RenderableType
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class SnapshotPane(VerticalScroll):
    """Shows what a view built from the latest Snapshot; keeps the scroll position across refreshes."""

    DEFAULT_CSS = """
    SnapshotPane { height: 1fr; }
    SnapshotPane > Static { width: auto; min-width: 100%; }
    SnapshotPane.-loading > Static { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._body = Static("Loading…", markup=False)
        self.add_class("-loading")

    def compose(self) -> ComposeResult:
        """The body."""
        yield self._body

    def show(self, renderable: RenderableType) -> None:
        """Replace the content; the scroll position is kept."""
        self.remove_class("-loading")
        self._body.update(renderable)
