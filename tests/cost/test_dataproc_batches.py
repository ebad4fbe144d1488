"""Dataproc Serverless batches in two projects and regions: one that ended inside the window, one running,
one pending.

Dataproc Serverless bills DCU-hours and shuffle storage GB-months (cloud.google.com/dataproc-serverless/
pricing); ``runtimeInfo.approximateUsage`` (milli-DCU-seconds, shuffle GB-seconds) is computed when a batch
completes, and a running batch reports its ``currentUsage`` (milli-DCU and shuffle GB held now). Batches are
``google.cloud.dataproc_v1.Batch`` messages read through the parser as proto JSON. Expected figures by hand
from ``dashboard/data/prices.toml``: $0.060 per DCU-hour (standard), $0.040 per GiB-month of shuffle
storage, 730 hours a month. The snapshot moment is 09:00; an opener job created at 07:00 makes the window
07:00-09:00.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard import cost
from dashboard.models import Batch, DataprocData, Job, Snapshot
from dashboard.pricing import default_prices
from dashboard.sources.dataproc.cost import batch_usd
from dashboard.sources.dataproc.parse import batch_from_json

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)
DCU, SHUFFLE_MONTH, HOURS_A_MONTH = 0.060, 0.040, 730


def t(hours: float) -> datetime:
    return AT + timedelta(hours=hours)


def batch(project: str, region: str, name: str, states: list[tuple[str, float]], **info: Any) -> Batch:
    """A batch whose ``states`` (state, hour) end with its current one."""
    from google.cloud import dataproc_v1

    state = dataproc_v1.Batch.State
    message = dataproc_v1.Batch(
        name=f"projects/{project}/locations/{region}/batches/{name}",
        uuid=f"uuid-{name}",
        create_time=t(states[0][1]),
        state=state[states[-1][0]],
        state_time=t(states[-1][1]),
        state_history=[
            dataproc_v1.Batch.StateHistory(state=state[s], state_start_time=t(h)) for s, h in states[:-1]
        ],
        pyspark_batch=dataproc_v1.PySparkBatch(main_python_file_uri="gs://acme/jobs/etl.py"),
        runtime_info=dataproc_v1.RuntimeInfo(**info),
    )
    return batch_from_json(json.loads(dataproc_v1.Batch.to_json(message, use_integers_for_enums=False)))


def test_batches_priced_by_dcu_hours_and_shuffle_storage_and_their_region_said() -> None:
    from google.cloud import dataproc_v1

    done = batch(
        "acme-eu",
        "europe-west4",
        "nightly-etl",
        [("PENDING", -2), ("RUNNING", -1.9), ("SUCCEEDED", -0.9)],
        # 12 DCU for an hour; 100 GB of shuffle held for an hour
        approximate_usage=dataproc_v1.UsageMetrics(
            milli_dcu_seconds=12 * 1000 * 3600, shuffle_storage_gb_seconds=100 * 3600
        ),
    )
    running = batch(
        "acme-us",
        "us-central1",
        "adhoc",
        [("PENDING", -0.55), ("RUNNING", -0.5)],
        current_usage=dataproc_v1.UsageSnapshot(milli_dcu=24_000, shuffle_storage_gb=50),
    )
    pending = batch("acme-us", "us-central1", "queued", [("PENDING", -0.1)])
    opener = Job(project="quiet", job_id="opener", created=t(-2), ended=t(-2), bytes_billed=0)
    snapshot = Snapshot(at=AT, jobs=(opener,), dataproc=DataprocData(batches=(done, running, pending)))
    estimate = cost.estimate(snapshot, default_prices())
    dp = estimate.service("dataproc")
    # done: 12 DCU-h x $0.06 + 100 GiB-h / 730 h x $0.04 a GiB-month = $0.7255, all inside the window
    # (it ran 07:06-08:06)
    done_usd = 12 * DCU + 100 / HOURS_A_MONTH * SHUFFLE_MONTH
    # running: 24 DCU x $0.06 + 50 GiB / 730 x $0.04 = $1.4427/h, for the half hour since 08:30
    running_rate = 24 * DCU + 50 / HOURS_A_MONTH * SHUFFLE_MONTH
    assert dp.burn_rate_usd_per_hour == pytest.approx(running_rate)
    assert dp.window_spend_usd == pytest.approx(done_usd + 0.5 * running_rate)
    assert dp.items == 3
    assert (
        "Dataproc Serverless batches in europe-west4 priced at us-central1 DCU and shuffle storage list "
        "rates (the price table holds no other region's)"
    ) in estimate.notes


def test_the_pricing_pages_example_batch() -> None:
    from google.cloud import dataproc_v1

    # "12 DCUs ... for 24 hours in the us-central1 region and consumes 25 GB of shuffle storage":
    # compute 12 x 24 x $0.06 = $17.28; shuffle 25 GB x 24 h / 730 h a month x $0.04 = $0.0329
    example = batch(
        "acme-us",
        "us-central1",
        "example",
        [("PENDING", -25), ("RUNNING", -24.5), ("SUCCEEDED", -0.5)],
        approximate_usage=dataproc_v1.UsageMetrics(
            milli_dcu_seconds=12 * 24 * 3600 * 1000, shuffle_storage_gb_seconds=25 * 24 * 3600
        ),
    )
    assert batch_usd(example, default_prices(), AT) == pytest.approx(
        12 * 24 * DCU + 25 * 24 / 730 * SHUFFLE_MONTH
    )
    assert batch_usd(example, default_prices(), AT) == pytest.approx(17.28 + 0.0329, abs=1e-4)
