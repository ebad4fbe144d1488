"""The Composer source only reads: its fetch names no Environments method but the two listings
(statically, though the client offers writes: create, update, delete, execute an Airflow command, save and
load snapshots, fail the database over), a full poll reaches the fake with list calls only, and a write
through its client is refused by the channel before anything is sent."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from dashboard.backends.gcp.grpc_channels import ReadOnlyViolation
from dashboard.recording import format as fmt
from dashboard.sources.composer import api
from dashboard.sources.composer.model import LIST_ENVIRONMENTS, LIST_WORKLOADS
from dashboard.sources.composer.spec import SPEC

from .fake_composer import PROD, T0, FakeComposerServer, world
from .fake_grpc import demo_clients
from .readonly import is_read_only_rpc

pytestmark = pytest.mark.timeout(30)


def _rpcs() -> set[str]:
    """Every RPC method of the Environments GAPIC client (those taking ``retry`` and ``metadata``)."""
    from google.cloud.orchestration.airflow import service_v1

    names: set[str] = set()
    for name, member in inspect.getmembers(service_v1.EnvironmentsClient, inspect.isfunction):
        params = inspect.signature(member).parameters
        if not name.startswith("_") and "retry" in params and "metadata" in params:
            names.add(name)
    return names


def test_the_client_offers_writes_and_the_fetch_names_only_the_listings() -> None:
    rpcs = _rpcs()
    assert {"create_environment", "delete_environment", "execute_airflow_command", "load_snapshot"} <= rpcs
    tree = ast.parse(Path(api.__file__).read_text(encoding="utf-8"))
    named = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert named & rpcs == {"list_environments", "list_workloads"}
    assert not strings & rpcs


def test_the_spec_declares_only_reads() -> None:
    assert SPEC.methods == (LIST_ENVIRONMENTS, LIST_WORKLOADS, fmt.MON_LIST_TIME_SERIES)
    assert all(is_read_only_rpc(m) for m in SPEC.methods)


def test_a_poll_sends_only_list_calls_and_a_write_is_refused_before_it_is_sent() -> None:
    from google.cloud.orchestration.airflow import service_v1

    with FakeComposerServer(world()) as fake:
        made = api.make_clients(demo_clients(fake.address, timeout=2.0, retry_deadline=2.0), fake.address)
        try:
            api.fetch_composer(made, T0)
            assert {r.method for r in fake.received} == {
                LIST_ENVIRONMENTS,
                LIST_WORKLOADS,
                fmt.MON_LIST_TIME_SERIES,
            }
            before = len(fake.received)
            with pytest.raises(ReadOnlyViolation):
                made.environments.delete_environment(request=service_v1.DeleteEnvironmentRequest(name=PROD))
            with pytest.raises(ReadOnlyViolation):
                made.environments.execute_airflow_command(
                    request=service_v1.ExecuteAirflowCommandRequest(environment=PROD, command="dags")
                )
            assert len(fake.received) == before
        finally:
            made.shared.close()


def test_check_names_the_composer_viewer_required_and_monitoring_optional() -> None:
    from dashboard.iam import roles_for

    grants = roles_for("composer")
    assert [(g.role, g.required) for g in grants] == [
        ("roles/composer.environmentAndStorageObjectViewer", True),
        ("roles/monitoring.viewer", False),
    ]
    assert set(grants[0].methods) == {LIST_ENVIRONMENTS, LIST_WORKLOADS}
