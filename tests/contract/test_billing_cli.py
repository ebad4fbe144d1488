"""``gcpdash --once --config FILE`` on a recording, as a person runs it: the config's ``[prices]`` overrides
and ``[[budgets]]`` change the printed cost; the demo's billing is read, a recording without billing.jsonl
says billing is off."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "fixtures" / "demo"

pytestmark = pytest.mark.timeout(60)

CONFIG = """\
[prices]
"bigquery.on_demand.per_tib" = 12.5

[[budgets]]
name = "analytics cap"
amount_usd = 25000
services = ["BigQuery"]
"""


def gcpdash(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=50,
    )


def once_json(*args: str) -> dict[str, Any]:
    result = gcpdash("--once", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def service(document: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in document["cost"]["services"] if s["service"] == name)
    return found


def test_a_price_override_and_a_budget_from_the_config_change_the_demos_cost(tmp_path: Path) -> None:
    config = tmp_path / "gcpdash.toml"
    config.write_text(CONFIG, encoding="utf-8")
    listed = once_json("--demo")
    overridden = once_json("--demo", "--config", str(config))
    # on-demand cost is bytes billed x $/TiB: twice the list price, twice the figure
    before = service(listed, "bigquery_on_demand")["window_spend_usd"]
    after = service(overridden, "bigquery_on_demand")["window_spend_usd"]
    assert before > 1.0
    assert after == pytest.approx(2 * before, rel=1e-9)
    # what the override does not touch stays put
    untouched = service(listed, "dataproc")["window_spend_usd"]
    assert service(overridden, "dataproc")["window_spend_usd"] == untouched
    assert overridden["cost"]["price_overrides"] == {"bigquery.on_demand.per_tib": 12.5}
    assert listed["cost"]["price_overrides"] == {}
    budgets = {b["name"]: b for b in overridden["cost"]["budgets"]}
    assert budgets["analytics cap"]["amount_usd"] == 25000
    assert budgets["analytics cap"]["source"] == "config"
    assert "analytics cap" not in {b["name"] for b in listed["cost"]["budgets"]}
    assert overridden["sources"]["billing"]["state"] == "ok"  # the demo records the billing export


def test_the_text_report_says_the_override_too(tmp_path: Path) -> None:
    config = tmp_path / "gcpdash.toml"
    config.write_text(CONFIG, encoding="utf-8")
    result = gcpdash("--once", "--demo", "--config", str(config), "--width", "160")
    assert result.returncode == 0, result.stderr
    assert "bigquery.on_demand.per_tib=12.5" in result.stdout
    assert "analytics cap" in result.stdout


def test_project_flags_stay_live_only() -> None:
    result = gcpdash("--once", "--demo", "--project", "p")
    assert result.returncode == 3
    assert "--project, --region and --location are for live mode" in result.stderr


def test_a_recording_without_billing_says_billing_is_off(tmp_path: Path) -> None:
    recording = tmp_path / "rec"
    shutil.copytree(DEMO, recording, ignore=shutil.ignore_patterns("billing.jsonl"))
    document = once_json("--replay", str(recording))
    billing = document["sources"]["billing"]
    assert billing["state"] == "off"
    assert "not in this recording" in billing["reason"]
    assert document["sources"]["jobs"]["state"] in ("ok", "stale")


def test_live_once_reads_the_billing_export_and_budgets_from_the_fakes(tmp_path: Path) -> None:
    from dashboard.recording import format as fmt
    from dashboard.recording.format import Exchange

    from .fake_rest import load
    from .serve import Servers, demo_exchanges

    budgets = Exchange(
        v=1,
        poll=1,
        t=datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        source="billing",
        api="grpc",
        method=fmt.BUDGETS_LIST_BUDGETS,
        request={"parent": "billingAccounts/01A2B3-C4D5E6-F7A8B9"},
        response={
            "budgets": [
                {
                    "displayName": "Data platform",
                    "amount": {"specifiedAmount": {"currencyCode": "USD", "units": "40000"}},
                }
            ]
        },
    )
    with Servers() as servers:
        servers.rest.recorded.query.update(load(DEMO / "billing.jsonl").query)
        servers.grpc.serve([*demo_exchanges(), budgets])
        table = "acme-admin.billing_export.gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9"
        text = servers.config().replace("[auth]", f'budgets = "{servers.grpc.address}"\n\n[auth]', 1)
        text += f'\n[billing]\nexport_table = "{table}"\nbilling_account = "01A2B3-C4D5E6-F7A8B9"\n'
        config = tmp_path / "fake.toml"
        config.write_text(text, encoding="utf-8")
        document = once_json("--config", str(config))
    billing = document["sources"]["billing"]
    assert billing["state"] == "ok", billing
    assert document["cost"]["billing"] is not None
    assert {b["name"]: b["source"] for b in document["cost"]["budgets"]} == {"Data platform": "budget-api"}
    assert document["sources"]["jobs"]["state"] == "ok"
