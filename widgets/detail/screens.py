"""The screens pushed over the panes: one thing in detail, its raw payload, and the help.

Each shows breadcrumbs (``Dataproc > adhoc-spark``); ``esc`` goes back one level.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from dashboard.views.fmt import visible
from widgets.frame import PANES


def crumbs(trail: tuple[str, ...]) -> Text:
    """``gcpdash > Dataproc > adhoc-spark`` (angle quotes), the last part bold; names shown literally."""
    text = Text("gcpdash", style="dim")
    for index, part in enumerate(trail):
        text.append(" › ", style="dim")
        text.append(visible(part), style="bold" if index == len(trail) - 1 else "")
    return text


class DetailScreen(Screen[None]):
    """One thing in detail.

    | Key | Action |
    | --- | --- |
    | `esc` | back |
    | `y` | the raw API payload |
    | `c` | copy the SQL (a job) |
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="detail.back"),
        Binding("y", "raw", "Raw payload", id="detail.raw"),
        Binding("c", "copy", "Copy SQL", id="detail.copy"),
    ]

    DEFAULT_CSS = """
    DetailScreen > .crumbs { height: 1; padding: 0 1; background: $panel; }
    DetailScreen > VerticalScroll { height: 1fr; padding: 0 1; }
    """

    def __init__(
        self,
        trail: tuple[str, ...],
        body: RenderableType,
        *,
        kind: str,
        key: str,
        pane_id: str = "",
        copy_text: str | None = None,
    ) -> None:
        super().__init__()
        self.trail = trail
        self.kind = kind
        self.key = key
        self.pane_id = pane_id
        self.gone_since: str | None = None
        """When the thing stopped being listed (a deleted cluster), or None."""
        self.copy_text = copy_text
        self._body = body

    def compose(self) -> ComposeResult:
        """Breadcrumbs, the body, the footer."""
        yield Static(crumbs(self.trail), classes="crumbs", markup=False)
        with VerticalScroll():
            yield Static(self._body, markup=False, id="detail-body")
        yield Footer()

    def update_body(self, body: RenderableType | None, *, gone_since: str | None = None) -> None:
        """Show the latest state of the thing (keeping the scroll position); or, once it is no longer
        listed, keep the last state shown and say so in the breadcrumbs."""
        if body is not None:
            self.gone_since = None
            self.query_one("#detail-body", Static).update(body)
            self.query_one(".crumbs", Static).update(crumbs(self.trail))
        elif gone_since is not None and self.gone_since is None:
            self.gone_since = gone_since
            text = crumbs(self.trail)
            text.append(f"  gone since {gone_since}", style="bold yellow")
            self.query_one(".crumbs", Static).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``c`` only where there is something to copy."""
        if action == "copy":
            return self.copy_text is not None
        return True

    def action_back(self) -> None:
        """Back to where this was opened from."""
        self.dismiss()

    def action_copy(self) -> None:
        """Copy the SQL to the clipboard (OSC 52)."""
        if self.copy_text is not None:
            # What the screen shows: line breaks and tabs kept, every other control (ESC, OSC, C1, NUL, bidi
            # overrides, zero-width characters) as its visible escape, so a paste cannot act on a terminal.
            shown = visible(self.copy_text, keep_newlines=True)
            self.app.copy_to_clipboard(shown)
            self.notify(f"Copied {len(shown):,} characters of SQL", title="Copied")

    def action_raw(self) -> None:
        """Show the raw payload of this thing."""
        open_raw = getattr(self.app, "open_raw", None)
        if callable(open_raw):
            open_raw(self.kind, self.key, self.trail)


class RawScreen(Screen[None]):
    """The API payload an item came from, as JSON (strings escaped by the JSON encoder)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="raw.back"),
        Binding("c", "copy", "Copy JSON", id="raw.copy"),
    ]

    DEFAULT_CSS = """
    RawScreen > .crumbs { height: 1; padding: 0 1; background: $panel; }
    RawScreen > VerticalScroll { height: 1fr; padding: 0 1; }
    """

    def __init__(self, trail: tuple[str, ...], payload: dict[str, Any] | None) -> None:
        super().__init__()
        self.trail = trail
        self.text = (
            json.dumps(payload, indent=2, ensure_ascii=True, sort_keys=True) if payload is not None else None
        )

    def compose(self) -> ComposeResult:
        """Breadcrumbs, the JSON, the footer."""
        yield Static(crumbs((*self.trail, "raw")), classes="crumbs", markup=False)
        with VerticalScroll():
            if self.text is None:
                yield Static(Text("no recorded payload for this item", style="dim"), id="raw-body")
            else:
                body = Syntax(self.text, "json", word_wrap=True, theme="ansi_dark")
                yield Static(body, markup=False, id="raw-body")
        yield Footer()

    def action_back(self) -> None:
        """Back."""
        self.dismiss()

    def action_copy(self) -> None:
        """Copy the JSON."""
        if self.text is not None:
            self.app.copy_to_clipboard(self.text)
            self.notify("Copied the raw payload", title="Copied")


