"""The replay keys of ``--demo`` / ``--replay``: space pauses the recording's clock, ``+``/``-`` change its
speed, ``[``/``]`` step to the previous or next poll. Offered only when the session replays a recording.

The app's ``action_*`` methods call these with itself; the bindings are part of the app's. Light to
import (the app's first frame shows the keys).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding

if TYPE_CHECKING:
    from dashboard.app import DashboardApp

REPLAY_ACTIONS = frozenset({"toggle_replay", "speed", "step"})
"""The actions of the replay keys, offered only when the session replays a recording."""
SPEED = Binding.Group("Speed", compact=True)
STEP = Binding.Group("Step", compact=True)
"""The replay keys in the footer as ``+- Speed`` and ``[] Step`` (a poll back or forward): it fits 120
cells."""
BINDINGS = [
    Binding("space", "toggle_replay", "Play/Pause", id="app.replay_pause"),
    *(
        Binding(key, action, title, key_display=shown, id=f"app.{name}", group=group)
        for key, action, title, shown, name, group in (
            ("plus,equals_sign", "speed(2)", "Faster", "+", "faster", SPEED),
            ("minus", "speed(0.5)", "Slower", "-", "slower", SPEED),
            ("left_square_bracket", "step(-1)", "Poll back", "[", "step_back", STEP),
            ("right_square_bracket", "step(1)", "Poll fwd", "]", "step_forward", STEP),
        )
    ),
]
"""The replay keys, in the footer's order."""


def toggle(app: DashboardApp) -> None:
    """Pause or resume the replay clock."""
    clock = app._session.replay if app._session else None
    if clock is not None:
        clock.resume() if clock.paused else clock.pause()
        app.update_header()


def change_speed(app: DashboardApp, factor: float) -> None:
    """Replay ``factor`` times faster (x0.25 to x3600)."""
    clock = app._session.replay if app._session else None
    if clock is not None:
        clock.set_speed(min(3600.0, max(0.25, clock.speed * factor)))
        app.update_header()


async def step(app: DashboardApp, direction: int) -> None:
    """Pause the replay and step to the next (``direction`` 1) or previous (-1) poll."""
    from dashboard.session import poll_stop, rebuild

    session = app._session
    clock = session.replay if session else None
    if session is None or clock is None:
        return
    clock.pause()
    target = poll_stop(session, direction)
    if target is None:
        app.notify("No poll that way", severity="warning")
        return
    if direction > 0:
        clock.seek(target)
        await app.poll_now(force=True)
    else:
        await app.poll_now(lambda s: rebuild(s, target))
