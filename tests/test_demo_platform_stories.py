"""The demo's stories of the orchestration, ML and data-quality sources, as ``--once --demo`` tells them:
Composer's failed nightly DAG, Vertex AI's retried training pipeline and drift alert, a failed
data-quality scan on a table the ETL writes (the other sources' stories: tests/test_demo_stories.py)."""

from __future__ import annotations

import pytest
from demo_helpers import once, once_json


@pytest.mark.timeout(120)
def test_dataquality_story_in_once() -> None:
    """orders-dq failed at 07:30 on acme-etl.warehouse.orders, which the ETL's jobs write; kpi-dq stopped
    yesterday at 12:00; customers-dq passes, but its table's catalog entry is stale
    (fixtures/demogen/source_dataquality.py)."""
    doc = once_json()
    assert doc["sources"]["dataquality"]["state"] == "ok"
    found = {(i["rule"], i["resource"]): i for i in doc["insights"] if i["source"] == "dataquality"}
    assert sorted(found) == [
        ("dataquality.failed_table_in_use", "acme-etl/us/orders-dq"),
        ("dataquality.scan_stopped", "acme-analytics/us/kpi-dq"),
        ("dataquality.stale_table", "acme-etl.warehouse.customers"),
    ]
    stale = found[("dataquality.stale_table", "acme-etl.warehouse.customers")]
    # 22:10 yesterday to the 08:59:30 report: 10 h 49.5 min ≈ 10.8 h ≥ 6 h
    assert (stale["severity"], stale["title"]) == (
        "info",
        "Table acme-etl.warehouse.customers unchanged for 10.8 h although jobs write it",
    )
    failed = found[("dataquality.failed_table_in_use", "acme-etl/us/orders-dq")]
    assert failed["severity"] == "critical"  # score 50 < 80
    # 1,092,000 of 1,200,000 non-null = 0.91; 1,182,000 of 1,200,000 unique = 0.985
    assert "failed rules: non_null(customer_id) 0.91, uniqueness(order_id) 0.985" in failed["evidence"]
    stopped = found[("dataquality.scan_stopped", "acme-analytics/us/kpi-dq")]
    # every 6 h; last 2026-11-25 12:00, the last poll at 08:55 the next day: 20 h 55 min ≈ 20.9 h ≥ 18 h
    assert "the last started 2026-11-25 12:00, 2" in stopped["evidence"]
    summary = {s["scan"]: s for s in doc["dataquality"]["summary"]}
    orders = summary["acme-etl/us/orders-dq"]
    assert (orders["status"], orders["score"], orders["row_count"]) == ("failed", 50.0, 1_200_000)
    # 21:30, 23:30, 01:30, 03:30 and 05:30 passed (the lookback starts two days before the first poll)
    assert orders["scores"] == [100.0] * 5 + [50.0]
    assert summary["acme-etl/us/customers-dq"]["status"] == "passed"
    assert summary["acme-etl/us/customers-dq"]["catalog_updated"] == "2026-11-25T22:10:00+00:00"
    assert doc["metrics"]["dataquality.failed_scans"] == 1
    text = once(columns=200)
    section = text[text.index("Data quality  OK") :]
    lines = section.splitlines()
    assert lines[2].startswith("acme-etl.warehouse.orders")  # failed first
    assert "non_null(customer_id) 0.91" in lines[2]
    kpi = next(line for line in lines if " kpi-dq " in line)
    assert "passed stopped" in kpi


def test_vertex_story_in_once() -> None:
    """``--once --demo`` at the recording's end: churn-training failed at 03:10 (train-model out of memory)
    and succeeded on the 03:40 retry, one failure under the failing-pipeline threshold of 2; the monitoring
    job on churn-endpoint has tenure_months drifting at 0.42 against 0.3."""
    doc = once_json()
    assert doc["sources"]["vertex"]["state"] == "ok"
    runs = {r["run_id"]: r for r in doc["vertex"]["runs"]}
    assert sorted(runs) == ["churn-training-20261126031000", "churn-training-20261126034000"]
    failed = runs["churn-training-20261126031000"]
    assert failed["state"] == "PIPELINE_STATE_FAILED"
    task = next(t for t in failed["tasks"] if t["state"] == "FAILED")
    assert task["name"] == "train-model"
    assert "ran out of memory" in task["error"]
    assert runs["churn-training-20261126034000"]["state"] == "PIPELINE_STATE_SUCCEEDED"
    found = [(i["rule"], i["severity"]) for i in doc["insights"] if i["source"] == "vertex"]
    assert found == [("vertex.monitoring_alert", "warning")]
    alert = next(i for i in doc["insights"] if i["rule"] == "vertex.monitoring_alert")
    assert "churn-endpoint" in alert["title"]
    assert "drift of tenure_months 0.42 ≥ 0.3" in alert["evidence"]
    assert (doc["metrics"]["vertex.failed_runs"], doc["metrics"]["vertex.monitoring_alerts"]) == (1, 1)


def test_composer_story_in_once() -> None:
    """``--once --demo`` at the recording's end: the last Composer poll at 08:55 (every 5 minutes from
    06:00)."""
    doc = once_json()
    assert doc["sources"]["composer"]["state"] == "ok"
    envs = {e["env_id"]: e for e in doc["composer"]["environments"]}
    assert sorted(envs) == ["analytics-dev", "etl-prod"]
    prod, dev = envs["etl-prod"], envs["analytics-dev"]
    assert (prod["location"], prod["state"], prod["image_version"]) == (
        "europe-west1",
        "RUNNING",
        "composer-2.9.7-airflow-2.9.3",
    )
    assert (dev["location"], dev["state"]) == ("us-central1", "ERROR")
    assert [w["state"] for w in dev["workloads"] if w["type"] == "SCHEDULER"] == ["ERROR"]
    dags = {d["dag_id"]: d for d in doc["composer"]["dags"]}
    # the 24 h read at 08:55 (2026-11-25 08:55 .. 11-26 08:55): nightly_sales_load's 02:10 run, failed,
    # 26 min = 1,560 s; hourly_sessions' 24 runs at :05, 7 min = 420 s each
    assert (dags["nightly_sales_load"]["runs"], dags["nightly_sales_load"]["longest_s"]) == (
        {"failed": 1.0},
        1560.0,
    )
    assert (dags["hourly_sessions"]["runs"], dags["hourly_sessions"]["longest_s"]) == (
        {"success": 24.0},
        420.0,
    )
    found = {(i["rule"], i["resource"]): i for i in doc["insights"] if i["source"] == "composer"}
    assert sorted(found) == [
        ("composer.dag_failing", "acme-etl/europe-west1/etl-prod/nightly_sales_load"),
        ("composer.error_still_bills", "acme-analytics/us-central1/analytics-dev"),
        ("composer.unhealthy", "acme-analytics/us-central1/analytics-dev"),
    ]
    # updated 2026-11-25 21:40, the snapshot at 08:59:30: 11 h 19.5 min = 11.3 h in ERROR
    assert (
        "state ERROR for 11.3 h"
        in found[("composer.error_still_bills", "acme-analytics/us-central1/analytics-dev")]["evidence"]
    )
    assert found[("composer.unhealthy", "acme-analytics/us-central1/analytics-dev")]["severity"] == "critical"
    assert doc["metrics"]["composer.failed_runs"] == 1
    assert doc["metrics"]["composer.error_environments"] == 1
