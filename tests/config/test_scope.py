"""The organisation or folder scope of the discovery: ``[gcp] organization`` / ``folder`` (numeric IDs as
strings) and ``--org`` / ``--folder`` (one of the two), checked where the projects are."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.cli import build_parser, live_config
from dashboard.config import Config, load_config, with_flags
from dashboard.errors import UsageError


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_scope_by_default_and_a_15_minute_discovery() -> None:
    config = with_flags(_empty())
    assert config.gcp.organization is None
    assert config.gcp.folder is None
    assert config.discovery.interval == 15 * 60


def _empty() -> Config:
    return Config()


def test_the_file_names_an_organisation(tmp_path: Path) -> None:
    config = load_config(
        _file(tmp_path, '[gcp]\norganization = "123456789012"\n[discovery]\ninterval = 600\n'), env={}
    )
    assert config.gcp.organization == "123456789012"
    assert config.discovery.interval == 600


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[gcp]\norganization = "organizations/12"\n', "[gcp] organization: 'organizations/12' is not"),
        ('[gcp]\nfolder = "acme"\n', "[gcp] folder: 'acme' is not a numeric ID"),
        ('[gcp]\norganization = "1"\nfolder = "2"\n', "give one scope, not both"),
        ("[discovery]\ninterval = -5\n", "[discovery] interval"),
    ],
)
def test_a_bad_scope_in_the_file_is_refused(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(UsageError) as caught:
        load_config(_file(tmp_path, text), env={})
    assert says in str(caught.value)


def test_the_flags_set_the_scope_and_one_replaces_the_other(tmp_path: Path) -> None:
    path = _file(tmp_path, '[gcp]\nfolder = "987654321"\n')
    config = live_config(build_parser().parse_args(["--config", str(path), "--org", "123456789012"]))
    assert (config.gcp.organization, config.gcp.folder) == ("123456789012", None)
    config = live_config(build_parser().parse_args(["--config", str(path)]))
    assert (config.gcp.organization, config.gcp.folder) == (None, "987654321")


def test_a_bad_flag_is_named() -> None:
    with pytest.raises(UsageError, match=r"--org: 'acme' is not a numeric ID"):
        with_flags(_empty(), organization="acme")


def test_org_and_folder_are_exclusive() -> None:
    with pytest.raises(UsageError, match="argument --folder: not allowed with argument --org"):
        build_parser().parse_args(["--org", "1", "--folder", "2"])


def test_org_is_for_live_mode(capsys: pytest.CaptureFixture[str]) -> None:
    from dashboard.cli import main

    assert main(["--demo", "--once", "--org", "123"]) != 0
    assert (
        capsys.readouterr().err
        == "gcpdash: error: --org and --folder are for live mode; drop --demo/--replay\n"
    )
