"""``gcpdash --check``'s arithmetic and wording: the monthly polling cost, who the credentials are, the exit
code from the polls."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard.backends.base import Poll
from dashboard.backends.gcp.check import identity, polling_cost, verdict
from dashboard.config import Config, GcpConfig, IntervalsConfig
from dashboard.models import JobsData

MIB10 = 10 * 1024 * 1024
T = datetime(2026, 11, 26, tzinfo=UTC)


def test_the_gap_caps_queries_per_location() -> None:
    config = Config(gcp=GcpConfig(bigquery_locations=["US", "EU"]))
    cost = polling_cost(config, projects=5)  # 5 projects every 60 s would be 5/min; the gap allows 1/min
    assert cost.queries_per_location == 30 * 24 * 60
    assert cost.locations == 2
    # the first poll reads every project in every location: 5 x 2 queries, then 1/min per location
    assert cost.first_poll_queries == 5 * 2
    assert cost.bytes_billed == (2 * 30 * 24 * 60 + 5 * 2) * MIB10
    assert cost.usd == pytest.approx((2 * 30 * 24 * 60 + 5 * 2) * MIB10 / 1024**4 * 6.25)
    assert cost.first_poll_usd == pytest.approx(10 * MIB10 / 1024**4 * 6.25)


def test_longer_intervals_cost_less() -> None:
    config = Config(intervals=IntervalsConfig(jobs_history=600))
    cost = polling_cost(config, projects=2)
    assert cost.queries_per_location == 2 * 30 * 24 * 6
    assert cost.first_poll_queries == 2  # 2 projects x the default location
    assert cost.usd == pytest.approx((8640 + 2) * MIB10 / 1024**4 * 6.25)
    assert cost.usd < polling_cost(Config(), projects=2).usd


def test_a_price_override_is_used() -> None:
    config = Config(prices={"bigquery.on_demand.per_tib": 5.0})
    assert polling_cost(config, 1).usd == pytest.approx(polling_cost(Config(), 1).usd * 5.0 / 6.25)


class _ServiceAccount:
    service_account_email = "gcpdash@p.iam.gserviceaccount.com"


def test_identity() -> None:
    assert identity(object(), anonymous=True).startswith("anonymous")
    assert identity(_ServiceAccount(), anonymous=False) == "service account gcpdash@p.iam.gserviceaccount.com"


def _poll(ok: bool) -> Poll:
    return Poll(source="jobs", t=T, data=JobsData() if ok else None, error=None if ok else "403 accessDenied")


def test_verdict() -> None:
    assert verdict([_poll(True), _poll(True)]) == 0
    assert verdict([_poll(True), _poll(False)]) == 1
    assert verdict([_poll(False), _poll(False)]) == 3
