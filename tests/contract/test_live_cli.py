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
def served(tmp_path: Path, *fail: str) -> Iterator[Path]:
    """Run the fake servers in a subprocess; yields the config file they wrote."""
    config = tmp_path / "fake.toml"
    args = [sys.executable, "-m", "tests.contract.serve", "--config-out", str(config)]
    for source in fail:
        args += ["--fail", source]
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
