"""``[gcp] organization`` / ``folder`` and ``--org`` / ``--folder``: the numeric ID, one of the two."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.cli import build_parser, live_config
from dashboard.config import Config, load_config, with_flags
from dashboard.errors import UsageError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_organisation_or_a_folder_in_the_file(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, '[gcp]\nprojects = ["acme-ops"]\norganization = "123456789012"\n'), env={}
    )
    assert (config.gcp.organization, config.gcp.folder) == ("123456789012", None)
    config = load_config(write(tmp_path, '[gcp]\nfolder = "4455"\n'), env={})
    assert (config.gcp.organization, config.gcp.folder) == (None, "4455")
    assert Config().gcp.organization is None
    assert Config().gcp.folder is None


@pytest.mark.parametrize("value", ["organizations/123456789012", "12 34", "", "１２３", "1" * 33])
def test_not_a_numeric_id_is_refused_naming_the_key(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f'[gcp]\norganization = "{value}"\n')
    with pytest.raises(UsageError, match="organization") as caught:
        load_config(path, env={})
    assert str(path) in str(caught.value)
    assert "numeric ID" in str(caught.value)
    with pytest.raises(UsageError, match="--folder"):
        with_flags(Config(), folder=value)


def test_both_in_the_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not both"):
        load_config(write(tmp_path, '[gcp]\norganization = "1"\nfolder = "2"\n'), env={})


def test_a_flag_replaces_the_files_scope(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[gcp]\norganization = "123"\n'), env={})
    flagged = with_flags(config, folder="456")
    assert (flagged.gcp.organization, flagged.gcp.folder) == (None, "456")
    args = build_parser().parse_args(["--config", str(tmp_path / "config.toml"), "--org", "789"])
    assert live_config(args).gcp.organization == "789"


def test_org_and_folder_flags_exclude_each_other() -> None:
    with pytest.raises(UsageError, match="not allowed with"):
        build_parser().parse_args(["--org", "1", "--folder", "2"])
