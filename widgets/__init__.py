"""Textual widgets of the gcpdash app: thin shells over the Rich renderables in ``dashboard.views``."""

from __future__ import annotations

from widgets.pane import SnapshotPane

__all__ = ["SnapshotPane"]
