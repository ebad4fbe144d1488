"""``--once`` in every format shows the cost with what each figure is: estimate or billed, the price table,
the overrides and budgets of the config; on the demo, the estimate next to the bill."""

from __future__ import annotations

import io
import json
from functools import cache

import jsonschema
import pytest

from dashboard.config import Budget, Config
from dashboard.models import Snapshot
from dashboard.recording.demo import demo_path
from dashboard.replay import load_snapshot
from dashboard.report.json_report import json_schema, render_json
from dashboard.report.markdown import render_markdown
from dashboard.report.text import console_for, print_report

CONFIG = Config(
    prices={"bigquery.on_demand.per_tib": 5.0},
    budgets=[
        Budget(name="platform", amount_usd=30000.0),
        Budget(name="warehouse", amount_usd=1.0, services=["BigQuery"]),
    ],
)


@cache
def demo() -> Snapshot:
    snapshot, _ = load_snapshot(demo_path(), mode="demo")
    return snapshot


def test_json_carries_billed_figures_overrides_and_budgets() -> None:
    doc = json.loads(render_json(demo(), config=CONFIG))
    jsonschema.Draft202012Validator(json_schema()).validate(doc)
    cost = doc["cost"]
    assert cost["estimate"] is True
    assert cost["price_version"] == "2026.12.1"
    assert cost["price_overrides"] == {"bigquery.on_demand.per_tib": 5.0}
    assert cost["billing"]["billed"] is True
    # every service's bill reaches 05:00 (Dataflow's and Cloud Storage's), BigQuery's 07:00 (the hourly model
    # retraining has a row in 06:00-07:00): said per service
    assert cost["billing"]["billed_through"] == "2026-11-26T05:00:00Z"
    through = {t["service"]: t["billed_through"] for t in cost["billing"]["service_through"]}
    assert through["Cloud Dataflow"] == "2026-11-26T05:00:00Z"
    assert through["BigQuery"] == "2026-11-26T07:00:00Z"
    ends = {c["service"]: c["end"] for c in cost["billing"]["checks"]}
    assert (ends["dataflow"], ends["bigquery_on_demand"]) == ("2026-11-26T05:00:00Z", "2026-11-26T07:00:00Z")
    assert {c["service"] for c in cost["billing"]["checks"]} == {
        "bigquery_on_demand",
        "bigquery_editions",
        "bi_engine",
        "dataproc",
        "dataflow",
    }
    # the Storage Read API's reads are billed only: a line of the bill, never checked against an estimate
    read = next(s for s in cost["billing"]["services"] if s["service"] == "bigquery_storage_read")
    assert read["billing_services"] == ["BigQuery Storage API - Read"]
    assert read["title"] == "BigQuery Storage Read API (billed only, no estimate)"
    assert read["mtd_usd"] > 0
    assert all(s["service"] != "bigquery_storage_read" for s in cost["services"])
    assert cost["month"]["mtd_basis"] == "billed + estimate"
    budgets = {b["name"]: b for b in cost["budgets"]}
    assert budgets["warehouse"]["over"] is True
    assert budgets["warehouse"]["services"] == ["bigquery_on_demand", "bigquery_ml", "bigquery_editions"]
    assert budgets["platform"]["spent_usd"] == pytest.approx(cost["month"]["mtd_usd"])
    assert doc["sources"]["billing"]["state"] == "ok"


def test_the_on_demand_override_changes_the_estimate_not_the_bill() -> None:
    plain = json.loads(render_json(demo()))["cost"]
    cheaper = json.loads(render_json(demo(), config=CONFIG))["cost"]
    od = next(s for s in plain["services"] if s["service"] == "bigquery_on_demand")
    od5 = next(s for s in cheaper["services"] if s["service"] == "bigquery_on_demand")
    assert od5["window_spend_usd"] == pytest.approx(od["window_spend_usd"] * 5.0 / 6.25)
    assert cheaper["billing"]["mtd_usd"] == plain["billing"]["mtd_usd"]


def test_markdown_and_text_label_every_table() -> None:
    md = render_markdown(demo(), config=CONFIG)
    buffer = io.StringIO()
    print_report(demo(), console_for(buffer, width=200), config=CONFIG)
    text = buffer.getvalue()
    for out in (md, text):
        assert "Per service (estimate, price table 2026.12.1 + 1 override(s))" in out
        assert "Billed (billing export through 2026-11-26 05:00 UTC for every service) vs estimate" in out
        assert "Billed per day (billed, net of credits)" in out
        assert "Budgets (spent and forecast: billed + estimate)" in out
        assert "month-end forecast" in out
        assert "2026-11: month to date (billed + estimate) and forecast" in out
        # the Storage Read API's reads: a billed line that says it has no estimate, and a column per day
        assert "BigQuery Storage Read API (billed only, no estimate)" in out
        assert "STORAGE READ" in out
    # the Overview, in both
    assert "Estimate vs billed, each service over the hours its bill covers" in text
    assert "### Estimate vs billed, each service over the hours its bill covers" in md
    assert "01:00–05:00" in text  # Dataflow's bill ends at 05:00
    assert "01:00–06:00" in text  # BigQuery's at 06:00
    assert "- Budget platform: " in md
