"""docs/alerts.md documents every metric of the namespace, and the README and the configuration guide
point at it."""

from __future__ import annotations

from pathlib import Path

from dashboard.alerts.metrics import STATIC, metric_names
from dashboard.cost import SERVICES

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "alerts.md").read_text(encoding="utf-8")


def test_every_metric_is_documented() -> None:
    for name in STATIC:
        assert f"`{name}`" in DOC, name
    assert "`cost.<service>.burn_rate_usd_per_hour`" in DOC
    for service in SERVICES:
        assert f"`{service}`" in DOC, service
    assert "`insights.rule.<rule_id>`" in DOC
    documented = {line.split("`")[1] for line in DOC.splitlines() if line.startswith("| `")}
    names = set(metric_names())
    for name in documented - {"cost.<service>.burn_rate_usd_per_hour", "insights.rule.<rule_id>"}:
        assert name in names, f"docs/alerts.md documents {name}, which is no metric"


def test_the_guides_point_at_it() -> None:
    assert "docs/alerts.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "[alerts]" in (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert "`alerts`" in (ROOT / "docs" / "snapshot-json.md").read_text(encoding="utf-8")
