"""Sixteen panes (the built-in seven and nine a source adds), driven with Pilot on the demo recording:
keys 1-9 jump, the tenth pane on is reached by the palette (by id), the pane list (``0``) and the next /
previous keys (``>``/``<``, round the end); the tab bar keeps the pane shown on screen at 120 columns; a
source's pane shows its part of the frame, or ``no data``."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rich.text import Text
from textual.command import CommandPalette
from textual.widgets import TabbedContent, Tabs

from dashboard.app import DashboardApp
from widgets.detail.screens import HELP, HelpScreen
from widgets.frame import PaneData
from widgets.panelist import PaneList
from widgets.panenav import pane_entries
from widgets.panes import StaticPane

from .conftest import demo_session
from .helpers import screen_text, settle

pytestmark = pytest.mark.timeout(90)

EXTRA = (
    ("pubsub", "Pub/Sub subscriptions"),
    ("looker", "Looker"),  # not "composer": that id is a registered source's
    ("gcs", "Cloud Storage"),
    ("spanner", "Spanner"),
    ("bigtable", "Bigtable"),
    ("dataplex", "Dataplex"),
    ("transfers", "Data transfers"),
    ("scheduler", "Scheduler"),
    ("workflows", "[bold]Workflows[/]"),  # a title with markup in it is shown literally
)
"""Nine panes after the built-in seven: keys 8 and 9, then seven without a key (panes 10 to 16)."""
SIZE = (120, 35)


def make_app(extra: tuple[tuple[str, str], ...] = EXTRA) -> DashboardApp:
    return DashboardApp(demo_session, subtitle="demo", poll_every=None, extra_panes=extra)


def active(app: DashboardApp) -> str:
    """The pane shown (not narrowed by earlier checks)."""
    return app.query_one(TabbedContent).active


def current(app: DashboardApp) -> object:
    """The current screen (not narrowed by earlier checks)."""
    return app.screen


def test_pane_entries_number_the_first_nine_and_refuse_a_taken_id() -> None:
    entries = pane_entries(EXTRA)
    assert len(entries) == 16
    assert [key for _, _, key in entries] == [*"123456789", "", "", "", "", "", "", ""]
    assert entries[6] == ("insights", "Insights", "7")  # the built-ins first, Insights 7th
    assert entries[7] == ("pubsub", "Pub/Sub subscriptions", "8")
    assert entries[15] == ("workflows", "[bold]Workflows[/]", "")
    with pytest.raises(ValueError, match="taken"):
        pane_entries((("jobs", "More jobs"),))
    with pytest.raises(ValueError, match="taken"):
        pane_entries((("gcs", "A"), ("gcs", "B")))
    for taken in ("header", "pane-x", "table-jobs"):  # ids of the app's own widgets
        with pytest.raises(ValueError, match="taken"):
            pane_entries(((taken, "A"),))
    with pytest.raises(ValueError, match="letters"):
        pane_entries((("pub sub", "A"),))
    with pytest.raises(ValueError, match="letters"):
        pane_entries((("9lives", "A"),))


async def test_keys_one_to_nine_jump_and_zero_to_nine_are_inert_without_panes() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        ids = [pane_id for pane_id, _, _ in app.pane_entries]
        for n in range(1, 10):
            await pilot.press(str(n))
            await pilot.pause()
            assert active(app) == ids[n - 1], n
        assert active(app) == "looker"
        assert isinstance(app.query_one("#pane-looker"), StaticPane)
        assert "no data" in screen_text(app)

    plain = DashboardApp(demo_session, subtitle="demo", poll_every=None)
    async with plain.run_test(size=SIZE) as pilot:
        await settle(pilot, plain)
        keys = {pane_id: key for pane_id, _, key in plain.pane_entries}
        await pilot.press("3")
        if len(plain.pane_entries) < 9:  # the first key that names no pane does nothing
            await pilot.press(str(len(plain.pane_entries) + 1))
        await pilot.pause()
        assert active(plain) == "slots"
        await pilot.press(keys["pubsub"])
        await pilot.pause()
        assert active(plain) == "pubsub"  # the Pub/Sub source's pane, after the built-ins


async def test_palette_finds_a_pane_by_id_and_by_title() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        for typed, pane_id in (
            ("scheduler", "scheduler"),
            ("pubsub", "pubsub"),
            ("Data transfers", "transfers"),
        ):
            await pilot.press("colon")
            await pilot.pause()
            assert isinstance(current(app), CommandPalette)
            await pilot.press(*typed)
            await pilot.pause(0.5)
            await pilot.press("enter")
            await pilot.pause(0.3)
            assert not isinstance(current(app), CommandPalette)
            assert active(app) == pane_id, typed


async def test_pane_list_filters_jumps_and_closes() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("0")
        await pilot.pause()
        screen = current(app)
        assert isinstance(screen, PaneList)
        assert len(screen.shown) == 16
        text = screen_text(app)
        assert " 7  Insights  insights" in text
        assert "    Spanner  spanner" in text  # beyond the ninth pane: no key
        assert "[bold]Workflows[/]" in text  # literally
        await pilot.press(*"span")
        await pilot.pause()
        assert screen.shown == ["spanner"]
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(current(app), PaneList)
        assert active(app) == "spanner"

        # esc closes and leaves the pane as it was; up/down move from the filter line
        await pilot.press("0", *"s", "escape")
        await pilot.pause()
        assert not isinstance(current(app), PaneList)
        assert active(app) == "spanner"
        await pilot.press("0")
        await pilot.pause()
        assert isinstance(current(app), PaneList)
        await pilot.press("down", "down", "enter")  # from spanner (11th), two down: dataplex (13th)
        await pilot.pause()
        assert active(app) == "dataplex"
        await pilot.press("0", *"nothing", "enter")
        await pilot.pause()
        assert isinstance(current(app), PaneList)  # no match: enter does nothing
        await pilot.press("escape")
        await pilot.pause()
        assert active(app) == "dataplex"


async def test_next_and_previous_wrap_around() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert active(app) == "overview"
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert active(app) == "workflows"  # the 16th
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert active(app) == "scheduler"
        await pilot.press("greater_than_sign", "greater_than_sign")
        await pilot.pause()
        assert active(app) == "overview"
        await pilot.press("ctrl+right", "ctrl+right")
        await pilot.pause()
        assert active(app) == "slots"
        await pilot.press("ctrl+left")
        await pilot.pause()
        assert active(app) == "jobs"
        await pilot.press("9", *["greater_than_sign"] * 3)
        await pilot.pause()
        assert active(app) == "bigtable"  # looker (9th), then the 10th to the 12th: beyond the keys


async def test_the_tab_bar_keeps_the_pane_shown_on_screen_at_120_columns() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        tabs = app.query_one(Tabs)
        assert str(tabs.query_one("#--content-tab-looker").label) == "9 Looker"
        assert str(tabs.query_one("#--content-tab-gcs").label) == "Cloud Storage"  # the 10th: no number
        for pane_id in ("workflows", "gcs", "overview", "pubsub"):
            app.query_one(TabbedContent).active = pane_id
            tab = tabs.query_one(f"#--content-tab-{pane_id}").region
            for _ in range(40):  # the tab bar scrolls to the tab (animated; later on a loaded machine)
                await pilot.wait_for_scheduled_animations()
                await pilot.pause(0.05)
                tab = tabs.query_one(f"#--content-tab-{pane_id}").region
                if tab.x >= 0 and tab.right <= SIZE[0]:
                    break
            assert tab.x >= 0, (pane_id, tab)
            assert tab.right <= SIZE[0], (pane_id, tab)
            lines = screen_text(app).splitlines()
            assert all(len(line) <= SIZE[0] for line in lines)
            title = dict(EXTRA).get(pane_id, "Overview")
            assert title in lines[1], (pane_id, lines[1])


async def test_a_source_pane_shows_its_part_of_the_frame() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("9")  # looker (8 is the registered Pub/Sub source's own pane)
        await pilot.pause()
        assert "no data" in screen_text(app)
        frame = app._frame
        assert frame is not None
        data = PaneData(heading=Text("Pub/Sub  OK"), body=Text("3 subscriptions [red]backlog[/]"))
        app._show(replace(frame, panes={**frame.panes, "looker": data}))
        await pilot.pause()
        text = screen_text(app)
        assert "Pub/Sub  OK" in text
        assert "3 subscriptions [red]backlog[/]" in text
        assert "no data" not in text


def test_the_help_lists_the_pane_keys() -> None:
    for part in ("0 the pane list", "> / <", "ctrl+right / ctrl+left", "8, 9", "title or id"):
        assert part in HELP, part


async def test_the_help_names_the_sources_panes() -> None:
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(current(app), HelpScreen)
        text = screen_text(app)
        assert "Source panes  8 Pub/Sub subscriptions · 9 Looker · Cloud Storage · Spanner" in text
        assert "[bold]Workflows[/]" in text  # literally
