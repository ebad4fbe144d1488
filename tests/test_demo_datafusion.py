"""The Data Fusion story of the bundled demo in ``--once --demo`` (fixtures/demogen/source_datafusion.py):
at the recording's end (08:59:30), with the cost window from its oldest job (00:00:04.971)."""

from __future__ import annotations

from typing import Any

import pytest
from demo_helpers import once, once_json


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    found: dict[str, Any] = once_json()
    return found


def test_the_idle_enterprise_instance(doc: dict[str, Any]) -> None:
    assert doc["sources"]["datafusion"]["state"] == "ok"
    assert doc["window_start"] == "2026-11-26T00:00:04.971000Z"
    [idle] = [i for i in doc["insights"] if i["source"] == "datafusion"]
    assert (idle["rule"], idle["resource"]) == (
        "datafusion.idle_instance",
        "acme-etl/europe-west1/etl-fusion",
    )
    # ACTIVE since 2026-10-02, so the whole window: 00:00:04.971 → 08:59:30 = 8.9903 h; × $4.20 = $37.76
    assert idle["evidence"] == (
        "ENTERPRISE instance ACTIVE for 8.99 h of the window, no ephemeral Dataproc cluster of its pipelines "
        "listed in acme-etl/europe-west1 (threshold 2 h); 8.99 h × $4.20/h = $37.76"
    )
    assert idle["usd_per_hour"] == 4.2
    # no ephemeral cluster of either instance among the demo's Dataproc clusters
    assert doc["datafusion"]["pipelines_seen"] == {
        "acme-analytics/us-central1/sandbox-fusion": [],
        "acme-etl/europe-west1/etl-fusion": [],
    }


def test_the_cost_line(doc: dict[str, Any]) -> None:
    [line] = [s for s in doc["cost"]["services"] if s["service"] == "datafusion"]
    assert line["burn_rate_usd_per_hour"] == pytest.approx(4.20 + 0.35)
    rows = {r["key"]: r for r in line["breakdown"]}
    window_h = (8 * 3600 + 59 * 60 + 30 - 4.971) / 3600  # 00:00:04.971 → 08:59:30
    assert rows["acme-etl/europe-west1/etl-fusion"]["window_spend_usd"] == pytest.approx(window_h * 4.20)
    # sandbox-fusion: CREATING at 07:40 .. 07:55, ACTIVE from the 08:00 poll: 59.5 min × $0.35/h
    assert rows["acme-analytics/us-central1/sandbox-fusion"]["window_spend_usd"] == pytest.approx(
        59.5 / 60 * 0.35
    )
    assert doc["metrics"]["datafusion.instances_up"] == 2


def test_the_text_and_markdown_sections() -> None:
    text = once()
    section = text[text.index("Data Fusion  OK") :]
    lines = section.splitlines()
    etl = next(line for line in lines if line.startswith("etl-fusion"))
    assert etl.split()[:6] == ["etl-fusion", "acme-etl", "europe-west1", "ENTERPRISE", "ACTIVE", "6.10.1"]
    assert "$4.20/h" in etl
    sandbox = next(line for line in lines if line.startswith("sandbox-fusion"))
    assert sandbox.split()[:4] == ["sandbox-fusion", "acme-analytics", "us-central1", "DEVELOPER"]
    markdown = once("--format", "markdown")
    assert "## Data Fusion" in markdown
    assert "| etl-fusion | acme-etl | europe-west1 | ENTERPRISE | ACTIVE | 6.10.1 |" in markdown
