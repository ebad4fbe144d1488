"""Starting the interactive app on a recording (``gcpdash --demo`` / ``--replay``).

Light to import: the command line reaches the app through here, and everything the first frame does not
need (the recording's reader, the backends, the panes, the cost model) is imported only after that frame is
on the screen, off the UI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.config import Config
    from dashboard.session import Session

__all__ = ["run_app"]


def _open(recording: Path, mode: str, speed: float) -> Session:
    """The session on ``recording`` (run in the app's worker thread: decoding takes a moment)."""
    from dashboard.session import open_recording

    return open_recording(recording, mode, speed)


def run_app(*, recording: Path, mode: str, speed: float = 1.0, config: Config | None = None) -> int:
    """Run the app on a recording (``--demo`` or ``--replay``) until the user quits; ``config``
    (``--config``) supplies prices, budgets and the insight rules' settings.

    Raises:
        UsageError: An ``[insights]`` rule or threshold that does not exist.
    """
    settings = None
    if config is not None:
        from dashboard.insights import config_settings

        settings = config_settings(config)
    from dashboard.app import DashboardApp

    app = DashboardApp(
        lambda: _open(recording, mode, speed),
        subtitle=f"{mode}: {recording}",
        config=config,
        insight_settings=settings,
    )
    result = app.run()
    return result or 0
