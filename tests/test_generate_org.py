"""The organisation recording's generator (fixtures/generate_org.py, behind ``make bench``) writes what
``gcpdash --once --replay`` reads: the organisation totals shown, each poll within the row budget."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.timeout(120)
def test_a_small_generated_organisation_replays_with_its_totals(tmp_path: Path) -> None:
    path = tmp_path / "org"
    subprocess.run(
        [sys.executable, str(ROOT / "fixtures" / "generate_org.py"), "--out", str(path), "--projects", "20",
         "--jobs-per-day", "10000", "--hours", "6", "--polls", "2"],
        check=True, capture_output=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    exchanges = [json.loads(line) for line in (path / "jobs.jsonl").read_text().splitlines()]
    # two polls × US and EU, each one jobs.query page labelled as the organisation query
    assert [(e["poll"], e["request"]["location"]) for e in exchanges] == [
        (1, "US"),
        (1, "EU"),
        (2, "US"),
        (2, "EU"),
    ]
    assert {e["request"]["labels"]["gcpdash-query"] for e in exchanges} == {"jobs-org"}
    rows_per_poll = {1: 0, 2: 0}
    latest_total: dict[tuple[str, str], int] = {}  # a later poll's hour replaces the earlier one's
    for e in exchanges:
        rows = e["response"]["rows"]
        assert e["response"]["totalRows"] == str(len(rows))
        rows_per_poll[e["poll"]] += len(rows)
        for row in rows:
            cells = [c["v"] for c in row["f"]]
            if cells[0] == "agg" and cells[2] == "total":
                latest_total[e["request"]["location"], cells[1]] = int(cells[4])
    # first poll: 03:00 to 09:00 (7 hours) × 6 dimensions, each at most top_k 25 keys + 1 remainder row,
    # plus at most 100 top jobs and 500 active ones, per location
    assert all(n <= 2 * (7 * 6 * 26 + 100 + 500) for n in rows_per_poll.values())
    assert all(n <= 5_000 for n in rows_per_poll.values())
    assert len(latest_total) == 2 * 7  # US and EU, 03:00 … 09:00
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "--once", "--replay", str(path), "--format", "json"],
        capture_output=True, text=True, timeout=60, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["jobs"]["total"] == sum(latest_total.values()) > 0  # BigQuery's counts, not the jobs listed
    assert report["overview"]["bigquery_jobs_total"] == sum(latest_total.values())
    assert report["overview"]["window_spend_usd"] > 0
