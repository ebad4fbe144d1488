"""The billing source's line in ``gcpdash --check``'s polling cost: its export queries, when configured."""

from __future__ import annotations

from dashboard.config import Config


def check_lines(config: Config, projects: tuple[str, ...]) -> list[str]:
    """What a month of billing export queries bills (nothing without an export table)."""
    from dashboard.backends.gcp.check import MONTH_SECONDS

    if not config.billing.export_table:
        return []
    interval = config.intervals.billing
    per_month = MONTH_SECONDS / max(interval, 1.0)
    return [
        f"  and {per_month:,.0f} billing export queries (every {interval:g}s), each billed for "
        f"the month's partitions of the export table it reads, at most "
        f"{config.gcp.maximum_bytes_billed / 1024**3:,.1f} GiB each ([gcp] maximum_bytes_billed)"
    ]
