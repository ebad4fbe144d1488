"""Dataproc Serverless batches: a finished one by its approximateUsage, a running one by its currentUsage
(Dataproc computes approximateUsage only when a batch completes). Round prices from tests/cost/prices.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard import cost
from dashboard.models import Batch, DataprocData, Job, Snapshot
from dashboard.pricing import PriceTable, load_prices
from dashboard.sources.dataproc.cost import batch_usd, batch_usd_per_hour

from .prices import PRICES

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)


def t(minutes: float) -> datetime:
    return AT + timedelta(minutes=minutes)


@pytest.fixture
def prices() -> PriceTable:
    return load_prices(overrides=PRICES)


def running() -> Batch:
    return Batch(
        name="projects/p/locations/europe-west4/batches/backfill",
        project="p",
        region="europe-west4",
        batch_id="backfill",
        state="RUNNING",
        created=t(-32),
        state_time=t(-30),
        started=t(-30),
        current_milli_dcu=96_000,  # 96 DCU
        current_shuffle_gb=150,
    )


def test_a_running_batch_costs_its_current_usage_per_hour(prices: PriceTable) -> None:
    batch = running()
    # 96 DCU x $0.06 + 150 GB / 730 h x $0.04 per GB-month
    rate = 96 * 0.06 + 150 / 730 * 0.04
    assert batch_usd_per_hour(batch, prices, AT) == pytest.approx(rate)
    assert rate == pytest.approx(5.768219, abs=1e-6)
    # running for 30 minutes: half of that
    assert batch_usd(batch, prices, AT) == pytest.approx(rate * 0.5)
    assert batch_usd(batch, prices) == 0  # without a moment only approximateUsage counts: none yet


def test_the_estimate_adds_running_and_finished_batches(prices: PriceTable) -> None:
    done = Batch(
        name="projects/p/locations/us-central1/batches/sessionize",
        project="p",
        region="us-central1",
        batch_id="sessionize",
        state="SUCCEEDED",
        created=t(-50),
        started=t(-48),
        state_time=t(-8),
        milli_dcu_seconds=172_800_000,  # 172,800 DCU-seconds = 48 DCU-hours
        shuffle_storage_gb_seconds=36_000,  # 10 GB-hours
    )
    opener = Job(project="quiet", job_id="opener", created=t(-60), ended=t(-60), bytes_billed=0)
    snap = Snapshot(at=AT, jobs=(opener,), dataproc=DataprocData(batches=(running(), done)))
    dp = cost.estimate(snap, prices).service("dataproc")
    running_rate = 96 * 0.06 + 150 / 730 * 0.04
    assert dp.burn_rate_usd_per_hour == pytest.approx(running_rate)  # the finished one burns nothing
    # window 08:00-09:00: the running batch's 30 minutes, all of the finished one
    assert dp.window_spend_usd == pytest.approx(running_rate * 0.5 + 48 * 0.06 + 10 / 730 * 0.04)
    assert dp.items == 2
