"""Helpers of the app tests: the screen as text, waiting for the first frame."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from dashboard.app import DashboardApp
from widgets.table import VirtualTable


def screen_text(app: DashboardApp) -> str:
    """What the terminal shows now, as plain lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def settle(pilot: Pilot[int], app: DashboardApp) -> None:
    """Wait until the first frame is shown."""
    for _ in range(500):
        await pilot.pause(0.02)
        if app._frame is not None:
            break
    await pilot.pause()
    assert app._frame is not None, "no frame after 10 s"


def table(app: DashboardApp, pane_id: str) -> VirtualTable[Any]:
    """The table of a pane."""
    return app.query_one(f"#pane-{pane_id}").query(VirtualTable).first()
