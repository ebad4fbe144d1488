"""A fake of Cloud Data Fusion's gRPC service for the Data Fusion source's tests:
:class:`FakeDatafusionServer` is :class:`~tests.contract.fake_grpc.FakeGrpcServer` with ``ListInstances``
registered too, and :func:`world` the payloads of a two-project estate in Google's documented shapes (proto
JSON of ``google.cloud.datafusion.v1.ListInstancesResponse``), as exchanges a poll would record.

The estate (``ListInstances`` on ``projects/P/locations/-``):

- ``acme-analytics``: ``sandbox-fusion`` (DEVELOPER, us-east1, ACTIVE since 2026-12-07 06:30 UTC);
- ``acme-etl``, two pages: page 1 ``etl-fusion`` (ENTERPRISE, europe-west1, ACTIVE since 2026-10-02, a
  private instance with labels); page 2 ``broken-fusion`` (BASIC, us-east1, FAILED) and
  ``unreachable: ["asia-east1"]`` (that location did not answer).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dashboard.recording.format import Exchange
from dashboard.sources.datafusion.model import LIST_INSTANCES

from .fake_grpc import DEMO_PROJECTS, FakeGrpcServer, rpc_classes

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
ANALYTICS, ETL = DEMO_PROJECTS


def datafusion_classes() -> dict[str, tuple[Any, Any]]:
    """The fake_grpc RPCs plus Data Fusion's listing."""
    from google.cloud import data_fusion_v1

    return {
        **rpc_classes(),
        LIST_INSTANCES: (data_fusion_v1.ListInstancesRequest, data_fusion_v1.ListInstancesResponse),
    }


class FakeDatafusionServer(FakeGrpcServer):
    """:class:`FakeGrpcServer` that also serves ``ListInstances``."""

    def _register(self) -> None:
        self._classes = datafusion_classes()
        super()._register()


def _ex(request: dict[str, Any], response: dict[str, Any]) -> Exchange:
    return Exchange(
        v=1,
        poll=1,
        t=T0,
        source="datafusion",
        api="grpc",
        method=LIST_INSTANCES,
        request=request,
        response=response,
    )


SANDBOX = {
    "name": f"projects/{ANALYTICS}/locations/us-east1/instances/sandbox-fusion",
    "type": "DEVELOPER",
    "createTime": "2026-12-07T06:30:00Z",
    "updateTime": "2026-12-07T06:52:11.204Z",
    "state": "ACTIVE",
    "serviceEndpoint": "https://sandbox-fusion-acme-analytics-dot-use1.datafusion.googleusercontent.com",
    "zone": "us-east1-b",
    "version": "6.10.1",
    "displayName": "Sandbox",
    "apiEndpoint": "https://sandbox-fusion-acme-analytics-dot-use1.datafusion.googleusercontent.com/api",
    "tenantProjectId": "x1a2b3c4d5e6f7-tp",
}
ETL_FUSION = {
    "name": f"projects/{ETL}/locations/europe-west1/instances/etl-fusion",
    "description": "nightly ingestion",
    "type": "ENTERPRISE",
    "enableStackdriverLogging": True,
    "enableStackdriverMonitoring": True,
    "privateInstance": True,
    "networkConfig": {"network": "acme-vpc", "ipAllocation": "10.89.48.0/22"},
    "labels": {"team": "ingest", "env": "prod"},
    "createTime": "2026-10-02T08:15:00Z",
    "updateTime": "2026-11-30T02:00:00Z",
    "state": "ACTIVE",
    "serviceEndpoint": "https://etl-fusion-acme-etl-dot-euw1.datafusion.googleusercontent.com",
    "zone": "europe-west1-c",
    "version": "6.10.1",
    "enableRbac": True,
}
BROKEN = {
    "name": f"projects/{ETL}/locations/us-east1/instances/broken-fusion",
    "type": "BASIC",
    "createTime": "2026-12-06T22:00:00Z",
    "state": "FAILED",
    "stateMessage": "Instance creation failed: quota 'CPUS' exceeded in region us-east1",
    "version": "6.10.1",
}


def world() -> list[Exchange]:
    """Every exchange of one poll of the estate, as the fake serves it."""
    return [
        _ex({"parent": f"projects/{ANALYTICS}/locations/-"}, {"instances": [SANDBOX]}),
        _ex(
            {"parent": f"projects/{ETL}/locations/-"}, {"instances": [ETL_FUSION], "nextPageToken": "page-2"}
        ),
        _ex(
            {"parent": f"projects/{ETL}/locations/-"}, {"instances": [BROKEN], "unreachable": ["asia-east1"]}
        ),
    ]
