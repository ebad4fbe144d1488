"""A BigQuery ML job in the jobs pane and its detail screen: the statement type with the model type, the
training type, iterations and training loss per iteration, cloud text shown literally."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from rich.console import Console

from dashboard.app import open_recording
from dashboard.models import Job, Snapshot
from dashboard.pricing import default_prices
from dashboard.recording.demo import demo_path
from dashboard.session import collect
from dashboard.sources.jobs import view as jobs_view
from dashboard.views.collect import job_item, reservation_editions
from widgets.detail.content import job_detail

AT = datetime(2026, 11, 26, 9, tzinfo=UTC)


def shown(job: Job, snapshot: Snapshot) -> str:
    console = Console(width=160, file=io.StringIO(), color_system=None)
    item = job_item(job, AT, default_prices(), {})
    with console.capture() as capture:
        console.print(job_detail(item, snapshot, AT))
    return capture.get()


def test_the_detail_shows_model_type_training_iterations_and_loss_literally() -> None:
    job = Job(
        project="acme-bi",
        location="europe-west4",
        job_id="train_1",
        state="RUNNING",
        statement_type="CREATE_MODEL",
        created=AT,
        ml_model_type="[bold]BOOSTED_TREE_CLASSIFIER[/bold]",  # a value Google adds tomorrow, markup-like
        ml_training_type="SINGLE_TRAINING",
        ml_iterations=3,
        ml_max_iterations=20,
        ml_losses=(0.6931, 0.5123),
    )
    out = shown(job, Snapshot(at=AT, jobs=(job,)))
    assert "CREATE_MODEL · [bold]BOOSTED_TREE_CLASSIFIER[/bold]" in out  # Type, markup not parsed
    assert "SINGLE_TRAINING" in out
    assert "3 (at most 20)" in out
    assert "0.6931 → 0.5123" in out
    # the table's TYPE cell says the same
    item = job_item(job, AT, default_prices(), {})
    assert jobs_view.job_type(item) == "CREATE_MODEL · [bold]BOOSTED_TREE_CLASSIFIER[/bold]"


def test_an_ordinary_query_has_no_ml_lines() -> None:
    job = Job(project="acme-bi", job_id="q", statement_type="SELECT", created=AT)
    assert jobs_view.ml_fields(job_item(job, AT, default_prices(), {})) == []
    assert "Model type" not in shown(job, Snapshot(at=AT, jobs=(job,)))


def test_the_demo_retraining_while_it_runs() -> None:
    # the 08:12 retraining of churn.model_v3 runs for 2.5-4 minutes: at 08:14 jobs.list shows it training
    at = datetime(2026, 11, 26, 8, 14, tzinfo=UTC)
    session = open_recording(demo_path(), "demo", at=at, paused=True)
    snapshot, now = collect(session)
    [job] = [j for j in snapshot.jobs if j.job_id.startswith("churn_retrain_") and j.state == "RUNNING"]
    assert (job.ml_model_type, job.ml_max_iterations) == ("BOOSTED_TREE_CLASSIFIER", 10)
    assert job.ml_iterations is not None
    assert 0 < job.ml_iterations < 10
    assert len(job.ml_losses) == job.ml_iterations
    item = job_item(job, now, default_prices(), reservation_editions(snapshot))
    assert jobs_view.job_type(item) == "CREATE_MODEL · BOOSTED_TREE_CLASSIFIER"
    assert f"{job.ml_iterations} (at most 10)" in shown(job, snapshot)
