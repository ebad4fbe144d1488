"""``gcpdash --check`` names the Data Fusion source's role when its listing is not readable (the grant on
its spec), and says "readable (with gaps)" with the unreachable location otherwise."""

from __future__ import annotations

from datetime import UTC, datetime

from dashboard.backends.base import Poll
from dashboard.backends.gcp.check import report_lines
from dashboard.config import Config
from dashboard.sources.datafusion.model import DatafusionData

T = datetime(2026, 12, 7, tzinfo=UTC)


def test_an_unreadable_listing_names_roles_datafusion_viewer() -> None:
    poll = Poll(source="datafusion", t=T, data=None, error="403 PERMISSION_DENIED from ListInstances")
    lines = report_lines(Config(), "anonymous", ("acme-etl",), [poll], "test")
    at = lines.index("datafusion: NOT readable: 403 PERMISSION_DENIED from ListInstances")
    assert lines[at + 1] == (
        "  - needs roles/datafusion.viewer on each monitored project: "
        "list Data Fusion instances (every location)"
    )


def test_a_readable_listing_with_an_unreachable_location() -> None:
    warning = "Data Fusion could not reach acme-etl/asia-east1: their instances are missing from this poll"
    poll = Poll(source="datafusion", t=T, data=DatafusionData(warnings=(warning,)), error=None)
    lines = report_lines(Config(), "anonymous", ("acme-etl",), [poll], "test")
    at = lines.index("datafusion: readable (with gaps)")
    assert lines[at + 1] == f"  - {warning}"
