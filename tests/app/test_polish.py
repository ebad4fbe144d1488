"""The footer offers the replay keys only when replaying, a Dataflow job's Streaming Engine reads
``unknown`` when its listing cannot say (as no live listing can), and ``?`` and the README list every key
the app binds."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from textual.binding import Binding

from dashboard.app import DashboardApp
from dashboard.session import WINDOWS, Session
from dashboard.views.items import DataflowItem
from widgets.detail.content import streaming_engine_label
from widgets.detail.screens import HELP, DetailScreen, HelpScreen, RawScreen
from widgets.frame import PANES
from widgets.insights import InsightsPane
from widgets.panes import TablePane
from widgets.table import VirtualTable

from .conftest import AT, demo_session
from .helpers import screen_text, settle

pytestmark = pytest.mark.timeout(90)

MakeApp = Callable[..., DashboardApp]
SIZE = (200, 50)
REPLAY_TITLES = ("Play/Pause", "+- Speed", "[] Step")


class StillClock:
    """A clock that is not a replay clock, as a live session's (the system clock) is not: fixed at
    :data:`AT` so the recording's data stays in the window."""

    def now(self) -> datetime:
        return AT


def live_like_session() -> Session:
    """The demo recording's backend under a clock that does not replay: the app sees a live session."""
    return dataclasses.replace(demo_session(), clock=StillClock())


def footer(app: DashboardApp) -> str:
    """The last line of the screen: the footer's keys."""
    return screen_text(app).splitlines()[-1]


def current(app: DashboardApp) -> object:
    """The current screen (not narrowed by earlier checks)."""
    return app.screen


async def test_replay_keys_are_offered_while_replaying(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        keys = footer(app)
        for title in REPLAY_TITLES:
            assert title in keys
        assert app.check_action("speed", (2,)) is True
        await pilot.press("space")  # the demo's clock, paused by the fixture, runs again
        assert "x1" in screen_text(app).splitlines()[0]


async def test_replay_keys_are_hidden_and_inert_live() -> None:
    session = live_like_session()
    assert session.replay is None
    app = DashboardApp(lambda: session, subtitle="live", poll_every=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        keys = footer(app)
        assert "Refresh" in keys  # the footer is there, with the keys that apply live
        for title in REPLAY_TITLES:
            assert title not in keys
        for action, parameters in (("toggle_replay", ()), ("speed", (2.0,)), ("step", (1,))):
            assert app.check_action(action, parameters) is False
        assert app.check_action("refresh", ()) is True
        header = screen_text(app).splitlines()[0]
        assert "paused" not in header
        await pilot.press("space", "plus", "right_square_bracket")
        await pilot.pause()
        assert screen_text(app).splitlines()[0] == header  # no replay clock appeared, nothing moved


def _item(job_type: str, streaming_engine: bool | None) -> DataflowItem:
    return DataflowItem(
        project="p",
        location="us-central1",
        job_id="j",
        name="n",
        job_type=job_type,
        state="JOB_STATE_RUNNING",
        status="RUNNING",
        streaming_engine=streaming_engine,
    )


def test_streaming_engine_label() -> None:
    def plain(item: DataflowItem) -> str:
        return streaming_engine_label(item).plain

    assert plain(_item("STREAMING", True)) == "yes"
    assert plain(_item("STREAMING", False)) == "no"
    assert plain(_item("STREAMING", None)).startswith("unknown")
    assert plain(_item("BATCH", None)).startswith("—")
    assert plain(_item("BATCH", False)) == "no"  # an environment that says so is shown as it says


async def test_a_streaming_jobs_detail_says_unknown_not_no(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("5", "slash", *"clickstream", "enter", "enter")
        await pilot.pause(0.3)
        assert isinstance(current(app), DetailScreen)
        text = screen_text(app)
        assert "clickstream-enrich" in text.splitlines()[0]
        line = next(x for x in text.splitlines() if "Streaming Engine" in x)
        assert line.split("Streaming Engine", 1)[1].strip().startswith("unknown")


# ---------------------------------------------------------------- ? and the README list the same keys

ROOT = Path(__file__).resolve().parents[2]
SHOWN_AS = {
    "question_mark": "?",
    "colon": ":",
    "slash": "/",
    "escape": "esc",
    "pageup": "pgup",
    "pagedown": "pgdn",
    "plus": "+",
    "minus": "-",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "greater_than_sign": ">",
    "less_than_sign": "<",
}
"""How a key is written in the help and the README."""


def readme_keys() -> str:
    """The README's Keys section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Keys\n", 1)[1]
    return section.split("\n## ", 1)[0]


def bound_keys() -> set[str]:
    """Every key bound in the app, its screens and its panes, as the help writes it (the pane keys are
    written as a range, 1-7)."""
    owners = (DashboardApp, TablePane, InsightsPane, VirtualTable, DetailScreen, RawScreen, HelpScreen)
    out = set()
    for owner in owners:
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            for key in binding.key.split(","):
                if key.isdigit() or key == "equals_sign":  # 1-7 as a range; = is + unshifted
                    continue
                out.add(SHOWN_AS.get(key, key))
    return out


def test_the_help_and_the_readme_list_every_key() -> None:
    readme = readme_keys()
    keys = bound_keys()
    assert {
        "q",
        "?",
        ":",
        "p",
        "r",
        "space",
        "+",
        "-",
        "[",
        "]",
        "/",
        "s",
        "S",
        "enter",
        "y",
        "c",
        "esc",
    } <= keys
    for key in keys:
        assert f"`{key}`" in readme, key
        assert re.search(rf"(^|[\s(/·]){re.escape(key)}($|[\s)/·,])", HELP, re.M), key
    last = len(PANES)
    assert f"1-{last}" in HELP
    assert f"`1`–`{last}`" in readme
    for _, title, _ in PANES:
        assert title in HELP
        assert title in readme
    for command in ("Go to", "Window: last", "Export view as", "Theme"):
        assert command in HELP
        assert command in readme
    for label in WINDOWS:
        assert label in HELP
        assert label in readme
