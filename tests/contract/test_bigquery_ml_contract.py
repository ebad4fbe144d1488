"""BigQuery ML through the live jobs source: google-cloud-bigquery (3.47, whose QueryJob has no property for
``mlStatistics``) lists a running CREATE_MODEL job whose resource carries ``statistics.query.mlStatistics``
from the fake BigQuery, and our fetch reads it from the resource; history rows (no ML column) give the
finished runs. Two projects: acme-bi on demand (model creation at its own rate, its own cost line) and
acme-etl in a reservation (slot time, not the ML rate)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from dashboard.backends.base import Poll
from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import live_store
from dashboard.cost import estimate
from dashboard.insights import evaluate
from dashboard.models import JobsData

from .fake_jobs import FakeJobs
from .fake_rest import FakeRest, bq_config
from .world import _resource, _row

pytestmark = pytest.mark.timeout(30)

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
GIB = 2**30
PROJECTS = ("acme-etl", "acme-bi")
SQL = (
    "CREATE OR REPLACE MODEL `acme-bi.churn.model_v3`\n"
    "OPTIONS(model_type='BOOSTED_TREE_CLASSIFIER') AS SELECT 1"
)


class Clock:
    def now(self) -> datetime:
        return T0


def world() -> FakeJobs:
    h = timedelta(hours=1)
    bi = [  # hourly retraining, on demand, 40 GiB billed each
        _row(
            "acme-bi",
            "US",
            f"train_{i}",
            T0 - (5 - i) * h,
            user_email="ml@acme.example",
            statement_type="CREATE_MODEL",
            query=SQL,
            total_bytes_billed=40 * GIB,
            destination_table=None,
        )
        for i in range(4)
    ] + [
        _row(
            "acme-bi",
            "US",
            "dash_1",
            T0 - 2 * h,
            user_email="ana@acme.example",
            total_bytes_billed=1024 * GIB,
        )
    ]
    etl = [  # in the reservation: 2 slot-hours, its bytes informational
        _row("acme-etl", "europe-west4", "etl_train_1", T0 - 3 * h, user_email="etl@acme.example",
             statement_type="CREATE_MODEL", query="CREATE MODEL ops.forecast AS SELECT 1",
             total_bytes_billed=512 * GIB, total_slot_ms=7_200_000, reservation_id="acme-admin:EU.prod",
             edition="ENTERPRISE", destination_table=None),
    ]  # fmt: skip
    ml: dict[str, Any] = {
        "maxIterations": "20",
        "modelType": "BOOSTED_TREE_CLASSIFIER",
        "trainingType": "SINGLE_TRAINING",
        "iterationResults": [
            {"index": 0, "durationMs": "4100", "trainingLoss": 0.6931, "evalLoss": 0.6950},
            {"index": 1, "durationMs": "3900", "trainingLoss": 0.4817, "evalLoss": 0.4902},
        ],
    }
    running = _resource(
        "acme-bi", "train_4", "RUNNING", T0 - timedelta(minutes=4), user_email="ml@acme.example"
    )
    running["configuration"]["query"] = {"query": SQL, "priority": "INTERACTIVE"}
    running["statistics"]["query"] = {
        "statementType": "CREATE_MODEL",
        "totalSlotMs": "90000",
        "mlStatistics": ml,
    }
    return FakeJobs(rows={"acme-bi": bi, "acme-etl": etl}, resources={"acme-bi": [running], "acme-etl": []})


@pytest.fixture
def fake() -> Iterator[FakeRest]:
    with FakeRest(world=world()) as server:
        yield server


def test_the_real_client_lists_a_job_with_ml_statistics_and_the_cost_has_its_ml_line(fake: FakeRest) -> None:
    live = LiveBackend(
        bq_config(fake.url, projects=PROJECTS, bigquery_locations=["US", "europe-west4"]), Clock()
    )
    [result] = live.poll("jobs", force=True)
    assert result.error is None, result.error
    assert isinstance(result.data, JobsData)
    jobs = {j.job_id: j for j in result.data.jobs}
    running = jobs["train_4"]
    assert (running.ml_model_type, running.ml_training_type) == ("BOOSTED_TREE_CLASSIFIER", "SINGLE_TRAINING")
    assert (running.ml_iterations, running.ml_max_iterations) == (2, 20)
    assert running.ml_losses == (pytest.approx(0.6931), pytest.approx(0.4817))
    assert jobs["train_0"].trains_model  # a history row: the statement type only
    assert jobs["train_0"].ml_model_type is None

    store = live_store(live)
    store.apply(Poll(source="jobs", t=T0, data=result.data))
    snapshot = store.snapshot(T0)
    cost = estimate(snapshot)
    ml = cost.service("bigquery_ml")
    # acme-bi: 4 finished runs x 40 GiB = 160 GiB = 0.15625 TiB x $312.50 = $48.83; the running one billed
    # nothing yet; acme-etl's run is in a reservation: not by bytes
    assert ml.window_spend_usd == pytest.approx(0.15625 * 312.5)
    assert ml.items == 4
    # the on-demand line: dash_1 only, 1 TiB x $6.25; no CREATE_MODEL byte counted there too
    assert cost.service("bigquery_on_demand").window_spend_usd == pytest.approx(6.25)

    [found] = [i for i in evaluate(snapshot, cost) if i.rule == "bigquery.model_retrained"]
    assert found.resource == "acme-bi.churn.model_v3"
    # the 3 runs after the first: 3 x 40/1024 TiB x $312.50 = $36.62 over the 5 h window (04:00-09:00)
    assert found.usd_per_hour == pytest.approx(3 * 40 / 1024 * 312.5 / 5)
