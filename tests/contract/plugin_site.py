"""The test source plugin (tests/plugins/gcpdash_queues) installed the way a user installs one: ``pip
install`` of its own package (its ``pyproject.toml`` declares the ``gcpdash.sources`` entry point) into a
directory of its own, which a subprocess gets on ``PYTHONPATH`` and this process on ``sys.path``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PLUGIN = Path(__file__).resolve().parents[1] / "plugins" / "gcpdash_queues"


def install(where: Path, plugin: Path = PLUGIN) -> Path:
    """Build and install the plugin (``plugin``, by default the queues source) into ``where/site`` (no
    network: the build back end is the venv's); returns that directory."""
    source = where / "src"
    shutil.copytree(plugin, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    site = where / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(site), str(source)],
        check=True,
        capture_output=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )  # fmt: skip
    return site


def env_with(site: Path) -> dict[str, str]:
    """This process's environment with ``site`` on ``PYTHONPATH`` (for a ``python -m dashboard``)."""
    paths = [str(site), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "GRPC_VERBOSITY": "ERROR"}


@contextmanager
def installed_here(site: Path, package: str = "gcpdash_queues") -> Iterator[None]:
    """The plugin (its top-level ``package``) registered in this process while the block runs; forgotten
    after."""
    import importlib

    from dashboard import registry

    sys.path.insert(0, str(site))
    importlib.invalidate_caches()
    registry.reset()
    try:
        yield
    finally:
        sys.path.remove(str(site))
        for name in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
            del sys.modules[name]
        registry.reset()
