"""The Vertex AI source on ``pipelineJobs.list`` pages in the REST resource's documented shape
(``PipelineJob``: ``state`` a ``PipelineState`` name, ``jobDetail.taskDetails[]`` with ``taskId`` as an
int64 string, ``parentTaskId``, ``taskName``, ``state`` a ``PipelineTaskDetail.State`` name, ``error`` a
``google.rpc.Status``), in two projects and regions, every pipeline state: the pane's order, the failed
task a run shows, and the rules both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from dashboard.parsers.poll import PollContext
from dashboard.recording.format import Exchange
from dashboard.sources.vertex import rules, view
from dashboard.sources.vertex.model import LIST_PIPELINE_JOBS
from dashboard.sources.vertex.parse import parse_vertex

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def stamp(hours_ago: float) -> str:
    return (NOW - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def task(
    task_id: int, name: str, state: str, start_h: float, end_h: float | None, **more: Any
) -> dict[str, Any]:
    body = {"taskId": str(task_id), "taskName": name, "state": state, "startTime": stamp(start_h)}
    if end_h is not None:
        body["endTime"] = stamp(end_h)
    return body | more


def run(  # noqa: PLR0917
    project: str,
    region: str,
    run_id: str,
    state: str,
    created_h: float,
    end_h: float | None = None,
    **more: Any,
) -> dict[str, Any]:
    body = {
        "name": f"projects/{project}/locations/{region}/pipelineJobs/{run_id}",
        "displayName": f"churn-training-{run_id}",
        "pipelineSpec": {"pipelineInfo": {"name": "churn-training"}},
        "state": f"PIPELINE_STATE_{state}",
        "createTime": stamp(created_h),
        "startTime": stamp(created_h),
    }
    if end_h is not None:
        body["endTime"] = stamp(end_h)
    return body | more


OOM = {"code": 9, "message": "The replica workerpool0-0 ran out of memory"}
LOOP_FAILED = {"code": 9, "message": "The DAG failed because some tasks failed."}
# the root DAG (the pipeline's name), a loop's DAG and its failed task, listed DAGs first
FAILED_TASKS = [
    task(1, "churn-training", "FAILED", 3.0, 2.4, error=LOOP_FAILED),
    task(2, "for-loop-2", "FAILED", 2.9, 2.45, parentTaskId="1", error=LOOP_FAILED),
    task(3, "train-model", "FAILED", 2.9, 2.5, parentTaskId="2", error=OOM),
    task(4, "push-model", "NOT_TRIGGERED", 2.9, None, parentTaskId="1"),
]


def page(project: str, region: str, *runs: dict[str, Any]) -> Exchange:
    return Exchange(
        v=1,
        poll=1,
        t=NOW,
        source="vertex",
        api="rest",
        method=LIST_PIPELINE_JOBS,
        path=f"/v1/projects/{project}/locations/{region}/pipelineJobs",
        response={"pipelineJobs": list(runs)},
    )


def estate(*, newest: str = "CANCELLING") -> Any:
    eu = page(
        "acme-analytics",
        "europe-west1",
        run("acme-analytics", "europe-west1", "ok-1", "SUCCEEDED", 30, 29.5),
        run("acme-analytics", "europe-west1", "ok-2", "SUCCEEDED", 26, 25.5),
        run(
            "acme-analytics",
            "europe-west1",
            "failed-1",
            "FAILED",
            3,
            2.4,
            jobDetail={"taskDetails": FAILED_TASKS},
        ),
        run("acme-analytics", "europe-west1", "failed-0", "FAILED", 6, 5.9, error=OOM),
        run("acme-analytics", "europe-west1", "newest", newest, 0.5),
    )
    asia = page(
        "acme-jp",
        "asia-northeast1",
        run("acme-jp", "asia-northeast1", "paused", "PAUSED", 4),
        run("acme-jp", "asia-northeast1", "queued", "QUEUED", 0.1),
        run("acme-jp", "asia-northeast1", "pending", "PENDING", 0.2),
        run("acme-jp", "asia-northeast1", "cancelled", "CANCELLED", 8, 7.9),
        run("acme-jp", "asia-northeast1", "failed-jp", "FAILED", 9, 8.8),
        run("acme-jp", "asia-northeast1", "ok-jp-1", "SUCCEEDED", 20, 19.5),
        run("acme-jp", "asia-northeast1", "ok-jp-2", "SUCCEEDED", 12, 11.5),
        run("acme-jp", "asia-northeast1", "running-jp", "RUNNING", 2.5),
    )
    return parse_vertex([eu, asia], PollContext("vertex"))


def test_failed_first_then_running_and_cancelling_then_waiting_newest_first() -> None:
    order = [r.key for r in view.rows(estate(), NOW)]
    assert [k.rsplit("/", 1)[-1] for k in order] == [
        "failed-1",  # 3 h ago
        "failed-0",  # 6 h
        "failed-jp",  # 9 h
        "newest",  # CANCELLING, 0.5 h
        "running-jp",  # RUNNING, 2.5 h
        "queued",  # 0.1 h
        "pending",  # 0.2 h
        "paused",  # 4 h
        "cancelled",
        "ok-jp-2",  # 12 h
        "ok-jp-1",  # 20 h
        "ok-2",  # 26 h
        "ok-1",  # 30 h
    ]
    assert order[0] == "acme-analytics/europe-west1/failed-1"


def test_a_run_shows_the_task_that_failed_first_not_the_loop_that_failed_after_it() -> None:
    data = estate()
    failed = next(r for r in data.runs if r.run_id == "failed-1")
    assert [t.name for t in failed.tasks] == ["for-loop-2", "train-model", "push-model"]  # not the root DAG
    got = failed.failed_task
    assert got is not None
    assert (got.name, got.error) == ("train-model", "code 9: The replica workerpool0-0 ran out of memory")
    row = next(r for r in view.rows(data, NOW) if r.key.endswith("/failed-1"))
    assert [c.plain for c in row.cells][5:8] == [
        "36m",  # 07:00 → 07:36
        "train-model",
        "code 9: The replica workerpool0-0 ran out of memory",
    ]


def test_failing_pipeline_per_project_and_region_critical_only_when_the_newest_run_failed() -> None:
    found = {i.resource: i for i in rules.failing_pipeline(estate(), NOW)}
    # europe-west1: 2 of 5 runs failed; the newest is CANCELLING, not failed: a warning
    eu = found["acme-analytics/europe-west1/churn-training"]
    assert eu.severity == "warning"
    assert eu.evidence.startswith("2 of 5 runs failed in acme-analytics europe-west1 (threshold 2)")
    assert "task train-model: code 9: The replica workerpool0-0 ran out of memory" in eu.evidence
    assert eu.resource_key == "acme-analytics/europe-west1/failed-1"  # the newest failed run's row
    assert "acme-jp/asia-northeast1/churn-training" not in found  # 1 failed there: under 2
    again = {i.resource: i for i in rules.failing_pipeline(estate(newest="FAILED"), NOW)}
    assert again["acme-analytics/europe-west1/churn-training"].severity == "critical"  # 3 of 5, newest failed
    assert rules.metrics(estate()) == {"failed_runs": 3.0, "monitoring_alerts": 0.0}


def test_stuck_only_a_running_run_beyond_three_times_its_usual() -> None:
    # acme-jp's succeeded runs took 30 min each (median 30 min): RUNNING for 2.5 h = 5x, over 3x and 30 min
    (stuck,) = rules.stuck_run(estate(), NOW)
    assert stuck.resource == "acme-jp/asia-northeast1/running-jp"
    assert "running 2.5 h; the median of 2 succeeded runs of churn-training is 30 min" in stuck.evidence
    # PAUSED for 4 h (8x) is not running: not stuck; europe-west1's CANCELLING run neither
    assert {i.resource for i in rules.stuck_run(estate(newest="RUNNING"), NOW)} == {
        "acme-jp/asia-northeast1/running-jp"  # europe-west1's newest: 0.5 h = 1x its 30 min
    }
