"""The recording flags: what needs --record, what --record refuses, and a recording directory that
already holds one."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.cli import main


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--polls", "2"], "need --record"),
        (["--once", "--map-project", "acme-a=demo-a"], "need --record"),
        (["--no-redact"], "need --record"),
        (["--record", "r", "--once"], "drop --once"),
        (["--record", "r", "--demo"], "not allowed with"),
        (["--record", "r", "--no-redact", "--map-project", "acme-a=demo-a"], "--no-redact"),
        (["--record", "r", "--map-project", "a"], "real=demo"),
        (["--record", "r", "--duration", "soon"], "--duration"),
        (["--record", "r", "--polls", "0"], "--polls 0"),
        (["--record", "r", "--query-text", "hide"], "invalid choice"),
    ],
)
def test_bad_flags_exit_3_with_one_line(
    args: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(args) == 3
    err = capsys.readouterr().err
    assert message in err, err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


def test_recording_into_an_existing_recording_is_refused(
    recorded: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[gcp]\nprojects = ["acme-p"]\n[auth]\nanonymous = true\n', encoding="utf-8")
    before = {p.name: p.read_bytes() for p in recorded.iterdir()}
    assert main(["--record", str(recorded), "--config", str(config), "--polls", "1"]) == 3
    assert "already holds a recording" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in recorded.iterdir()} == before
