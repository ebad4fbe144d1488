"""The pane list (``0``): every pane with its key, filtered as one types; ``enter`` goes to the pane
highlighted, ``esc`` closes. For when there are more panes than number keys or than the tab bar shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from dashboard.views.fmt import visible
from widgets.panenav import PaneEntry


def matches(entry: PaneEntry, text: str) -> bool:
    """Whether the pane's title, id or key holds ``text`` (case-insensitive; empty: every pane)."""
    needle = text.strip().casefold()
    pane_id, title, key = entry
    return not needle or any(needle in part.casefold() for part in (title, pane_id, key))


def option(entry: PaneEntry) -> Option:
    """A pane's line: its key (or blank), its title, its id dim; names shown literally."""
    pane_id, title, key = entry
    prompt = Text(f"{key or ' ':>2}  ", style="bold")
    prompt.append(visible(title))
    prompt.append(f"  {visible(pane_id)}", style="dim")
    return Option(prompt, id=pane_id)


class PaneList(ModalScreen[str | None]):
    """Every pane: type to filter, ``up``/``down`` move, ``enter`` goes there, ``esc`` closes.

    Dismissed with the chosen pane's id, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="panes.close"),
        Binding("down", "move(1)", "Down", show=False, id="panes.down"),
        Binding("up", "move(-1)", "Up", show=False, id="panes.up"),
    ]

    DEFAULT_CSS = """
    PaneList { align: center middle; }
    PaneList > Vertical { width: 60; height: auto; max-height: 80%; padding: 1 2; background: $panel; }
    PaneList OptionList { height: auto; max-height: 24; }
    """

    def __init__(self, entries: Sequence[PaneEntry], active: str = "") -> None:
        super().__init__()
        self.entries = tuple(entries)
        self.active = active

    def compose(self) -> ComposeResult:
        """The title, the filter line, the panes."""
        with Vertical():
            yield Static(f"Panes ({len(self.entries)}): type to filter, enter goes there", markup=False)
            yield Input(placeholder="title or id", id="panes-filter")
            yield OptionList(*(option(e) for e in self.entries), id="panes-options")

    def on_mount(self) -> None:
        """The filter line has the focus; the pane shown is highlighted."""
        options = self.query_one(OptionList)
        ids = [e[0] for e in self.entries]
        options.highlighted = ids.index(self.active) if self.active in ids else 0
        self.query_one(Input).focus()

    @property
    def shown(self) -> list[str]:
        """The ids of the panes listed now, in order."""
        options = self.query_one(OptionList)
        return [options.get_option_at_index(i).id or "" for i in range(options.option_count)]

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as one types; the first match is highlighted."""
        event.stop()
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([option(e) for e in self.entries if matches(e, event.value)])
        options.highlighted = 0 if options.option_count else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """``enter``: the pane highlighted (nothing when none matches)."""
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click (or ``enter`` in the list) on a pane."""
        event.stop()
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        """Move the highlight (from the filter line)."""
        options = self.query_one(OptionList)
        if options.option_count:
            here = options.highlighted if options.highlighted is not None else -step
            options.highlighted = max(0, min(options.option_count - 1, here + step))

    def action_close(self) -> None:
        """No pane chosen."""
        self.dismiss(None)
