"""A backend that lives outside gcpdash (tests/plugins/gcpdash_memory: its own package and
``pyproject.toml`` entry points), installed with pip, and nothing of gcpdash changed: ``--backend memory``
(or ``[backend] name``) reads its two sources, the slot reservations and the Dataflow jobs it holds in
memory, into ``--once``, ``--check`` and the app; its ``[backend.options]`` are checked against the
options it declares; ``--version`` and ``--check`` list it with its distribution; and the broken backend
its distribution ships next to it (``broken``, whose client library is not installed) is named in one
line while the rest runs.

The expected values are the plugin's own data (tests/plugins/gcpdash_memory/gcpdash_memory/__init__.py)
read by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .plugin_site import env_with, install, installed_here
from .serve import Servers

pytestmark = pytest.mark.timeout(180)
REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "tests" / "plugins" / "gcpdash_memory"
BROKEN = (
    "gcpdash: warning: backend plugin 'broken' (gcpdash_memory.broken:create, from gcpdash-memory 0.3.1) "
    "not loaded: ModuleNotFoundError: No module named 'acme_metadata_client'"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install(tmp_path_factory.mktemp("backend"), PLUGIN)


def gcpdash(
    site: Path, *args: str, config: str | None = None, tmp: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m dashboard ARGS`` with the plugin installed; ``config`` written to a file given with
    ``--config`` (else an empty one: the user's own config must not leak in)."""
    assert tmp is not None
    path = tmp / "gcpdash.toml"
    path.write_text(config or "", encoding="utf-8")
    env = env_with(site)
    env.pop("GCPDASH_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args, "--config", str(path)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_version_lists_the_backends_and_sources_with_their_distributions(site: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "--version"],
        cwd=REPO, env=env_with(site), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    backends = lines[lines.index("backends:") + 1 : lines.index("sources:")]
    assert backends == [
        "  fixture      gcpdash 0.1.0  dashboard.backends.fixture:create",
        "  live         gcpdash 0.1.0  dashboard.backends.gcp.live:create",
        "  memory       gcpdash-memory 0.3.1  gcpdash_memory:MemoryBackend",
        "  ! " + BROKEN.removeprefix("gcpdash: warning: "),
    ]
    assert "  reservations gcpdash 0.1.0  dashboard.sources.reservations.spec:SPEC" in lines


def test_once_json_shows_the_backends_two_sources(site: Path, tmp_path: Path) -> None:
    result = gcpdash(site, "--backend", "memory", "--once", "--format", "json", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [BROKEN]  # the broken one named once; memory runs
    doc = json.loads(result.stdout)
    assert doc["projects"] == ["acme-admin", "acme-etl"]  # the backend's own projects and regions
    assert doc["regions"] == ["europe-west3", "asia-northeast1"]
    states = {name: (s["state"], s.get("reason")) for name, s in doc["sources"].items()}
    assert states["reservations"] == ("ok", None)
    assert states["dataflow"] == ("ok", None)
    for off in ("jobs", "dataproc", "billing"):
        assert states[off] == ("off", "not served by backend 'memory'")
    [reservation] = doc["reservations"]["reservations"]
    assert (reservation["project"], reservation["location"], reservation["reservation_id"]) == (
        "acme-admin",
        "EU",
        "etl-batch",
    )
    assert reservation["baseline_slots"] == 300
    # 300 baseline slots × $0.06 per slot-hour (Enterprise, pay as you go) = $18.00/h
    assert reservation["usd_per_hour"] == pytest.approx(300 * 0.06)
    jobs = {j["name"]: (j["project"], j["location"], j["state"]) for j in doc["dataflow"]["jobs"]}
    assert jobs == {
        "orders-stream": ("acme-etl", "europe-west3", "JOB_STATE_RUNNING"),
        "clicks-backfill": ("acme-etl", "asia-northeast1", "JOB_STATE_FAILED"),
    }
    [editions] = [s for s in doc["cost"]["services"] if s["service"] == "bigquery_editions"]
    # 300 baseline slots × $0.06 per slot-hour (Enterprise, pay as you go) = $18.00/h
    assert editions["burn_rate_usd_per_hour"] == pytest.approx(300 * 0.06)


def test_the_config_chooses_the_backend_and_its_options(site: Path, tmp_path: Path) -> None:
    config = '[backend]\nname = "memory"\n\n[backend.options]\nadmin_project = "acme-slots"\nslots = 500\n'
    result = gcpdash(site, "--once", "--format", "json", config=config, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    [reservation] = doc["reservations"]["reservations"]
    assert (reservation["project"], reservation["baseline_slots"]) == ("acme-slots", 500)
    # --backend over the config: memory's options are not passed to another backend
    other = gcpdash(site, "--backend", "fixture", "--once", "--format", "json", config=config, tmp=tmp_path)
    assert other.returncode == 0, other.stderr  # memory's options are not the fixture's: not applied
    assert json.loads(other.stdout)["mode"] == "demo"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            'region = "eu"',
            "[backend.options] region: backend 'memory' takes admin_project, slots, fail",
        ),
        (
            'admin_project = "Acme"',
            "[backend.options] admin_project (backend 'memory') = 'Acme': project ids are lower-case",
        ),
        (
            'fail = "jobs"',
            "[backend.options] fail (backend 'memory') = 'jobs': give one of none, reservations, dataflow",
        ),
        ('slots = "many"', "[backend.options] slots (backend 'memory'): give a number, not 'many'"),
        ("slots = 75", "[backend.options] slots = 75: reservations come in 50-slot steps"),  # its own check
        ('config = "x"', "[backend.options] config: gcpdash sets it itself; use another name"),
    ],
)
def test_options_the_backend_refuses_are_a_usage_error(
    site: Path, tmp_path: Path, options: str, message: str
) -> None:
    config = f'[backend]\nname = "memory"\n\n[backend.options]\n{options}\n'
    result = gcpdash(site, "--once", config=config, tmp=tmp_path)
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"gcpdash: error: {message}"


