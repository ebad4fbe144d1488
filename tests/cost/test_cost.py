"""Cost estimates, checked against figures worked out by hand from round test prices."""

from __future__ import annotations

import msgspec
import pytest
from views.factory import AT, TIB, snapshot, t

from dashboard import cost
from dashboard.models import Cluster, DataflowJob, Job, NodeGroup, ReservationsData, Snapshot
from dashboard.pricing import PriceTable, default_prices, load_prices
from dashboard.sources.dataflow import cost as dataflow_cost
from dashboard.sources.dataproc import cost as dataproc_cost
from dashboard.sources.jobs import cost as jobs_cost

ROUND = {
    "bigquery.on_demand.per_tib": 5.0,
    "bigquery.editions.standard.payg": 0.04,
    "bigquery.editions.enterprise.payg": 0.05,
    "bigquery.editions.enterprise_plus.payg": 0.1,
    "dataproc.premium.per_vcpu_hour": 0.01,
    "gce.n2.vcpu_hour": 0.03,
    "gce.n2.ram_gib_hour": 0.004,
    "gce.e2.vcpu_hour": 0.02,
    "gce.e2.ram_gib_hour": 0.003,
    "gce.region_factor.europe-west1": 1.1,
    "dataflow.batch.vcpu_hour": 0.05,
    "dataflow.streaming.vcpu_hour": 0.07,
    "dataflow.memory_gib_hour": 0.004,
    "dataflow.pd_standard_gib_hour": 0.0001,
    "dataflow.shuffle_gib.batch": 0.01,
    "dataflow.streaming_engine_gib": 0.02,
    "dataflow.worker_memory_gib_per_vcpu": 4.0,
}


@pytest.fixture
def prices() -> PriceTable:
    return load_prices(overrides=ROUND)


def test_window_runs_from_the_oldest_job_to_the_snapshot() -> None:
    start, end = cost.window(snapshot())
    assert start == t(hours=-3)  # old_on_demand, created 06:00
    assert end == AT
    assert cost.window(Snapshot(at=AT)) == (AT, AT)


def test_on_demand(prices: PriceTable) -> None:
    od = cost.estimate(snapshot(), prices).service("bigquery_on_demand")
    # Outside reservations, finished: 2 TiB + 0.5 TiB + 0 (cache) + 10 MiB + 0 + 1 TiB (script child);
    # the script parent (1 TiB, the sum of its child) is not counted twice; running jobs have no bytes yet.
    tib = 2 + 0.5 + 10 * 2**20 / TIB + 1
    assert od.window_spend_usd == pytest.approx(tib * 5.0)
    assert od.items == 6
    # Ended in the last hour: all but old_on_demand (06:10): 3 TiB + 10 MiB, over a full hour of data.
    assert od.burn_rate_usd_per_hour == pytest.approx((3 + 10 * 2**20 / TIB) * 5.0)
    assert od.estimate


def test_on_demand_rate_uses_the_part_of_the_hour_the_data_covers(prices: PriceTable) -> None:
    only = Job(project="p", job_id="j", created=t(minutes=-30), ended=t(minutes=-10), bytes_billed=TIB)
    od = cost.estimate(Snapshot(at=AT, jobs=(only,)), prices).service("bigquery_on_demand")
    assert od.burn_rate_usd_per_hour == pytest.approx(5.0 / 0.5)  # $5 in the 30 minutes seen
    assert od.window_spend_usd == pytest.approx(5.0)


def test_editions(prices: PriceTable) -> None:
    ed = cost.estimate(snapshot(), prices).service("bigquery_editions")
    # prod: 100 baseline Enterprise, all covered by the 100-slot ANNUAL commitment at the shipped 1-year
    # price $0.048; autoscale now: prod 50 x $0.05 Enterprise + adhoc 100 x $0.04 Standard
    assert ed.burn_rate_usd_per_hour == pytest.approx(100 * 0.048 + 50 * 0.05 + 100 * 0.04)  # 11.30
    # Over the 3 h window: the commitment 3 h; autoscale from slot use where the series has points
    # (08:58, 08:59, 09:00, a minute each), the current autoscale before 08:58 (2 h 58 min).
    # prod (baseline 100): 80 -> 0, 120 -> 50, 140 -> 50 slots: 50 slots for 1 minute in the window.
    # adhoc (baseline 0): 10, 20, 30 -> 50 slots each: 50 slots for 2 minutes in the window.
    prod = (50 * 178 / 60 + 50 * 1 / 60) * 0.05
    adhoc = (100 * 178 / 60 + 50 * 2 / 60) * 0.04
    assert ed.window_spend_usd == pytest.approx(100 * 0.048 * 3 + prod + adhoc)  # 33.7917
    assert ed.items == 2
    assert ed.price_keys == (
        "bigquery.editions.enterprise.1yr",
        "bigquery.editions.enterprise.payg",
        "bigquery.editions.standard.payg",
    )


