"""Where the bundled demo recording is (``gcpdash --demo``): light to import, so the app's first frame
does not wait for the recording's reader."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from dashboard.errors import RecordingError
from dashboard.recording.format import MANIFEST

__all__ = ["demo_path"]


def demo_path() -> Path:
    """The bundled demo recording's directory.

    An installed gcpdash ships it as the package ``dashboard.demo``; a checkout (editable install) has it in
    ``fixtures/demo`` next to the ``dashboard`` package.

    Raises:
        RecordingError: Neither place holds a recording.
    """
    looked: list[str] = []
    try:
        manifest = importlib.resources.files("dashboard.demo").joinpath(MANIFEST)
    except (ModuleNotFoundError, TypeError, ValueError):
        pass
    else:
        if isinstance(manifest, Path):
            if manifest.is_file():
                return manifest.parent
            looked.append(str(manifest.parent))
    checkout = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
    if (checkout / MANIFEST).is_file():
        return checkout
    looked.append(str(checkout))
    raise RecordingError(
        f"the demo recording is missing (looked in {', '.join(looked)}); "
        "reinstall gcpdash, or in a checkout run python fixtures/generate_demo.py"
    )
