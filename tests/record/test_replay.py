"""A recording made by the recorder plays in ``--once`` (``--at`` picks the moment) and in the app."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from dashboard.app import DashboardApp
from dashboard.cli import main
from dashboard.session import open_recording

from .conftest import T0


def once_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["--once", "--format", "json", *args]) == 0
    out = capsys.readouterr()
    assert "warning" not in out.err
    report: dict[str, object] = json.loads(out.out)
    return report


def test_once_replays_at_the_moment_given(recorded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    end = once_json(capsys, "--replay", str(recorded))
    assert end["mode"] == "replay"
    assert end["projects"] == ["demo-analytics", "demo-etl"]
    second = T0 + timedelta(minutes=1)
    middle = once_json(capsys, "--replay", str(recorded), "--at", second.isoformat())
    statuses = middle["sources"]
    assert isinstance(statuses, dict)
    for source in ("jobs", "reservations", "dataproc", "dataflow"):
        assert statuses[source]["state"] == "ok", statuses[source]
        assert statuses[source]["updated_at"].startswith("2026-11-26T09:01:00"), statuses[source]
    end_statuses = end["sources"]
    assert isinstance(end_statuses, dict)
    assert end_statuses["jobs"]["updated_at"].startswith("2026-11-26T09:02:00")


@pytest.mark.timeout(60)
async def test_the_app_plays_a_recording(recorded: Path) -> None:
    from app.helpers import screen_text, settle

    app = DashboardApp(lambda: open_recording(recorded, "replay", 10.0), subtitle="replay", poll_every=0.2)
    # tall enough for the Overview's Sources table below the Running lines of all ten sources
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot, app)
        for _ in range(100):
            await pilot.pause(0.05)
            if re.search(r"dataflow\s+OK", screen_text(app)):
                break
        text = screen_text(app)
        assert "demo-analytics, demo-etl" in text.splitlines()[0]
        for source in ("jobs", "reservations", "dataproc", "dataflow"):
            assert re.search(rf"{source}\s+OK", text), text
        assert re.search(r"billing\s+OFF", text), text  # not recorded: off, not loading forever
        await pilot.press("2")
        await pilot.pause(0.2)
        jobs = screen_text(app)
        assert "sa-" in jobs  # the pseudonymised principals
        assert "acme-" not in text + jobs
        await pilot.press("q")
