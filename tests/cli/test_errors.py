"""gcpdash's failures: exit 3 and one line on stderr saying why and what to do, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboard import __version__
from dashboard.cli import main, parse_time
from dashboard.errors import UsageError

NO_PROJECT = Path(__file__).resolve().parents[1] / "config" / "data" / "no_project.toml"
"""Live mode that cannot start: anonymous credentials and no project."""

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = {
    "format": "gcpdash.recording",
    "version": 1,
    "recorded_at": "2026-11-26T06:00:00Z",
    "projects": ["p1"],
    "regions": ["us-central1"],
    "sources": ["jobs"],
}
GOOD_LINE = (
    '{"v":1,"poll":1,"t":"2026-11-26T06:00:00Z","source":"jobs","api":"rest","method":"bigquery.jobs.list",'
    '"http_method":"GET","path":"/bigquery/v2/projects/p1/jobs","params":{},"status":200,'
    '"response":{"kind":"bigquery#jobList","jobs":[]}}'
)


def recording(tmp_path: Path, *, manifest: dict[str, object] | None = None, jobs: str | None = None) -> Path:
    """A small recording directory."""
    path = tmp_path / "rec"
    path.mkdir()
    (path / "manifest.json").write_text(json.dumps(manifest or MANIFEST), encoding="utf-8")
    if jobs is not None:
        (path / "jobs.jsonl").write_text(jobs, encoding="utf-8")
    return path


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    """``gcpdash ARGV`` as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def assert_one_line_failure(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Exit 3, nothing on stdout, exactly one ``gcpdash: error:`` line on stderr naming ``needles``."""
    assert result.returncode == 3, (result.returncode, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    [line] = lines
    assert line.startswith("gcpdash: error: ")
    for needle in needles:
        assert needle in line, line
    return line


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["--bogus"], ["unrecognized arguments: --bogus", "gcpdash --help"]),
        (["--dem"], ["unrecognized arguments: --dem"]),
        (["--format", "json"], ["--format needs --once", "add --once"]),
        (["--demo", "--at", "2026-11-26T07:00:00Z"], ["--at needs --once"]),
        (["--once", "--demo", "--format", "xml"], ["invalid choice: 'xml'"]),
        (
            ["--once", "--demo", "--at", "yesterday"],
            ["--at 'yesterday' is not an ISO", "--at 2026"],
        ),
        (["--once", "--demo", "--at", "26/11/2026 07:30"], ["not an ISO 8601 time"]),
        (["--demo", "--replay", "x"], ["not allowed with argument --demo"]),
        (["--demo", "--speed", "0"], ["--speed 0.0: give a number more than 0"]),
        (["--demo", "--speed", "nan"], ["--speed nan: give a number more than 0"]),
        (["--once", "--demo", "--speed", "inf"], ["--speed inf: give a number more than 0"]),
        (["--once", "--demo", "--speed", "1e308"], ["--speed 1e+308: give a number", "at most 100000"]),
        (["--once", "--demo", "--at", "9999-12-31T23:59:59Z"], ["is outside the recording", "which covers"]),
        (["--once", "--demo", "--at", "2026-11-20T00:00:00Z"], ["is outside the recording", "which covers"]),
        (["--once", "--demo", "--fail-on", "cost.burn_rate_usd_per_hour > 1e309"], ["1e309 is too large"]),
        (["--once", "--project", "../../etc"], ["'../../etc' is not a project id", "6 to 30 lowercase"]),
        (["--once", "--project", "acme-etl", "--region", ""], ["'' is not a region", "us-central1"]),
        (["--once", "--project", "acme-etl", "--location", "US;DROP"], ["not a BigQuery location"]),
        (["--demo", "--speed", "fast"], ["invalid float value: 'fast'"]),
        (["--once", "--demo", "--width", "10"], ["--width 10"]),
        (["--once", "--config", str(NO_PROJECT)], ["no project to watch", "--project"]),
        (["--config", str(NO_PROJECT)], ["no project to watch", "--project"]),
        (
            ["--once", "--config", "/nonexistent/gcpdash.toml"],
            ["config file /nonexistent/gcpdash.toml does not exist"],
        ),
        (["--once", "--demo", "--project", "p"], ["are for live mode"]),
        (["--once", "--at", "2026-11-26T07:00:00Z"], ["--at needs a recording"]),
    ],
)
def test_usage_errors_in_process(
    argv: list[str], needles: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 3
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith("gcpdash: error: ")
    for needle in needles:
        assert needle in line


@pytest.mark.timeout(60)
def test_an_unknown_flag_as_a_process() -> None:
    assert_one_line_failure(run("--once", "--demo", "--colour"), "--colour", "gcpdash --help")


@pytest.mark.timeout(60)
def test_a_bad_time_as_a_process() -> None:
    assert_one_line_failure(run("--once", "--demo", "--at", "tomorrow"), "--at 'tomorrow'")


@pytest.mark.timeout(60)
def test_live_mode_without_a_project_as_a_process() -> None:
    assert_one_line_failure(run("--once", "--config", str(NO_PROJECT)), "no project to watch", "--project")


@pytest.mark.timeout(60)
def test_a_missing_recording(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert_one_line_failure(run("--once", "--replay", str(missing)), str(missing), "--demo")


@pytest.mark.timeout(60)
def test_a_corrupt_recording_names_file_and_line(tmp_path: Path) -> None:
    path = recording(tmp_path, jobs=f"{GOOD_LINE}\n{{not json at all\n{GOOD_LINE}\n")
    line = assert_one_line_failure(run("--once", "--replay", str(path)), "jobs.jsonl:2")
    assert "docs/recording.md" in line or "gcpdash" in line.removeprefix("gcpdash: error:")


@pytest.mark.timeout(60)
def test_a_corrupt_manifest(tmp_path: Path) -> None:
    path = recording(tmp_path)
    (path / "manifest.json").write_text("{nope", encoding="utf-8")
    assert_one_line_failure(run("--once", "--replay", str(path)), "manifest.json")


@pytest.mark.timeout(60)
def test_an_unknown_format_version(tmp_path: Path) -> None:
    path = recording(tmp_path, manifest={**MANIFEST, "version": 99})
    assert_one_line_failure(run("--once", "--replay", str(path)), "version 99", "1")


@pytest.mark.timeout(60)
def test_a_hostile_path_stays_on_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "evil\n\x1b[2Jname"
    line = assert_one_line_failure(run("--once", "--replay", str(missing)))
    assert "\\x1b[2J" in line
    assert "\x1b" not in line


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"gcpdash {__version__}"
    # then the installed backends and sources, each with the distribution that provides it
    assert lines[1] == "backends:"
    assert f"  fixture      gcpdash {__version__}  dashboard.backends.fixture:create" in lines
    assert f"  live         gcpdash {__version__}  dashboard.backends.gcp.live:create" in lines
    sources = lines[lines.index("sources:") :]
    assert f"  jobs         gcpdash {__version__}  dashboard.sources.jobs.spec:SPEC" in sources


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--demo", "--replay", "--once", "--format", "--at", "--speed", "--width", "--version"):
        assert flag in out


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-11-26T07:30:00Z", datetime(2026, 11, 26, 7, 30, tzinfo=UTC)),
        ("2026-11-26T07:30:00+01:00", datetime(2026, 11, 26, 6, 30, tzinfo=UTC)),
        ("2026-11-26 07:30", datetime(2026, 11, 26, 7, 30, tzinfo=UTC)),
        (" 2026-11-26T07:30:05.5 ", datetime(2026, 11, 26, 7, 30, 5, 500000, tzinfo=UTC)),
    ],
)
def test_parse_time(text: str, moment: datetime) -> None:
    assert parse_time(text) == moment


def test_parse_time_refuses_other_forms() -> None:
    with pytest.raises(UsageError, match="ISO 8601"):
        parse_time("5 minutes ago")


@pytest.mark.timeout(60)
def test_a_torn_last_line_is_a_warning(tmp_path: Path) -> None:
    torn = GOOD_LINE.replace('"poll":1', '"poll":2')[:80]
    path = recording(tmp_path, jobs=f"{GOOD_LINE}\n{torn}")
    result = run("--once", "--replay", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("gcpdash: warning: ")
    assert "jobs.jsonl:2" in line
    assert json.loads(result.stdout)["mode"] == "replay"


BAD_CONFIGS = {
    "negative interval": ("[intervals]\njobs = -5\n", "[intervals] jobs = -5.0: give a number of seconds"),
    "zero call timeout": ("[timeouts]\ncall = 0\n", "[timeouts] call = 0.0: give a number of seconds"),
    "nan interval": ("[intervals]\ndataproc = nan\n", "[intervals] dataproc = nan"),
    "empty region": ('[gcp]\nregions = [""]\n', "'' is not a region"),
    "path in a project": ('[gcp]\nprojects = ["../../etc"]\n', "'../../etc' is not a project id"),
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--demo", "--speed", "nan"], "--speed nan"),
        (["--once", "--demo", "--speed", "1e308"], "--speed 1e+308"),
        (["--once", "--demo", "--at", "9999-12-31T23:59:59Z"], "is outside the recording"),
        (["--once", "--demo", "--fail-on", "cost.burn_rate_usd_per_hour > 1e309"], "too large a number"),
        (["--once", "--project", "../../etc"], "is not a project id"),
        (["--once", "--project", "acme-etl", "--region", ""], "is not a region"),
        *(([f"--config={name}", "--once"], needle) for name, (_, needle) in BAD_CONFIGS.items()),
    ],
)
def test_bad_input_as_a_process(argv: list[str], needle: str, tmp_path: Path) -> None:
    if argv[0].startswith("--config="):
        text, _ = BAD_CONFIGS[argv[0].removeprefix("--config=")]
        config = tmp_path / "config.toml"
        config.write_text(text, encoding="utf-8")
        argv = ["--config", str(config), *argv[1:]]
    before = sorted(tmp_path.iterdir())
    assert_one_line_failure(run(*argv), needle)
    assert sorted(tmp_path.iterdir()) == before  # nothing written
