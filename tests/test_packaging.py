"""Every package of the source tree ships in the wheel (``[tool.setuptools] packages`` is an explicit list,
because the bundled demo recording is mapped into it from ``fixtures/demo``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_with_code_is_listed() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for top in ("dashboard", "widgets")
        for path in (ROOT / top).rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert "dashboard.demo" in listed
    missing = {name for name in listed - {"dashboard.demo"} if not (ROOT / name.replace(".", "/")).is_dir()}
    assert missing == set(), "these listed packages do not exist"


PRINT_WHERE = "import dashboard, widgets; print(dashboard.__file__, widgets.__file__)"


def _site_packages(venv: Path) -> Path:
    found = sorted(venv.glob("lib/python3*/site-packages"))
    assert len(found) == 1, found
    return found[0]


def test_the_built_wheel_installs_and_runs_the_demo_outside_the_checkout(tmp_path: Path) -> None:
    """What ``pipx install .`` / ``uv tool install .`` do: build the wheel, install it into a venv of its
    own, run ``gcpdash`` from another folder. The venv borrows the locked dependencies from the test's
    environment through a ``.pth`` line (offline), but not its editable gcpdash: a directory named by a
    ``.pth`` line is put on the path without its own ``.pth`` files being read."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    (wheel,) = wheels.glob("gcpdash-*.whl")
    venv = tmp_path / "tool"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(venv / "bin" / "python"),
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    borrowed = Path(sysconfig.get_paths()["purelib"])
    (_site_packages(venv) / "locked_dependencies.pth").write_text(f"{borrowed}\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", PRINT_WHERE],
        cwd=elsewhere,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert all(Path(f).is_relative_to(venv) for f in where.stdout.split()), where.stdout
    shown = subprocess.run(
        [str(venv / "bin" / "gcpdash"), "--once", "--demo", "--format", "json"],
        check=False,
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["schema"] == "gcpdash.snapshot/1"
    assert document["mode"] == "demo"
    assert document["jobs"]["recent"], "the bundled recording shipped in the wheel"
