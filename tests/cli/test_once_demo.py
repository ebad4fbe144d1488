"""End to end: ``gcpdash --once --demo`` as a process, in every format, on the bundled recording.

The demo carries hostile text on purpose (``fixtures/demogen/hostile.py``): the JSON must keep it exactly,
the text and Markdown reports must show it literally, and no control character may leave raw.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "fixtures") not in sys.path:
    sys.path.insert(0, str(ROOT / "fixtures"))
from demogen.hostile import HOSTILE_JOB_IDS, HOSTILE_PLACES, HOSTILE_PROJECT, HOSTILE_STRINGS  # noqa: E402

SCHEMA = json.loads((ROOT / "dashboard" / "data" / "snapshot.schema.json").read_text(encoding="utf-8"))
MANIFEST = json.loads((ROOT / "fixtures" / "demo" / "manifest.json").read_text(encoding="utf-8"))
PANES = (
    "Overview",
    "BigQuery jobs",
    "Slots & reservations",
    "Dataproc",
    "Dataflow",
    "Cost",
    "Sources",
)
HOSTILE_AT = "2026-11-26T06:09:00Z"
"""While the hostile jobs (created 06:04-06:07) run or have just finished: all four are shown."""

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
"""Control, C1, bidi and separator characters: none may reach a terminal. Newline and tab may."""


def raw_controls(output: bytes) -> list[str]:
    """The characters of ``output`` (UTF-8) that must never be printed raw."""
    return RAW.findall(output.decode("utf-8"))


def once(*argv: str) -> subprocess.CompletedProcess[bytes]:
    """``gcpdash --once --demo ARGV`` as a process; output kept as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "--once", "--demo", *argv],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def ok(result: subprocess.CompletedProcess[bytes]) -> str:
    """The output of a run that succeeded without a word on stderr."""
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stderr == b""
    return result.stdout.decode("utf-8")


def jobs_by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The jobs of a document, running and recent, by job id."""
    return {j["job_id"]: j for j in (*doc["jobs"]["running"], *doc["jobs"]["recent"])}


@pytest.mark.timeout(60)
def test_text_report_has_every_pane() -> None:
    out = ok(once())
    assert out.startswith("gcpdash · demo · 2026-11-26 ")
    for title in PANES:
        assert title in out, title
    for project in MANIFEST["projects"]:
        assert project in out
    assert "estimate" in out
    assert raw_controls(out.encode()) == []


@pytest.mark.timeout(60)
def test_json_report_validates_and_has_every_pane() -> None:
    doc = json.loads(ok(once("--format", "json")))
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["schema"] == "gcpdash.snapshot/1"
    assert doc["mode"] == "demo"
    assert doc["projects"] == MANIFEST["projects"]
    assert doc["at"].startswith("2026-11-26T")
    assert set(doc["sources"]) == {
        "jobs",
        "reservations",
        "dataproc",
        "dataflow",
        "billing",
        "pubsub",
        "datafusion",
        "dataquality",
        "vertex",
        "composer",
    }
    assert doc["jobs"]["total"] > 100
    assert doc["jobs"]["by_principal"]
    assert doc["reservations"]["reservations"]
    assert doc["dataproc"]["clusters"]
    assert doc["dataflow"]["jobs"]
    assert doc["cost"]["price_version"] == "2026.12.1"
    assert doc["cost"]["burn_rate_usd_per_hour"] > 0
    assert doc["overview"]["burn_rate_usd_per_hour"] == doc["cost"]["burn_rate_usd_per_hour"]


@pytest.mark.timeout(60)
def test_markdown_report_has_every_pane() -> None:
    out = ok(once("--format", "markdown"))
    assert out.startswith("# gcpdash snapshot, 2026-11-26 ")
    for title in PANES:
        heading = "## " + title.replace("&", "\\&")
        assert heading in out, title
    assert out.count("| :--- |") + out.count("| :--- ") >= 6
    assert raw_controls(out.encode()) == []


@pytest.mark.timeout(60)
def test_at_picks_the_moment() -> None:
    doc = json.loads(ok(once("--format", "json", "--at", "2026-11-26T07:30:00Z")))
    assert doc["at"] == "2026-11-26T07:30:00Z"
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)


@pytest.mark.timeout(60)
def test_hostile_text_is_kept_exactly_in_json() -> None:
    result = once("--format", "json", "--at", HOSTILE_AT)
    raw = result.stdout
    assert raw_controls(raw) == [], "a control character left the JSON raw"
    doc = json.loads(ok(result))
    jobs = jobs_by_id(doc)
    shown = [job_id for job_id in HOSTILE_JOB_IDS if job_id in jobs]
    assert len(shown) == len(HOSTILE_JOB_IDS), f"hostile jobs shown at {HOSTILE_AT}: {shown}"
    for name, (job_id, _where) in HOSTILE_PLACES.items():
        job = jobs[job_id]
        assert job["project"] == HOSTILE_PROJECT
        fields = [job["query"] or "", job["error_message"] or "", *job["labels"].values()]
        assert any(HOSTILE_STRINGS[name] in f for f in fields), name
    assert b"\\u001b" in raw
    assert b"\\u202e" in raw


@pytest.mark.timeout(60)
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_hostile_text_is_shown_literally(fmt: str) -> None:
    result = once("--format", fmt, "--width", "400", "--at", HOSTILE_AT)
    out = ok(result)
    assert raw_controls(result.stdout) == [], "a control character reached the output raw"
    for job_id in HOSTILE_JOB_IDS:
        assert job_id.replace("_", "\\_" if fmt == "markdown" else "_") in out, job_id
    if fmt == "text":
        assert "[bold red]boom[/]" in out
        assert "arr[OFFSET(0)]" in out
        assert "\\u202egnp.exe" in out
        assert "\\x1b[31m" in out
    else:
        assert "\\[bold red\\]boom\\[/\\]" in out
        assert "arr\\[OFFSET(0)\\]" in out
        assert "\\\\u202egnp.exe" in out
        assert "\\\\x1b\\[31m" in out
