"""``gcpdash --record`` as a person runs it, against the fake servers in another process: redaction leaves
no original email or mapped project id in any byte of the recording; SIGINT and SIGTERM close it cleanly;
SIGKILL mid-recording leaves a recording that ``--once --replay`` still reads, saying what it skipped."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.recording.reader import read_recording
from dashboard.recording.redact import EMAIL

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "fixtures" / "demo"
REAL_PROJECTS = ("acme-analytics", "acme-etl", "acme-admin")
MAP = [arg for real in REAL_PROJECTS for arg in ("--map-project", f"{real}=demo-{real.split('-', 1)[1]}")]
FAST = "\n[intervals]\njobs = 1\nreservations = 1\ndataproc = 1\ndataflow = 1\n"

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The built-in sources' fake servers in a subprocess; yields their config file, every source polled each
    second."""
    path = tmp_path_factory.mktemp("fakes") / "fake.toml"
    args = [sys.executable, "-m", "tests.contract.serve", "--config-out", str(path), "--built-ins"]
    env = {**os.environ, "GRPC_VERBOSITY": "ERROR"}
    process = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("serving:"), line
        path.write_text(path.read_text(encoding="utf-8") + FAST, encoding="utf-8")
        yield path
    finally:
        process.terminate()
        process.wait(10)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GCPDASH_")}
    return {**env, "GRPC_VERBOSITY": "ERROR"}


def gcpdash(*args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "dashboard", *args],
        cwd=REPO,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_polls(path: Path, polls: int, timeout: float = 60) -> None:
    """Until every source's log holds ``polls`` polls."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        logs = [path / f"{s}.jsonl" for s in ("jobs", "reservations", "dataproc", "dataflow")]
        if all(log.exists() and f'"poll":{polls},'.encode() in log.read_bytes() for log in logs):
            return
        time.sleep(0.1)
    raise AssertionError(f"no {polls} polls of every source in {timeout}s")


def demo_emails() -> set[str]:
    """Every email in what the fake servers serve (the demo recording's payloads)."""
    found: set[str] = set()
    for log in DEMO.glob("*.jsonl"):
        found.update(m.group(0).lower() for m in EMAIL.finditer(log.read_text(encoding="utf-8")))
    return found


def test_no_original_email_or_mapped_project_survives(config: Path, tmp_path: Path) -> None:
    rec = tmp_path / "rec"
    result = gcpdash("--record", str(rec), "--config", str(config), "--polls", "2", *MAP)
    assert result.returncode == 0, result.stderr
    assert "gcpdash: recorded" in result.stderr
    emails = demo_emails()
    assert len(emails) > 10
    files = sorted(rec.iterdir())
    assert {f.name for f in files} == {
        "manifest.json",
        "jobs.jsonl",
        "reservations.jsonl",
        "dataproc.jsonl",
        "dataflow.jsonl",
    }
    everything = b"".join(f.read_bytes() for f in files).lower()
    assert len(everything) > 100_000
    for email in emails:
        assert email.encode() not in everything, email
    for real in REAL_PROJECTS:
        assert real.encode() not in everything, real
    assert not re.search(rb"@(?!redacted\.example)[a-z0-9-]+\.[a-z]", everything)
    assert b"@redacted.example" in everything
    for demo in (b"demo-analytics", b"demo-etl", b"demo-admin"):
        assert demo in everything
    manifest = json.loads((rec / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ended_at"]
    assert manifest["projects"] == ["demo-analytics", "demo-etl"]
    assert manifest["redaction"]["emails"].startswith("pseudonym")
    assert manifest["redaction"]["projects"] == "mapped"
    assert "google-cloud-bigquery" in manifest["clients"]
    recording = read_recording(rec)
    assert recording.warnings == []
    for source, polls in recording.polls.items():
        assert [p.number for p in polls] == [1, 2], source
    shown = gcpdash("--once", "--replay", str(rec), "--format", "json")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["projects"] == ["demo-analytics", "demo-etl"]
    assert all(
        report["sources"][s]["state"] == "ok" for s in ("jobs", "reservations", "dataproc", "dataflow")
    )


def test_no_redact_keeps_the_payloads_as_received(config: Path, tmp_path: Path) -> None:
    rec = tmp_path / "rec"
    result = gcpdash("--record", str(rec), "--config", str(config), "--polls", "1", "--no-redact")
    assert result.returncode == 0, result.stderr
    jobs = (rec / "jobs.jsonl").read_bytes()
    assert b"acme-analytics" in jobs
    assert b"@redacted.example" not in jobs
    assert json.loads((rec / "manifest.json").read_text(encoding="utf-8"))["redaction"]["emails"] == "none"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_finishes_the_write_and_closes_cleanly(config: Path, tmp_path: Path, signum: int) -> None:
    rec = tmp_path / "rec"
    process = start("--record", str(rec), "--config", str(config))
    try:
        wait_for_polls(rec, 2)
        process.send_signal(signum)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "gcpdash: recording into" in err
    assert "gcpdash: recorded" in err
    assert "Traceback" not in err
    manifest = json.loads((rec / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ended_at"]
    for log in rec.glob("*.jsonl"):
        assert log.read_bytes().endswith(b"\n"), log.name
    recording = read_recording(rec)
    assert recording.warnings == []
    assert all(len(polls) >= 2 for polls in recording.polls.values())


def test_a_recorder_killed_mid_recording_still_replays(config: Path, tmp_path: Path) -> None:
    rec = tmp_path / "rec"
    process = start("--record", str(rec), "--config", str(config))
    try:
        wait_for_polls(rec, 2)
        time.sleep(0.3)  # into the third polls
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        process.kill()
    assert process.returncode == -signal.SIGKILL
    manifest = json.loads((rec / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["ended_at"] is None  # it never closed
    torn = sorted(log.name for log in rec.glob("*.jsonl") if not log.read_bytes().endswith(b"\n"))
    shown = gcpdash("--once", "--replay", str(rec), "--format", "json")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert all(
        report["sources"][s]["state"] == "ok" for s in ("jobs", "reservations", "dataproc", "dataflow")
    )
    assert report["jobs"]
    for name in torn:  # a line the kill cut is skipped and said so; whole lines are all read
        assert re.search(rf"{re.escape(name)}:\d+: last line is incomplete", shown.stderr), shown.stderr
    if not torn:
        assert "warning" not in shown.stderr

    # A kill inside one line's write (a large page written in several system calls) leaves its start;
    # cut the log as such a kill would:
    jobs = rec / "jobs.jsonl"
    data = jobs.read_bytes()
    lines = data.count(b"\n")
    jobs.write_bytes(data[: len(data) - 1000])
    cut = gcpdash("--once", "--replay", str(rec), "--format", "json")
    assert cut.returncode == 0, cut.stderr
    assert re.search(r"jobs\.jsonl:\d+: last line is incomplete .*skipped", cut.stderr), cut.stderr
    assert lines > 2


def test_recording_is_headless(config: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from dashboard.cli import main\n"
        f"rc = main(['--record', {str(tmp_path / 'rec')!r}, '--config', {str(config)!r}, '--polls', '1'])\n"
        "print(rc, sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "0 []", result.stdout + result.stderr
