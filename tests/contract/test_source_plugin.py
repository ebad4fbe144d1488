"""A source plugin that lives outside gcpdash (tests/plugins/gcpdash_queues: its own package and
``pyproject.toml`` entry point), installed, and nothing of gcpdash changed: it is recorded against a fake
server of its API, replayed, and shown in ``--once`` text, JSON and Markdown with its cost line, its
insight rule and its ``--fail-on`` metric, in ``--check``, and in the app (tests/contract/
test_source_plugin_app.py). A broken plugin is named in one line and the rest runs.

The expected figures are the fake's payloads (tests/contract/fake_queues.py) read by hand."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .fake_queues import FakeQueues
from .plugin_site import env_with, install, installed_here
from .serve import Servers

pytestmark = pytest.mark.timeout(180)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install(tmp_path_factory.mktemp("plugin"))


@pytest.fixture(scope="module")
def recorded(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, list[str]]]:
    """A recording of one poll of every source, the queues' from the fake Acme Queue API; the config it
    was made with; the fake's request log."""
    where = tmp_path_factory.mktemp("recording")
    with Servers() as servers, FakeQueues() as queues:
        config = where / "gcpdash.toml"
        text = servers.config(timeout=10.0, deadline=10.0)
        config.write_text(f'{text}\n[sources.queues]\nendpoint = "{queues.url}"\n', encoding="utf-8")
        out = where / "rec"
        result = gcpdash(site, "--record", str(out), "--config", str(config), "--polls", "1")
        assert result.returncode == 0, result.stderr
        yield out, config, list(queues.requests)


