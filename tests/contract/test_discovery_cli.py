"""``gcpdash --once --org N`` live, against the fake servers and the fake Asset API: the report is printed
as without a scope, and stderr says what discovery found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .fake_asset import ORG, FakeAssetServer, world
from .test_live_cli import gcpdash, served


@pytest.mark.timeout(120)
def test_once_says_what_discovery_found(tmp_path: Path) -> None:
    with served(tmp_path) as config, FakeAssetServer(world()) as asset:
        path = tmp_path / "with-discovery.toml"
        path.write_text(config.read_text(encoding="utf-8") + f'\n[discovery]\nendpoint = "{asset.address}"\n')
        result = gcpdash("--once", "--config", str(path), "--org", ORG, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["mode"] == "live"
    # acme-analytics and acme-etl hold something, in europe-west1, asia-northeast1, us-west1 and us; the
    # organisation's 3 projects × the 2 watched regions (us-central1, europe-west1) = 6 pairs, of which
    # only acme-analytics/europe-west1 holds something: 5 skipped
    assert "gcpdash: discovery: 2 projects × 4 regions hold something; 5 skipped\n" in result.stderr
