"""Starting the interactive app live (``gcpdash`` without ``--demo``/``--replay``/``--once``).

Here, not in ``dashboard/backends/gcp``, because it starts the Textual app: the backends never import
Textual, and the app never imports Google's clients (tests/test_layering.py). The app loads after the
credentials and projects are checked, Google's clients when the first poll runs.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, NoReturn

from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import open_live_session, preflight

if TYPE_CHECKING:
    from dashboard.config import Config
    from dashboard.session import Session

__all__ = ["leave", "run_live_app"]


def run_live_app(config: Config) -> int:
    """Run the interactive app on the live backend until the user quits (``gcpdash`` without a recording).

    Raises:
        GcpdashError: No credentials or no project (checked before the app starts); an ``[insights]``
            rule or threshold that does not exist.
    """
    from dashboard.insights import config_settings

    settings = config_settings(config)
    projects = preflight(LiveBackend(config))
    from dashboard.app import DashboardApp

    opened: list[Session] = []

    def open_session() -> Session:
        session = open_live_session(config)
        opened.append(session)
        return session

    app = DashboardApp(
        open_session,
        subtitle=f"live: {', '.join(projects)}",
        config=config,
        insight_settings=settings,
    )
    try:
        result = app.run()
    finally:
        for session in opened:  # cancels the gRPC calls in flight; a REST read left waiting is a daemon
            session.backend.close()
    code = result or 0
    if any(isinstance(s.backend, LiveBackend) and s.backend.busy() for s in opened):
        leave(code)
    return code


def leave(code: int) -> NoReturn:
    """End the process now, with ``code``: a read still hangs in a worker thread (the user quit while a
    call waited out its timeout), and tearing the interpreter down around threads blocked in gRPC or a
    socket costs more than a second for nothing. The app has restored the terminal and saved its state."""
    import logging
    import os
    import sys

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
