"""The command palette (``:``): jump to a pane, change the time window, the theme, export the view.

The commands call the app's own actions, the same ones the keys run. A pane is found by its title or its
id (``:pubsub`` then ``enter``): a query that is a pane's id or title exactly ranks that pane first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Protocol

from textual.command import DiscoveryHit, Hit, Hits, Provider

from dashboard.session import WINDOWS


class Commandable(Protocol):
    """What the palette needs from the app."""

    available_themes: dict[str, object]
    pane_entries: Sequence[tuple[str, str, str]]

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


Command = tuple[str, Callable[[], object], str]
"""A command's name, what it does, and a line of help."""


def pane_commands(app: Commandable) -> Iterator[tuple[Command, str]]:
    """``Go to <title>`` for every pane, with the pane's id (matched as well as the name)."""
    for number, (pane_id, title, key) in enumerate(app.pane_entries, start=1):
        where = f"key {key}" if key else f"id {pane_id}"
        yield (f"Go to {title}", partial(app.action_show, number), f"the {title} pane ({where})"), pane_id


def commands(app: Commandable) -> Iterator[Command]:
    """Every command: its name, what it does, and a line of help."""
    for command, _ in pane_commands(app):
        yield command
    yield from other_commands(app)


def other_commands(app: Commandable) -> Iterator[Command]:
    """The commands that do not show a pane."""
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


def score(query: str, name: str, pane_id: str, matched: float) -> float:
    """A command's rank for ``query``: 1 for a pane named exactly (by id, title or ``Go to`` title), else
    ``matched`` (the better fuzzy score of the name and the id)."""
    wanted = query.strip().casefold()
    if pane_id and wanted in (pane_id.casefold(), name.casefold(), name.removeprefix("Go to ").casefold()):
        return 1.0
    return matched


class DashboardCommands(Provider):
    """gcpdash's commands."""

    def _commands(self) -> list[tuple[Command, str]]:
        app = self.app
        if not hasattr(app, "export_view"):
            return []
        panes = list(pane_commands(app))  # type: ignore[arg-type]
        return panes + [(command, "") for command in other_commands(app)]  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        """The commands, before anything is typed."""
        for (name, callback, help_text), _ in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """The commands matching what is typed."""
        matcher = self.matcher(query)
        for (name, callback, help_text), pane_id in self._commands():
            matched = max(matcher.match(name), matcher.match(pane_id) * 0.99 if pane_id else 0.0)
            ranked = score(query, name, pane_id, matched)
            if ranked > 0:
                yield Hit(ranked, matcher.highlight(name), callback, help=help_text)
