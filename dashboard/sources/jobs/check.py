"""The jobs source's lines in ``gcpdash --check``'s polling cost: its billed history queries."""

from __future__ import annotations

from dashboard.config import Config


def check_lines(config: Config, projects: tuple[str, ...]) -> list[str]:
    """What a month of history queries bills, at the configured intervals, for ``projects``."""
    from dashboard.backends.gcp.check import polling_cost

    cost = polling_cost(config, len(projects))
    intervals = config.intervals
    return [
        f"  first poll (and each gcpdash --once): {cost.first_poll_queries:,} history queries, every "
        f"project in every location (at least ${cost.first_poll_usd:,.4f})",
        f"  then {cost.queries_per_location:,.0f} history queries a month per location (every "
        f"{intervals.jobs_history:g}s per project, at most one per {intervals.billed_query_gap:g}s) x "
        f"{cost.locations} location(s)",
        f"  at least {cost.bytes_billed / 1024**3:,.1f} GiB billed a month (10 MiB minimum per query) = "
        f"${cost.usd:,.2f} on demand, before the free 1 TiB a month",
    ]