def gcpdash(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=REPO,
        env=env_with(site),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_plugin_registers_after_the_built_ins(site: Path) -> None:
    from dashboard import registry

    with installed_here(site):
        assert registry.names() == (
            "jobs",
            "reservations",
            "dataproc",
            "dataflow",
            "billing",
            "pubsub",
            "composer",
            "vertex",
            "dataquality",
            "datafusion",
            "queues",
        )
        assert registry.problems() == ()
        # the repo's own Pub/Sub, Composer, Vertex AI, Data quality and Data Fusion register as plugins
        # too, by their specs' order (10, 20, 30, 40, 50), a plugin without one after them (100)
        assert [p.name for p in registry.plugins()] == [
            "pubsub",
            "composer",
            "vertex",
            "dataquality",
            "datafusion",
            "queues",
        ]
        plugin = next(p for p in registry.plugins() if p.name == "queues")
        assert plugin.methods == ("acme.queues.list",)
    assert "queues" not in registry.names()


def test_the_recording_holds_the_plugins_log(recorded: tuple[Path, Path, list[str]]) -> None:
    out, _, requests = recorded
    # acme-analytics: one page of two queues; acme-etl: three queues, two pages
    assert requests == [
        "/v1/projects/acme-analytics/queues",
        "/v1/projects/acme-etl/queues",
        "/v1/projects/acme-etl/queues?pageToken=2",
    ]
    lines = [json.loads(line) for line in (out / "queues.jsonl").read_text().splitlines()]
    assert [(x["method"], x["path"], x.get("params", {})) for x in lines] == [
        ("acme.queues.list", "/v1/projects/acme-analytics/queues", {}),
        ("acme.queues.list", "/v1/projects/acme-etl/queues", {}),
        ("acme.queues.list", "/v1/projects/acme-etl/queues", {"pageToken": "2"}),
    ]
    assert (out / "jobs.jsonl").is_file()  # the built-ins recorded alongside


def test_once_json_has_the_plugins_section_cost_and_insights(
    site: Path, recorded: tuple[Path, Path, list[str]]
) -> None:
    out, _, _ = recorded
    result = gcpdash(site, "--once", "--replay", str(out), "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["schema"] == "gcpdash.snapshot/1"
    assert doc["sources"]["queues"]["state"] == "ok"
    queues = {q["name"]: q for q in doc["queues"]["items"]}
    assert sorted(queues) == ["clickstream-sub", "etl-dlq", "etl-events", "etl-events-retry", "orders-sub"]
    assert queues["clickstream-sub"] == {
        "project": "acme-analytics",
        "name": "clickstream-sub",
        "backlog": 125000,
        "oldest_unacked_s": 1800.0,
        "retained_bytes": 3 * 2**30,
    }
    [line] = [s for s in doc["cost"]["services"] if s["service"] == "queues"]
    # retained: 3 GiB + 64 MiB + 1 MiB = 3.0634765625 GiB × $0.27 per GiB-month / 730 h = $0.001133/h
    assert line["burn_rate_usd_per_hour"] == pytest.approx(3.0634765625 * 0.27 / 730)
    assert line["items"] == 5
    behind = sorted(i["resource"] for i in doc["insights"] if i["rule"] == "queues.behind")
    # oldest unacknowledged over 10 minutes: clickstream-sub (30 min) and etl-dlq (24 h)
    assert behind == ["clickstream-sub", "etl-dlq"]
    assert doc["metrics"]["queues.backlog"] == 125000 + 12 + 0 + 3 + 37
    assert doc["metrics"]["insights.rule.queues.behind"] == 2


def test_once_text_and_markdown_show_the_plugins_pane(
    site: Path, recorded: tuple[Path, Path, list[str]]
) -> None:
    out, _, _ = recorded
    text = gcpdash(site, "--once", "--replay", str(out), "--width", "160")
    assert text.returncode == 0, text.stderr
    assert "Queues  OK" in text.stdout
    assert "clickstream-sub" in text.stdout
    assert "125,000" in text.stdout
    assert "Acme Queue retention" in text.stdout
    markdown = gcpdash(site, "--once", "--replay", str(out), "--format", "markdown")
    assert markdown.returncode == 0, markdown.stderr
    assert "## Queues" in markdown.stdout
    assert "| etl-dlq |" in markdown.stdout.replace("  ", " ")


def test_fail_on_takes_the_plugins_metric(site: Path, recorded: tuple[Path, Path, list[str]]) -> None:
    out, _, _ = recorded
    result = gcpdash(
        site, "--once", "--replay", str(out), "--format", "json", "--fail-on", "queues.backlog > 100000"
    )
    assert result.returncode == 1, result.stderr
    assert "queues.backlog" in result.stderr


def test_check_reads_the_plugin_and_names_its_role_when_denied(site: Path) -> None:
    with Servers() as servers, FakeQueues() as queues:
        queues.deny.add("acme-etl")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "gcpdash.toml"
            text = servers.config(timeout=10.0, deadline=10.0)
            path.write_text(f'{text}\n[sources.queues]\nendpoint = "{queues.url}"\n', encoding="utf-8")
            result = gcpdash(site, "--check", "--config", str(path))
    assert "queues: readable (with gaps)" in result.stdout, result.stdout
    [gap] = [line for line in result.stdout.splitlines() if "acme.queues.list failed for acme-etl" in line]
    assert "403 PERMISSION_DENIED: needs roles/acmequeue.viewer on project acme-etl" in gap


def test_a_broken_plugin_is_named_in_one_line_and_the_rest_runs(tmp_path: Path, site: Path) -> None:
    broken = tmp_path / "broken"
    dist = broken / "gcpdash_broken-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: gcpdash-broken\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[gcpdash.sources]\nbroken = gcpdash_broken_missing:SPEC\n")
    env = env_with(site)
    env["PYTHONPATH"] = f"{broken}:{env['PYTHONPATH']}"
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "--once", "--demo", "--format", "json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [line] = [ln for ln in result.stderr.splitlines() if "broken" in ln]
    assert line.startswith(
        "gcpdash: warning: source plugin 'broken' (gcpdash_broken_missing:SPEC) not loaded:"
    )
    doc = json.loads(result.stdout)
    assert doc["sources"]["jobs"]["state"] == "ok"
    # the working plugin is there, off: the demo recording has no queues.jsonl
    assert doc["sources"]["queues"]["state"] == "off"


def screen_text(app: object) -> str:
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_the_app_shows_the_plugins_pane_its_detail_screen_and_its_insight(
    site: Path, recorded: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    from datetime import timedelta

    from textual.widgets import TabbedContent

    from dashboard.app import DashboardApp
    from dashboard.recording.reader import read_recording
    from dashboard.session import open_recording
    from widgets.detail.screens import DetailScreen

    out, _, _ = recorded
    with installed_here(site):
        end = read_recording(out).manifest.recorded_at + timedelta(minutes=1)
        app = DashboardApp(
            lambda: open_recording(out, "replay", at=end, paused=True),
            poll_every=None,
            state_path=tmp_path / "state.json",
        )
        async with app.run_test(size=(160, 45)) as pilot:
            for _ in range(100):
                await pilot.pause(0.05)
                if app._frame is not None and "queues" in app._frame.panes:
                    break
            assert "Queues" in screen_text(app)  # its tab, after the repo's own plugins (keys 8, 9) by name
            from widgets import panenav

            panenav.go(app, "queues")  # past key 9: by its id, as the palette and the pane list do
            for _ in range(50):  # drawn at once; a loaded machine may take a moment to paint it
                await pilot.pause(0.1)
                if "Queues  OK" in screen_text(app):
                    break
            assert app.query_one(TabbedContent).active == "queues"
            text = screen_text(app)
            assert "Queues  OK" in text
            assert "clickstream-sub" in text
            assert "125,000" in text
            # the rows are by backlog, largest first: Enter opens clickstream-sub's detail screen
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert isinstance(app.screen, DetailScreen)
            detail = screen_text(app)
            assert "Queue clickstream-sub" in detail
            assert "125,000 undelivered messages; oldest unacknowledged 1800s old" in detail
            await pilot.press("escape")
            await pilot.press("7")
            await pilot.pause(0.2)
            assert "Queue clickstream-sub is 30 min behind" in screen_text(app)
