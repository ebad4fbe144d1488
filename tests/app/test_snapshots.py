"""SVG snapshots of every pane and every detail screen, at a fixed moment of the demo recording (the
replay clock paused at 07:25:00, no wall-clock anywhere on screen). Update with
``pytest tests/app/test_snapshots.py --snapshot-update`` and look at the SVGs before committing."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from dashboard.app import DashboardApp
from widgets.table import VirtualTable

from .helpers import settle

pytestmark = pytest.mark.timeout(120)

SnapCompare = Callable[..., bool]
MakeApp = Callable[..., DashboardApp]


async def steady(pilot: Pilot[Any], app: DashboardApp, tries: int = 40) -> None:
    """Wait until the screen's text stays the same over 0.15 s: the tables settle their scrollbars after
    sizing their columns, later on a loaded machine (a fixed pause made the snapshots flaky there)."""
    before = _text(app.export_screenshot())
    for _ in range(tries):
        await pilot.pause(0.15)
        now = _text(app.export_screenshot())
        if now == before:
            return
        before = now


def _text(svg: str) -> list[str]:
    """The characters of a screenshot, without styles (a blinking cursor changes only those)."""
    return re.findall(r">([^<]*)</text>", svg)


def _ready(
    app: DashboardApp, *keys: str, cursor: tuple[str, str] | None = None
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, app)
        for key in keys[:1]:
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("r")  # a second frame, once the tables know their size
        await pilot.pause()
        if cursor is not None:
            pane, key = cursor
            app.query_one(f"#pane-{pane}").query(VirtualTable).first().move_cursor(key=key)
            await pilot.pause()
        for key in keys[1:]:
            await pilot.press(key)
            await pilot.pause(0.3)
        app.clear_notifications()  # the panes, not the startup toast of the critical insights
        await pilot.pause(0.3)
        await pilot.wait_for_scheduled_animations()
        await steady(pilot, app)

    return run_before


@pytest.mark.parametrize("size", [(120, 35), (200, 50)], ids=["120x35", "200x50"])
@pytest.mark.parametrize("key", ["1", "2", "3", "4", "5", "6", "7"])
def test_pane(snap_compare: SnapCompare, make_app: MakeApp, key: str, size: tuple[int, int]) -> None:
    app = make_app()
    assert snap_compare(app, run_before=_ready(app, key), terminal_size=size)


DETAILS = {
    "job": ("2", ("jobs", "acme-etl:US.script_job_d0cc4176edf107f128a871560af1d562")),
    "reservation": ("3", ("slots", "acme-admin:US.prod")),
    "cluster": ("4", ("dataproc", "acme-etl/us-central1/etl-nightly")),
    "dataflow": ("5", ("dataflow", "acme-etl/us-central1/2026-11-24_10_30_12-4829376120938475012")),
}


@pytest.mark.parametrize("kind", list(DETAILS))
def test_detail(snap_compare: SnapCompare, make_app: MakeApp, kind: str) -> None:
    app = make_app()
    key, cursor = DETAILS[kind]
    assert snap_compare(app, run_before=_ready(app, key, "enter", cursor=cursor), terminal_size=(120, 50))


def test_raw_payload(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    app = make_app()
    cursor = ("dataproc", "acme-analytics/us-central1/reporting-tmp")
    assert snap_compare(app, run_before=_ready(app, "4", "y", cursor=cursor), terminal_size=(120, 35))


def test_help(snap_compare: SnapCompare, make_app: MakeApp) -> None:
    app = make_app()
    assert snap_compare(app, run_before=_ready(app, "1", "question_mark"), terminal_size=(120, 35))
