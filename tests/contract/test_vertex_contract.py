"""The Vertex AI source's live fetch with google-auth's real ``AuthorizedSession`` (requests underneath)
against the fake Vertex AI REST API on 127.0.0.1 (tests/contract/fake_vertex.py), through
``[sources.vertex] endpoint``: the requests it sends (server-side window, order, read mask, every page),
and what the poll parses to, read by hand from the fake's payloads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from dashboard.backends.gcp.context import FetchContext
from dashboard.config import AuthConfig, Config, GcpConfig, SourceConfig, TimeoutsConfig
from dashboard.errors import SourceError
from dashboard.parsers.poll import PollContext
from dashboard.sources.vertex import api
from dashboard.sources.vertex.model import LIST_MONITORING_JOBS, LIST_PIPELINE_JOBS, SEARCH_ANOMALIES
from dashboard.sources.vertex.parse import parse_vertex

from .fake_vertex import ANALYTICS, ETL, EU, MONITOR, OOM, SEARCH, US, FakeVertex

pytestmark = pytest.mark.timeout(60)
NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeVertex]:
    with FakeVertex(slow_seconds=2.0) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeVertex) -> FakeVertex:
    server.faults.clear()
    server.requests.clear()
    return server


def context(url: str, *, call: float = 1.0, deadline: float = 1.0) -> FetchContext:
    return FetchContext(
        Config(
            gcp=GcpConfig(projects=[ANALYTICS, ETL], regions=[EU, US]),
            timeouts=TimeoutsConfig(call=call, retry_deadline=deadline),
            auth=AuthConfig(anonymous=True),
            sources={"vertex": SourceConfig(endpoint=url)},
        )
    )


def test_every_project_and_region_is_listed_with_the_window_the_order_and_the_mask(fake: FakeVertex) -> None:
    exchanges = api.fetch(context(fake.url), NOW)
    listings = sorted(
        (path, params.get("pageToken", ""))
        for method, path, params, _ in fake.requests
        if path.endswith("Jobs")
    )
    parent = "/v1/projects/{}/locations/{}/{}"
    assert listings == sorted(
        [(parent.format(p, r, "pipelineJobs"), "") for p in (ANALYTICS, ETL) for r in (EU, US)]
        + [(parent.format(ANALYTICS, US, "pipelineJobs"), "page-2")]  # the second page, by its token
        + [
            (parent.format(p, r, "modelDeploymentMonitoringJobs"), "")
            for p in (ANALYTICS, ETL)
            for r in (EU, US)
        ]
    )
    first = next(q for m, path, q, _ in fake.requests if path == parent.format(ANALYTICS, US, "pipelineJobs"))
    # 24 h before 06:00 on 2026-11-26, RFC 3339, server-side; and a run still running from before it
    assert first["filter"] == 'create_time>"2026-11-25T06:00:00Z" OR state="PIPELINE_STATE_RUNNING"'
    assert first["orderBy"] == "create_time desc"
    assert "pipelineSpec.pipelineInfo" in first["readMask"].split(",")
    assert "pipelineSpec" not in first["readMask"].split(",")
    assert "runtimeConfig" not in first["readMask"]
    # the one POST: the stats anomalies of the one monitoring job, for its deployed model, in the window
    posts = [(path, body) for method, path, _, body in fake.requests if method == "POST"]
    assert posts == [
        (
            f"/v1/{MONITOR}{SEARCH}",
            {
                "deployedModelId": "7406227412736999424",
                "objectives": [{"type": "RAW_FEATURE_DRIFT"}, {"type": "RAW_FEATURE_SKEW"}],
                "startTime": "2026-11-25T06:00:00Z",
                "endTime": "2026-11-26T06:00:00Z",
                "pageSize": 100,
            },
        )
    ]
    assert {e.method for e in exchanges} == {LIST_PIPELINE_JOBS, LIST_MONITORING_JOBS, SEARCH_ANOMALIES}
    assert [e for e in exchanges if e.error is not None] == []
    assert {(e.source, e.api) for e in exchanges} == {("vertex", "rest")}
    # 4 first pages + 1 second page of runs, 4 monitoring listings, 1 search
    assert len(exchanges) == 4 + 1 + 4 + 1


def test_the_poll_parses_to_the_runs_and_the_monitoring_job(fake: FakeVertex) -> None:
    data = parse_vertex(api.fetch(context(fake.url), NOW), PollContext("vertex"))
    assert (data.warnings, data.incomplete) == ((), ())
    runs = {r.run_id: r for r in data.runs}
    assert sorted(runs) == [
        "churn-training-20261125094000",  # from the second page
        "churn-training-20261126031000",
        "churn-training-20261126034000",
        "feature-backfill-20261126040000",
        "feature-backfill-20261126050000",
    ]
    failed = runs["churn-training-20261126031000"]
    assert (failed.pipeline, failed.short_state, failed.region) == ("churn-training", "FAILED", US)
    # 03:10:15 → 03:31:15
    assert failed.duration_s(NOW) == 21 * 60
    task = failed.failed_task
    assert task is not None
    assert task.name == "train-model"
    assert task.error == f"code 9: {OOM}"
    # the root task (named as the pipeline) is not one of its tasks
    assert [t.name for t in failed.tasks] == ["prepare-data", "train-model"]
    queued = runs["feature-backfill-20261126050000"]
    # no pipelineInfo: the template's name
    assert (queued.pipeline, queued.short_state, queued.start) == ("feature-backfill", "QUEUED", None)
    assert queued.duration_s(NOW) is None
    ok = runs["churn-training-20261126034000"]
    assert ok.labels == {"vertex-ai-pipelines-run-billing-id": "8821", "team": "ds"}
    # 03:40:20.5 → 04:22:20.5
    assert ok.duration_s(NOW) == 42 * 60
    (job,) = data.monitoring
    assert (job.endpoint_id, job.state, job.interval_s) == ("churn-endpoint", "JOB_STATE_RUNNING", 3600.0)
    assert job.drift_thresholds == {"tenure_months": 0.3, "plan": 0.2, "*": 0.25}
    assert job.skew_thresholds == {"tenure_months": 0.3}
    assert job.anomalies_read
    # tenure_months' latest drift 0.42 ≥ 0.3 (its earlier 0.12 is not the latest); plan 0.05 < 0.2
    assert [(a.feature, a.objective, a.score, a.threshold) for a in job.alerts] == [
        ("tenure_months", "RAW_FEATURE_DRIFT", 0.42, 0.3)
    ]


def test_a_failed_second_page_keeps_the_first_and_marks_the_region(fake: FakeVertex) -> None:
    fake.faults["pipelines"] = "page2"
    data = parse_vertex(api.fetch(context(fake.url), NOW), PollContext("vertex"))
    assert data.incomplete == (f"{ANALYTICS}/{US}",)
    assert "churn-training-20261126031000" in {r.run_id for r in data.runs}
    assert "churn-training-20261125094000" not in {r.run_id for r in data.runs}
    assert any("403" in w and "roles/aiplatform.viewer" in w for w in data.warnings), data.warnings


def test_a_transient_error_is_retried_within_the_deadline_and_only_the_last_attempt_kept(
    fake: FakeVertex,
) -> None:
    fake.faults["monitoring"] = "503"
    exchanges = api.fetch(context(fake.url, deadline=1.2), NOW)
    calls = [r for r in fake.requests if r[1].endswith("/modelDeploymentMonitoringJobs")]
    assert len(calls) > 4  # each of the 4 listings asked more than once
    listings = [e for e in exchanges if e.method == LIST_MONITORING_JOBS]
    assert len(listings) == 4
    assert {e.error.code for e in listings if e.error is not None} == {"503 backendError"}


def test_no_endpoint_and_anonymous_says_what_to_set() -> None:
    ctx = FetchContext(Config(gcp=GcpConfig(projects=[ANALYTICS]), auth=AuthConfig(anonymous=True)))
    with pytest.raises(Exception, match=r"\[sources.vertex\] endpoint"):
        api.fetch(ctx, NOW)


def test_google_regional_endpoint_is_the_default() -> None:
    ctx = FetchContext(Config(gcp=GcpConfig(projects=[ANALYTICS])))
    assert api.base_url(ctx, EU) == "https://europe-west4-aiplatform.googleapis.com"


def test_a_credential_that_cannot_be_refreshed_is_one_401_per_listing_and_nothing_is_sent(
    fake: FakeVertex,
) -> None:
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2.credentials import Credentials

    ctx = context(fake.url, deadline=2.0)
    # no token and nothing to refresh it with: google-auth raises RefreshError before sending
    ctx.state["vertex"] = api.guard(AuthorizedSession(Credentials(token=None)))  # type: ignore[no-untyped-call]
    exchanges = api.fetch(ctx, NOW)
    assert fake.requests == []
    # the four run listings failed, so no monitoring listing is asked; none retried
    assert [(e.method, e.error.code if e.error else None) for e in exchanges] == [
        (LIST_PIPELINE_JOBS, "401 UNAUTHENTICATED")
    ] * 4
    with pytest.raises(SourceError, match="credentials refused"):
        parse_vertex(exchanges, PollContext("vertex"))
