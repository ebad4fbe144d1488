"""The layering rules hold: no UI code imports google.cloud, no backend or headless module imports textual,
and ``--once`` on a recording loads neither."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UI_MODULES = {"dashboard/app.py"}
"""The only modules of ``dashboard`` that may import textual (besides ``widgets/``)."""
GOOGLE_ALLOWED = ("dashboard/backends/gcp/",)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def test_there_is_code_to_check() -> None:
    assert len(_modules("dashboard", "widgets")) > 10


@pytest.mark.parametrize("path", _modules("dashboard", "widgets"), ids=lambda p: str(p.relative_to(ROOT)))
def test_layering(path: Path) -> None:
    rel = path.relative_to(ROOT).as_posix()
    imports = _imports(path)
    google = {m for m in imports if m == "google" or m.startswith(("google.", "grpc"))}
    textual = {m for m in imports if m == "textual" or m.startswith("textual.")}
    if not rel.startswith(GOOGLE_ALLOWED):
        assert not google, f"{rel} imports {google}: Google clients belong in dashboard/backends/gcp/"
    if not (rel.startswith("widgets/") or rel in UI_MODULES):
        assert not textual, f"{rel} imports {textual}: only widgets/ and dashboard/app.py draw the UI"
    if rel.startswith("dashboard/backends/"):
        assert not any(m.startswith("widgets") for m in imports), f"{rel} imports widgets"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_once_on_a_recording_loads_no_google_and_no_textual(fmt: str) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from dashboard import cli\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    rc = cli.main(['--once', '--demo', '--format', '{fmt}'])\n"
        "assert rc == 0, rc\n"
        "assert len(out.getvalue()) > 1000\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('google', 'grpc', 'textual')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
