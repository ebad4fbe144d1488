"""What :class:`~tests.contract.fake_rest.FakeRest` serves from a recording: the jobs.list listings, the
jobs.query answers by project and query label, and the further result pages, read from a jobs.jsonl (the
demo's, and its billing.jsonl for the billing export and budgets)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "jobs.jsonl"
BILLING_TABLE = "acme-admin.billing_export.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9"
"""The demo's billing export table (fixtures/demo/billing.jsonl)."""
BILLING_ACCOUNT = "01A2B3-C4D5E6-F7A8B9"
"""The demo's billing account (its budgets')."""


@dataclass
class Recorded:
    """What the fake serves, from a recording's jobs.jsonl."""

    jobs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Per project, the jobs of its fullest recorded jobs.list of each state (the demo's: running)."""
    query: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """Per project and query label, the first recorded jobs.query response."""
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    """getQueryResults responses by page token."""


def load(path: Path = DEMO) -> Recorded:
    """Read the payloads the fake serves from a jobs.jsonl."""
    recorded = Recorded()
    fullest: dict[tuple[str, str], list[dict[str, Any]]] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            ex = json.loads(line)
            response = ex.get("response")
            if not isinstance(response, dict):
                continue
            if ex["method"] == "bigquery.jobs.list":  # per project, its fullest listing of each state
                key = (ex["path"].split("/")[4], ex.get("params", {}).get("stateFilter", ""))
                jobs = response.get("jobs", [])
                if len(jobs) >= len(fullest.get(key, [])):
                    fullest[key] = jobs
            elif ex["method"] == "bigquery.jobs.query":
                label = (ex.get("request", {}).get("labels") or {}).get("gcpdash-query", "")
                recorded.query.setdefault((ex["path"].split("/")[4], label), response)
            elif ex["method"] == "bigquery.jobs.getQueryResults":
                token = ex.get("params", {}).get("pageToken")
                if token:
                    recorded.results.setdefault(token, response)
    for (project, _), jobs in sorted(fullest.items()):
        recorded.jobs.setdefault(project, []).extend(jobs)
    return recorded


def with_billing() -> Recorded:
    """The demo's jobs.jsonl payloads and its billing export's query results (billing.jsonl)."""
    recorded = load()
    billing = load(DEMO.parent / "billing.jsonl")
    recorded.query.update(billing.query)
    recorded.results.update(billing.results)
    return recorded
