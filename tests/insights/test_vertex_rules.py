"""The Vertex AI source's insight rules, each on data made to trigger it and on data made not to; the
figures by hand. Run as the app runs them too (:func:`dashboard.insights.evaluate` on a snapshot, with a
threshold from ``[insights.thresholds]``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from dashboard import cost
from dashboard.config import load_config
from dashboard.insights import Insight, InsightSettings, config_settings, evaluate
from dashboard.models import Snapshot
from dashboard.sources.vertex import rules
from dashboard.sources.vertex.model import FeatureAlert, MonitoringJob, PipelineRun, TaskDetail, VertexData

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
US, EU = "us-central1", "europe-west4"


def run(
    run_id: str,
    state: str,
    start_h_ago: float,
    minutes: float | None,
    *,
    pipeline: str = "churn-training",
    region: str = US,
    tasks: tuple[TaskDetail, ...] = (),
) -> PipelineRun:
    """A run that started ``start_h_ago`` hours before NOW and took ``minutes`` (None: still going)."""
    start = NOW - timedelta(hours=start_h_ago)
    return PipelineRun(
        project="acme-analytics",
        region=region,
        run_id=run_id,
        name=f"projects/acme-analytics/locations/{region}/pipelineJobs/{run_id}",
        pipeline=pipeline,
        state=f"PIPELINE_STATE_{state}",
        created=start,
        start=start,
        end=None if minutes is None else start + timedelta(minutes=minutes),
        tasks=tasks,
    )


OOM = TaskDetail(
    name="train-model", state="FAILED", error="code 9: The replica workerpool0-0 ran out of memory"
)


def test_two_failed_runs_of_one_pipeline_fire_one_failed_run_does_not() -> None:
    twice = VertexData(
        runs=(
            run("a", "FAILED", 5, 20, tasks=(OOM,)),
            run("b", "FAILED", 3, 21, tasks=(OOM,)),
            run("c", "SUCCEEDED", 1, 42),
        )
    )
    (found,) = rules.failing_pipeline(twice, NOW)
    assert found.rule == "vertex.failing_pipeline"
    assert found.resource == f"acme-analytics/{US}/churn-training"
    assert found.resource_key == f"acme-analytics/{US}/b"  # the newest failed run's row in the pane
    assert found.severity == "warning"  # its newest run (c) succeeded
    assert "2 of 3 runs failed" in found.evidence
    assert "train-model: code 9: The replica workerpool0-0 ran out of memory" in found.evidence
    once = VertexData(runs=(run("a", "FAILED", 5, 20), run("c", "SUCCEEDED", 1, 42)))
    assert rules.failing_pipeline(once, NOW) == []
    # the same failures in two regions are two pipelines, one failure each
    apart = VertexData(runs=(run("a", "FAILED", 5, 20), run("b", "FAILED", 3, 20, region=EU)))
    assert rules.failing_pipeline(apart, NOW) == []


def test_failing_while_the_newest_run_failed_is_critical() -> None:
    data = VertexData(runs=(run("a", "FAILED", 5, 20), run("b", "FAILED", 1, 20)))
    (found,) = rules.failing_pipeline(data, NOW)
    assert found.severity == "critical"


def test_a_run_far_beyond_its_usual_duration_fires_a_run_within_it_does_not() -> None:
    usual = (run("s1", "SUCCEEDED", 20, 40), run("s2", "SUCCEEDED", 15, 42), run("s3", "SUCCEEDED", 10, 44))
    # median 42 min; 3 × 42 = 126 min ≥ 30 min: the threshold is 126 min. Running for 2.5 h = 150 min.
    stuck = VertexData(runs=(*usual, run("r", "RUNNING", 2.5, None)))
    (found,) = rules.stuck_run(stuck, NOW)
    assert found.resource == f"acme-analytics/{US}/r"
    assert "2.5 h" in found.title
    assert "3.6×" in found.title  # 150 / 42 = 3.57
    assert "median of 3 succeeded runs of churn-training is 42 min" in found.evidence
    # 2 h = 120 min < 126 min
    assert rules.stuck_run(VertexData(runs=(*usual, run("r", "RUNNING", 2, None))), NOW) == []
    # a queued run (no start) is not stuck, and one succeeded run is not enough to compare with
    assert rules.stuck_run(VertexData(runs=(*usual, run("q", "QUEUED", 3, None))), NOW) == []
    assert rules.stuck_run(VertexData(runs=(usual[0], run("r", "RUNNING", 5, None))), NOW) == []


def job(*alerts: FeatureAlert) -> MonitoringJob:
    return MonitoringJob(
        project="acme-analytics",
        region=US,
        job_id="4872",
        name=f"projects/acme-analytics/locations/{US}/modelDeploymentMonitoringJobs/4872",
        display_name="churn-endpoint-monitor",
        endpoint=f"projects/1/locations/{US}/endpoints/churn-endpoint",
        alerts=alerts,
        anomalies_read=True,
    )


def test_a_monitoring_job_with_a_drift_alert_fires_one_without_does_not() -> None:
    drift = FeatureAlert(feature="tenure_months", objective="RAW_FEATURE_DRIFT", score=0.42, threshold=0.3)
    (found,) = rules.monitoring_alert(VertexData(monitoring=(job(drift),)), NOW)
    assert found.rule == "vertex.monitoring_alert"
    assert "churn-endpoint" in found.title
    assert "drift of tenure_months 0.42 ≥ 0.3" in found.evidence
    assert found.resource_key == ""  # no row of the runs' table: enter shows the pane
    assert rules.monitoring_alert(VertexData(monitoring=(job(),)), NOW) == []


def _settings(tmp_path: Path, thresholds: dict[str, float]) -> InsightSettings:
    path = tmp_path / "gcpdash.toml"
    lines = [f'"{key}" = {value}' for key, value in thresholds.items()]
    path.write_text("[insights.thresholds]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return config_settings(load_config(path, env={}))


def _found(shot: Snapshot, rule: str, chosen: InsightSettings | None = None) -> list[Insight]:
    return [i for i in evaluate(shot, cost.estimate(shot), chosen) if i.rule == rule]


def test_the_rules_run_from_a_snapshot_and_take_thresholds_from_the_config(tmp_path: Path) -> None:
    once = Snapshot(
        at=NOW, extra={"vertex": VertexData(runs=(run("a", "FAILED", 5, 20), run("c", "SUCCEEDED", 1, 42)))}
    )
    assert _found(once, "vertex.failing_pipeline") == []  # default: 2 failed runs
    chosen = _settings(tmp_path, {"vertex.failing_pipeline.min_failed": 1})
    (found,) = _found(once, "vertex.failing_pipeline", chosen)
    assert "1 of 2 runs failed" in found.evidence


def test_the_fail_on_metrics() -> None:
    drift = FeatureAlert(feature="tenure_months", objective="RAW_FEATURE_DRIFT", score=0.42, threshold=0.3)
    data = VertexData(
        runs=(run("a", "FAILED", 5, 20), run("c", "SUCCEEDED", 1, 42)), monitoring=(job(drift),)
    )
    assert rules.metrics(data) == {"failed_runs": 1.0, "monitoring_alerts": 1.0}
