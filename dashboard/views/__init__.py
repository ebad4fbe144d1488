"""Views: one module per pane builds Rich renderables from a Snapshot and the time shown.

Each pane module has ``render(snapshot, now) -> RenderableType`` (what the app and ``--once`` print), its
``COLUMNS`` and row builders (:mod:`dashboard.views.columns`), and a ``render_section`` that draws already
collected data (:mod:`dashboard.views.collect`, typed in :mod:`dashboard.views.items`). Formatting lives in
:mod:`dashboard.views.fmt`, state colours and labels in :mod:`dashboard.views.states`.
"""

from __future__ import annotations
