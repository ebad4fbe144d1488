"""What gcpdash knows about each data source independently of where its data comes from: how often it is
polled, and when its data counts as stale."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from dashboard.config import Config
    from dashboard.models import SourceName


def default_intervals() -> dict[SourceName, float]:
    """Seconds between two polls of each registered source, live: its spec's ``interval``."""
    from dashboard import registry

    return {spec.name: spec.interval for spec in registry.sources()}


def incremental(source: SourceName) -> bool:
    """Whether ``source``'s polls bring what changed, to be merged (its spec's merge kind is
    ``incremental``); every other source's poll is a full listing that replaces the previous one."""
    from dashboard import registry

    spec = registry.spec(source)
    return spec is not None and spec.merge == "incremental"


STALE_AFTER_INTERVALS: Final = 3.0
"""Data older than this many intervals is shown as stale even when no poll failed."""


BILLING_OFF: Final = "not configured: set [billing] export_table (and billing_account for budgets)"
"""Why the billing source is off live."""
BILLING_NOT_RECORDED: Final = "not in this recording (it was made without [billing] export_table)"
"""Why the billing source is off in a replay of a recording without ``billing.jsonl``."""

PLUGIN_OFF: Final = "switched off: [sources.{name}] enabled = false"
"""Why a plugin's source is off live."""

NOT_RECORDED: Final = "not in this recording: {source}.jsonl is missing or holds no poll"
"""Why a source other than billing is off in a replay."""


def live_off(config: Config) -> dict[SourceName, str]:
    """The sources a live run does not read at all, with why: billing without an export table or a
    billing account."""
    off = {
        name: PLUGIN_OFF.format(name=name)
        for name, settings in config.sources.items()
        if not settings.enabled
    }
    billing = config.billing
    if not (billing.export_table or billing.billing_account):
        off["billing"] = BILLING_OFF
    return off


def replay_off(recorded: Iterable[SourceName]) -> dict[SourceName, str]:
    """The sources a recording has no poll of (no log, or an empty one), with why: billing when the
    recording was made without an export table, any other source when its log is missing or empty."""
    from dashboard import registry

    have = set(recorded)
    return {
        source: BILLING_NOT_RECORDED if source == "billing" else NOT_RECORDED.format(source=source)
        for source in registry.names()
        if source not in have
    }


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
