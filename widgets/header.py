"""The app's header line: project(s), region(s), the time window, the replay clock and whether polling is
paused. Textual-free: the app hands the line to its header widget."""

from __future__ import annotations

from collections.abc import Sequence
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
    aggregates = snap.job_aggregates
    text = Text.assemble(("gcpdash", "bold"), "  ")
    if aggregates is not None:  # organisation mode: the scope BigQuery's totals cover comes first
        text.append(f"{aggregates.scope} {aggregates.scope_id}", style="bold cyan")
        text.append(" · ")
    text.append(_few(snap.projects, "project"), style="cyan")
    text.append("  ")
    text.append(_few(snap.regions, "region"), style="cyan")
    text.append(f"  window {window}")
    clock = session.replay
    if clock is not None:
        text.append(f"  {snap.mode} {frame.now:%Y-%m-%d %H:%M:%S} UTC ", style="bold")
        text.append("paused" if clock.paused else f"x{clock.speed:g}", style="yellow")
    if not polling:
        text.append("  polling paused", style="bold yellow")
    return text


FEW = 3
"""Names the header lists before it counts the rest (an organisation has hundreds of projects)."""


def _few(names: Sequence[str], kind: str) -> str:
    """``a, b, c`` or ``a, b, c +12 projects``; ``no project`` when there is none."""
    if not names:
        return f"no {kind}"
    shown = ", ".join(names[:FEW])
    rest = len(names) - FEW
    return f"{shown} +{rest:,} {kind}{'s' if rest > 1 else ''}" if rest > 0 else shown
