"""The Data Fusion line of the estimate: each instance's edition price x the hours it was up, by hand
(the price table's UNCONFIRMED list prices: Developer $0.35/h, Basic $1.80/h, Enterprise $4.20/h).

Polls every 30 minutes from T0 (10:00) to 13:30 (the window: from the first poll):

- ``etl-fusion`` (ENTERPRISE, created 2026-10-02): up at all 8 polls: 7 x 0.5 h = 3.5 h;
- ``sandbox-fusion`` (DEVELOPER, created 11:00): first polled at 11:30, up from then on: 0.5 h from its
  creation to that poll + 4 x 0.5 h = 2.5 h;
- ``broken-fusion`` (BASIC, FAILED at every poll): 0 h.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dashboard import cost
from dashboard.cost.common import Inputs
from dashboard.models import MetricSeries, Sample, Snapshot
from dashboard.pricing import default_prices, load_prices
from dashboard.sources.datafusion.cost import datafusion_cost, up_hours
from dashboard.sources.datafusion.model import RUNNING, DatafusionData, Instance

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=3, minutes=30)
POLLS = [T0 + timedelta(minutes=30 * i) for i in range(8)]


def instance(
    name: str, project: str, location: str, *, edition: str, state: str, created: datetime
) -> Instance:
    return Instance(
        project=project,
        location=location,
        instance_id=name,
        name=f"projects/{project}/locations/{location}/instances/{name}",
        edition=edition,
        state=state,
        created=created,
    )


ETL = instance(
    "etl-fusion",
    "acme-etl",
    "europe-west1",
    edition="ENTERPRISE",
    state="ACTIVE",
    created=datetime(2026, 10, 2, tzinfo=UTC),
)
SANDBOX = instance(
    "sandbox-fusion",
    "acme-analytics",
    "us-east1",
    edition="DEVELOPER",
    state="ACTIVE",
    created=T0 + timedelta(hours=1),
)
BROKEN = instance(
    "broken-fusion", "acme-etl", "us-east1", edition="BASIC", state="FAILED", created=T0 - timedelta(hours=12)
)


def running(inst: Instance, polls: list[datetime], value: float) -> MetricSeries:
    return MetricSeries(metric=RUNNING, key=inst.key, points=tuple(Sample(t=t, value=value) for t in polls))


DATA = DatafusionData(
    instances=(ETL, SANDBOX, BROKEN),
    series=(running(ETL, POLLS, 1.0), running(SANDBOX, POLLS[3:], 1.0), running(BROKEN, POLLS, 0.0)),
)
SNAPSHOT = Snapshot(at=NOW, extra={"datafusion": DATA})


def test_each_instance_is_priced_by_its_edition_for_the_hours_it_was_up() -> None:
    line, notes = datafusion_cost(Inputs(snapshot=SNAPSHOT, prices=default_prices()), T0, T0)
    by_key = {i.key: i for i in line.breakdown}
    # 3.5 h × $4.20 = $14.70
    assert by_key["acme-etl/europe-west1/etl-fusion"].window_spend_usd == pytest.approx(14.70)
    # 2.5 h × $0.35 = $0.875
    assert by_key["acme-analytics/us-east1/sandbox-fusion"].window_spend_usd == pytest.approx(0.875)
    assert by_key["acme-etl/us-east1/broken-fusion"].window_spend_usd == 0.0
    assert by_key["acme-etl/us-east1/broken-fusion"].burn_rate_usd_per_hour == 0.0  # FAILED: not up
    assert line.breakdown[0].key == "acme-etl/europe-west1/etl-fusion"  # costliest first
    assert line.window_spend_usd == pytest.approx(14.70 + 0.875)  # $15.575
    assert line.burn_rate_usd_per_hour == pytest.approx(4.20 + 0.35)  # the two up now: $4.55/h
    assert line.today_usd == pytest.approx(15.575)  # the window is all of today's data
    assert (line.items, line.unpriced, notes) == (3, 0, [])
    assert line.confidence == "low"
    assert by_key["acme-etl/europe-west1/etl-fusion"].basis == "enterprise 3.50 h up × $4.20/h"


def test_the_estimate_takes_its_window_from_the_first_poll_and_bills_it_as_cloud_data_fusion() -> None:
    estimate = cost.estimate(SNAPSHOT)
    assert (estimate.window_start, estimate.window_end) == (T0, NOW)
    assert estimate.service("datafusion").window_spend_usd == pytest.approx(15.575)


def test_a_price_override_changes_the_figure() -> None:
    prices = load_prices(overrides={"datafusion.enterprise.per_hour": 3.0})
    line, _ = datafusion_cost(Inputs(snapshot=SNAPSHOT, prices=prices), T0, T0)
    # 3.5 h × $3.00 + 2.5 h × $0.35 = $10.50 + $0.875
    assert line.window_spend_usd == pytest.approx(10.50 + 0.875)


def test_up_hours_before_the_first_poll_and_without_polls() -> None:
    # no poll: up now, from its creation (or the window's start) to the end
    assert up_hours(SANDBOX, (), T0, NOW) == pytest.approx(2.5)  # 11:00 → 13:30
    assert up_hours(BROKEN, (), T0, NOW) == 0.0  # FAILED
    # a window starting at 12:00 cuts etl-fusion's hours to 12:00 → 13:30 = 1.5 h
    assert up_hours(ETL, running(ETL, POLLS, 1.0).points, T0 + timedelta(hours=2), NOW) == pytest.approx(1.5)
    # the polls at 11:00 and 11:30 saw it DISABLED (0): down from 11:00 to 12:00
    values = [1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]
    series = MetricSeries(
        metric=RUNNING,
        key=ETL.key,
        points=tuple(Sample(t=t, value=v) for t, v in zip(POLLS, values, strict=True)),
    )
    # 10:00 → 11:00 and 12:00 → 13:30: 1 h + 1.5 h
    assert up_hours(ETL, series.points, T0, NOW) == pytest.approx(2.5)
