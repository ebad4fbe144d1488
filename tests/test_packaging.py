"""Every package of the source tree ships in the wheel (``[tool.setuptools] packages`` is an explicit list,
because the bundled demo recording is mapped into it from ``fixtures/demo``)."""

from __future__ import annotations

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
