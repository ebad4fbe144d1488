"""What gcpdash knows about each data source independently of where its data comes from: how often it is
polled, and when its data counts as stale."""

from __future__ import annotations

from typing import Final

from dashboard.models import SourceName

DEFAULT_INTERVALS: Final[dict[SourceName, float]] = {
    "jobs": 10.0,
    "reservations": 60.0,
    "dataproc": 30.0,
    "dataflow": 30.0,
    "billing": 3600.0,
}
"""Seconds between two polls of each source, live. Read it, never change it: copy it to override."""

INCREMENTAL: Final[frozenset[SourceName]] = frozenset({"jobs"})
"""Sources whose polls bring what changed, to be merged; every other source's poll is a full listing that
replaces the previous one."""

STALE_AFTER_INTERVALS: Final = 3.0
"""Data older than this many intervals is shown as stale even when no poll failed."""


def span(seconds: float) -> str:
    """A length of time as a person reads it: ``45s``, ``5m``, ``1h 20m``.

    Args:
        seconds: The length, in seconds; negative counts as zero.

    Returns:
        The coarsest form that still says how long it is (seconds under a minute, minutes under an hour).
    """
    whole = max(0, int(seconds))
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return f"{whole // 60}m"
    hours, rest = divmod(whole, 3600)
    return f"{hours}h {rest // 60}m" if rest >= 60 else f"{hours}h"
