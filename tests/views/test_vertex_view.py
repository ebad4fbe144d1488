"""The Vertex AI pane's rows and a run's detail: failed first, then running, newest first; cloud text
(an error with brackets, a task name) shown literally, never as markup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.console import Console

from dashboard.sources.vertex import view
from dashboard.sources.vertex.model import FeatureAlert, MonitoringJob, PipelineRun, TaskDetail, VertexData
from dashboard.views.fmt import DASH

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)
ERROR = "code 9: [bold]The replica workerpool0-0[/bold] ran out of memory (exit 137)"


def run(run_id: str, state: str, created_h_ago: float, **fields: object) -> PipelineRun:
    created = NOW - timedelta(hours=created_h_ago)
    return PipelineRun(
        project="acme-analytics",
        region="us-central1",
        run_id=run_id,
        name=f"projects/acme-analytics/locations/us-central1/pipelineJobs/{run_id}",
        pipeline="churn-training",
        state=f"PIPELINE_STATE_{state}",
        created=created,
        start=created,
        **fields,  # type: ignore[arg-type]
    )


def text(renderable: object) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_failed_first_then_running_then_the_rest_newest_first() -> None:
    data = VertexData(
        runs=(
            run("ok-old", "SUCCEEDED", 5),
            run("failed-old", "FAILED", 4),
            run("queued", "QUEUED", 0.1),
            run("running", "RUNNING", 1),
            run("failed-new", "FAILED", 2),
            run("ok-new", "SUCCEEDED", 0.5),
        )
    )
    keys = [r.key.rsplit("/", 1)[-1] for r in view.rows(data, NOW)]
    assert keys == ["failed-new", "failed-old", "running", "queued", "ok-new", "ok-old"]


def test_the_failed_task_and_its_error_are_shown_literally() -> None:
    task = TaskDetail(
        name="train-model",
        state="FAILED",
        start=NOW - timedelta(hours=2, minutes=50),
        end=NOW - timedelta(hours=2, minutes=29),
        error=ERROR,
    )
    failed = run("r1", "FAILED", 3, end=NOW - timedelta(hours=2, minutes=29), tasks=(task,))
    (row,) = view.rows(VertexData(runs=(failed,)), NOW)
    cells = [c.plain for c in row.cells]
    assert cells[:2] == ["churn-training", "FAILED"]
    assert cells[5] == "31m"  # 03:00 → 03:31
    assert cells[6] == "train-model"
    assert cells[7] == ERROR  # brackets kept: not markup
    shown = text(view.detail(failed, NOW))
    assert ERROR in shown
    assert "train-model  FAILED  21m" in shown  # 03:10 → 03:31


def test_the_monitoring_rows_show_the_alert_and_the_thresholds() -> None:
    job = MonitoringJob(
        project="acme-analytics",
        region="us-central1",
        job_id="4872",
        name="projects/acme-analytics/locations/us-central1/modelDeploymentMonitoringJobs/4872",
        display_name="churn-endpoint-monitor",
        endpoint="projects/1/locations/us-central1/endpoints/churn-endpoint",
        state="JOB_STATE_RUNNING",
        schedule_state="OFFLINE",
        interval_s=3600.0,
        drift_thresholds={"tenure_months": 0.3},
        alerts=(
            FeatureAlert(feature="tenure_months", objective="RAW_FEATURE_DRIFT", score=0.42, threshold=0.3),
        ),
        anomalies_read=True,
    )
    quiet = msgspec_replace(job, job_id="9", alerts=())
    rows = view.monitoring_rows(VertexData(monitoring=(quiet, job)))
    assert [r.key.rsplit("/", 1)[-1] for r in rows] == ["4872", "9"]  # the alert first
    cells = [c.plain for c in rows[0].cells]
    assert cells == [
        "churn-endpoint",
        "churn-endpoint-monitor",
        "RUNNING",
        "every 1.0h OFFLINE",
        DASH,  # no monitoring pipeline run read yet
        "drift tenure_months 0.42≥0.3",
        "drift tenure_months 0.3",
    ]
    assert rows[1].cells[5].plain == "none"


def msgspec_replace(job: MonitoringJob, **fields: object) -> MonitoringJob:
    import msgspec

    return msgspec.structs.replace(job, **fields)  # type: ignore[arg-type]
