"""The data-quality source only reads: its fetch names no DataScanService or CatalogService method but
its four reads (statically, though the clients offer writes: create, update, delete, run), a full poll
reaches the fake with those calls only, and a write through its clients is refused by the channel before
anything is sent."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from dashboard.backends.gcp import catalog_entries
from dashboard.backends.gcp.grpc_channels import ReadOnlyViolation
from dashboard.models_catalog import GET_ENTRY
from dashboard.sources.dataquality import api
from dashboard.sources.dataquality.model import GET_DATA_SCAN_JOB, LIST_DATA_SCAN_JOBS, LIST_DATA_SCANS
from dashboard.sources.dataquality.spec import SPEC

from .fake_dataplex import NOW, ORDERS_ENTRY, FakeDataplexServer, world
from .fake_grpc import demo_clients
from .readonly import is_read_only_rpc

pytestmark = pytest.mark.timeout(30)


def _rpcs() -> set[str]:
    """Every RPC method of the DataScanService and CatalogService GAPIC clients (those taking ``retry``
    and ``metadata``)."""
    from google.cloud import dataplex_v1

    return {
        name
        for cls in (dataplex_v1.DataScanServiceClient, dataplex_v1.CatalogServiceClient)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") and {"retry", "metadata"} <= set(inspect.signature(member).parameters)
    }


def test_the_client_offers_writes_and_the_fetch_names_only_the_reads() -> None:
    rpcs = _rpcs()
    assert {"create_data_scan", "delete_data_scan", "run_data_scan", "cancel_data_scan_job"} <= rpcs
    assert {"create_entry", "update_entry", "delete_entry", "lookup_entry"} <= rpcs
    trees = [ast.parse(Path(m.__file__).read_text(encoding="utf-8")) for m in (api, catalog_entries)]
    nodes = [n for tree in trees for n in ast.walk(tree)]
    named = {n.attr for n in nodes if isinstance(n, ast.Attribute)}
    strings = {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert named & rpcs == {"list_data_scans", "list_data_scan_jobs", "get_data_scan_job", "get_entry"}
    assert not strings & rpcs


def test_the_spec_declares_only_reads() -> None:
    assert SPEC.methods == (LIST_DATA_SCANS, LIST_DATA_SCAN_JOBS, GET_DATA_SCAN_JOB, GET_ENTRY)
    assert all(is_read_only_rpc(m) for m in SPEC.methods)


def test_a_poll_sends_only_reads_and_a_write_is_refused_before_it_is_sent() -> None:
    from google.cloud import dataplex_v1

    with FakeDataplexServer(world()) as fake:
        made = api.make_clients(demo_clients(fake.address, timeout=2.0, retry_deadline=2.0), fake.address)
        try:
            api.fetch_dataquality(made, NOW)
            assert {r.method for r in fake.received} == {
                LIST_DATA_SCANS,
                LIST_DATA_SCAN_JOBS,
                GET_DATA_SCAN_JOB,
                GET_ENTRY,
            }
            before = len(fake.received)
            with pytest.raises(ReadOnlyViolation):
                made.scans.run_data_scan(
                    request=dataplex_v1.RunDataScanRequest(
                        name="projects/acme-etl/locations/europe-west1/dataScans/orders-dq"
                    )
                )
            with pytest.raises(ReadOnlyViolation):
                made.scans.delete_data_scan(
                    request=dataplex_v1.DeleteDataScanRequest(
                        name="projects/acme-etl/locations/europe-west1/dataScans/orders-dq"
                    )
                )
            with pytest.raises(ReadOnlyViolation):
                made.catalog.delete_entry(request=dataplex_v1.DeleteEntryRequest(name=ORDERS_ENTRY))
            assert len(fake.received) == before
        finally:
            made.shared.close()


def test_the_grants_name_each_read_and_its_role() -> None:
    from dashboard.iam import grant_for, roles_for

    assert [(g.role, g.required) for g in roles_for("dataquality")] == [
        ("roles/dataplex.dataScanViewer", True),
        ("roles/dataplex.dataScanDataViewer", True),
        ("roles/dataplex.catalogViewer", False),
    ]
    assert {m for g in roles_for("dataquality") for m in g.methods} == set(SPEC.methods)
    found = grant_for("dataquality", GET_DATA_SCAN_JOB)
    assert found is not None
    assert found.role == "roles/dataplex.dataScanDataViewer"  # results need their own role
