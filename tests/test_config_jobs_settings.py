"""``[sources.jobs]``: a built-in source takes its own ``settings`` there, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.config import Config, load_config
from dashboard.errors import UsageError


def _load(tmp_path: Path, section: str) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(f'[gcp]\nprojects = ["acme-etl"]\n\n[sources.jobs]\n{section}\n', encoding="utf-8")
    return load_config(path)


def test_the_jobs_catalog_setting_is_accepted(tmp_path: Path) -> None:
    config = _load(tmp_path, "settings = { catalog = false }")
    assert config.sources["jobs"].settings == {"catalog": False}


def test_a_built_in_source_takes_no_interval_there(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\[sources.jobs\]"):
        _load(tmp_path, "interval = 5")