def test_check_reads_each_source_of_the_backend_and_lists_it(site: Path, tmp_path: Path) -> None:
    result = gcpdash(site, "--check", "--backend", "memory", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["backend: memory", "reservations: readable", "dataflow: readable"]
    assert "  memory       gcpdash-memory 0.3.1  gcpdash_memory:MemoryBackend" in lines
    assert "  ! " + BROKEN.removeprefix("gcpdash: warning: ") in lines
    failing = gcpdash(
        site,
        "--check",
        config='[backend]\nname = "memory"\n[backend.options]\nfail = "dataflow"\n',
        tmp=tmp_path,
    )
    assert failing.returncode == 1  # some source cannot be read
    assert failing.stdout.splitlines()[1:3] == [
        "reservations: readable",
        "dataflow: cannot be read: 503 UNAVAILABLE: the metadata service is down",
    ]


def test_check_of_the_live_backend_lists_the_installed_backends(site: Path, tmp_path: Path) -> None:
    with Servers() as servers:  # the live check against the fake Google APIs, then the list
        result = gcpdash(site, "--check", config=servers.config(timeout=10.0, deadline=10.0), tmp=tmp_path)
    lines = result.stdout.splitlines()
    assert "jobs: readable" in lines
    assert lines.index("backends:") > lines.index("jobs: readable")
    assert "  memory       gcpdash-memory 0.3.1  gcpdash_memory:MemoryBackend" in lines


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--backend", "nope", "--once"),
            "--backend nope: no such backend (installed: broken, fixture, live, memory; see gcpdash --check)",
        ),
        (
            ("--demo", "--backend", "memory", "--once"),
            "--demo replays a recording (the fixture backend); drop it or --backend",
        ),
        (("--backend", "broken", "--once"), BROKEN.removeprefix("gcpdash: warning: ")),
        (
            ("--backend", "memory", "--record", "out"),
            "--record records what the live backend reads; backend 'memory' is not recorded "
            "(docs/plugins.md)",
        ),
        (
            ("--backend", "fixture", "--check"),
            "--check and --record read now; the fixture backend replays a recording",
        ),
    ],
)
def test_a_backend_that_cannot_run_is_a_one_line_error(
    site: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = gcpdash(site, *args, tmp=tmp_path)
    assert result.returncode == 3
    assert result.stderr.splitlines()[-1] == f"gcpdash: error: {message}"
    assert "Traceback" not in result.stderr


def screen_text(app: object) -> str:
    strips = app.screen._compositor.render_strips()  # type: ignore[attr-defined]
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def test_the_app_shows_the_backends_sources_and_their_raw_payload(site: Path, tmp_path: Path) -> None:
    from textual.widgets import TabbedContent

    from dashboard.app import DashboardApp
    from dashboard.backends import named
    from dashboard.clock import SystemClock
    from dashboard.config import Config
    from widgets.detail.screens import RawScreen

    with installed_here(site, "gcpdash_memory"):
        backend = named.make("memory", {"slots": 250}, config=Config(), clock=SystemClock())
        inner = backend.backend
        app = DashboardApp(
            lambda: named.session(backend), poll_every=None, state_path=tmp_path / "state.json"
        )
        async with app.run_test(size=(160, 45)) as pilot:
            for _ in range(100):
                await pilot.pause(0.05)
                if app._frame is not None:
                    break
            assert "not served by backend 'memory'" in screen_text(app)  # the Overview's jobs source: off
            await pilot.press("3")
            await pilot.pause(0.2)
            assert app.query_one(TabbedContent).active == "slots"
            text = screen_text(app)
            assert "etl-batch" in text
            assert "ENTERPRISE" in text
            # 250 baseline slots × $0.06 per slot-hour = $15.00/h
            assert "$15.00/h" in text
            await pilot.press("5")
            await pilot.pause(0.2)
            assert app.query_one(TabbedContent).active == "dataflow"
            text = screen_text(app)
            assert "orders-stream" in text
            assert "clicks-backfill" in text
            await pilot.press("y")
            await pilot.pause(0.3)
            raw = app.screen
            assert isinstance(raw, RawScreen)
            assert raw.text is not None
            assert '"project": "acme-etl"' in raw.text
            assert "2026-12-07_" in raw.text
            # the refresh asks again only once a source's interval has passed: one poll of each so far
            await pilot.press("escape")
            await pilot.press("r")
            await pilot.pause(0.2)
            assert sorted(inner.polled) == ["dataflow", "reservations"]  # type: ignore[attr-defined]
    assert inner.closed is False  # the app does not own the backend; run_backend_app closes it
    backend.close()
    assert inner.closed is True  # type: ignore[attr-defined]
