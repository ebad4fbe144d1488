"""A slow or hung Cloud Monitoring against the live path: it delays only the metrics. The sources whose
polls answered stay fresh in ``--once`` (``sources.stale`` counts only data that is truly old) and the
listings show in the app before their metrics."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.models import DataflowData, ReservationsData

from .live_app import latest, live_app
from .serve import Servers

pytestmark = pytest.mark.timeout(120)

REPO = Path(__file__).resolve().parents[2]


def gcpdash(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GCPDASH_")}
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=REPO,
        env={**env, "GRPC_VERBOSITY": "ERROR"},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_once_keeps_a_healthy_source_fresh_while_monitoring_hangs(tmp_path: Path) -> None:
    """Jobs every second (stale after 3 x 1 s); every ListTimeSeries hangs until its 4 s deadline, so the
    slowest poll ends 4 s or more after jobs answered. Jobs was read in this run: it is fresh, and
    ``--fail-on 'sources.stale > 0'`` (the README's cron example) does not fire."""
    with Servers(monitoring="hang") as servers:
        config = tmp_path / "fake.toml"
        config.write_text(servers.config(timeout=4.0, deadline=4.0) + "\n[intervals]\njobs = 1\n", "utf-8")
        cron = ("--fail-on", "sources.stale > 0")
        result = gcpdash("--once", "--config", str(config), "--format", "json", *cron)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["sources"]["jobs"]["age_s"] > 3.0  # the run took longer than jobs may age
    assert {s: doc["sources"][s]["state"] for s in ("jobs", "reservations", "dataproc", "dataflow")} == {
        "jobs": "ok",
        "reservations": "ok",
        "dataproc": "ok",
        "dataflow": "ok",
    }
    assert doc["metrics"]["sources.stale"] == 0


def test_in_the_background_listings_arrive_before_a_hung_monitoring(tmp_path: Path) -> None:
    """Every ListTimeSeries hangs until its 3 s deadline. The slots, Dataproc and Dataflow listings answer
    at once: each arrives as a Poll of its own within a second, without series; the whole poll follows
    once Monitoring gave up (3 s or more), the listing again plus why the metrics are missing."""
    from dashboard.backends.base import Poll
    from dashboard.backends.gcp.live import LiveBackend
    from dashboard.config import load_config

    with Servers(monitoring="hang") as servers:
        path = tmp_path / "fake.toml"
        path.write_text(servers.config(timeout=3.0, deadline=3.0), encoding="utf-8")
        backend = LiveBackend(load_config(path, env={}), background=True)
        arrived: dict[str, list[tuple[float, Poll]]] = {}
        started = time.monotonic()
        try:
            while time.monotonic() - started < 30:
                for source in ("reservations", "dataproc", "dataflow"):
                    for poll in backend.poll(source):
                        arrived.setdefault(source, []).append((time.monotonic() - started, poll))
                if all(len(arrived.get(s, ())) >= 2 for s in ("reservations", "dataproc", "dataflow")):
                    break
                time.sleep(0.05)
        finally:
            backend.close()
    for source, polls in arrived.items():
        (first_at, listing), (whole_at, whole) = polls[:2]
        assert listing.error is None, source
        assert listing.data is not None, source
        assert first_at < 1.5, source  # the listing did not wait for Monitoring
        assert whole_at >= 3.0, source  # the whole poll waited out the Monitoring deadline
        assert listing.t == whole.t
        assert listing.partial, source  # the store keeps the warnings until the whole poll
        assert not whole.partial, source
        assert whole.data is not None, source
        assert any("not shown" in w for w in whole.data.warnings), source
    reservations = arrived["reservations"][0][1].data
    assert isinstance(reservations, ReservationsData)
    assert {r.reservation_id for r in reservations.reservations} == {"adhoc", "prod"}
    assert reservations.slot_usage == ()
    dataflow = arrived["dataflow"][0][1].data
    assert isinstance(dataflow, DataflowData)
    assert "customer-360-backfill" in {j.name for j in dataflow.jobs}


MISSING = "metrics unavailable: 503 from Monitoring (retrying)"
"""Every ListTimeSeries answering UNAVAILABLE (HTTP 503), retried within the 1 s deadline, then given up
until the next poll."""


def test_a_failing_monitoring_shows_in_the_narrow_text_report(tmp_path: Path) -> None:
    """80 columns: the warnings column is dropped, so the pane headings and the sources' REASON say it;
    the sources stay OK (their listings answered) and jobs, which reads no Monitoring, says nothing."""
    with Servers(monitoring="503") as servers:
        config = tmp_path / "fake.toml"
        config.write_text(servers.config(timeout=1.0, deadline=1.0), encoding="utf-8")
        result = gcpdash("--once", "--config", str(config), "--width", "80")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    words = " ".join(result.stdout.split())  # the headings wrap at 80 columns
    for title in ("Slots & reservations", "Dataproc", "Dataflow"):
        assert re.search(rf"{re.escape(title)} OK · data \d+s old · {re.escape(MISSING)}", words), title
    assert re.search(r"BigQuery jobs OK · data \d+s old [^·]", words)
    rows = {
        ln.split()[0]: ln for ln in lines if ln.split()[:2] in (["reservations", "OK"], ["dataflow", "OK"])
    }
    assert set(rows) == {"reservations", "dataflow"}
    for row in rows.values():
        assert "metrics unavailable: 503 from" in row  # REASON wraps at 80 columns


async def test_a_failing_monitoring_shows_in_the_apps_pane_heading(tmp_path: Path) -> None:
    from dashboard.app import DashboardApp

    def screen_text(app: DashboardApp) -> str:
        strips = app.screen._compositor.render_strips()
        return "\n".join("".join(segment.text for segment in strip) for strip in strips)

    with Servers(monitoring="503") as servers:
        app, opened = live_app(servers, tmp_path, timeout=1.0, poll_every=0.2)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(150):
                await pilot.pause(0.1)
                now = latest(opened)
                if now is not None and now.statuses["dataflow"].metrics:
                    break
            await pilot.press("5")
            await pilot.pause(0.5)
            dataflow = screen_text(app)
            await pilot.press("3")
            await pilot.pause(0.5)
            slots = screen_text(app)
            opened[0].backend.close()
    assert "Dataflow  OK · data " in dataflow
    assert f"· {MISSING}" in dataflow
    assert f"· {MISSING}" in slots
    assert "clickstream-enrich" in dataflow  # the listing shows, its metric columns empty
