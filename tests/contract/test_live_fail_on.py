"""``gcpdash --once --fail-on`` on the live path, against the fake servers: a source that fails makes
``sources.stale`` 1, which fires the condition; ``[alerts]`` in the live config counts too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .test_live_cli import gcpdash, served

pytestmark = pytest.mark.timeout(120)


def test_live_once_exits_on_a_failing_source(tmp_path: Path) -> None:
    with served(tmp_path, "dataproc") as config:
        critical = gcpdash(
            "--once", "--config", str(config), "--format", "json", "--fail-on", "critical: sources.stale > 0"
        )
        with config.open("a", encoding="utf-8") as file:
            file.write('\n[alerts]\nwarning = ["sources.stale >= 1"]\ncritical = ["sources.stale > 1"]\n')
        warning = gcpdash("--once", "--config", str(config), "--width", "160")
    assert critical.returncode == 2, critical.stderr
    assert critical.stderr == "gcpdash: critical: sources.stale > 0 (value 1)\n"
    doc = json.loads(critical.stdout)
    assert doc["mode"] == "live"
    assert doc["sources"]["dataproc"]["state"] == "error"
    assert doc["metrics"]["sources.stale"] == 1
    assert [(a["expr"], a["fired"]) for a in doc["alerts"]] == [("sources.stale > 0", True)]
    assert warning.returncode == 1, warning.stderr
    assert warning.stderr == "gcpdash: warning: sources.stale >= 1 (value 1)\n"
    assert "Alerts  1 of 2 fired: 0 critical, 1 warning; exit 1" in warning.stdout


def test_live_once_parses_before_reading(tmp_path: Path) -> None:
    with served(tmp_path) as config:
        result = gcpdash("--once", "--config", str(config), "--fail-on", "sources.stale >")
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr.startswith(
        "gcpdash: error: --fail-on 'sources.stale >', column 16: expected a plain"
    )
