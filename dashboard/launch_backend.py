"""Starting the interactive app on a plugin backend (``gcpdash --backend NAME``).

Here, not in ``dashboard/backends``, because it starts the Textual app: the backends never import Textual
(tests/test_layering.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashboard.backends.named import Served
    from dashboard.config import Config

__all__ = ["run_backend_app"]


def run_backend_app(backend: Served, config: Config) -> int:
    """Run the app on ``backend`` until the user quits, then close it.

    Raises:
        UsageError: An ``[insights]`` rule or threshold that does not exist.
    """
    from dashboard.backends.named import session
    from dashboard.insights import config_settings

    settings = config_settings(config)
    from dashboard.app import DashboardApp

    app = DashboardApp(
        lambda: session(backend),
        subtitle=f"backend {backend.name}",
        config=config,
        insight_settings=settings,
    )
    try:
        result = app.run()
    finally:
        backend.close()
    return result or 0
