"""Textual widgets of the gcpdash app: thin shells over the Rich renderables in ``dashboard.views``.

``panes`` (the panes), ``table`` (the virtual table), ``jobs`` (the BigQuery jobs pane), ``detail`` (the
detail, raw and help screens), ``commands`` (the command palette), ``panenav`` and ``panelist`` (going
from pane to pane, the pane list). ``panedata``, ``rowops`` and ``export``
are Textual-free: the app builds pane rows with them off the UI thread.
"""

from __future__ import annotations
