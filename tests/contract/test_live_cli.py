"""End to end, as a person runs it: ``python -m tests.contract.serve`` starts both fake servers and writes a
config; ``gcpdash --once --config FILE --format json`` prints every pane from the live path, and with one
source failing, that source's status says why while the rest is full; ``gcpdash --check`` exits 0, 1 or 3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.timeout(90)


@contextmanager
def served(tmp_path: Path, *fail: str, world: bool = False) -> Iterator[Path]:
    """Run the fake servers of the built-in sources in a subprocess (``--fail`` can fail each of them; every
    source at once: test_platform_live.py); yields the config file they wrote."""
    config = tmp_path / "fake.toml"
    args = [sys.executable, "-m", "tests.contract.serve", "--config-out", str(config), "--built-ins"]
    for source in fail:
        args += ["--fail", source]
    if world:
        args.append("--world")
    env = {**os.environ, "GRPC_VERBOSITY": "ERROR"}
    process = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "serving: ..." once the config is written
        assert line.startswith("serving:"), line
        yield config
    finally:
        process.terminate()
        process.wait(10)


def gcpdash(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GCPDASH_")}
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=REPO,
        env={**env, "GRPC_VERBOSITY": "ERROR"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_once_json_prints_every_pane_from_the_live_path(tmp_path: Path) -> None:
    with served(tmp_path) as config:
        started = time.monotonic()
        result = gcpdash("--once", "--config", str(config), "--format", "json")
        elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["mode"] == "live"
    assert report["projects"] == ["acme-analytics", "acme-etl"]
    statuses = report["sources"]
    for source in ("jobs", "reservations", "dataproc", "dataflow"):
        assert statuses[source]["state"] == "ok", statuses[source]
        pane = report[source]
        assert any(isinstance(value, list) and value for value in pane.values()), (source, pane)
    assert elapsed < 30
    text = result.stdout
    for needle in ("acme-analytics", "acme-etl", "adhoc"):
        assert needle in text


def test_one_failing_source_says_why_and_the_rest_is_full(tmp_path: Path) -> None:
    with served(tmp_path, "dataproc") as config:
        result = gcpdash("--once", "--config", str(config), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    statuses = report["sources"]
    assert statuses["dataproc"]["state"] == "error"
    assert "needs roles/dataproc.viewer" in statuses["dataproc"]["reason"]
    for source in ("jobs", "reservations", "dataflow"):
        assert statuses[source]["state"] == "ok", statuses[source]
        assert any(isinstance(value, list) and value for value in report[source].values())


def test_check_exit_codes(tmp_path: Path) -> None:
    with served(tmp_path) as config:
        good = gcpdash("--check", "--config", str(config))
    with served(tmp_path, "jobs") as config:
        some = gcpdash("--check", "--config", str(config))
    with served(tmp_path, "jobs", "reservations", "dataproc", "dataflow") as config:
        none = gcpdash("--check", "--config", str(config))
    assert good.returncode == 0, good.stdout + good.stderr
    assert "credentials: anonymous" in good.stdout
    assert f"config: {config}" in good.stdout
    assert "jobs: readable" in good.stdout
    assert "$" in good.stdout.split("polling cost", 1)[1]
    assert some.returncode == 1
    assert "jobs: NOT readable: 403 accessDenied: needs roles/bigquery.resourceViewer" in some.stdout
    assert none.returncode == 3
    assert "dataflow: NOT readable" in none.stdout


def test_without_credentials_one_line_says_how_to_get_them(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GCPDASH_", "GOOGLE_", "CLOUDSDK_"))}
    env |= {"HOME": str(tmp_path), "NO_GCE_CHECK": "True", "CLOUDSDK_CONFIG": str(tmp_path / "gcloud")}
    for args in (["--once", "--project", "acme-p"], ["--check", "--project", "acme-p"]):
        result = subprocess.run(
            [sys.executable, "-m", "dashboard", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 3, result
        assert "Traceback" not in result.stderr
        assert "gcloud auth application-default login" in result.stderr + result.stdout


WORKFORCE = (
    "principal://iam.googleapis.com/locations/global/workforcePools/acme-pool/subject/ana@acme.example"
)


def test_once_shows_every_projects_history_queued_jobs_and_modes(tmp_path: Path) -> None:
    """Two job projects in US and europe-west4, reservations in acme-admin (tests/contract/world.py)."""
    with served(tmp_path, world=True) as config:
        result = gcpdash("--once", "--config", str(config), "--format", "json")
        check = gcpdash("--check", "--config", str(config))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["projects"] == ["acme-etl", "acme-bi"]
    assert report["sources"]["jobs"]["state"] == "ok", report["sources"]["jobs"]
    jobs = report["jobs"]
    listed = {j["job_id"]: j for j in (*jobs["running"], *jobs["recent"])}
    # acme-bi, the second project, is read in the first (the only) poll: finished jobs, failure, europe-west4
    for job_id in ("bi_dash_1", "bi_dash_2", "bi_fail_1", "bi_eu_1", "etl_eu_1", "etl_nightly_1"):
        assert job_id in listed, job_id
    assert "bi_old_1" not in listed  # older than the 6 h first window
    assert listed["bi_fail_1"]["status"] == "FAILED"
    assert listed["bi_queued_1"]["state"] == "PENDING"  # queued: listed with the running ones
    assert listed["bi_queued_1"]["principal"] == WORKFORCE
    assert listed["etl_live_1"]["state"] == "RUNNING"
    assert "etl_listed_done" not in listed  # jobs.list was asked for pending and running jobs only
    principals = {g["principal"]: g for g in jobs["by_principal"]}
    assert principals[WORKFORCE]["jobs"] == 3  # bi_dash_1, bi_dash_2 and the queued bi_queued_1
    assert principals[WORKFORCE]["running"] == 0
    assert "(unknown)" not in principals
    cost = report["cost"]
    [on_demand] = [s for s in cost["services"] if s["service"] == "bigquery_on_demand"]
    # etl_eu_1 0.5 TiB + bi_dash_1 4 TiB + bi_dash_2 3 TiB + bi_eu_1 0.25 TiB, at $6.25/TiB = $48.4375
    assert on_demand["window_spend_usd"] == pytest.approx((0.5 + 4 + 3 + 0.25) * 6.25)
    assert cost["project_modes"] == {"acme-bi": "on-demand", "acme-etl": "editions"}
    assert check.returncode == 0, check.stdout + check.stderr
    # the first poll queried 2 projects x 2 locations
    assert "first poll (and each gcpdash --once): 4 history queries" in check.stdout
