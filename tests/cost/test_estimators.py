"""Each estimator on a snapshot built for it, against figures worked out by hand in the comments.

Round test prices (``PRICES``) keep the arithmetic checkable. The snapshot moment is 09:00 and, unless said
otherwise, a job created at 08:00 opens a one-hour window 08:00-09:00.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from dashboard import cost
from dashboard.models import (
    Batch,
    Cluster,
    Commitment,
    DataflowData,
    DataflowJob,
    DataprocData,
    Job,
    MetricSeries,
    NodeGroup,
    Reservation,
    ReservationsData,
    Sample,
    Snapshot,
)
from dashboard.pricing import PriceTable, load_prices
from dashboard.sources.dataflow import cost as dataflow_cost
from dashboard.sources.reservations import cost as reservations_cost
from dashboard.sources.reservations.cost import autoscale_slot_hours, autoscaled_slots

from .prices import PRICES

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
TIB = 2**40
GIB = 2**30


def t(hours: float = 0, minutes: float = 0, seconds: float = 0) -> datetime:
    return AT + timedelta(hours=hours, minutes=minutes, seconds=seconds)


@pytest.fixture
def prices() -> PriceTable:
    return load_prices(overrides=PRICES)


def opener() -> Job:
    """A job of no cost created at 08:00: the window is 08:00-09:00."""
    return Job(project="quiet", job_id="opener", created=t(-1), ended=t(-1), bytes_billed=0)


# ---------------------------------------------------------------- BigQuery on-demand


def query(job_id: str, tib: float, *, project: str, who: str, ended: datetime, **extra: object) -> Job:
    return Job(
        project=project,
        job_id=job_id,
        principal=who,
        created=ended - timedelta(minutes=5),
        ended=ended,
        bytes_billed=int(tib * TIB),
        **extra,  # type: ignore[arg-type]
    )


def on_demand_snapshot() -> Snapshot:
    return Snapshot(
        at=AT,
        jobs=(
            opener(),
            # ana@ in analytics: 2 TiB (team=bi) and 0.5 TiB, both ended in the last hour
            query("a1", 2, project="analytics", who="ana@x", ended=t(minutes=-50), labels={"team": "bi"}),
            query("a2", 0.5, project="analytics", who="ana@x", ended=t(minutes=-10)),
            # etl-sa in etl: 1 TiB (team=bi), ended at 08:05
            query("e1", 1, project="etl", who="etl-sa", ended=t(minutes=-55), labels={"team": "bi"}),
            # ran in a reservation: no bytes charge
            query("r1", 4, project="etl", who="etl-sa", ended=t(minutes=-30), reservation="adm:US.prod"),
            # still running: nothing billed yet
            Job(project="analytics", job_id="run", state="RUNNING", created=t(minutes=-2)),
        ),
    )


def test_on_demand_bytes_per_job_principal_project_and_label(prices: PriceTable) -> None:
    estimate = cost.estimate(on_demand_snapshot(), prices)
    od = estimate.service("bigquery_on_demand")
    # 2 + 0.5 + 1 = 3.5 TiB x $5 = $17.50; the reservation job (4 TiB) is not charged by bytes
    assert od.window_spend_usd == pytest.approx(17.5)
    assert od.today_usd == pytest.approx(17.5)
    # every one ended within the trailing hour, which the 1 h window covers: $17.50/h
    assert od.burn_rate_usd_per_hour == pytest.approx(17.5)
    by = {(a.dimension, a.key): (a.usd, a.jobs) for a in estimate.on_demand_by}
    assert by[("project", "analytics")] == (pytest.approx(12.5), 2)  # 2.5 TiB
    assert by[("project", "etl")] == (pytest.approx(5.0), 1)
    assert by[("principal", "ana@x")] == (pytest.approx(12.5), 2)
    assert by[("principal", "etl-sa")] == (pytest.approx(5.0), 1)
    assert by[("label", "team=bi")] == (pytest.approx(15.0), 2)  # 3 TiB
    # largest first; the opener job cost nothing
    assert [a.key for a in estimate.on_demand_by if a.dimension == "project"] == ["analytics", "etl", "quiet"]


def test_project_mode_from_config_overrides_the_job(prices: PriceTable) -> None:
    # etl set to editions in config: its 1 TiB on-demand job is not charged by bytes any more
    estimate = cost.estimate(on_demand_snapshot(), prices, modes={"etl": "editions"})
    assert estimate.service("bigquery_on_demand").window_spend_usd == pytest.approx(12.5)
    # and an on-demand override charges bytes even for a job that names a reservation: 4 TiB more
    forced = cost.estimate(on_demand_snapshot(), prices, modes={"etl": "on-demand"})
    assert forced.service("bigquery_on_demand").window_spend_usd == pytest.approx(17.5 + 20.0)


# ---------------------------------------------------------------- BigQuery editions


def minutes_series(key: str, values: list[float]) -> MetricSeries:
    """Slot use per minute, the last point at 08:59."""
    n = len(values)
    points = tuple(Sample(t=t(minutes=-(n - i)), value=v) for i, v in enumerate(values))
    return MetricSeries(metric="slots/allocated", key=key, points=points)


def editions_snapshot() -> Snapshot:
    prod = Reservation(
        name="projects/adm/locations/US/reservations/prod",
        project="adm",
        location="US",
        reservation_id="prod",
        slot_capacity=100,
        autoscale_max_slots=200,
        autoscale_current_slots=0,
        edition="ENTERPRISE",
    )
    annual = Commitment(
        name="c1",
        project="adm",
        location="US",
        commitment_id="c1",
        slot_count=60,
        plan="ANNUAL",
        edition="ENTERPRISE",
    )
    return Snapshot(
        at=AT,
        jobs=(opener(),),
        reservations=ReservationsData(
            reservations=(prod,),
            commitments=(annual,),
            # 08:56 80 used -> 0 autoscaled; 08:57 170 -> 100 (70 over, in steps of 50);
            # 08:58 260 -> 200 (the maximum); 08:59 90 -> 0
            slot_usage=(minutes_series("prod", [80, 170, 260, 90]),),
        ),
    )


def test_reservation_with_autoscale_and_a_commitment(prices: PriceTable) -> None:
    ed = cost.estimate(editions_snapshot(), prices).service("bigquery_editions")
    # baseline 100: 60 committed at the 1-year $0.04, 40 at pay-as-you-go $0.05; autoscale holds 0 now
    assert ed.burn_rate_usd_per_hour == pytest.approx(60 * 0.04 + 40 * 0.05)  # $4.40/h
    # 08:00-09:00: the baseline for the hour, $4.40; autoscale 100 slots for a minute and 200 for a
    # minute = 300 slot-minutes = 5 slot-hours x $0.05 = $0.25; before 08:56 it held what it holds now, 0
    assert ed.window_spend_usd == pytest.approx(4.40 + 0.25)
    assert set(ed.price_keys) == {"bigquery.editions.enterprise.1yr", "bigquery.editions.enterprise.payg"}


def test_autoscale_now_counts_where_the_series_has_no_points(prices: PriceTable) -> None:
    snap = editions_snapshot()
    busy = msgspec.structs.replace(snap.reservations.reservations[0], autoscale_current_slots=50)
    snap = msgspec.structs.replace(
        snap, reservations=msgspec.structs.replace(snap.reservations, reservations=(busy,))
    )
    ed = cost.estimate(snap, prices).service("bigquery_editions")
    assert ed.burn_rate_usd_per_hour == pytest.approx(4.40 + 50 * 0.05)
    # plus 50 slots over the 56 minutes before the series begins: 50 x 56/60 slot-hours x $0.05
    assert ed.window_spend_usd == pytest.approx(4.40 + 0.25 + 50 * 56 / 60 * 0.05)


def test_autoscaled_slots_step_by_50_up_to_the_maximum() -> None:
    assert autoscaled_slots(80, 100, 200) == 0
    assert autoscaled_slots(101, 100, 200) == 50
    assert autoscaled_slots(150, 100, 200) == 50
    assert autoscaled_slots(170, 100, 200) == 100
    assert autoscaled_slots(900, 100, 200) == 200
    assert autoscaled_slots(900, 100, 0) == 0


def test_autoscale_is_billed_per_second_with_a_one_minute_minimum() -> None:
    s = timedelta(seconds=20)
    t0 = t(-1)
    # 50 slots for 20 s, then none: billed for a whole minute, 50 slot-minutes
    short = [(t0, 0), (t0 + s, 50), (t0 + 2 * s, 0)]
    assert autoscale_slot_hours(short, t(-2), AT, step=s) == pytest.approx(50 / 60)
    # 50 slots for 40 s and another 50 on top for 20 s: each step billed a minute, 100 slot-minutes
    stacked = [(t0, 50), (t0 + s, 100), (t0 + 2 * s, 0)]
    assert autoscale_slot_hours(stacked, t(-2), AT, step=s) == pytest.approx(100 / 60)
    # 50 slots held 3 minutes: per second, 150 slot-minutes, no minimum
    held = [(t0, 50), (t0 + 9 * s, 0)]
    assert autoscale_slot_hours(held, t(-2), AT, step=s) == pytest.approx(150 / 60)
    # only the part inside the interval counts: the last minute of the three
    assert autoscale_slot_hours(held, t0 + 6 * s, AT, step=s) == pytest.approx(50 / 60)


def test_commitments_are_priced_by_plan(prices: PriceTable) -> None:
    flex = Commitment(
        name="f",
        project="adm",
        location="US",
        commitment_id="f",
        slot_count=100,
        plan="FLEX",
        edition="ENTERPRISE",
    )
    three = Commitment(
        name="3", project="adm", location="US", commitment_id="3", slot_count=100, plan="THREE_YEAR"
    )
    assert reservations_cost.commitment_key(flex, prices) == "bigquery.editions.enterprise.payg"
    assert reservations_cost.commitment_key(three, prices) == "bigquery.editions.enterprise.3yr"


# ---------------------------------------------------------------- Dataproc


def n2_cluster(name: str, state: str, apps: int) -> Cluster:
    return Cluster(
        project="p",
        region="us-central1",
        name=name,
        state=state,
        created=t(-2),
        groups=(
            NodeGroup(role="master", count=1, machine_type="n2-standard-4"),
            NodeGroup(role="worker", count=2, machine_type="n2-standard-4"),
        ),
        yarn={"yarn-apps-running": apps},
    )


def test_an_idle_cluster_bills_like_a_busy_one_and_is_called_out(prices: PriceTable) -> None:
    snap = Snapshot(
        at=AT,
        jobs=(opener(),),
        dataproc=DataprocData(clusters=(n2_cluster("idle", "RUNNING", 0), n2_cluster("gone", "DELETING", 0))),
    )
    estimate = cost.estimate(snap, prices)
    dp = estimate.service("dataproc")
    # 3 x n2-standard-4 (4 vCPU, 16 GiB): 3 x (4 x ($0.01 premium + $0.03) + 16 x $0.004) = $0.672/h;
    # the DELETING cluster's VMs are gone
    assert dp.burn_rate_usd_per_hour == pytest.approx(0.672)
    assert dp.window_spend_usd == pytest.approx(0.672)  # created 07:00: the whole 1 h window
    assert dp.items == 1
    assert "1 idle Dataproc cluster(s) (no YARN application) burn $0.67/h (estimate)" in estimate.notes


def test_serverless_batch_by_dcu_hours_and_shuffle_storage(prices: PriceTable) -> None:
    batch = Batch(
        name="b",
        project="p",
        region="us-central1",
        batch_id="b",
        state="SUCCEEDED",
        created=t(minutes=-45),
        state_time=t(minutes=-15),
        milli_dcu_seconds=4 * 1800 * 1000,  # 4 DCU for 30 minutes
        shuffle_storage_gb_seconds=100 * 1800,  # 100 GB for 30 minutes
    )
    snap = Snapshot(at=AT, jobs=(opener(),), dataproc=DataprocData(batches=(batch,)))
    dp = cost.estimate(snap, prices).service("dataproc")
    # 2 DCU-hours x $0.06 + 50 GB-hours / 730 h x $0.04 per GB-month
    assert dp.window_spend_usd == pytest.approx(2 * 0.06 + 50 / 730 * 0.04)
    assert dp.burn_rate_usd_per_hour == 0  # it has ended


# ---------------------------------------------------------------- Dataflow


def totals(job_id: str, **values: float) -> tuple[MetricSeries, ...]:
    names = {
        "vcpu_s": "job/total_vcpu_time",
        "memory_gb_s": "job/total_memory_usage_time",
        "pd_gb_s": "job/total_pd_usage_time",
        "shuffle_bytes": "job/billable_shuffle_data_processed",
        "streaming_bytes": "job/total_streaming_data_processed",
        "vcpus": "job/current_num_vcpus",
    }
    return tuple(
        MetricSeries(metric=names[k], key=job_id, points=(Sample(t=t(minutes=-1), value=v),))
        for k, v in values.items()
    )


def dataflow_snapshot() -> Snapshot:
    stream = DataflowJob(
        project="p",
        location="us-central1",
        job_id="s1",
        name="events",
        job_type="JOB_TYPE_STREAMING",
        state="JOB_STATE_RUNNING",
        started=t(-4),
        streaming_engine=True,
    )
    batch = DataflowJob(
        project="p",
        location="us-central1",
        job_id="b1",
        name="nightly",
        job_type="JOB_TYPE_BATCH",
        state="JOB_STATE_DONE",
        started=t(minutes=-50),
        state_time=t(minutes=-20),
    )
    series = (
        # 4 vCPUs for 4 h = 57,600 vCPU-s; 15 GB memory for 4 h; 400 GB-h of disk; 50 GiB streamed
        *totals(
            "s1",
            vcpu_s=57_600,
            memory_gb_s=15 * 4 * 3600,
            pd_gb_s=400 * 3600,
            streaming_bytes=50 * GIB,
            vcpus=4,
        ),
        # 8 vCPUs for 30 min = 4 vCPU-h; 30 GB for 30 min = 15 GB-h; 20 GiB shuffled
        *totals("b1", vcpu_s=4 * 3600, memory_gb_s=15 * 3600, shuffle_bytes=20 * GIB, vcpus=0),
    )
    return Snapshot(at=AT, jobs=(opener(),), dataflow=DataflowData(jobs=(stream, batch), series=series))


def test_streaming_and_batch_dataflow_jobs(prices: PriceTable) -> None:
    snap = dataflow_snapshot()
    index = cost.series_index(snap.dataflow.series)
    stream, batch = snap.dataflow.jobs
    # streaming: 16 vCPU-h x $0.07 + 60 GB-h x $0.004 + 400 GB-h x $0.0001 + 50 GiB x $0.02 Streaming Engine
    stream_total = 1.12 + 0.24 + 0.04 + 1.00  # $2.40
    # now: 4 vCPUs x ($0.07 + 4 GiB per vCPU x $0.004) = $0.344/h
    assert dataflow_cost.dataflow_job_cost(stream, index, prices)[:2] == (
        pytest.approx(stream_total),
        pytest.approx(0.344),
    )
    # batch: 4 vCPU-h x $0.05 + 15 GB-h x $0.004 + 20 GiB shuffle x $0.01 = $0.46; done: $0/h
    assert dataflow_cost.dataflow_job_cost(batch, index, prices)[:2] == (pytest.approx(0.46), 0.0)
    df = cost.estimate(snap, prices).service("dataflow")
    assert df.burn_rate_usd_per_hour == pytest.approx(0.344)
    # the stream ran 4 h, one of them in the window: a quarter of $2.40; the batch job ran inside it
    assert df.window_spend_usd == pytest.approx(2.40 / 4 + 0.46)
    assert df.items == 2
    assert df.unpriced == 0


@pytest.mark.parametrize(("engine", "streamed_usd"), [(True, 1.00), (None, 1.00), (False, 0.0)])
def test_streaming_engine_data_is_charged_unless_the_job_is_known_not_to_use_it(
    prices: PriceTable, engine: bool | None, streamed_usd: float
) -> None:
    # a job listing carries no environment: Streaming Engine is then unknown (None), and the 50 GiB the
    # metric counts are Streaming Engine data (the metric only grows for such jobs): 50 x $0.02
    snap = dataflow_snapshot()
    stream = msgspec.structs.replace(snap.dataflow.jobs[0], streaming_engine=engine)
    so_far = dataflow_cost.dataflow_job_cost(
        stream, cost.series_index(snap.dataflow.series), prices
    ).usd_so_far
    assert so_far == pytest.approx(1.12 + 0.24 + 0.04 + streamed_usd)


# ---------------------------------------------------------------- labels


def test_every_figure_says_estimate_and_the_price_version(prices: PriceTable) -> None:
    estimate = cost.estimate(dataflow_snapshot(), prices)
    assert estimate.estimate
    assert all(s.estimate for s in estimate.services)
    assert estimate.price_version == "2026.12.1"
    assert estimate.price_overrides == PRICES
    assert estimate.notes[0].startswith("Estimates from list prices (price table 2026.12.1 + overrides")
    assert estimate.billing is None
    assert estimate.month is not None
    assert estimate.month.mtd_usd is None
    assert "run rate" in estimate.month.forecast_basis
