"""Every source live at once: ``gcpdash --once`` against ``python -m tests.contract.serve``'s fakes (the
demo's BigQuery, reservations, Dataproc, Dataflow, billing export and budgets, and the registered sources'
estates), as the README tells a user to try the live path without Google."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dashboard.registry import sources

from .serve import Servers

pytestmark = pytest.mark.timeout(180)

ROOT = Path(__file__).resolve().parents[2]


def _once(config: Path, fmt: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "--once", "--config", str(config), "--format", fmt],
        capture_output=True,
        cwd=ROOT,
        timeout=150,
        check=False,
        env={**os.environ, "COLUMNS": "200", "GRPC_VERBOSITY": "ERROR"},
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    config = tmp_path_factory.mktemp("platform") / "fake.toml"
    with Servers(platform=True) as servers:
        config.write_text(servers.config(timeout=10.0, deadline=10.0), encoding="utf-8")
        done = _once(config, "json")
    assert done.returncode in (0, 1, 2), done.stderr.decode(errors="replace")
    doc: dict[str, Any] = json.loads(done.stdout)
    return doc


def test_every_registered_source_reads_ok(report: dict[str, Any]) -> None:
    names = [spec.name for spec in sources()]
    assert {n: report["sources"][n]["state"] for n in names} == dict.fromkeys(names, "ok")
    assert report["mode"] == "live"


def test_data_fusion_as_the_estate_has_it(report: dict[str, Any]) -> None:
    # fake_datafusion.py: sandbox-fusion (DEVELOPER, ACTIVE), etl-fusion (ENTERPRISE, ACTIVE), broken-fusion
    # (BASIC, FAILED on a CPU quota); asia-east1 of acme-etl does not answer
    found = {i["instance_id"]: (i["edition"], i["state"]) for i in report["datafusion"]["instances"]}
    assert found == {
        "sandbox-fusion": ("DEVELOPER", "ACTIVE"),
        "etl-fusion": ("ENTERPRISE", "ACTIVE"),
        "broken-fusion": ("BASIC", "FAILED"),
    }


def test_data_quality_reads_the_scans_jobs_whatever_the_moment(report: dict[str, Any]) -> None:
    # the scans' jobs are listed with a filter two days before the poll: served whatever the moment
    jobs = {
        (i["scan_id"], i["job_id"]): i["state"] for i in report["dataquality"]["items"] if i["type"] == "job"
    }
    assert jobs[("sessions-dq", "7a8b-0955")] == "RUNNING"
    assert ("orders-dq", "3c4d-today") in jobs
    assert not report["dataquality"]["warnings"]


def test_the_billing_export_and_budgets_are_read(report: dict[str, Any]) -> None:
    cost = report["cost"]
    assert cost["billing"] is not None
    # the demo's ListBudgets (fixtures/demo/billing.jsonl): two budgets, $27,000 and $8,000
    budgets = {b["name"]: (b["source"], b["amount_usd"]) for b in cost["budgets"]}
    assert budgets == {
        "Data platform - monthly": ("budget-api", 27_000.0),
        "BigQuery analysis": ("budget-api", 8_000.0),
    }


def test_same_named_subscriptions_in_two_projects_read_apart(report: dict[str, Any]) -> None:
    # fake_pubsub.py: an events-sub in acme-analytics (5,000 undelivered) and one in acme-etl (7,000)
    titles = [i["title"] for i in report["insights"]]
    assert len(titles) == len(set(titles))
    nobody = sorted(i["title"] for i in report["insights"] if i["rule"] == "pubsub.nobody_reads")
    assert nobody == [
        "Nobody reads subscription events-sub (acme-analytics/events-sub)",
        "Nobody reads subscription events-sub (acme-etl/events-sub)",
    ]
