"""BigQuery ML: the same model retrained again and again (``bigquery.model_retrained``).

Test prices: queries $5/TiB, model creation $312.50/TiB (the shipped price), Enterprise $0.05/slot-hour.
The snapshot moment is 09:00; the window starts with the first job.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from dashboard.models import Job, Snapshot
from dashboard.sources.jobs.rules_ml import model_name
from insights.helpers import AT, run, t

RETRAINED = "bigquery.model_retrained"
GIB = 2**30
SQL = "CREATE OR REPLACE MODEL `churn.model_v3`\nOPTIONS(model_type='BOOSTED_TREE_CLASSIFIER') AS SELECT 1"


def train(
    n: int, created: datetime, *, project: str = "acme-analytics", sql: str = SQL, **extra: object
) -> Job:
    return Job(
        project=project,
        location="US",
        job_id=f"train_{project}_{n}",
        statement_type="CREATE_MODEL",
        principal="ml-sa@acme-analytics.iam.gserviceaccount.com",
        created=created,
        ended=created.replace(minute=created.minute + 9),
        bytes_billed=40 * GIB,
        query=sql,
        **extra,  # type: ignore[arg-type]
    )


def test_a_model_retrained_every_hour_fires_with_the_retraining_at_stake() -> None:
    # 5 runs at 04:00 ... 08:00, 40 GiB each on demand: 40/1024 TiB x $312.50 = $12.207 a run
    jobs = tuple(train(i, t(hours=-5 + i)) for i in range(5))
    [found] = run(Snapshot(at=AT, jobs=jobs), RETRAINED)
    assert found.resource == "acme-analytics.churn.model_v3"
    assert found.severity == "warning"  # 4 retrainings x $12.207 = $48.83 >= $20
    assert found.resource_key == jobs[-1].key
    # window 04:00-09:00 = 5 h: $48.83 / 5 h = $9.77/h
    assert found.usd_per_hour == pytest.approx(4 * 40 / 1024 * 312.5 / 5)
    assert "5 CREATE MODEL runs since 04:00 (about every 60 min)" in found.evidence


def test_fewer_runs_different_models_or_failures_do_not_fire() -> None:
    three = tuple(train(i, t(hours=-3 + i)) for i in range(3))
    assert run(Snapshot(at=AT, jobs=three), RETRAINED) == []
    # five runs, each a different model
    apart = tuple(train(i, t(hours=-5 + i), sql=f"CREATE MODEL churn.m{i} AS SELECT 1") for i in range(5))
    assert run(Snapshot(at=AT, jobs=apart), RETRAINED) == []
    # two of five failed: three good runs
    failed = tuple(
        train(i, t(hours=-5 + i), error_reason="invalidQuery" if i % 2 else None) for i in range(5)
    )
    assert run(Snapshot(at=AT, jobs=failed), RETRAINED) == []


def test_under_editions_the_retraining_is_slot_time_and_may_stay_below_the_floor() -> None:
    # in a reservation: 60,000 slot-ms = 1/60 slot-hour x $0.05 = $0.0008 a run: 4 x that < $1
    jobs = tuple(
        train(i, t(hours=-5 + i), project="acme-etl", reservation="acme-admin:US.prod", edition="ENTERPRISE",
              slot_ms=60_000)
        for i in range(5)
    )  # fmt: skip
    assert run(Snapshot(at=AT, jobs=jobs), RETRAINED) == []
    # a lower floor shows it: info, the model qualified with its project
    [found] = run(Snapshot(at=AT, jobs=jobs), RETRAINED, min_usd=0.001)
    assert (found.resource, found.severity) == ("acme-etl.churn.model_v3", "info")


def test_the_model_name_from_the_sql() -> None:
    def named(sql: str) -> str | None:
        return model_name(Job(project="p", job_id="j", query=sql))

    assert named("create or replace model `a.b.c` as select 1") == "a.b.c"
    assert named("CREATE MODEL IF NOT EXISTS ds.m OPTIONS() AS SELECT 1") == "p.ds.m"
    assert named("SELECT * FROM ML.PREDICT(MODEL ds.m, TABLE t)") is None