HELP = """\
Panes         1-7 or click a tab: Overview, BigQuery jobs, Slots & reservations, Dataproc, Dataflow, Cost,
              Insights (enter goes to the resource; a new critical insight pops up a toast)
              8, 9 the first panes sources add (their tabs follow; from the tenth on, no number)
              0 the pane list: type to filter, up/down, enter goes there, esc closes
              > / < (or ctrl+right / ctrl+left) the next / previous pane, round the end
              tab / shift+tab moves the focus
Tables        up/down/pgup/pgdn/home/end move, the mouse wheel scrolls · enter or click opens
              y the raw API payload of the row
              / filter: text, or a regex (e.g. ^etl|nightly); ! in front keeps what does NOT match
              enter keeps the filter and goes back to the table · esc clears it
              s sorts by the next column · S reverses · click a header sorts (again: reversed)
              (the sort is remembered across restarts)
Details       esc back (the top line shows where you are) · c copy the SQL · y raw payload
Raw payload   c copy the JSON · esc back
Polling       p pause / resume polling · r refresh now
Replay        space pause / play the recording · + / - speed · [ / ] step a poll back / forward
              (--demo and --replay only)
Anywhere      : command palette: Go to a pane (type its title or id), Window: last 1h/6h/24h/7d,
              Export view as CSV/JSON (here, or to a path you type), Theme
              ? this help (esc, ? or q closes it) · q quit · click a key in the footer to press it
"""


def sources_panes(entries: Sequence[tuple[str, str, str]]) -> str:
    """The help's lines of the panes after the built-in seven (``8 Pub/Sub · 9 Composer · Spanner``), or
    ``""`` when there are none."""
    extra = entries[len(PANES) :]
    if not extra:
        return ""
    names = " · ".join(f"{key} {visible(title)}" if key else visible(title) for _, title, key in extra)
    return f"Source panes  {names}\n{'':14}(beyond 9: 0, > / < or : their title or id)\n"


class HelpScreen(Screen[None]):
    """Every key (and the panes that sources add, when there are any)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "back", "Back", id="help.back"),
    ]

    DEFAULT_CSS = """
    HelpScreen > .crumbs { height: 1; padding: 0 1; background: $panel; }
    HelpScreen > VerticalScroll { height: 1fr; padding: 1 2; }
    """

    def __init__(self, entries: Sequence[tuple[str, str, str]] = ()) -> None:
        super().__init__()
        self.entries = tuple(entries)

    def compose(self) -> ComposeResult:
        """The keys."""
        yield Static(crumbs(("help",)), classes="crumbs", markup=False)
        with VerticalScroll():
            yield Static(Text(HELP + sources_panes(self.entries)), markup=False, id="help-body")
        yield Footer()

    def action_back(self) -> None:
        """Back."""
        self.dismiss()


class PathPrompt(ModalScreen[str | None]):
    """Asks for a file name; ``enter`` returns it, ``esc`` gives up."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    DEFAULT_CSS = """
    PathPrompt { align: center middle; }
    PathPrompt > Vertical { width: 80; height: auto; padding: 1 2; background: $panel; }
    """

    def __init__(self, title: str, default: str) -> None:
        super().__init__()
        self.title_text = title
        self.default = default

    def compose(self) -> ComposeResult:
        """The question and the input."""
        with Vertical():
            yield Static(self.title_text, markup=False)
            yield Input(value=self.default, id="path-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """The path as typed (empty: cancelled)."""
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """No export."""
        self.dismiss(None)
