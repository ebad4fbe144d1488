"""A failed discovery never loses a source's data: with the search denied (403, no
roles/cloudasset.viewer), throttled (429), failing (5xx), hung, answered with garbage, or failing on its
second page, Dataproc and Dataflow read every configured project in every region, as without an organisation
scope, and their polls say why with the role to grant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from dashboard.backends.gcp.live import LiveBackend
from dashboard.parsers.discovery import SEARCH_ALL_RESOURCES
from dashboard.recording import format as fmt

from .fake_asset import ANALYTICS, REGIONS, T0, FakeAssetServer, org_config, world
from .fake_grpc import Fault

pytestmark = pytest.mark.timeout(60)


class FixedClock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


@pytest.fixture(scope="module")
def server() -> Iterator[FakeAssetServer]:
    with FakeAssetServer(world()) as fake:
        yield fake


@pytest.fixture
def fake(server: FakeAssetServer) -> FakeAssetServer:
    server.clear_faults()
    server.received.clear()
    server.serve(world())
    return server


FAULTS = {
    "denied": (Fault(code="PERMISSION_DENIED", message="Permission 'cloudasset.assets.searchAllResources'"
                     " denied on resource 'organizations/123456789012'"), "PERMISSION_DENIED"),
    "throttled": (Fault(code="RESOURCE_EXHAUSTED", message="Quota exceeded"), "RESOURCE_EXHAUSTED"),
    "unavailable": (Fault(code="UNAVAILABLE", message="backend unavailable"), "UNAVAILABLE"),
    "internal": (Fault(code="INTERNAL", message="internal error"), "INTERNAL"),
    "hang": (Fault(kind="sleep", seconds=5.0), "DEADLINE_EXCEEDED"),
    "garbage": (Fault(kind="garbage"), ""),
    "page 2": (Fault(code="UNAVAILABLE", message="page 2 lost", page=2), "UNAVAILABLE"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_failed_search_falls_back_to_the_configured_projects_and_regions(
    fake: FakeAssetServer, name: str
) -> None:
    fault, code = FAULTS[name]
    fake.fault(SEARCH_ALL_RESOURCES, fault)
    backend = LiveBackend(org_config(fake.address), FixedClock(T0 + timedelta(minutes=1)))
    try:
        [proc] = backend.poll("dataproc", force=True)
        [flow] = backend.poll("dataflow", force=True)
    finally:
        backend.close()
    for poll in (proc, flow):
        assert poll.error is None, poll.error
        assert poll.data is not None
        [warning] = [w for w in poll.data.warnings if "discovery" in w]
        assert warning.startswith("discovery failed (")
        assert code in warning
        assert warning.endswith(
            "reading the configured projects × regions; grant roles/cloudasset.viewer on "
            "organizations/123456789012 to read only where there is something"
        )
    # configured: acme-analytics in us-central1, europe-west1, asia-northeast1 — every one read
    listed = {(r["projectId"], r["region"]) for r in fake.requests(fmt.DATAPROC_LIST_CLUSTERS)}
    assert listed == {(ANALYTICS, region) for region in REGIONS}
    assert [r["projectId"] for r in fake.requests(fmt.DATAFLOW_AGGREGATED_LIST_JOBS)] == [ANALYTICS]
    if name == "page 2":  # the first page was read, then the second failed: nothing of it is used
        assert [r.get("pageToken", "") for r in fake.requests(SEARCH_ALL_RESOURCES)][:2] == ["", "page-2"]
