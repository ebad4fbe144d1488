"""The app's header line: project(s), region(s), the time window, the replay clock and whether polling is
paused. Textual-free: the app hands the line to its header widget."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from dashboard.session import WINDOWS

if TYPE_CHECKING:
    from dashboard.session import Session
    from widgets.frame import Frame


def header_text(frame: Frame, session: Session, *, polling: bool) -> Text:
    """The header for ``frame`` of ``session``; ``polling`` False adds ``polling paused``."""
    snap = frame.snapshot
    window = next((k for k, v in WINDOWS.items() if v == session.window), str(session.window))
    text = Text.assemble(
        ("gcpdash", "bold"),
        "  ",
        (", ".join(snap.projects) or "no project", "cyan"),
        "  ",
        (", ".join(snap.regions) or "no region", "cyan"),
        f"  window {window}",
    )
    clock = session.replay
    if clock is not None:
        text.append(f"  {snap.mode} {frame.now:%Y-%m-%d %H:%M:%S} UTC ", style="bold")
        text.append("paused" if clock.paused else f"x{clock.speed:g}", style="yellow")
    if not polling:
        text.append("  polling paused", style="bold yellow")
    return text
