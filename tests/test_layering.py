"""The layers hold, followed through every import (``tests/importgraph.py``), not only the ones a file writes:

1. the UI (widgets, the app, views, reports) never reaches Google's clients, not even lazily;
2. backends, parsers, the recording and each source's live code never reach Textual or the widgets;
3. no cycle among module-level imports;
4. ``--once`` on the demo or a recording, as a process, ends with neither Textual nor Google loaded;
5. no module over 400 lines;
6. an import by a computed name (``importlib.import_module``) is listed, and followed like the others.

Every ``.py`` under ``dashboard/`` and ``widgets/`` is in the graph, so a source package added later
(``dashboard/sources/<name>/``) is checked with no change here. The checks are plain functions of a graph;
the last tests run them on a small package written to a temporary folder, to show each one can fail.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from importgraph import ImportGraph, build

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("dashboard", "widgets")
GRAPH = build(ROOT, PACKAGES)

UI = (
    "widgets/*",
    "dashboard/app.py",
    "dashboard/views/*",
    "dashboard/report/*",
    "dashboard/sources/*/view.py",
    "dashboard/sources/*/pane.py",
)
"""What draws or prints (``fnmatch`` on the file's path; ``*`` crosses folders)."""
GOOGLE = ("google.cloud", "google.api_core", "google.auth", "grpc")
"""Google's client libraries: heavy to import, and only for live reads."""

HEADLESS = (
    "dashboard/backends/*",
    "dashboard/parsers/*",
    "dashboard/recording/*",
    "dashboard/sources/*/api.py",
    "dashboard/sources/*/fetch*",
    "dashboard/sources/*/parse.py",
    "dashboard/sources/*/model.py",
)
"""What reads and decodes data, live or from a recording: it runs without a screen."""
UI_ONLY = ("textual", "widgets", "dashboard.app")

GOOGLE_DIRECT = ("dashboard/backends/gcp/*", "dashboard/sources/*/api.py")
"""The only files that may write an import of Google's clients (inside their live functions)."""
TEXTUAL_DIRECT = (
    "widgets/*",
    "dashboard/app.py",
    "dashboard/sources/*/view.py",
    "dashboard/sources/*/pane.py",
)
"""The only files that may write an import of Textual."""

COMPUTED: dict[str, tuple[str, ...]] = {
    # registry(): every registered source's spec module; SourceSpec.load_parse: its parser. (Its
    # load_fetch imports the live fetch too, but only the live backend calls it: listed for live.py.)
    # SourceSpec.report_hook: the reports' hooks in its view, report, overview and states modules.
    "dashboard/registry.py": (
        "dashboard.sources.*.spec",
        "dashboard.sources.*.parse*",
        "dashboard.sources.*.view",
        "dashboard.sources.*.report",
        "dashboard.sources.*.overview",
        "dashboard.sources.*.states",
    ),
    "dashboard/insights/__init__.py": ("dashboard.sources.*.rules",),  # _load_rules: the specs' rule_modules
    # LiveBackend.preload: _AUTH_MODULES and each source's spec's packages, fetch and parser; its fetch
    # (backends.gcp.sources.fetcher -> SourceSpec.load_fetch)
    "dashboard/backends/gcp/live.py": (
        "dashboard.backends.gcp.*",
        "dashboard.parsers",
        "dashboard.iam",
        "dashboard.sources.*.api",
        "dashboard.sources.*.parse",
        "google.auth",
        "google.cloud",
        "grpc",
    ),
    # lazy / view_pane: a spec's pane functions in its view and its metrics in its rules, on first use
    "dashboard/sources/lazy.py": ("dashboard.sources.*.view", "dashboard.sources.*.rules"),
    # source_pane: each source's SourceSpec.app_pane (its view's SourcePane); widget_class: its widget
    "widgets/sourcepane.py": ("dashboard.sources.*.pane", "widgets.panes", "widgets.dataproc"),
}
"""The only files that import by a computed name (``importlib.import_module``), and what they import that
way: the graph cannot read those imports, so it gets them from here and follows them like the others."""

ALLOWED_CYCLES: dict[frozenset[str], str] = {}
"""Cycles of module-level imports tolerated for now: the modules of each, and why. None today; a new one
goes here only with its reason and the change that will break it (an import moved under
``TYPE_CHECKING`` or into the function that needs it usually does)."""

MAX_LINES = 400
LONGER: dict[str, tuple[int, str]] = {}
"""Modules allowed over :data:`MAX_LINES`: path -> (the most lines it may have, why). The bound is today's
length, so an exception cannot grow; an entry no longer needed fails the test until it is removed."""


def reaching(graph: ImportGraph, patterns: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    """Each chain by which a module matching ``patterns`` reaches one of ``forbidden`` when it runs
    (module-level and lazy imports, transitively; ``TYPE_CHECKING`` imports never run)."""
    return [str(chain) for module in graph.matching(patterns) for chain in graph.reach(module, forbidden)]


def writing(graph: ImportGraph, forbidden: tuple[str, ...], allowed: tuple[str, ...]) -> list[str]:
    """Each import of ``forbidden`` written in a file outside ``allowed`` (any kind, TYPE_CHECKING too)."""
    outside = set(graph.files) - set(graph.matching(allowed))
    return [
        f"{graph.path(module)}:{edge.line} imports {edge.target} ({edge.kind})"
        for module in sorted(outside)
        for edge in graph.edges[module]
        if any(edge.target == p or edge.target.startswith(p + ".") for p in forbidden)
    ]


def computed(graph: ImportGraph, listed: dict[str, tuple[str, ...]]) -> list[str]:
    """Add the imports ``listed`` (file -> what it imports by a computed name) to ``graph``; each import
    by a computed name in a file not listed, and each of our modules a listed file names in a string
    without ``listed`` covering it."""
    problems = []
    for module in sorted(graph.files):
        path = graph.path(module)
        if path in listed:
            graph.computed(module, listed[path])
            named = {
                node.value
                for node in ast.walk(ast.parse(graph.files[module].read_text(encoding="utf-8")))
                if isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value in graph.files
            }
            covered = {edge.target for edge in graph.edges[module]}
            problems += [f"{path} names {name}: add it to COMPUTED" for name in sorted(named - covered)]
        elif graph.dynamic[module]:
            problems += [f"{path}:{line} imports by a computed name" for line in graph.dynamic[module]]
    return problems


UNLISTED = computed(GRAPH, COMPUTED)


def cycle_problems(graph: ImportGraph, allowed: dict[frozenset[str], str]) -> list[str]:
    """Each runtime import cycle not in ``allowed``, and each entry of ``allowed`` no longer a cycle."""
    cycles = graph.cycles()
    found = {frozenset(cycle) for cycle in cycles}
    problems = [" -> ".join(cycle) for cycle in cycles if frozenset(cycle) not in allowed]
    problems += [
        f"{sorted(gone)} is no longer a cycle: remove it from ALLOWED_CYCLES"
        for gone in allowed
        if gone not in found
    ]
    return problems


def size_problems(graph: ImportGraph, limit: int, longer: dict[str, tuple[int, str]]) -> list[str]:
    """Each module over ``limit`` lines (or over its bound in ``longer``), and each needless entry."""
    problems = []
    sizes = {graph.path(m): len(graph.files[m].read_text(encoding="utf-8").splitlines()) for m in graph.files}
    for path, lines in sorted(sizes.items()):
        bound = longer[path][0] if path in longer else limit
        if lines > bound:
            problems.append(f"{path}: {lines} lines, more than {bound}: split it")
    for path, (bound, _why) in sorted(longer.items()):
        if sizes.get(path, 0) <= limit:
            problems.append(f"{path} is no longer over {limit} lines: remove it from LONGER")
        elif sizes[path] < bound:
            problems.append(f"{path} has {sizes[path]} lines: lower its bound in LONGER ({bound})")
    return problems


def test_the_graph_holds_every_module() -> None:
    expected = {p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    assert set(GRAPH.files.values()) == expected
    assert {"dashboard.app", "dashboard.backends.gcp.live", "widgets.table"} <= set(GRAPH.files)
    assert len(GRAPH.matching(UI)) > 20
    assert len(GRAPH.matching(HEADLESS)) > 20


def test_the_graph_sees_through_lazy_and_relative_imports() -> None:
    """A sanity check on the real code: the command line does reach both (lazily), so a rule that found
    nothing would mean something, not that the graph is blind."""
    reached = {chain.end.split(".")[0] for chain in GRAPH.reach("dashboard.cli", ("textual", "google.cloud"))}
    assert reached == {"textual", "google"}


def test_the_ui_never_reaches_google_clients() -> None:
    chains = reaching(GRAPH, UI, GOOGLE)
    assert not chains, (
        "UI modules must not reach Google's clients, not even lazily; live reads belong in "
        "dashboard/backends/gcp, started from dashboard/cli.py or dashboard/launch_live.py:\n"
        + "\n".join(chains)
    )


def test_headless_code_never_reaches_textual_or_widgets() -> None:
    chains = reaching(GRAPH, HEADLESS, UI_ONLY)
    assert not chains, (
        "backends, parsers, the recording and sources' live code must run without a screen; starting the app "
        "belongs in dashboard/launch.py or dashboard/launch_live.py:\n" + "\n".join(chains)
    )


def test_google_clients_are_imported_only_by_live_code() -> None:
    imports = writing(GRAPH, ("google", *GOOGLE), GOOGLE_DIRECT)
    assert not imports, "Google's clients belong in dashboard/backends/gcp/:\n" + "\n".join(imports)


def test_textual_is_imported_only_by_the_ui() -> None:
    imports = writing(GRAPH, ("textual",), TEXTUAL_DIRECT)
    assert not imports, "only widgets/ and dashboard/app.py draw the UI:\n" + "\n".join(imports)


def test_computed_imports_are_listed() -> None:
    assert sorted(m for m, lines in GRAPH.dynamic.items() if lines) == sorted(GRAPH.matching(COMPUTED))
    assert not UNLISTED, (
        "importlib.import_module hides an import from these checks: import by name, or list what it "
        "imports in COMPUTED:\n" + "\n".join(UNLISTED)
    )


def test_no_import_cycles() -> None:
    problems = cycle_problems(GRAPH, ALLOWED_CYCLES)
    assert not problems, (
        "module-level imports in a cycle (move one under TYPE_CHECKING or into the function that needs it):\n"
        + "\n".join(problems)
    )


def test_no_module_over_400_lines() -> None:
    problems = size_problems(GRAPH, MAX_LINES, LONGER)
    assert not problems, "\n".join(problems)


_LOADED = """
import atexit, json, runpy, sys

def _loaded(path):
    with open(path, "w", encoding="utf-8") as out:
        json.dump(sorted(sys.modules), out)

atexit.register(_loaded, sys.argv[1])
sys.argv = ["gcpdash", *sys.argv[2:]]
runpy.run_module("dashboard", run_name="__main__", alter_sys=True)
"""
"""``python -m dashboard ARGS``, writing every module loaded by the time it exits to a file."""


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "argv",
    [
        ["--demo", "--format", "text"],
        ["--demo", "--format", "json"],
        ["--demo", "--format", "markdown", "--at", "2026-11-26T06:09:00Z"],
        ["--replay", "fixtures/demo", "--format", "text", "--width", "100"],
        ["--replay", "fixtures/demo", "--format", "json", "--fail-on", "critical: dataflow.jobs_failed >= 1"],
    ],
    ids=["demo-text", "demo-json", "demo-markdown-at", "replay-text-width", "replay-json-fail-on"],
)
def test_once_on_a_recording_loads_no_google_and_no_textual(argv: list[str], tmp_path: Path) -> None:
    loaded = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", _LOADED, str(loaded), "--once", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode in (0, 2), result.stderr  # 2: the --fail-on condition held
    assert len(result.stdout) > 1000, result.stdout
    modules = json.loads(loaded.read_text(encoding="utf-8"))
    assert "dashboard.replay" in modules  # the recording was read: the run went where it should
    heavy = [m for m in modules if m.split(".")[0] in ("textual", "grpc") or m.startswith("google.")]
    assert not heavy, f"--once {' '.join(argv)} loaded {heavy}"


# The checks above, on a small package written for them: each one must report what is wrong there.

_BROKEN = {
    "widgets/__init__.py": "",
    "widgets/screen.py": (
        "from typing import TYPE_CHECKING\n"
        "from dashboard.views import chart\n"
        "if TYPE_CHECKING:\n"
        "    from dashboard.backends import typed\n"
    ),
    "dashboard/__init__.py": "",
    "dashboard/views/__init__.py": "",
    "dashboard/views/chart.py": "def draw() -> None:\n    from ..backends import live\n",
    "dashboard/backends/__init__.py": "",
    "dashboard/backends/live.py": "from google.cloud import bigquery\n",
    "dashboard/backends/typed.py": "import grpc\n",
    "dashboard/parsers/__init__.py": "from widgets import screen\n",
    "dashboard/parsers/jobs.py": "",
    "dashboard/sources/__init__.py": "",
    "dashboard/sources/pubsub/__init__.py": "",
    "dashboard/sources/pubsub/api.py": "class Api:\n    from . import view\n",
    "dashboard/sources/pubsub/view.py": "import textual.app\n",
    "dashboard/a.py": "from dashboard import b\n",
    "dashboard/b.py": "try:\n    import dashboard.a\nexcept ImportError:\n    pass\n",
    "dashboard/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from dashboard import d\n",
    "dashboard/d.py": "from dashboard import c\n",
    "dashboard/e.py": "def f() -> None:\n    from dashboard import g\n",
    "dashboard/g.py": "from . import e\n",
    "dashboard/views/plugin.py": "import importlib\nVIEW = importlib.import_module('textual.app')\n",
    "dashboard/big.py": "x = 1\n" * 401,
}


@pytest.fixture
def broken(tmp_path: Path) -> ImportGraph:
    for name, text in _BROKEN.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return build(tmp_path, PACKAGES)


def test_a_lazy_relative_chain_from_the_ui_to_google_is_reported(broken: ImportGraph) -> None:
    # widgets.screen's TYPE_CHECKING import of grpc (through typed.py) never runs: not reported
    assert reaching(broken, UI, GOOGLE) == [
        "dashboard.views.chart -> dashboard.backends.live (lazy, dashboard.views.chart:2)"
        " -> google.cloud (runtime, dashboard.backends.live:1)",
        "widgets.screen -> dashboard.views.chart (runtime, widgets.screen:2)"
        " -> dashboard.backends.live (lazy, dashboard.views.chart:2)"
        " -> google.cloud (runtime, dashboard.backends.live:1)",
    ]


def test_headless_code_reaching_the_ui_is_reported_through_packages_and_new_sources(
    broken: ImportGraph,
) -> None:
    assert reaching(broken, HEADLESS, UI_ONLY) == [
        # a module of a package whose __init__ imports the widgets: the package runs first
        "dashboard.parsers -> widgets (runtime, dashboard.parsers:1)",
        "dashboard.parsers.jobs -> dashboard.parsers (package of dashboard.parsers.jobs)"
        " -> widgets (runtime, dashboard.parsers:1)",
        # a source package nobody listed: its api.py is headless, found by its path
        "dashboard.sources.pubsub.api"
        " -> dashboard.sources.pubsub.view (runtime, dashboard.sources.pubsub.api:2)"
        " -> textual.app (runtime, dashboard.sources.pubsub.view:1)",
    ]


def test_imports_written_outside_their_layer_are_reported(broken: ImportGraph) -> None:
    assert writing(broken, ("google", *GOOGLE), GOOGLE_DIRECT) == [
        "dashboard/backends/live.py:1 imports google.cloud (runtime)",
        "dashboard/backends/typed.py:1 imports grpc (runtime)",
    ]
    assert writing(broken, ("textual",), ("widgets/*",)) == [
        "dashboard/sources/pubsub/view.py:1 imports textual.app (runtime)"
    ]


def test_imports_by_a_computed_name_are_reported_or_followed(broken: ImportGraph) -> None:
    assert computed(broken, {}) == ["dashboard/views/plugin.py:2 imports by a computed name"]
    assert reaching(broken, ("dashboard/views/plugin.py",), ("textual",)) == []
    assert computed(broken, {"dashboard/views/plugin.py": ("textual.app",)}) == []
    assert reaching(broken, ("dashboard/views/plugin.py",), ("textual",)) == [
        "dashboard.views.plugin -> textual.app (lazy, dashboard.views.plugin:2)"
    ]


def test_runtime_cycles_are_reported_and_type_checking_or_lazy_ones_are_not(broken: ImportGraph) -> None:
    # a <-> b (one import under try, one as `from pkg import submodule`); c -> d only for the type checker,
    # e -> g only inside a function: neither runs when the module loads
    assert cycle_problems(broken, {}) == ["dashboard.a -> dashboard.b -> dashboard.a"]
    assert cycle_problems(broken, {frozenset({"dashboard.a", "dashboard.b"}): "why"}) == []
    assert cycle_problems(broken, {frozenset({"dashboard.c", "dashboard.d"}): "why"}) == [
        "dashboard.a -> dashboard.b -> dashboard.a",
        "['dashboard.c', 'dashboard.d'] is no longer a cycle: remove it from ALLOWED_CYCLES",
    ]


def test_long_modules_are_reported(broken: ImportGraph) -> None:
    assert size_problems(broken, 400, {}) == ["dashboard/big.py: 401 lines, more than 400: split it"]
    assert size_problems(broken, 400, {"dashboard/big.py": (401, "why")}) == []
    assert size_problems(broken, 400, {"dashboard/big.py": (402, "why"), "dashboard/a.py": (500, "why")}) == [
        "dashboard/a.py is no longer over 400 lines: remove it from LONGER",
        "dashboard/big.py has 401 lines: lower its bound in LONGER (402)",
    ]
