"""A bare Textual app with gcpdash's frame (a header line, one tab, the footer) and nothing else: what the
framework's own start costs on this machine, the floor under ``gcpdash --demo``'s first frame.

Run by :func:`benchmarks.tty.bench_first_frame`; ``q`` quits.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.widgets import Footer, Static, TabbedContent, TabPane


class BareApp(App[None]):
    """The frame alone."""

    BINDINGS: ClassVar = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        """Header line, one tab, footer."""
        yield Static("bare", markup=False)
        with TabbedContent(), TabPane("1 Overview"):
            yield Static("Loading…", markup=False)
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
