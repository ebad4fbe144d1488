"""The app's insight rules: the config's ``[insights]`` reaches the pane, and the rules do not run again on
every one-second poll while the data is the same."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import msgspec
import pytest

from dashboard.app import DashboardApp
from dashboard.cost import estimate
from dashboard.insights import settings_from
from dashboard.models import SourceStatus
from dashboard.pricing import default_prices
from dashboard.recording.demo import demo_path
from dashboard.replay import load_snapshot
from widgets.insights import InsightsPane
from widgets.panedata import Rules

from .conftest import AT, demo_session
from .helpers import settle

pytestmark = pytest.mark.timeout(90)

MakeApp = Callable[..., DashboardApp]


def test_rules_run_again_only_when_data_or_time_moved() -> None:
    snapshot, _ = load_snapshot(demo_path(), at=AT, mode="demo")
    cost, prices = estimate(snapshot), default_prices()
    rules = Rules()
    first = rules.run(snapshot, cost, prices)
    assert rules.runs == 1
    assert "dataproc.error_cluster:ml-features" in {i.key for i in first}
    # the same data 10 s later: kept (the app polls every second)
    assert rules.run(msgspec.structs.replace(snapshot, at=AT + timedelta(seconds=10)), cost, prices) is first
    assert rules.runs == 1
    # 15 s of the snapshot's time later: the rules run again (time-based rules move on)
    rules.run(msgspec.structs.replace(snapshot, at=AT + timedelta(seconds=15)), cost, prices)
    assert rules.runs == 2
    # back in time (a step back): again
    rules.run(snapshot, cost, prices)
    assert rules.runs == 3
    # a source brought data: again, even a second later
    statuses = dict(snapshot.statuses)
    jobs = statuses["jobs"]
    statuses["jobs"] = SourceStatus(
        source="jobs", state=jobs.state, updated_at=AT + timedelta(seconds=1), checked_at=AT
    )
    moved = msgspec.structs.replace(snapshot, at=AT + timedelta(seconds=1), statuses=statuses)
    rules.run(moved, cost, prices)
    assert rules.runs == 4
    # fewer jobs (another window): again
    fewer = msgspec.structs.replace(moved, jobs=moved.jobs[1:])
    rules.run(fewer, cost, prices)
    assert rules.runs == 5


async def test_disabled_rule_from_the_config_is_not_shown() -> None:
    settings = settings_from(disabled=["dataproc.error_cluster"])
    app = DashboardApp(lambda: demo_session(AT), poll_every=None, insight_settings=settings)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, app)
        await pilot.press("7")
        await pilot.pause()
        pane = app.query_one("#pane-insights", InsightsPane)
        assert pane.insights
        assert not any(i.rule == "dataproc.error_cluster" for i in pane.insights.values())
        # the other Dataproc rule still runs
        assert any(i.rule == "dataproc.idle_cluster" for i in pane.insights.values())


def test_app_with_an_unknown_rule_in_the_config_stops_before_starting(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[insights]\ndisabled = ["dataproc.no_such_rule"]\n')
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "--demo", "--config", str(config)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode != 0
    assert "dataproc.no_such_rule" in done.stderr
    assert "unknown rule" in done.stderr