def test_dataproc(prices: PriceTable) -> None:
    dp = cost.estimate(snapshot(), prices).service("dataproc")
    n2 = 0.01 + 0.03  # premium + vCPU
    # etl-nightly: n2-standard-8 (8 vCPU, 32 GiB) + 3 x n2-highmem-8 (8, 64): 32 vCPU, 224 GiB
    etl = 32 * n2 + 224 * 0.004
    # adhoc-spark: 3 x n2-standard-4 (4, 16): 12 vCPU, 48 GiB
    adhoc = 12 * n2 + 48 * 0.004
    # ml-features in europe-west1 (1.1 x us-central1), ERROR but still billing: e2-standard-4 (4, 16) +
    # e2-highmem-4 (4, 32); the premium is global
    broken = 8 * 0.01 + (8 * 0.02 + 48 * 0.003) * 1.1
    # reporting-tmp is DELETING: not counted
    assert dp.burn_rate_usd_per_hour == pytest.approx(etl + adhoc + broken)
    assert dp.items == 3
    # all three are older than the 3 h window: 3 h each
    assert dp.window_spend_usd == pytest.approx(3 * (etl + adhoc + broken))


def test_dataproc_with_the_shipped_prices() -> None:
    cluster = snapshot().dataproc.clusters[0]
    # 32 x (0.010 + 0.031611) + 224 x 0.004237
    assert dataproc_cost.cluster_usd_per_hour(cluster, default_prices()) == pytest.approx(2.28064)


def test_unknown_machine_types_are_counted_not_guessed(prices: PriceTable) -> None:
    odd = Cluster(
        project="p",
        region="us-central1",
        name="gpu",
        state="RUNNING",
        groups=(NodeGroup(role="master", count=1, machine_type="a2-highgpu-1g"),),
    )
    snap = msgspec.structs.replace(
        snapshot(), dataproc=msgspec.structs.replace(snapshot().dataproc, clusters=(odd,))
    )
    estimate = cost.estimate(snap, prices)
    assert estimate.service("dataproc").unpriced == 1
    assert estimate.service("dataproc").burn_rate_usd_per_hour == 0
    assert any("machine type" in n for n in estimate.notes)
    assert dataproc_cost.cluster_usd_per_hour(odd, prices) is None


def test_dataflow(prices: PriceTable) -> None:
    df = cost.estimate(snapshot(), prices).service("dataflow")
    # streaming, Streaming Engine: 108 vCPU-h x 0.07 + 400 GB-h x 0.004 + 1000 GB-h x 0.0001 + 10 GiB x 0.02
    stream_total = 108 * 0.07 + 400 * 0.004 + 1000 * 0.0001 + 10 * 0.02
    # batch: 16 vCPU-h x 0.05 + 100 GiB shuffle x 0.01; no memory metric: 16 vCPU-h x the assumed 4 GiB
    # per vCPU x 0.004
    batch_total = 16 * 0.05 + 16 * 4 * 0.004 + 100 * 0.01
    # $/h: 8 vCPUs x (0.07 + 4 GiB x 0.004); the failed batch job costs nothing more
    assert df.burn_rate_usd_per_hour == pytest.approx(8 * (0.07 + 4 * 0.004))
    # the stream started 40 h ago: 3 h of its 40 fall in the window; the batch job ran inside it
    assert df.window_spend_usd == pytest.approx(stream_total * 3 / 40 + batch_total)
    index = cost.series_index(snapshot().dataflow.series)
    stream, batch = snapshot().dataflow.jobs
    assert dataflow_cost.dataflow_job_cost(stream, index, prices).usd_so_far == pytest.approx(stream_total)
    batch_cost = dataflow_cost.dataflow_job_cost(batch, index, prices)
    assert batch_cost[:2] == pytest.approx((batch_total, 0.0))
    assert batch_cost.memory == "assumed"


def test_dataflow_without_metrics_is_unpriced(prices: PriceTable) -> None:
    job = DataflowJob(project="p", location="l", job_id="x", name="n", state="JOB_STATE_RUNNING")
    assert dataflow_cost.dataflow_job_cost(job, {}, prices)[:2] == (None, None)


def test_totals_and_labels(prices: PriceTable) -> None:
    estimate = cost.estimate(snapshot(), prices)
    assert [s.service for s in estimate.services] == list(cost.SERVICES)
    assert "pubsub" in cost.SERVICES  # the registered Pub/Sub source prices its throughput
    assert estimate.burn_rate_usd_per_hour == pytest.approx(
        sum(s.burn_rate_usd_per_hour for s in estimate.services)
    )
    assert estimate.window_spend_usd == pytest.approx(sum(s.window_spend_usd for s in estimate.services))
    assert estimate.price_version == "2026.12.1"
    assert estimate.currency == "USD"
    assert estimate.estimate
    assert all(s.estimate for s in estimate.services)
    assert estimate.window_hours == pytest.approx(3.0)
    assert "price table 2026.12.1 + overrides" in estimate.notes[0]
    assert estimate.price_overrides == ROUND


def test_job_cost() -> None:
    p = default_prices()
    on_demand = Job(project="p", job_id="a", bytes_billed=TIB // 4)
    assert jobs_cost.job_cost(on_demand, p) == (pytest.approx(6.25 / 4), "on_demand")
    reserved = Job(project="p", job_id="b", reservation="admin:US.prod", slot_ms=7_200_000)
    # 2 slot-hours; edition from the reservation map (Enterprise Plus, $0.10)
    assert jobs_cost.job_cost(reserved, p, {"admin:US.prod": "ENTERPRISE_PLUS"}) == (
        pytest.approx(0.2),
        "slot_attribution",
    )
    assert jobs_cost.job_cost(Job(project="p", job_id="c", state="RUNNING"), p) is None


def test_an_empty_snapshot_costs_nothing() -> None:
    estimate = cost.estimate(Snapshot(at=AT, reservations=ReservationsData()))
    assert estimate.burn_rate_usd_per_hour == 0
    assert estimate.window_spend_usd == 0
    assert estimate.window_start == AT
