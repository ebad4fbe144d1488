"""BigQuery ML in the estimate: on demand, a CREATE_MODEL job's bytes are priced at the model-creation rate
on a line of their own (``bigquery_ml``) and leave the on-demand line; under editions the job is slot time
like any query. Figures worked out by hand in the comments.

Test prices: queries $5/TiB, model creation $250/TiB (an override of the shipped, unconfirmed $312.50),
Enterprise $0.05/slot-hour. The snapshot moment is 09:00; the first job is created at 08:00 (a 1 h window).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard import cost
from dashboard.models import Job, Snapshot
from dashboard.pricing import PriceTable, load_prices
from dashboard.sources.jobs import cost as jobs_cost

from .prices import PRICES

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
TIB = 2**40
GIB = 2**30
ML = "bigquery.ml.create_model.per_tib"


def t(minutes: float) -> datetime:
    return AT + timedelta(minutes=minutes)


def prices(ml: float = 250.0) -> PriceTable:
    return load_prices(overrides={**PRICES, ML: ml})


def snapshot() -> Snapshot:
    """Two projects: acme-bi on demand (a SELECT and two CREATE_MODEL runs), acme-etl in a reservation (a
    CREATE_MODEL that is slot time)."""
    return Snapshot(
        at=AT,
        jobs=(
            Job(project="acme-bi", job_id="q1", created=t(-60), ended=t(-50), bytes_billed=2 * TIB),
            Job(project="acme-bi", job_id="m1", statement_type="CREATE_MODEL", created=t(-45), ended=t(-40),
                bytes_billed=40 * GIB, query="CREATE OR REPLACE MODEL `churn.model_v3` AS SELECT 1"),
            Job(project="acme-bi", job_id="m2", statement_type="CREATE_MODEL", created=t(-25), ended=t(-20),
                bytes_billed=40 * GIB, ml_model_type="BOOSTED_TREE_CLASSIFIER"),
            Job(project="acme-etl", job_id="m3", statement_type="CREATE_MODEL", created=t(-30), ended=t(-10),
                bytes_billed=TIB, slot_ms=7_200_000, reservation="acme-admin:US.prod", edition="ENTERPRISE"),
            # running: nothing billed yet
            Job(project="acme-bi", job_id="m4", statement_type="CREATE_MODEL", state="RUNNING",
                created=t(-2)),
        ),
    )  # fmt: skip


def test_model_creation_on_demand_is_its_own_line_at_its_rate() -> None:
    estimate = cost.estimate(snapshot(), prices())
    ml = estimate.service("bigquery_ml")
    # m1 + m2: 80 GiB = 80/1024 TiB = 0.078125 TiB x $250 = $19.53; m3 ran in a reservation, m4 billed nothing
    assert ml.window_spend_usd == pytest.approx(0.078125 * 250)
    assert ml.items == 2
    assert ml.burn_rate_usd_per_hour == pytest.approx(19.53125)  # both ended in the trailing hour
    assert ml.title == "BigQuery ML"
    assert ml.price_keys == (ML,)
    # the on-demand line has only the SELECT: 2 TiB x $5 = $10
    assert estimate.service("bigquery_on_demand").window_spend_usd == pytest.approx(10.0)


def test_each_byte_counts_once_the_total_differs_only_by_the_rate() -> None:
    # at the query rate for model creation too, the two lines add up to every on-demand byte at $5/TiB:
    # (2 TiB + 80 GiB) = 2.078125 TiB x $5 = $10.390625, as before the ML line existed
    same = cost.estimate(snapshot(), prices(ml=5.0))
    lines = same.service("bigquery_on_demand").window_spend_usd + same.service("bigquery_ml").window_spend_usd
    assert lines == pytest.approx(2.078125 * 5)
    # at $250/TiB the total grows by the rate difference on the 80 GiB only: 0.078125 x (250 - 5) = $19.14
    dear = cost.estimate(snapshot(), prices())
    dear_lines = (
        dear.service("bigquery_on_demand").window_spend_usd + dear.service("bigquery_ml").window_spend_usd
    )
    assert dear_lines - lines == pytest.approx(0.078125 * (250 - 5))


def test_model_creation_under_editions_is_slot_time() -> None:
    job = snapshot().jobs[3]
    # 7,200,000 slot-ms = 2 slot-hours x $0.05 (Enterprise at the test prices) = $0.10, attributed
    assert jobs_cost.job_cost(job, prices()) == (pytest.approx(0.10), "slot_attribution")
    # an on-demand one: 40 GiB = 0.0390625 TiB x $250 = $9.77
    assert jobs_cost.job_cost(snapshot().jobs[2], prices()) == (pytest.approx(9.765625), "on_demand")


def test_the_bill_check_compares_the_bigquery_service_with_both_lines() -> None:
    # the bill names model creation under "BigQuery": the on-demand line's spend for the check is both
    spend = jobs_cost.ESTIMATOR.spend["bigquery_on_demand"]
    inputs = cost.Inputs(snapshot=snapshot(), prices=prices())
    assert spend(inputs, t(-60), AT) == pytest.approx(10.0 + 19.53125)
    assert "bigquery_ml" not in jobs_cost.ESTIMATOR.spend  # no billing service of its own


def test_the_shipped_rate_is_marked_low_confidence() -> None:
    shipped = load_prices()
    assert shipped.prices[ML].value == 312.5
    assert shipped.prices[ML].confidence == "low"
    assert "UNCONFIRMED" in shipped.prices[ML].source
    estimate = cost.estimate(snapshot(), shipped)
    # 80 GiB = 0.078125 TiB x $312.50 = $24.41
    assert estimate.service("bigquery_ml").window_spend_usd == pytest.approx(24.4140625)
    assert estimate.service("bigquery_ml").confidence == "low"
