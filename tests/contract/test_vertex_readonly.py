"""The Vertex AI source only reads: its session refuses, before sending, anything but the two listings
(GET) and the one documented read that is a POST (the stats anomalies search); a poll reaches the fake
with those only; a write through the session (a run's cancel, a delete, a create) never leaves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dashboard.sources.vertex import api
from dashboard.sources.vertex.model import LIST_MONITORING_JOBS, LIST_PIPELINE_JOBS, SEARCH_ANOMALIES
from dashboard.sources.vertex.spec import SPEC

from .fake_vertex import FakeVertex
from .test_vertex_contract import context

pytestmark = pytest.mark.timeout(30)
BASE = "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1"


@pytest.mark.parametrize(
    ("verb", "url"),
    [
        ("GET", f"{BASE}/pipelineJobs"),
        ("GET", f"{BASE}/modelDeploymentMonitoringJobs"),
        ("POST", f"{BASE}/modelDeploymentMonitoringJobs/123:searchModelDeploymentMonitoringStatsAnomalies"),
    ],
)
def test_the_reads_pass(verb: str, url: str) -> None:
    api.check_read_only(verb, url)


@pytest.mark.parametrize(
    ("verb", "url"),
    [
        ("POST", f"{BASE}/pipelineJobs"),  # create a run
        ("POST", f"{BASE}/pipelineJobs/run-1:cancel"),
        ("DELETE", f"{BASE}/pipelineJobs/run-1"),
        ("POST", f"{BASE}/pipelineJobs:batchDelete"),
        ("POST", f"{BASE}/modelDeploymentMonitoringJobs/123:pause"),
        ("PATCH", f"{BASE}/modelDeploymentMonitoringJobs/123"),
        ("GET", f"{BASE}/modelDeploymentMonitoringJobs/123:searchModelDeploymentMonitoringStatsAnomalies"),
        ("POST", f"{BASE}/endpoints/e:predict"),
        ("POST", f"{BASE}/modelDeploymentMonitoringJobs/1:searchModelDeploymentMonitoringStatsAnomalies:x"),
    ],
)
def test_anything_else_is_refused(verb: str, url: str) -> None:
    with pytest.raises(api.ReadOnlyViolation):
        api.check_read_only(verb, url)


def test_the_spec_declares_the_reads_and_the_role_covers_them() -> None:
    assert SPEC.methods == (LIST_PIPELINE_JOBS, LIST_MONITORING_JOBS, SEARCH_ANOMALIES)
    (grant,) = SPEC.grants
    assert grant.role == "roles/aiplatform.viewer"
    assert set(grant.methods) == set(SPEC.methods)


def test_a_poll_sends_only_the_reads_and_a_write_is_refused_before_it_is_sent() -> None:
    with FakeVertex() as fake:
        ctx = context(fake.url)
        api.fetch(ctx, datetime(2026, 11, 26, 6, 0, tzinfo=UTC))
        verbs = {(m, p.rsplit("/", 1)[-1].split(":")[-1]) for m, p, _, _ in fake.requests}
        assert verbs == {
            ("GET", "pipelineJobs"),
            ("GET", "modelDeploymentMonitoringJobs"),
            ("POST", "searchModelDeploymentMonitoringStatsAnomalies"),
        }
        asked = len(fake.requests)
        session = api.session_of(ctx)
        url = f"{fake.url}/v1/projects/acme-analytics/locations/us-central1/pipelineJobs/run-1:cancel"
        with pytest.raises(api.ReadOnlyViolation):
            session.post(url, json={})
        with pytest.raises(api.ReadOnlyViolation):
            session.delete(url.removesuffix(":cancel"))
        assert len(fake.requests) == asked  # nothing left
