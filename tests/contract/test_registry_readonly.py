"""Every registered source, a plugin's too, says which API methods it may call, and each is a read: a gRPC
``List``/``Get``/``Search``/``AggregatedList`` method, or a REST ``list``/``get`` (BigQuery's
``jobs.query`` and ``getQueryResults`` run the SELECTs tests/contract/test_bigquery_readonly.py checks).
Every method a recording of the source holds is one it declared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard import registry
from dashboard.recording import format as fmt

from .plugin_site import install, installed_here
from .readonly import is_read_only_rpc

SELECTS = {fmt.BQ_JOBS_QUERY, fmt.BQ_GET_QUERY_RESULTS}
"""BigQuery's query calls: read-only by what they run (SELECT on INFORMATION_SCHEMA and the export)."""
DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"


def is_read(method: str) -> bool:
    if "/" in method:
        return is_read_only_rpc(method)
    last = method.rsplit(".", 1)[-1]
    # a REST search is a read sent as a POST (Vertex AI's stats anomalies: test_vertex_readonly.py)
    return method in SELECTS or last in ("list", "get") or last.startswith("search")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install(tmp_path_factory.mktemp("plugin"))


def test_every_registered_sources_methods_are_reads(site: Path) -> None:
    with installed_here(site):
        specs = registry.sources()
        assert "queues" in [s.name for s in specs]  # the plugin (sources sort by name after the built-ins)
        for spec in specs:
            assert spec.methods, spec.name
            writes = [m for m in spec.methods if not is_read(m)]
            assert writes == [], (spec.name, writes)
            # every role it names covers methods it declared
            for grant in spec.grants:
                assert set(grant.methods) <= set(spec.methods), (spec.name, grant)


def test_the_demo_recording_calls_only_declared_methods() -> None:
    for spec in registry.sources():
        log = DEMO / f"{spec.name}.jsonl"
        called = {json.loads(line)["method"] for line in log.read_text().splitlines() if line.strip()}
        assert called <= set(spec.methods), (spec.name, called - set(spec.methods))
