"""The discovery only reads: its module names no Asset API method but ``search_all_resources``
(statically, though the client offers writes: feeds, saved queries, exports), a discovery reaches the fake
with that search only, and a write through its client is refused by the channel before anything is
sent."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from dashboard.backends.gcp import discovery
from dashboard.backends.gcp.context import FetchContext
from dashboard.backends.gcp.grpc_channels import ReadOnlyViolation
from dashboard.parsers.discovery import SEARCH_ALL_RESOURCES

from .fake_asset import T0, FakeAssetServer, org_config, world
from .readonly import is_read_only_rpc

pytestmark = pytest.mark.timeout(30)


def _rpcs() -> set[str]:
    """Every RPC method of the Asset client (those taking ``retry`` and ``metadata``)."""
    from google.cloud import asset_v1

    names: set[str] = set()
    for name, member in inspect.getmembers(asset_v1.AssetServiceClient, inspect.isfunction):
        params = inspect.signature(member).parameters
        if not name.startswith("_") and "retry" in params and "metadata" in params:
            names.add(name)
    return names


def test_the_client_offers_writes_and_the_discovery_names_only_the_search() -> None:
    rpcs = _rpcs()
    assert {"create_feed", "delete_feed", "export_assets", "update_saved_query"} <= rpcs
    tree = ast.parse(Path(discovery.__file__).read_text(encoding="utf-8"))
    named = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert named & rpcs == {"search_all_resources"}
    assert not strings & rpcs
    assert is_read_only_rpc(SEARCH_ALL_RESOURCES)


def test_a_discovery_sends_only_the_search_and_a_write_is_refused_before_it_is_sent() -> None:
    from google.cloud import asset_v1

    with FakeAssetServer(world()) as fake:
        ctx = FetchContext(org_config(fake.address))
        try:
            found = discovery.Discoverer(ctx)
            found.get(T0)
            assert {r.method for r in fake.received} == {SEARCH_ALL_RESOURCES}
            before = len(fake.received)
            client = found._client
            with pytest.raises(ReadOnlyViolation, match="AssetService/DeleteFeed refused"):
                client.delete_feed(request=asset_v1.DeleteFeedRequest(name="organizations/1/feeds/f"))
            with pytest.raises(ReadOnlyViolation, match="AssetService/CreateFeed refused"):
                client.create_feed(request=asset_v1.CreateFeedRequest(parent="organizations/1", feed_id="f"))
            assert len(fake.received) == before
        finally:
            ctx.close()
