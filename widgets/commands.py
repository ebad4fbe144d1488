"""The command palette (``:``): jump to a pane, change the time window, the theme, export the view.

The commands call the app's own actions, the same ones the keys run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider

from dashboard.session import WINDOWS
from widgets.frame import PANES


class Commandable(Protocol):
    """What the palette needs from the app."""

    available_themes: dict[str, object]

    def action_show(self, number: int) -> None:
        """Show a pane."""

    def set_window(self, label: str) -> None:
        """Change the time window."""

    def set_theme(self, name: str) -> None:
        """Change the theme."""

    def export_view(self, fmt: str) -> None:
        """Export the current view."""

    def export_view_to(self, fmt: str) -> None:
        """Export the current view to a path asked for."""


def commands(app: Commandable) -> Iterator[tuple[str, Callable[[], object], str]]:
    """Every command: its name, what it does, and a line of help."""
    for number, (_, title, key) in enumerate(PANES, start=1):
        yield f"Go to {title}", partial(app.action_show, number), f"the {title} pane (key {key})"
    for label in WINDOWS:
        yield f"Window: last {label}", partial(app.set_window, label), f"show the last {label}"
    for fmt in ("csv", "json"):
        yield (
            f"Export view as {fmt.upper()}",
            partial(app.export_view, fmt),
            "the rows of the current table, as filtered and sorted, to a file here",
        )
        yield (
            f"Export view as {fmt.upper()} to…",
            partial(app.export_view_to, fmt),
            "the same, to a path you type",
        )
    for name in sorted(app.available_themes):
        yield f"Theme: {name}", partial(app.set_theme, name), "change the colours"


class DashboardCommands(Provider):
    """gcpdash's commands."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = self.app
        return list(commands(app)) if hasattr(app, "export_view") else []  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        """The commands, before anything is typed."""
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """The commands matching what is typed."""
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
