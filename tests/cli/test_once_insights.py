"""``gcpdash --once --demo`` shows the insights the demo was made to trigger, in every format, and an
insight never changes the exit code by itself."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(60)


def once(*argv: str) -> subprocess.CompletedProcess[str]:
    """``gcpdash --once --demo ARGV`` as a process."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "--once", "--demo", *argv],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
        text=True,
        encoding="utf-8",
    )


def test_json_lists_at_least_five_rules_and_exits_0() -> None:
    result = once("--format", "json")
    assert result.returncode == 0, "critical insights alone do not fail the run"
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    rules = {i["rule"] for i in doc["insights"]}
    assert len(rules) >= 5, rules
    # made to trigger in fixtures/demogen: the cluster in ERROR, the idle cluster, the failed batch job
    assert {"dataproc.error_cluster", "dataproc.idle_cluster", "dataflow.failed_job"} <= rules
    assert doc["insight_counts"]["critical"] >= 1
    for insight in doc["insights"]:
        assert insight["evidence"]
        assert insight["fix"]


def test_text_and_markdown_show_them() -> None:
    text = once()
    assert text.returncode == 0
    assert re.search(
        r"^Insights \(money at stake: estimates\)  \d+ critical · \d+ warning", text.stdout, re.M
    )
    assert "CRITICAL  Cluster ml-features in ERROR still bills its VMs" in text.stdout
    markdown = once("--format", "markdown")
    assert markdown.returncode == 0
    assert "## Insights\n" in markdown.stdout
    assert "- **CRITICAL** Cluster ml-features in ERROR still bills its VMs\n" in markdown.stdout
