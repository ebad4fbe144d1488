"""Every key of the app, driven with Pilot on the demo recording, asserting what the screen shows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input, TabbedContent

from dashboard.app import DashboardApp
from dashboard.backends.base import Poll
from widgets.detail.screens import DetailScreen, HelpScreen, RawScreen

from .conftest import AT
from .helpers import screen_text, settle, table

pytestmark = pytest.mark.timeout(90)

MakeApp = Callable[..., DashboardApp]
SIZE = (160, 45)


def focused(app: DashboardApp) -> object:
    """The focused widget (not narrowed by earlier checks)."""
    return app.focused


def polling(app: DashboardApp) -> bool:
    """Whether the app polls (not narrowed by earlier checks)."""
    return app.polling


def current(app: DashboardApp) -> object:
    """The current screen (not narrowed by earlier checks)."""
    return app.screen


async def test_filter_substring_regex_inverted_and_esc(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        jobs = table(app, "jobs")
        total = len(jobs.view)
        await pilot.press("slash")
        assert isinstance(focused(app), Input)
        await pilot.press(*"priya")
        await pilot.pause()
        assert 0 < len(jobs.view) < total
        assert all(job.principal == "priya.nair@acme.example" for job in jobs.view)
        assert "filter 'priya'" in screen_text(app)
        await pilot.press("enter")
        assert focused(app) is jobs
        # a regex, then inverted
        jobs.set_filter("^FAILED")
        await pilot.pause()
        assert jobs.view
        assert all(job.error_reason for job in jobs.view)
        failed = len(jobs.view)
        jobs.set_filter("!^FAILED")
        await pilot.pause()
        assert len(jobs.view) == total - failed
        # esc in the table clears the filter
        await pilot.press("escape")
        await pilot.pause()
        assert jobs.filter_text == ""
        assert len(jobs.view) == total
        # esc in the filter line clears it too
        await pilot.press("slash", *"etl-runner", "escape")
        await pilot.pause()
        assert jobs.filter_text == ""
        assert focused(app) is jobs


async def test_sort_cycles_reverses_and_is_remembered(make_app: MakeApp, state_dir: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("4", "s")
        await pilot.pause()
        clusters = table(app, "dataproc")
        names = [row.cells[0].plain for row in clusters.view]
        assert names == sorted(names)
        assert clusters.sort == ("name", False)
        await pilot.press("S")
        await pilot.pause()
        names = [row.cells[0].plain for row in clusters.view]
        assert names == sorted(names, reverse=True)
        assert clusters.sort == ("name", True)
        await pilot.press("s")  # next column: project
        await pilot.pause()
        assert clusters.sort == ("project", False)
    saved = json.loads((state_dir / "state.json").read_text())
    assert saved["sorts"]["dataproc"] == {"column": "project", "reverse": False}

    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot, again)
        await pilot.press("4")
        await pilot.pause()
        assert table(again, "dataproc").sort == ("project", False)


async def test_header_click_sorts(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("5")
        await pilot.pause()
        flows = table(app, "dataflow")
        await pilot.click(flows, offset=(2, 0))
        await pilot.pause()
        assert flows.sort is not None
        assert flows.sort[0] == "name"


async def test_enter_drills_into_a_cluster_and_esc_goes_back(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        clusters = table(app, "dataproc")
        clusters.move_cursor(key="acme-analytics/us-central1/reporting-tmp")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        text = screen_text(app)
        assert "gcpdash › Dataproc › reporting-tmp" in text
        assert "acme-analytics/us-central1/reporting-tmp" in text
        assert "YARN memory allocated" in text
        assert "Node groups" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(current(app), DetailScreen)
        assert clusters.cursor_key == "acme-analytics/us-central1/reporting-tmp"


async def test_copying_hostile_sql_copies_what_the_screen_shows(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        jobs = table(app, "jobs")
        hostile = next(j for j in jobs.view if j.job_id == "hostile_ansi")
        assert hostile.query is not None
        assert "\x1b]8;;" in hostile.query  # a raw OSC 8 as recorded
        jobs.move_cursor(key=hostile.key)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("c")
        copied = app.clipboard
        assert [c for c in copied if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0] == []
        assert "\\x1b]8;;" in copied  # shown, not acted on
        assert copied.count("\n") == hostile.query.count("\n")  # the lines are kept


async def test_job_detail_shows_the_sql_children_and_copies(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        jobs = table(app, "jobs")
        script = next(j for j in jobs.view if j.job_type == "QUERY" and j.statement_type == "SCRIPT")
        jobs.move_cursor(key=script.key)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        assert screen.key == script.key
        text = screen_text(app)
        assert "Script children (" in text
        assert "SQL" in text
        assert "Timeline" in text
        await pilot.press("c")
        assert app.clipboard == script.query  # plain SQL: copied as it is, line breaks and all
        await pilot.press("y")
        await pilot.pause(0.3)
        raw = current(app)
        assert isinstance(raw, RawScreen)
        assert raw.text is not None
        assert script.job_id in raw.text
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "jobs"


async def test_y_shows_the_raw_payload_of_the_row(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause(0.3)
        raw = current(app)
        assert isinstance(raw, RawScreen)
        assert raw.text is not None
        assert '"slotCapacity"' in raw.text
        assert "› raw" in screen_text(app)


async def test_help_lists_every_key(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in (
            "/ filter",
            "! in front",
            "s sorts",
            "S reverses",
            "esc back",
            "c copy",
            "y raw",
            "p pause",
            "r refresh",
            "space pause",
            "+ / - speed",
            "[ / ] step",
            ": command palette",
            "? this help",
            "q quit",
        ):
            assert words in text, words
        await pilot.press("escape")
        assert not isinstance(current(app), HelpScreen)


async def test_pause_polling_refresh_and_replay_speed(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("p")
        await pilot.pause()
        assert not app.polling
        assert "polling paused" in screen_text(app).splitlines()[0]
        await pilot.press("p")
        assert polling(app)
        await pilot.press("space")  # the replay runs
        await pilot.pause()
        assert " x1" in screen_text(app).splitlines()[0]
        await pilot.press("plus", "plus")
        await pilot.pause()
        assert " x4" in screen_text(app).splitlines()[0]
        await pilot.press("minus")
        await pilot.pause()
        assert " x2" in screen_text(app).splitlines()[0]
        await pilot.press("space")
        await pilot.press("r")
        await pilot.pause()
        assert "paused" in screen_text(app).splitlines()[0]


async def test_steps_forward_and_back_keep_the_cursor(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        clusters = table(app, "dataproc")
        clusters.move_cursor(key="acme-analytics/us-central1/adhoc-spark")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "07:25:30 UTC paused" in screen_text(app).splitlines()[0]
        assert clusters.cursor_key == "acme-analytics/us-central1/adhoc-spark"
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert "07:24:30 UTC paused" in screen_text(app).splitlines()[0]
        assert clusters.cursor_key == "acme-analytics/us-central1/adhoc-spark"


async def test_a_job_finishes_a_cluster_goes_away_lag_grows(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("2")
        jobs = table(app, "jobs")
        running = next(j for j in jobs.view if j.state == "RUNNING")
        jobs.move_cursor(key=running.key)
        assert "1 running" in screen_text(app)
        await pilot.press(*["right_square_bracket"] * 4)  # 07:27
        await pilot.pause()
        assert "07:27:00" in screen_text(app).splitlines()[0]
        finished = next(j for j in jobs.view if j.key == running.key)
        assert finished.state == "DONE"
        assert jobs.cursor_key == running.key

        await pilot.press("4")
        await pilot.pause()
        clusters = table(app, "dataproc")
        assert "acme-analytics/us-central1/reporting-tmp" in [r.key for r in clusters.view]
        await pilot.press(*["right_square_bracket"] * 12)  # 07:33
        await pilot.pause()
        assert "acme-analytics/us-central1/reporting-tmp" not in [r.key for r in clusters.view]
        # gone from the clusters; its job that ended at 06:40 is still listed below, as Dataproc keeps it
        assert "reporting-tmp" not in screen_text(app).split("Jobs (", 1)[0]

        await pilot.press("5")
        await pilot.pause()
        lag_before = _clickstream_lag(app)
        await pilot.press(*["right_square_bracket"] * 28)  # 07:47
        await pilot.pause()
        assert _clickstream_lag(app) > lag_before


def _clickstream_lag(app: DashboardApp) -> float:
    frame = app._frame
    assert frame is not None
    snap = frame.snapshot
    job = next(j for j in snap.dataflow.jobs if j.name == "clickstream-enrich")
    series = next(s for s in snap.dataflow.series if s.metric == "job/system_lag" and s.key == job.job_id)
    return series.points[-1].value


async def test_a_refresh_keeps_the_scroll_position_and_a_click_opens_a_row(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, app)
        await pilot.press("2", "pagedown", "pagedown", "down")
        await pilot.pause()
        jobs = table(app, "jobs")
        key, scroll = jobs.cursor_key, jobs.scroll_y
        line = jobs.cursor_row - scroll
        assert scroll > 0
        await pilot.press("r")  # nothing new: nothing moves
        await pilot.pause()
        assert jobs.cursor_key == key
        assert jobs.scroll_y == scroll
        await pilot.press("right_square_bracket")  # new jobs above: the cursor's row stays on its line
        await pilot.pause()
        assert jobs.cursor_key == key
        assert jobs.cursor_row - jobs.scroll_y == line
        await pilot.press("4")
        await pilot.pause()
        clusters = table(app, "dataproc")
        await pilot.click(clusters, offset=(3, 2))  # the second row, under the header
        await pilot.pause(0.3)
        screen = current(app)
        assert isinstance(screen, DetailScreen)
        assert screen.key == clusters.view[1].key


async def test_a_detail_screen_follows_its_cluster_until_it_is_gone(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot, app)
        await pilot.press("4")
        table(app, "dataproc").move_cursor(key="acme-analytics/us-central1/reporting-tmp")
        await pilot.press("enter")
        await pilot.pause()
        assert "RUNNING" in screen_text(app)
        await pilot.press(*["right_square_bracket"] * 12)  # 07:31: DELETING
        await pilot.pause()
        assert "DELETING" in screen_text(app)
        await pilot.press(*["right_square_bracket"] * 4)  # 07:33: no longer listed
        await pilot.pause()
        text = screen_text(app)
        assert "reporting-tmp  gone since 07:33:00" in text
        assert "DELETING" in text  # the last state seen stays on screen


async def test_a_failing_source_shows_its_reason_in_its_pane_only(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert app._session is not None
        reason = "403 PERMISSION_DENIED: needs roles/dataproc.viewer"
        app._session.store.apply(Poll(source="dataproc", t=AT, error=reason, error_code="PERMISSION_DENIED"))
        await pilot.press("4", "r")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        heading = next(line for line in lines if line.startswith("Dataproc"))
        assert "needs roles/dataproc.viewer" in heading
        assert len(table(app, "dataproc").view) == 4  # the last good listing stays
        await pilot.press("5")
        await pilot.pause()
        assert any(line.startswith("Dataflow  OK") for line in screen_text(app).splitlines())
