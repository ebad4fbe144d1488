"""Read-only by construction: every RPC the live gRPC code can call is a List, Get or Search call.

Two views of the same question: statically, every client method the ``grpc_*`` modules name; at run time,
every RPC path a full poll of each source reaches the fake server with.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from dashboard.backends import gcp

from .fake_grpc import SEEN_METHODS, SOURCES, FakeGrpcServer, demo_clients, demo_polls, fetcher
from .readonly import is_read_only_rpc, rpc_method, snake

pytestmark = pytest.mark.timeout(30)

EXPECTED = {
    "list_reservations",
    "list_capacity_commitments",
    "search_all_assignments",
    "get_bi_reservation",
    "list_clusters",
    "list_batches",
    "list_jobs",
    "aggregated_list_jobs",
    "list_time_series",
}


def _client_rpcs() -> set[str]:
    """Every RPC method of the clients the live gRPC code builds (those that take ``retry`` and
    ``metadata``), writes included."""
    from google.cloud import bigquery_reservation_v1, dataflow_v1beta3, dataproc_v1, monitoring_v3

    classes = [
        bigquery_reservation_v1.ReservationServiceClient,
        dataproc_v1.ClusterControllerClient,
        dataproc_v1.BatchControllerClient,
        dataproc_v1.JobControllerClient,
        dataflow_v1beta3.JobsV1Beta3Client,
        monitoring_v3.MetricServiceClient,
    ]
    names: set[str] = set()
    for cls in classes:
        for name, member in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith("_"):
                continue
            params = inspect.signature(member).parameters
            if "retry" in params and "metadata" in params:
                names.add(name)
    return names


def _grpc_modules() -> list[Path]:
    """The backend's gRPC modules and every source's live fetch (``dashboard/sources/<name>/api.py``)."""
    sources = Path(gcp.__file__).parents[2] / "sources"
    return sorted([*Path(gcp.__file__).parent.glob("grpc_*.py"), *sources.glob("*/api.py")])


def test_the_clients_offer_writes_so_the_scan_can_tell() -> None:
    rpcs = _client_rpcs()
    assert {"create_cluster", "delete_reservation", "cancel_operation"} & rpcs
    assert rpcs >= EXPECTED


def test_every_client_method_the_grpc_code_names_only_reads() -> None:
    rpcs = _client_rpcs()
    named: set[str] = set()
    strings: set[str] = set()
    for path in _grpc_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                named.add(node.attr)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
    called = named & rpcs
    assert called == EXPECTED
    assert all(is_read_only_rpc(name) for name in called)
    # No RPC reached by name at run time (getattr with a string) either.
    assert not (strings & rpcs - EXPECTED)


def test_every_rpc_a_full_poll_sends_only_reads() -> None:
    paths: set[str] = set()
    with FakeGrpcServer() as fake:
        clients = demo_clients(fake.address)
        try:
            for source in SOURCES:
                poll = next(iter(demo_polls(source)))
                fake.serve(poll.exchanges, split_pages=True)
                fetcher(source)(clients, poll.t)
        finally:
            clients.close()
        paths = {r.method for r in fake.received}
    assert {snake(p) for p in paths} == EXPECTED
    assert all(is_read_only_rpc(p) for p in paths)
    # Whatever else reached a fake gRPC server in this test run was a read too.
    assert all(is_read_only_rpc(p) for p in SEEN_METHODS), sorted(SEEN_METHODS)


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("google.cloud.dataproc.v1.ClusterController/ListClusters", True),
        ("google.dataflow.v1beta3.JobsV1Beta3/AggregatedListJobs", True),
        ("search_all_assignments", True),
        ("get_job", True),
        ("google.cloud.dataproc.v1.ClusterController/DeleteCluster", False),
        ("create_reservation", False),
        ("update_job", False),
        ("Listless", False),
        ("GetIamPolicy", True),
    ],
)
def test_the_read_rule(name: str, read: bool) -> None:
    assert is_read_only_rpc(name) is read
    assert rpc_method(name)[0].isupper()


def test_a_write_is_refused_before_it_is_sent() -> None:
    from dashboard.backends.gcp.grpc_channels import ReadOnlyViolation

    with FakeGrpcServer() as fake:
        clients = demo_clients(fake.address)
        try:
            with pytest.raises(ReadOnlyViolation, match="ClusterController/DeleteCluster refused"):
                clients.dataproc["us-central1"].delete_cluster(
                    project_id="acme-etl", region="us-central1", cluster_name="etl", retry=None, timeout=1
                )
            with pytest.raises(ReadOnlyViolation, match="JobController/CancelJob refused"):
                clients.jobs["europe-west1"].cancel_job(
                    project_id="acme-etl", region="europe-west1", job_id="j", retry=None, timeout=1
                )
            with pytest.raises(ReadOnlyViolation, match="ReservationService/CreateReservation"):
                clients.reservation.create_reservation(
                    parent="projects/p/locations/US", retry=None, timeout=1
                )
        finally:
            clients.close()
        assert fake.received == []


def test_clients_on_googles_endpoints_are_read_only_too() -> None:
    """No network: the refusal comes before the channel connects."""
    from dashboard.backends.gcp.grpc_channels import ReadOnlyViolation
    from dashboard.backends.gcp.grpc_clients import make_clients
    from dashboard.config import AuthConfig, Config, GcpConfig

    config = Config(gcp=GcpConfig(projects=["p"]), auth=AuthConfig(anonymous=True))
    clients = make_clients(config)
    try:
        assert clients.monitoring.transport._host == "monitoring.googleapis.com:443"
        with pytest.raises(ReadOnlyViolation, match="MetricService/CreateTimeSeries"):
            clients.monitoring.create_time_series(name="projects/p", time_series=[], retry=None, timeout=1)
        with pytest.raises(ReadOnlyViolation, match="JobsV1Beta3/UpdateJob"):
            clients.dataflow.update_job(request={"project_id": "p", "job_id": "j"}, retry=None, timeout=1)
    finally:
        clients.close()


@pytest.mark.parametrize(
    ("path", "read"),
    [
        ("/google.cloud.dataproc.v1.ClusterController/ListClusters", True),
        ("/google.iam.v1.IAMPolicy/GetIamPolicy", True),
        ("/google.cloud.dataproc.v1.ClusterController/StopCluster", False),
        ("/google.longrunning.Operations/CancelOperation", False),
        ("/x.Y/Listen", False),
    ],
)
def test_the_channel_rule_agrees_with_the_tests(path: str, read: bool) -> None:
    from dashboard.backends.gcp.grpc_channels import is_read_rpc

    assert is_read_rpc(path) is read
    assert is_read_only_rpc(path) is read
