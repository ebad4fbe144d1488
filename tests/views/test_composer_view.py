"""The Composer pane: environments in ERROR first with their figures as shown, DAGs by failed runs, an
environment's detail with its workloads and charts, and cloud text shown literally."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.console import Console

from dashboard.models import MetricSeries, Sample
from dashboard.sources.composer.model import ComposerData, Environment, Workload
from dashboard.sources.composer.view import dag_rows, detail_of, item, overview, rows

T = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PROD = "acme-etl/europe-west1/etl-prod"
DEV = "acme-analytics/us-central1/analytics-dev"


def env(project: str, location: str, env_id: str, **fields: object) -> Environment:
    return Environment(
        project=project,
        location=location,
        env_id=env_id,
        name=f"projects/{project}/locations/{location}/environments/{env_id}",
        **fields,  # type: ignore[arg-type]
    )


def points(metric: str, key: str, *values: float) -> MetricSeries:
    return MetricSeries(
        metric=metric,
        key=key,
        points=tuple(
            Sample(t=T - timedelta(minutes=len(values) - 1 - i), value=v) for i, v in enumerate(values)
        ),
    )


DATA = ComposerData(
    environments=(
        env(
            "acme-etl",
            "europe-west1",
            "etl-prod",
            state="RUNNING",
            image_version="composer-2.9.7-airflow-2.9.3",
            size="MEDIUM",
            airflow_uri="https://x-dot-europe-west1.composer.googleusercontent.com",
            workloads=(Workload(name="s", type="SCHEDULER", state="OK"),),
            workloads_read=True,
            labels={"team": "[bold]etl"},
        ),
        env(
            "acme-analytics",
            "us-central1",
            "analytics-dev",
            state="ERROR",
            workloads=(
                Workload(
                    name="airflow-scheduler-0", type="SCHEDULER", state="ERROR", message="[red]CrashLoop"
                ),
                Workload(name="airflow-worker-0", type="CELERY_WORKER", state="OK"),
            ),
            workloads_read=True,
        ),
    ),
    series=(
        points("environment/healthy", PROD, 1.0, 1.0),
        points("environment/healthy", DEV, 1.0, 0.0, 0.0, 0.0),
        points("day/workflow/run_count:failed", PROD + "/nightly_sales_load", 1.0),
        points("workflow/run_count:failed", PROD + "/nightly_sales_load", 1.0, 0.0),
        points("day/workflow/run_count:success", PROD + "/hourly_sessions", 24.0),
        points("workflow/run_count:success", PROD + "/hourly_sessions", 1.0, 1.0, 1.0),
        points("day/workflow/run_duration", PROD + "/nightly_sales_load", 1260.0),
    ),
)


def plain(row: object) -> list[str]:
    return [c.plain for c in row.cells]  # type: ignore[attr-defined]


def test_environments_in_error_first_with_versions_health_workloads_and_failures() -> None:
    found = rows(DATA, T)
    assert [r.key for r in found] == [DEV, PROD]
    dev, prod = (plain(r) for r in found)
    # name, project, region, state, composer, airflow, size, health, workloads, failed runs, uri
    assert prod[:10] == [
        "etl-prod",
        "acme-etl",
        "europe-west1",
        "RUNNING",
        "2.9.7",
        "2.9.3",
        "MEDIUM",
        "healthy",
        "1/1",
        "1",
    ]
    assert dev[3] == "ERROR"
    assert dev[7] == "unhealthy 2 min"  # false from 08:58 to 09:00
    assert dev[8] == "1/2"


def test_dags_failed_first_with_runs_by_state_and_last_duration() -> None:
    found = [plain(r) for r in dag_rows(DATA)]
    assert found == [
        # 1,260 s = 21 min
        # the 24 h reads' counts; the failure's minute from the per-minute points (08:59)
        ["nightly_sales_load", "etl-prod (europe-west1, acme-etl)", "0", "1", "—", "21m00s", "08:59"],
        ["hourly_sessions", "etl-prod (europe-west1, acme-etl)", "24", "0", "—", "—", "—"],
    ]


def test_the_detail_shows_workloads_and_charts_and_cloud_text_literally() -> None:
    found = item(DATA, DEV)
    assert found is not None
    console = Console(width=120, record=True, color_system=None)
    console.print(detail_of(DATA, found.environment))
    text = console.export_text()
    assert "[red]CrashLoop" in text  # not markup
    assert "airflow-scheduler-0" in text
    assert "environment/healthy" in text
    prod = item(DATA, PROD)
    assert prod is not None
    console.print(detail_of(DATA, prod.environment))
    assert "team=[bold]etl" in console.export_text()


def test_the_overview_line() -> None:
    assert overview(DATA, T) == (2, "1 in ERROR · 1 failed DAG run(s)")
