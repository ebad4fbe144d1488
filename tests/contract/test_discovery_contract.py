"""The organisation's discovery with the real google-cloud-asset client against the fake Asset API on
127.0.0.1 (tests/contract/fake_asset.py): the request it sends, both pages read, the pairs it finds (project
numbers mapped to IDs), and the per-project reads of Dataproc and Dataflow made only where it found
their things, checked on the fake Dataproc and Dataflow's received requests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from dashboard.backends.gcp.context import FetchContext
from dashboard.backends.gcp.discovery import Discoverer
from dashboard.backends.gcp.live import LiveBackend
from dashboard.parsers.discovery import GLOBAL, SEARCH_ALL_RESOURCES
from dashboard.recording import format as fmt

from .fake_asset import ANALYTICS, ETL, REQUEST, T0, FakeAssetServer, org_config, world

pytestmark = pytest.mark.timeout(60)


class FixedClock:
    """Every poll at one moment."""

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


def test_the_real_client_sends_the_documented_request_and_reads_both_pages(fake: FakeAssetServer) -> None:
    ctx = FetchContext(org_config(fake.address))
    try:
        found = Discoverer(ctx).get(T0)
    finally:
        ctx.close()
    assert fake.requests(SEARCH_ALL_RESOURCES) == [REQUEST, {**REQUEST, "pageToken": "page-2"}]
    assert found is not None
    assert found.error is None
    assert found.results == 3 + 2 + 4  # page 1: three projects, a cluster, a subscription; page 2: four
    assert found.found == {
        "cloudresourcemanager.googleapis.com/Project": [
            ("3003", GLOBAL),  # named by number only, by every result: kept as the number
            (ANALYTICS, GLOBAL),  # 1001 and 2002: their IDs from the resources' names
            (ETL, GLOBAL),
        ],
        "dataflow.googleapis.com/Job": [(ETL, "asia-northeast1")],  # projects/2002 in its name: acme-etl
        "dataproc.googleapis.com/Cluster": [
            (ANALYTICS, "europe-west1"),
            (ETL, "asia-northeast1"),
            (ETL, "us-west1"),
        ],
        "dataplex.googleapis.com/DataScan": [(ETL, "us")],
        "pubsub.googleapis.com/Subscription": [(ANALYTICS, GLOBAL)],
    }
    # acme-analytics, acme-etl hold something; europe-west1, asia-northeast1, us-west1, us;
    # 3 projects × 3 watched regions = 9 pairs, less the 2 watched ones holding something = 7 skipped
    assert found.summary(("us-central1", "europe-west1", "asia-northeast1")) == (
        "discovery: 2 projects × 4 regions hold something; 7 skipped"
    )


def _backend(address: str) -> LiveBackend:
    return LiveBackend(org_config(address), FixedClock(T0 + timedelta(minutes=1)))


def test_dataproc_lists_only_the_discovered_projects_and_regions(fake: FakeAssetServer) -> None:
    backend = _backend(fake.address)
    try:
        [poll] = backend.poll("dataproc", force=True)
    finally:
        backend.close()
    assert poll.error is None
    assert poll.data is not None
    listed = {(r["projectId"], r["region"]) for r in fake.requests(fmt.DATAPROC_LIST_CLUSTERS)}
    # configured: acme-analytics × (us-central1, europe-west1, asia-northeast1); discovered: these two
    assert listed == {(ANALYTICS, "europe-west1"), (ETL, "asia-northeast1")}
    batches = {r["parent"] for r in fake.requests(fmt.DATAPROC_LIST_BATCHES)}
    assert batches == {
        f"projects/{ANALYTICS}/locations/europe-west1",
        f"projects/{ETL}/locations/asia-northeast1",
    }
    assert {(r["projectId"], r["region"]) for r in fake.requests(fmt.DATAPROC_LIST_JOBS)} == listed
    metrics = {r["name"] for r in fake.requests(fmt.MON_LIST_TIME_SERIES)}
    assert metrics == {f"projects/{ANALYTICS}", f"projects/{ETL}"}
    # spark-west is in us-west1, not in [gcp] regions: said, not read
    assert any("us-west1, outside [gcp] regions" in w for w in poll.data.warnings)
    assert len(fake.requests(SEARCH_ALL_RESOURCES)) == 2  # one search, its two pages


def test_one_search_serves_every_source_until_the_interval_passes(fake: FakeAssetServer) -> None:
    backend = _backend(fake.address)
    try:
        backend.poll("dataproc", force=True)
        [flow] = backend.poll("dataflow", force=True)
        assert len(fake.requests(SEARCH_ALL_RESOURCES)) == 2  # still the first search's two pages
        backend.clock = FixedClock(T0 + timedelta(minutes=1 + 15))  # [discovery] interval: 15 min
        backend.poll("dataflow", force=True)
        assert len(fake.requests(SEARCH_ALL_RESOURCES)) == 4
    finally:
        backend.close()
    assert flow.error is None
    jobs = [r["projectId"] for r in fake.requests(fmt.DATAFLOW_AGGREGATED_LIST_JOBS)]
    assert jobs == [ETL, ETL]  # only acme-etl holds a Dataflow job (found by its project number)


def test_a_source_discovery_found_nothing_of_reads_nothing_and_says_so(fake: FakeAssetServer) -> None:
    import msgspec

    from dashboard.parsers.discovery import PROJECT

    first = world()[0]  # the organisation's projects alone, on one page
    only_projects = {"results": [r for r in first.response["results"] if r["assetType"] == PROJECT]}
    fake.serve([msgspec.structs.replace(first, response=only_projects)])
    backend = _backend(fake.address)
    try:
        [poll] = backend.poll("dataflow", force=True)
    finally:
        backend.close()
    assert fake.requests(fmt.DATAFLOW_AGGREGATED_LIST_JOBS) == []
    assert poll.error is None
    assert poll.data is not None
    assert poll.data.warnings[-1] == "discovery found no Dataflow in organizations/123456789012"


def test_without_a_scope_nothing_changes(fake: FakeAssetServer) -> None:
    import msgspec

    config = org_config(fake.address)
    config = msgspec.structs.replace(config, gcp=msgspec.structs.replace(config.gcp, organization=None))
    backend = LiveBackend(config, FixedClock(T0))
    try:
        backend.poll("dataproc", force=True)
    finally:
        backend.close()
    assert fake.requests(SEARCH_ALL_RESOURCES) == []
    listed = {(r["projectId"], r["region"]) for r in fake.requests(fmt.DATAPROC_LIST_CLUSTERS)}
    assert listed == {(ANALYTICS, r) for r in ("us-central1", "europe-west1", "asia-northeast1")}


def test_check_lists_the_search_with_its_role(fake: FakeAssetServer) -> None:
    from dashboard.backends.gcp.check import report_lines

    backend = _backend(fake.address)
    try:
        backend.poll("dataproc", force=True)
        found = backend.discovery.summary()
    finally:
        backend.close()
    lines = report_lines(org_config(fake.address), "anonymous", (ANALYTICS,), [], "test", discovery=found)
    at = lines.index(
        "discovery: google.cloud.asset.v1.AssetService/SearchAllResources on organizations/123456789012"
    )
    assert lines[at + 1] == (
        "  - needs roles/cloudasset.viewer on organizations/123456789012: which projects and regions hold "
        "something to read"
    )
    assert lines[at + 2] == "  - discovery: 2 projects × 4 regions hold something; 7 skipped"


def test_dataplex_scans_are_listed_only_where_discovery_found_one(fake: FakeAssetServer) -> None:
    from dashboard.sources.dataquality.model import LIST_DATA_SCANS

    backend = _backend(fake.address)
    try:
        [poll] = backend.poll("dataquality", force=True)
    finally:
        backend.close()
    assert poll.error is None
    # configured: acme-analytics × (us-central1, europe-west1, asia-northeast1, and US as ``us``);
    # discovered: one scan, acme-etl's in us
    assert [r["parent"] for r in fake.requests(LIST_DATA_SCANS)] == [f"projects/{ETL}/locations/us"]
