"""The Data Fusion source only reads: its fetch names no client method but ``list_instances`` (statically,
though the client offers create, update, delete and restart), a full poll reaches the fake with list
calls only, and a write through its client is refused by the channel before anything is sent."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from dashboard.backends.gcp.grpc_channels import ReadOnlyViolation
from dashboard.sources.datafusion import api
from dashboard.sources.datafusion.model import LIST_INSTANCES
from dashboard.sources.datafusion.spec import SPEC

from .fake_datafusion import T0, FakeDatafusionServer, world
from .fake_grpc import demo_clients
from .readonly import is_read_only_rpc

pytestmark = pytest.mark.timeout(30)


def _rpcs() -> set[str]:
    """Every RPC method of the Data Fusion GAPIC client (those taking ``retry`` and ``metadata``)."""
    from google.cloud import data_fusion_v1

    names: set[str] = set()
    for name, member in inspect.getmembers(data_fusion_v1.DataFusionClient, inspect.isfunction):
        params = inspect.signature(member).parameters
        if not name.startswith("_") and "retry" in params and "metadata" in params:
            names.add(name)
    return names


def test_the_client_offers_writes_and_the_fetch_names_only_the_listing() -> None:
    rpcs = _rpcs()
    assert {"create_instance", "delete_instance", "update_instance", "restart_instance"} <= rpcs
    tree = ast.parse(Path(api.__file__).read_text(encoding="utf-8"))
    named = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert named & rpcs == {"list_instances"}
    assert not strings & rpcs


def test_the_spec_declares_only_reads() -> None:
    assert SPEC.methods == (LIST_INSTANCES,)
    assert all(is_read_only_rpc(m) for m in SPEC.methods)


def test_a_poll_sends_only_list_calls_and_a_write_is_refused_before_it_is_sent() -> None:
    from google.cloud import data_fusion_v1

    with FakeDatafusionServer(world()) as fake:
        made = api.make_clients(demo_clients(fake.address, timeout=2.0, retry_deadline=2.0), fake.address)
        try:
            api.fetch_datafusion(made, T0)
            assert {r.method for r in fake.received} == {LIST_INSTANCES}
            before = len(fake.received)
            with pytest.raises(ReadOnlyViolation):
                made.client.delete_instance(
                    request=data_fusion_v1.DeleteInstanceRequest(
                        name="projects/acme-etl/locations/europe-west1/instances/etl-fusion"
                    )
                )
            with pytest.raises(ReadOnlyViolation):
                made.client.restart_instance(
                    request=data_fusion_v1.RestartInstanceRequest(
                        name="projects/acme-etl/locations/europe-west1/instances/etl-fusion"
                    )
                )
            assert len(fake.received) == before
        finally:
            made.shared.close()
