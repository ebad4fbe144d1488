"""``gcpdash --once --fail-on EXPR`` as a process on the demo recording: exit 0 when no condition holds, 1
when a warning one does, 2 when a critical one does, 3 for an expression it cannot parse; one line on
stderr per condition that fired; the same from the config's ``[alerts]``.

What the demo holds (fixtures/demogen): at 08:00 the Dataproc cluster ml-features is in ERROR (the only
one), the Dataflow batch job customer-360-backfill has failed (07:04), and the platform budget ($27,000) is
forecast to be exceeded while the BigQuery one ($8,000) is not.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import msgspec
import pytest
from views.factory import ESC, MARKUP, RAW_CONTROLS, RTL, snapshot

from dashboard.alerts import conditions
from dashboard.cli import print_snapshot

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "dashboard" / "data" / "snapshot.schema.json").read_text(encoding="utf-8"))
AT = "2026-11-26T08:00:00Z"

pytestmark = pytest.mark.timeout(60)


def gcpdash(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python -m dashboard ARGV`` as a process."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *argv],
        capture_output=True,
        cwd=cwd,
        timeout=60,
        check=False,
        text=True,
        encoding="utf-8",
    )


def once(*argv: str) -> subprocess.CompletedProcess[str]:
    """``gcpdash --once --demo --at 08:00 ARGV``."""
    return gcpdash("--once", "--demo", "--at", AT, *argv)


def test_no_condition_holds_exit_0() -> None:
    result = once(
        "--fail-on", "dataproc.clusters_error > 1", "--fail-on", "critical: dataflow.jobs_failed != 1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Alerts  none of 2 fired; exit 0" in result.stdout


def test_a_warning_exits_1_and_says_why_on_stderr() -> None:
    result = once("--fail-on", "dataproc.clusters_error >= 1", "--fail-on", "budgets.over > 1")
    assert result.returncode == 1, result.stderr
    assert result.stderr == "gcpdash: warning: dataproc.clusters_error >= 1 (value 1)\n"
    assert "Alerts  1 of 2 fired: 0 critical, 1 warning; exit 1" in result.stdout
    assert "\nFIRED  warning   dataproc.clusters_error >= 1  (value 1; --fail-on)\n" in result.stdout
    assert "\nok     warning   budgets.over > 1  (value 1; --fail-on)\n" in result.stdout


def test_a_critical_one_exits_2_and_comes_first_on_stderr() -> None:
    result = once(
        "--fail-on",
        "warning: dataflow.jobs_failed > 0",
        "--fail-on",
        "critical: budgets.over > 0",
        "--fail-on",
        "critical: insights.critical > 0",
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines[:2] == ["gcpdash: critical: budgets.over > 0 (value 1)", lines[1]]
    # the first insights it counts, by rule and resource: ml-features in ERROR is the costliest critical one
    assert re.fullmatch(r"gcpdash: critical: insights\.critical > 0 \(value [1-9]\d*: .+\)", lines[1])
    assert "dataproc.error_cluster:ml-features" in lines[1]
    assert lines[2:] == ["gcpdash: warning: dataflow.jobs_failed > 0 (value 1)"]


@pytest.mark.parametrize(
    ("expr", "says"),
    [
        ("__import__('os').system('touch pwned')", "unknown metric '__import__'"),
        ("cost.burn_rate > 50", "did you mean cost.burn_rate_usd_per_hour?"),
        ("cost.burn_rate_usd_per_hour > 50$", "expected a plain number"),
        ("jobs.running > 1 or 1", "one comparison per expression"),
    ],
)
def test_an_expression_it_cannot_parse_exits_3(tmp_path: Path, expr: str, says: str) -> None:
    result = gcpdash("--once", "--demo", "--fail-on", expr, cwd=tmp_path)
    assert result.returncode == 3
    assert result.stdout == "", "nothing is read or printed before the expressions parse"
    assert result.stderr.startswith(f"gcpdash: error: --fail-on {expr!r}, column ")
    assert says in result.stderr
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == [], "the expression ran"


def test_fail_on_needs_once() -> None:
    result = gcpdash("--demo", "--fail-on", "jobs.running > 0")
    assert result.returncode == 3
    assert (
        result.stderr
        == "gcpdash: error: --fail-on needs --once: it sets the exit code of one snapshot; add --once\n"
    )


def test_json_has_the_alerts_and_still_validates() -> None:
    result = once(
        "--format",
        "json",
        "--fail-on",
        "critical: dataproc.clusters_error > 0",
        "--fail-on",
        "jobs.total < 0",
    )
    assert result.returncode == 2
    doc = json.loads(result.stdout)
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["schema"] == "gcpdash.snapshot/1"
    assert doc["alerts"] == [
        {
            "expr": "dataproc.clusters_error > 0",
            "severity": "critical",
            "metric": "dataproc.clusters_error",
            "op": ">",
            "threshold": 0.0,
            "value": 1,
            "fired": True,
            "origin": "--fail-on",
            "findings": [],
        },
        {
            "expr": "jobs.total < 0",
            "severity": "warning",
            "metric": "jobs.total",
            "op": "<",
            "threshold": 0.0,
            "value": doc["jobs"]["total"],
            "fired": False,
            "origin": "--fail-on",
            "findings": [],
        },
    ]
    assert doc["metrics"]["dataproc.clusters_error"] == 1
    assert doc["metrics"]["dataflow.jobs_failed"] == 1
    assert doc["metrics"]["insights.total"] == len(doc["insights"])
    assert result.stderr == "gcpdash: critical: dataproc.clusters_error > 0 (value 1)\n"


def test_markdown_has_an_alerts_section() -> None:
    result = once("--format", "markdown", "--fail-on", "budgets.max_forecast_pct >= 100")
    assert result.returncode == 1
    assert "## Alerts\n_1 of 1 fired: 0 critical, 1 warning; exit 1_" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("| FIRED |"))
    assert row.startswith("| FIRED | warning | budgets.max\\_forecast\\_pct \\>= 100 | 10")
    assert row.endswith(" | --fail-on |")


def test_config_alerts(tmp_path: Path) -> None:
    config = tmp_path / "gcpdash.toml"
    config.write_text(
        '[alerts]\nwarning = ["jobs.failed > 0"]\ncritical = ["dataproc.clusters_error > 0"]\n',
        encoding="utf-8",
    )
    result = once("--config", str(config))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "gcpdash: critical: dataproc.clusters_error > 0 (value 1)",
        result.stderr.splitlines()[1],
    ]
    assert re.fullmatch(
        r"gcpdash: warning: jobs\.failed > 0 \(value [1-9]\d*\)", result.stderr.splitlines()[1]
    )
    assert "[alerts] critical in " in result.stdout


def test_a_bad_config_expression_exits_3(tmp_path: Path) -> None:
    config = tmp_path / "gcpdash.toml"
    config.write_text('[alerts]\ncritical = ["insights.critical >> 0"]\n', encoding="utf-8")
    result = once("--config", str(config))
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"gcpdash: error: [alerts] critical in {config} 'insights.critical >> 0', column 20:"
    )


def test_replay_too() -> None:
    result = gcpdash(
        "--once", "--replay", "fixtures/demo", "--at", AT, "--fail-on", "critical: dataflow.jobs_failed >= 1"
    )
    assert result.returncode == 2
    assert result.stderr == "gcpdash: critical: dataflow.jobs_failed >= 1 (value 1)\n"


def test_the_stderr_line_shows_cloud_text_safely(capsys: pytest.CaptureFixture[str]) -> None:
    base = snapshot()
    hostile = f"ml-{MARKUP}{ESC}[2J{RTL}"
    clusters = tuple(
        msgspec.structs.replace(c, name=hostile) if c.state == "ERROR" else c for c in base.dataproc.clusters
    )
    code = print_snapshot(
        msgspec.structs.replace(base, dataproc=msgspec.structs.replace(base.dataproc, clusters=clusters)),
        fmt="json",
        width=None,
        checks=conditions(["critical: insights.rule.dataproc.error_cluster > 0"]),
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    for raw in RAW_CONTROLS:
        assert raw not in err
    assert err == (
        "gcpdash: critical: insights.rule.dataproc.error_cluster > 0 "
        f"(value 1: dataproc.error_cluster:ml-{MARKUP}\\x1b[2J\\u202e)\n"
    )
