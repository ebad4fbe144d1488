"""gcpdash: a terminal dashboard for a Google Cloud data platform and what it costs."""

from __future__ import annotations

__version__ = "0.1.0"
