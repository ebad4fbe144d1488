"""``demo_path`` finds the demo recording both where a wheel installs it (the package ``dashboard.demo``)
and where a checkout keeps it (``fixtures/demo``)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import dashboard
from dashboard.errors import RecordingError
from dashboard.recording.demo import demo_path
from dashboard.recording.format import MANIFEST
from dashboard.recording.writer import RecordingWriter

from .recbuild import manifest

PACKAGE = Path(dashboard.__file__).resolve().parent
CHECKOUT = PACKAGE.parent

_PRINT_DEMO_PATH = """
import dashboard
from dashboard.recording.demo import demo_path
from dashboard.errors import RecordingError
assert dashboard.__file__.startswith({root!r}), dashboard.__file__
try:
    print(demo_path())
except RecordingError as exc:
    print("error:", exc)
"""


def _layout(root: Path, *, installed: bool, checkout: bool) -> Path:
    """A copy of the ``dashboard`` package in ``root``, the demo where a wheel or a checkout puts it."""
    shutil.copytree(PACKAGE, root / "dashboard", ignore=shutil.ignore_patterns("__pycache__", "demo"))
    if installed:
        RecordingWriter(root / "dashboard" / "demo", manifest(description="installed")).close()
    if checkout:
        RecordingWriter(root / "fixtures" / "demo", manifest(description="checkout")).close()
    return root


def _demo_path_in(root: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", _PRINT_DEMO_PATH.format(root=str(root))],
        capture_output=True,
        text=True,
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.timeout(60)
def test_installed_package_wins(tmp_path: Path) -> None:
    root = _layout(tmp_path, installed=True, checkout=True)
    assert _demo_path_in(root) == str(root / "dashboard" / "demo")


@pytest.mark.timeout(60)
def test_checkout_is_the_fallback(tmp_path: Path) -> None:
    root = _layout(tmp_path, installed=False, checkout=True)
    assert _demo_path_in(root) == str(root / "fixtures" / "demo")


@pytest.mark.timeout(60)
def test_neither_is_an_error_that_says_where_it_looked(tmp_path: Path) -> None:
    root = _layout(tmp_path, installed=False, checkout=False)
    assert _demo_path_in(root).startswith(
        f"error: the demo recording is missing (looked in {root / 'fixtures' / 'demo'})"
    )


def test_this_checkout() -> None:
    if (CHECKOUT / "fixtures" / "demo" / MANIFEST).is_file():
        assert demo_path() == CHECKOUT / "fixtures" / "demo"
    else:
        with pytest.raises(RecordingError, match="demo recording is missing"):
            demo_path()
