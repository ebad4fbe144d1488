"""A fake of Cloud Asset Inventory's ``SearchAllResources`` beside the other fake gRPC services, for the
discovery's contract tests: :class:`FakeAssetServer` is :class:`~tests.contract.fake_grpc.FakeGrpcServer`
with the Asset API registered too (the client library's own protos), and :func:`world` one search of an
organisation in the documented ``ResourceSearchResult`` shape, on two pages.

The organisation ``organizations/123456789012`` (``project`` is always ``projects/NUMBER``):

- page 1: its three projects (``cloudresourcemanager.googleapis.com/Project``, named by number: 1001,
  2002, 3003); Dataproc cluster ``etl-nightly`` of ``acme-analytics`` (1001) in europe-west1; the
  Pub/Sub subscription ``events-sub`` of ``acme-analytics`` (``location: global``);
- page 2: Dataproc cluster ``spark-tokyo`` of ``acme-etl`` (2002) in asia-northeast1, and ``spark-west``
  of ``acme-etl`` in us-west1 (a region gcpdash is not told to watch); a Dataflow job of ``acme-etl``
  named by the project's NUMBER (``//dataflow.googleapis.com/projects/2002/...``), in asia-northeast1; a
  Dataplex data scan of ``acme-etl`` in ``us`` (its table's BigQuery location).

Project 3003 holds nothing gcpdash reads, and no result names it by ID: it stays ``3003``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dashboard.parsers.discovery import SEARCH_ALL_RESOURCES
from dashboard.recording.format import Exchange

from .fake_grpc import FakeGrpcServer, rpc_classes

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
ORG = "123456789012"
SCOPE = f"organizations/{ORG}"
ANALYTICS, ETL = "acme-analytics", "acme-etl"
REGIONS = ["us-central1", "europe-west1", "asia-northeast1"]
"""``[gcp] regions`` of the tests: two regions other than us-central1 hold something."""

ASSET_TYPES = [
    "dataproc.googleapis.com/Cluster",
    "dataproc.googleapis.com/Batch",
    "dataflow.googleapis.com/Job",
    "pubsub.googleapis.com/Subscription",
    "pubsub.googleapis.com/Topic",
    "composer.googleapis.com/Environment",
    "dataplex.googleapis.com/DataScan",
    "datafusion.googleapis.com/Instance",
    "cloudresourcemanager.googleapis.com/Project",
]
"""The asset types the registered sources declare, in registration order, then the projects."""

REQUEST: dict[str, Any] = {
    "scope": SCOPE,
    "assetTypes": ASSET_TYPES,
    "pageSize": 500,  # the most the API documents
    "readMask": "name,assetType,project,location,parentFullResourceName",  # FieldMask's proto JSON
}
"""The request, as the client sends it (proto JSON), less its page token."""


def asset_classes() -> dict[str, tuple[Any, Any]]:
    """The fake_grpc RPCs plus the Asset API's search."""
    from google.cloud import asset_v1

    from .fake_dataplex import dataplex_classes

    return {
        **rpc_classes(),
        **dataplex_classes(),
        SEARCH_ALL_RESOURCES: (asset_v1.SearchAllResourcesRequest, asset_v1.SearchAllResourcesResponse),
    }


class FakeAssetServer(FakeGrpcServer):
    """:class:`FakeGrpcServer` that also serves ``SearchAllResources``."""

    def _register(self) -> None:
        self._classes = asset_classes()
        super()._register()


def _project(number: str) -> dict[str, Any]:
    return {
        "name": f"//cloudresourcemanager.googleapis.com/projects/{number}",
        "assetType": "cloudresourcemanager.googleapis.com/Project",
        "project": f"projects/{number}",
        "location": "global",
        "parentFullResourceName": f"//cloudresourcemanager.googleapis.com/organizations/{ORG}",
    }


def _in(project: str, number: str, name: str, kind: str, location: str) -> dict[str, Any]:
    return {
        "name": name,
        "assetType": kind,
        "project": f"projects/{number}",
        "location": location,
        "parentFullResourceName": f"//cloudresourcemanager.googleapis.com/projects/{project}",
    }


PAGE_1: dict[str, Any] = {
    "results": [
        _project("1001"),
        _project("2002"),
        _project("3003"),
        _in(
            ANALYTICS,
            "1001",
            f"//dataproc.googleapis.com/projects/{ANALYTICS}/regions/europe-west1/clusters/etl-nightly",
            "dataproc.googleapis.com/Cluster",
            "europe-west1",
        ),
        _in(
            ANALYTICS,
            "1001",
            f"//pubsub.googleapis.com/projects/{ANALYTICS}/subscriptions/events-sub",
            "pubsub.googleapis.com/Subscription",
            "global",
        ),
    ],
    "nextPageToken": "page-2",
}

PAGE_2: dict[str, Any] = {
    "results": [
        _in(
            ETL,
            "2002",
            f"//dataproc.googleapis.com/projects/{ETL}/regions/asia-northeast1/clusters/spark-tokyo",
            "dataproc.googleapis.com/Cluster",
            "asia-northeast1",
        ),
        _in(
            ETL,
            "2002",
            f"//dataproc.googleapis.com/projects/{ETL}/regions/us-west1/clusters/spark-west",
            "dataproc.googleapis.com/Cluster",
            "us-west1",
        ),
        {  # named by the project's number, no parent: its ID comes from the other results of 2002
            "name": "//dataflow.googleapis.com/projects/2002/locations/asia-northeast1/jobs/2026-12-07_01-7",
            "assetType": "dataflow.googleapis.com/Job",
            "project": "projects/2002",
            "location": "asia-northeast1",
        },
        _in(  # in its table's BigQuery location, the multi-region US, as Dataplex names it
            ETL,
            "2002",
            f"//dataplex.googleapis.com/projects/{ETL}/locations/us/dataScans/orders-quality",
            "dataplex.googleapis.com/DataScan",
            "us",
        ),
    ],
}


def _ex(request: dict[str, Any], response: dict[str, Any]) -> Exchange:
    return Exchange(
        v=1,
        poll=1,
        t=T0,
        source="discovery",
        api="grpc",
        method=SEARCH_ALL_RESOURCES,
        request=request,
        response=response,
    )


def world() -> list[Exchange]:
    """The search's two pages, as a poll would record them."""
    return [_ex(REQUEST, PAGE_1), _ex({**REQUEST, "pageToken": "page-2"}, PAGE_2)]


def org_config(address: str, *, projects: tuple[str, ...] = (ANALYTICS,)) -> Any:
    """The demo config (every gRPC endpoint at ``address``) with the organisation as its scope, the
    discovery at ``address``, :data:`REGIONS`, short timeouts; ``projects``: the fallback's."""
    import msgspec

    from dashboard.config import DiscoveryConfig, SourceConfig, TimeoutsConfig

    from .fake_grpc import demo_config

    config = demo_config(address)
    gcp = msgspec.structs.replace(config.gcp, projects=list(projects), regions=REGIONS, organization=ORG)
    return msgspec.structs.replace(
        config,
        gcp=gcp,
        discovery=DiscoveryConfig(endpoint=address),
        sources={"dataquality": SourceConfig(endpoint=address)},
        timeouts=TimeoutsConfig(call=1.0, retry_deadline=1.0),
    )
