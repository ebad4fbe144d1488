"""A slow or hung Cloud Monitoring against the live path: it delays only the metrics. The sources whose
polls answered stay fresh in ``--once`` (``sources.stale`` counts only data that is truly old) and the
listings show in the app before their metrics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
