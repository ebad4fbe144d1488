"""Going from pane to pane however many there are: the built-in seven (:data:`widgets.frame.PANES`) and
the panes that sources add after them.

The first nine panes have a key (``1``-``9``); every pane is reached by the pane list (``0``), the next
and previous pane keys (``>``/``<``, or ``ctrl+right``/``ctrl+left``; round the end), the command palette
(``:`` then its title or id) or a click on its tab. The app's actions call these with itself. Light to
import (the app's first frame binds the keys and names the tabs).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.widgets import TabbedContent, TabPane

from widgets.frame import PANES

if TYPE_CHECKING:
    from dashboard.app import DashboardApp

LOADING = "Loading…"
"""What a pane's tab shows until its pane is mounted."""
PaneEntry = tuple[str, str, str]
"""A pane's id, title and key (``""`` beyond the ninth pane)."""
KEYED = 9
"""How many panes have a number key (``1``-``9``)."""
TAKEN = frozenset({"header", "jobs-pane", "detail-body", "raw-body", "help-body", "path-input"})
TAKEN_PREFIXES = ("pane-", "table-", "panes-", "-")
"""Widget ids the app uses already (a pane's tab has the pane's id; its widget is ``pane-<id>``)."""


def source_panes() -> list[tuple[str, str]]:
    """The panes of the registered sources that are not built in (their spec's ``app_pane`` or
    ``pane``): pane id (the source's ``pane_id``, default its name) and title."""
    from dashboard import registry

    return [
        (spec.pane_id or spec.name, spec.pane.title if spec.pane is not None else spec.title)
        for spec in registry.plugins()
        if spec.pane is not None or spec.app_pane
    ]


def pane_entries(extra: Sequence[tuple[str, str]] = ()) -> tuple[PaneEntry, ...]:
    """The built-in panes, then ``extra`` (pane id, title) in the given order, each with its key.

    Raises:
        ValueError: A pane id given twice (or one of the built-ins'), or not usable as a widget id.
    """
    ids = [pane_id for pane_id, _, _ in PANES]
    titles = [title for _, title, _ in PANES]
    for pane_id, title in extra:
        if pane_id in ids or pane_id in TAKEN or pane_id.startswith(TAKEN_PREFIXES):
            raise ValueError(f"pane id {pane_id!r} is taken")
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", pane_id) is None:
            raise ValueError(
                f"pane id {pane_id!r}: ASCII letters, digits, _ and - only, starting with a letter"
            )
        ids.append(pane_id)
        titles.append(title)
    return tuple(
        (pane_id, title, str(n) if n <= KEYED else "")
        for n, (pane_id, title) in enumerate(zip(ids, titles, strict=True), start=1)
    )


def tab_label(entry: PaneEntry) -> str:
    """What a pane's tab reads: ``3 Slots & reservations``, or only the title beyond the ninth pane."""
    _, title, key = entry
    return f"{key} {title}" if key else title


BINDINGS = [
    *(
        Binding(
            str(n),
            f"show({n})",
            PANES[n - 1][1] if n <= len(PANES) else f"Pane {n}",
            show=False,
            id=f"app.pane.{PANES[n - 1][0]}" if n <= len(PANES) else f"app.pane.{n}",
        )
        for n in range(1, KEYED + 1)
    ),
    Binding("0", "pane_list", "Panes", show=False, id="app.pane_list"),
    Binding(
        "greater_than_sign,ctrl+right",
        "cycle_pane(1)",
        "Next pane",
        key_display=">",
        show=False,
        id="app.pane_next",
    ),
    Binding(
        "less_than_sign,ctrl+left",
        "cycle_pane(-1)",
        "Previous pane",
        key_display="<",
        show=False,
        id="app.pane_prev",
    ),
]
"""The pane keys, in the app's bindings: ``1``-``9`` (a key without a pane does nothing), ``0`` the pane
list, ``>``/``<`` the next and previous pane. Left out of the footer (``?`` lists them)."""


class PaneTabs(TabbedContent):
    """The app's tabs: a pane whose widget took the focus is shown, as in :class:`TabbedContent`, unless
    the focus has left it since (a pane key pressed at start-up, while the first pane's table was being
    focused, is not undone by that focus arriving after the key)."""

    def _on_tab_pane_focused(self, event: TabPane.Focused) -> None:
        focused = self.screen.focused
        if focused is None or event.tab_pane not in focused.ancestors_with_self:
            event.stop()
            event.prevent_default()  # TabbedContent's own handler would show the pane


def active(app: DashboardApp) -> str:
    """The id of the pane shown."""
    return app.query_one(TabbedContent).active


def go(app: DashboardApp, pane_id: str) -> None:
    """Show pane ``pane_id`` (unknown ids are ignored)."""
    tabs = app.query_one(TabbedContent)
    if pane_id != tabs.active and any(pane_id == entry[0] for entry in app.pane_entries):
        app.screen.set_focus(None)  # the chosen pane's table gets it (once mounted), not the old one's
        tabs.active = pane_id


def show(app: DashboardApp, number: int) -> None:
    """Show the ``number``-th pane (from 1); nothing when there is no such pane."""
    if 1 <= number <= len(app.pane_entries):
        go(app, app.pane_entries[number - 1][0])


def cycle(app: DashboardApp, step: int) -> None:
    """Show the pane ``step`` tabs on (negative: back), round the end."""
    ids = [entry[0] for entry in app.pane_entries]
    here = active(app)
    index = ids.index(here) if here in ids else 0
    go(app, ids[(index + step) % len(ids)])


def open_list(app: DashboardApp) -> None:
    """Show the pane list; the pane chosen there is shown."""
    from widgets.panelist import PaneList

    def chosen(pane_id: str | None) -> None:
        if pane_id:
            go(app, pane_id)

    app.push_screen(PaneList(app.pane_entries, active(app)), chosen)
