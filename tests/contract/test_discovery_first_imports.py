"""The discovery's client is imported only live, and before the worker threads start: ``--demo`` and
``--once`` on a recording import no part of google-cloud-asset (nor the discovery's live module); with an
organisation scope, a whole live poll of every source (several sources asking for the discovery at once,
from their own threads) imports nothing new in a worker thread, in a cold interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .fake_asset import ORG, FakeAssetServer, world
from .test_first_imports import _cold
from .test_live_cli import REPO, served

_LOADED = """
import atexit, json, runpy, sys

def _loaded(path):
    with open(path, "w", encoding="utf-8") as out:
        json.dump(sorted(sys.modules), out)

atexit.register(_loaded, sys.argv[1])
sys.argv = ["gcpdash", *sys.argv[2:]]
runpy.run_module("dashboard", run_name="__main__", alter_sys=True)
"""


@pytest.mark.timeout(60)
@pytest.mark.parametrize("argv", [["--demo"], ["--replay", "fixtures/demo", "--format", "json"]])
def test_once_on_a_recording_imports_no_asset_client(argv: list[str], tmp_path: Path) -> None:
    loaded = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", _LOADED, str(loaded), "--once", *argv],
        capture_output=True, text=True, cwd=REPO, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1, 2), result.stderr
    modules = json.loads(loaded.read_text(encoding="utf-8"))
    assert "dashboard.replay" in modules
    assert [m for m in modules if "asset" in m or m == "dashboard.backends.gcp.discovery"] == []


@pytest.mark.timeout(180)
def test_a_poll_with_an_organisation_scope_imports_nothing_new_in_worker_threads(tmp_path: Path) -> None:
    with served(tmp_path) as config, FakeAssetServer(world()) as asset:
        text = config.read_text(encoding="utf-8")
        scoped = text.replace("[gcp]\n", f'[gcp]\norganization = "{ORG}"\n', 1)
        assert scoped != text
        scoped += f'\n[discovery]\nendpoint = "{asset.address}"\n'
        path = tmp_path / "with-org.toml"
        path.write_text(scoped, encoding="utf-8")
        assert _cold(path) == {"in_threads": [], "errors": []}
        assert asset.requests("google.cloud.asset.v1.AssetService/SearchAllResources")  # it searched
