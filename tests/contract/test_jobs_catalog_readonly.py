"""The jobs source's catalog read is read-only: its one Dataplex RPC is ``GetEntry``, declared on the spec
with the role that allows it (``--check`` lists it), and its live module calls no other client method."""

from __future__ import annotations

import ast
from pathlib import Path

from dashboard.backends.gcp import catalog_entries
from dashboard.models_catalog import GET_ENTRY
from dashboard.sources.jobs import api_catalog
from dashboard.sources.jobs.spec import SPEC

from .readonly import is_read_only_rpc


def test_the_spec_declares_get_entry_and_its_optional_role() -> None:
    assert GET_ENTRY in SPEC.methods
    assert is_read_only_rpc(GET_ENTRY)
    [grant] = [g for g in SPEC.grants if GET_ENTRY in g.methods]
    assert grant.role == "roles/dataplex.catalogViewer"
    assert grant.required is False  # the jobs are shown without it


def test_the_catalog_modules_call_only_get_entry() -> None:
    from google.cloud import dataplex_v1

    rpcs = {n for n in dir(dataplex_v1.CatalogServiceClient) if not n.startswith("_")}
    assert {"create_entry", "update_entry", "delete_entry"} <= rpcs
    for module in (api_catalog, catalog_entries):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        named = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        assert named & rpcs <= {"get_entry"}, module.__name__
