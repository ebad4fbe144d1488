"""Every alert metric's value, on a hand-built snapshot with a hand-built cost estimate and insights (each
figure worked out here), and on the demo at 08:00 against what the demo was made to hold."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from views.factory import AT, snapshot

from dashboard.alerts import because, check, conditions, exit_code, number, stderr_lines
from dashboard.alerts.metrics import metric_names, values
from dashboard.cost import SERVICES, CostEstimate, ServiceCost
from dashboard.cost.budget import BudgetStatus
from dashboard.cost.forecast import MonthOutlook
from dashboard.insights import Insight
from dashboard.models import SourceStatus
from dashboard.recording.demo import demo_path
from dashboard.replay import load_snapshot
from dashboard.report.assess import assess


def service(name: str, burn: float, spend: float) -> ServiceCost:
    return ServiceCost(
        service=name,  # type: ignore[arg-type]
        title=name,
        burn_rate_usd_per_hour=burn,
        window_spend_usd=spend,
        items=1,
        basis="test",
    )


def budget(name: str, amount: float, spent: float, forecast: float) -> BudgetStatus:
    return BudgetStatus(
        name=name,
        source="config",
        amount_usd=amount,
        services=(),
        spent_usd=spent,
        forecast_usd=forecast,
        spent_pct=spent / amount * 100,
        forecast_pct=forecast / amount * 100,
        basis="test",
        over=forecast > amount,
    )


def cost_estimate(**changes: object) -> CostEstimate:
    fields: dict[str, object] = {
        "price_version": "test",
        "currency": "USD",
        "at": AT,
        "window_start": datetime(2026, 11, 26, 3, 0, tzinfo=UTC),
        "window_end": AT,
        "window_hours": 6.0,
        "services": (
            service("bigquery_on_demand", 1.5, 10.0),
            service("bigquery_editions", 24.0, 144.0),
            service("dataproc", 6.25, 30.0),
            service("dataflow", 0.25, 2.0),
        ),
        "burn_rate_usd_per_hour": 32.0,
        "window_spend_usd": 186.0,
        "today_usd": 120.5,
        "month": MonthOutlook(
            month="2026-11",
            hours_elapsed=609.0,
            hours_left=111.0,
            mtd_usd=9000.0,
            mtd_basis="billed + estimate",
            forecast_usd=12000.0,
            forecast_basis="estimate, run rate",
            services=(),
        ),
        "budgets": (
            budget("platform", 10_000, 9000, 12_000),  # 90 % spent, forecast 120 %
            budget("bq", 8_000, 2000, 4000),  # 25 %, 50 %
        ),
    }
    fields.update(changes)
    return CostEstimate(**fields)  # type: ignore[arg-type]


def insight(rule: str, severity: str, resource: str = "r") -> Insight:
    return Insight(
        rule=rule,
        severity=severity,  # type: ignore[arg-type]
        title="t",
        source="dataproc",
        resource=resource,
        evidence="e",
        fix="f",
    )


INSIGHTS = (
    insight("dataproc.error_cluster", "critical", "ml-features"),
    insight("dataproc.idle_cluster", "critical", "adhoc-spark"),
    insight("dataproc.idle_cluster", "warning", "etl-nightly"),
    insight("dataflow.failed_job", "warning"),
    insight("dataflow.zero_throughput", "info"),
)


def test_every_metric_on_a_hand_built_snapshot() -> None:
    got = values(snapshot(), cost_estimate(), INSIGHTS)
    assert set(got) == set(metric_names())
    expected = {
        "cost.burn_rate_usd_per_hour": 32.0,
        "cost.today_usd": 120.5,
        "cost.window_spend_usd": 186.0,
        "cost.month_to_date_usd": 9000.0,
        "cost.month_forecast_usd": 12000.0,
        "cost.bigquery_on_demand.burn_rate_usd_per_hour": 1.5,
        "cost.bigquery_editions.burn_rate_usd_per_hour": 24.0,
        "cost.dataproc.burn_rate_usd_per_hour": 6.25,
        "cost.dataflow.burn_rate_usd_per_hour": 0.25,
        "budgets.max_forecast_pct": 120.0,  # 12,000 of 10,000
        "budgets.max_spent_pct": 90.0,  # 9,000 of 10,000
        "budgets.over": 1,
        "insights.critical": 2,
        "insights.warning": 2,
        "insights.info": 1,
        "insights.total": 5,
        "insights.rule.dataproc.idle_cluster": 2,
        "insights.rule.dataproc.error_cluster": 1,
        "insights.rule.dataflow.failed_job": 1,
        # the factory: run_1 and hostile_markup run; hostile_ansi failed; ten jobs in all
        "jobs.running": 2,
        "jobs.pending": 0,
        "jobs.failed": 1,
        "jobs.total": 10,
        # etl-nightly and adhoc-spark run, ml-features is in ERROR, reporting-tmp is deleting
        "dataproc.clusters_running": 2,
        "dataproc.clusters_error": 1,
        # clickstream-enrich runs, lag 60, 600, 1200 s, watermark age 90, 700, 1300 s; the backfill failed
        "dataflow.jobs_running": 1,
        "dataflow.jobs_failed": 1,
        "dataflow.max_system_lag_seconds": 1200.0,
        "dataflow.max_watermark_age_seconds": 1300.0,
        # dataproc stale (503); jobs, reservations, dataflow ok; billing not reported
        "sources.stale": 1,
    }
    for name, value in expected.items():
        assert got[name] == pytest.approx(value), name
    per_rule = {k.removeprefix("insights.rule."): v for k, v in got.items() if k.startswith("insights.rule.")}
    assert {k: v for k, v in per_rule.items() if v} == {
        "dataproc.idle_cluster": 2,
        "dataproc.error_cluster": 1,
        "dataflow.failed_job": 1,
        "dataflow.zero_throughput": 1,
    }


def test_metrics_without_a_value() -> None:
    empty = snapshot(
        dataflow=snapshot().dataflow.__class__(),
        statuses={
            "jobs": SourceStatus(source="jobs", state="error"),
            "dataflow": SourceStatus(source="dataflow"),
        },
    )
    got = values(empty, cost_estimate(month=None, budgets=()), ())
    assert got["cost.month_to_date_usd"] is None
    assert got["cost.month_forecast_usd"] is None
    assert got["budgets.max_forecast_pct"] is None
    assert got["budgets.over"] == 0
    assert got["dataflow.max_system_lag_seconds"] is None
    assert got["insights.total"] == 0
    assert got["sources.stale"] == 1  # jobs in error; dataflow still loading
    results = check(conditions(["budgets.max_forecast_pct < 100", "critical: insights.total == 0"]), got)
    assert [(r.fired, r.value) for r in results] == [(False, None), (True, 0)]
    assert exit_code(results) == 2


def test_exit_codes_and_stderr_lines() -> None:
    got = values(snapshot(), cost_estimate(), INSIGHTS)
    warn = conditions(["cost.burn_rate_usd_per_hour > 31.5"])
    crit = conditions(["critical: insights.critical >= 2"])
    quiet = conditions(["jobs.failed > 1", "critical: dataproc.clusters_error != 1"])
    assert exit_code(check(quiet, got)) == 0
    assert exit_code(check(warn + quiet, got)) == 1
    assert exit_code(check(warn + crit, got)) == 2
    assert stderr_lines(check(warn + crit + quiet, got)) == [
        "gcpdash: critical: insights.critical >= 2 (value 2)",
        "gcpdash: warning: cost.burn_rate_usd_per_hour > 31.5 (value 32)",
    ]


def test_a_condition_on_insights_names_them() -> None:
    got = values(snapshot(), cost_estimate(), INSIGHTS)
    checks = conditions(
        ["insights.rule.dataproc.idle_cluster > 1", "critical: insights.total >= 5", "jobs.running > 0"]
    )
    by_rule, total, jobs = check(checks, got, INSIGHTS)
    assert by_rule.findings == ("dataproc.idle_cluster:adhoc-spark", "dataproc.idle_cluster:etl-nightly")
    assert total.findings == tuple(i.key for i in INSIGHTS)
    assert jobs.findings == ()
    assert because(by_rule) == "value 2: dataproc.idle_cluster:adhoc-spark, dataproc.idle_cluster:etl-nightly"
    assert because(total) == (
        "value 5: dataproc.error_cluster:ml-features, dataproc.idle_cluster:adhoc-spark, "
        "dataproc.idle_cluster:etl-nightly +2 more"
    )
    assert because(jobs) == "value 2"
    assert stderr_lines((jobs, total))[0].startswith("gcpdash: critical: insights.total >= 5 (value 5: ")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "n/a"),
        (2, "2"),
        (2.0, "2"),
        (54.5600077, "54.56"),
        (0.00412, "0.00412"),
        (float("inf"), "inf"),
        (float("nan"), "nan"),
    ],
)
def test_number(value: float | None, shown: str) -> None:
    assert number(value) == shown


def test_the_demo_at_eight() -> None:
    demo, _ = load_snapshot(demo_path(), at=datetime(2026, 11, 26, 8, 0, tzinfo=UTC), mode="demo")
    found = assess(demo)
    got = found.metrics
    # fixtures/demogen: ml-features is in ERROR since 04:12; customer-360-backfill failed at 07:04; the
    # platform budget ($27,000) is forecast to be exceeded, BigQuery analysis ($8,000) is not.
    assert got["dataproc.clusters_error"] == 1
    assert got["dataflow.jobs_failed"] == 1
    assert got["budgets.over"] == 1
    platform = next(b for b in found.cost.budgets if b.amount_usd == 27_000)
    assert platform.forecast_usd > 27_000
    assert got["budgets.max_forecast_pct"] == pytest.approx(platform.forecast_usd / 27_000 * 100)
    # counted from the snapshot's own records, not through the metrics code
    running = [j for j in demo.jobs if j.state == "RUNNING"]
    failed = [j for j in demo.jobs if j.state == "DONE" and j.error_reason]
    assert got["jobs.running"] == len(running)
    assert got["jobs.failed"] == len(failed) > 0
    assert got["jobs.total"] == len(demo.jobs)
    assert got["sources.stale"] == 0
    lags = [
        s.points[-1].value
        for s in demo.dataflow.series
        if s.metric == "job/system_lag"
        and any(j.job_id == s.key and j.state == "JOB_STATE_RUNNING" for j in demo.dataflow.jobs)
    ]
    assert got["dataflow.max_system_lag_seconds"] == max(lags)
    assert got["insights.total"] == len(found.insights) >= 5
    assert got["insights.critical"] == sum(i.severity == "critical" for i in found.insights) > 0
    assert got["cost.burn_rate_usd_per_hour"] == pytest.approx(
        sum(got[f"cost.{s}.burn_rate_usd_per_hour"] or 0 for s in SERVICES)  # every source's that bills
    )
