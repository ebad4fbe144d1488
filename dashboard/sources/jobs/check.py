"""The jobs source's lines in ``gcpdash --check``'s polling cost: its billed history queries."""

from __future__ import annotations

from dashboard.config import Config


def check_lines(config: Config, projects: tuple[str, ...]) -> list[str]:
    """What a month of history queries bills, at the configured intervals, for ``projects``; in
    organisation mode which view is read and the role it needs, then the cost of one query per location."""
    from dashboard.backends.gcp.check import polling_cost

    if config.gcp.organization is not None or config.gcp.folder is not None:
        queries = [
            line.replace("history queries", "organisation queries")
            .replace(" per project", "")
            .replace("every project in every location", "one per location")
            for line in check_lines(_project_mode(config), projects[:1])
        ]
        pages = (
            "  and on demand only: each m in the jobs pane (the next page of further jobs) is one more query "
            f"per location, at least 10 MiB and at most {config.gcp.maximum_bytes_billed:,} bytes billed"
        )
        return [*scope_lines(config, projects), *queries, pages]

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


def scope_lines(config: Config, projects: tuple[str, ...]) -> list[str]:
    """Organisation mode: the view, where it runs, what it covers and the role it needs."""
    from dashboard.iam import BQ_RESOURCE_VIEWER
    from dashboard.sources.jobs.org_sql import VIEWS

    gcp = config.gcp
    scope, number = ("organization", gcp.organization) if gcp.organization else ("folder", gcp.folder)
    where = projects[0] if projects else "the first configured project"
    covers = (
        f"the organisation of project {where} (configured: {number})"
        if scope == "organization"
        else f"the parent folder of project {where} and its subfolders (configured: folder {number})"
    )
    resource = "organizations" if scope == "organization" else "folders"
    return [
        f"  organisation mode: reads `{where}`.`region-LOCATION`.INFORMATION_SCHEMA.{VIEWS[scope]}, one "
        f"query per location: {covers}",
        f"  needs {BQ_RESOURCE_VIEWER} (bigquery.jobs.listAll) on {resource}/{number}, and "
        f"roles/bigquery.jobUser in {where}; denied, each project's own JOBS view is read instead",
    ]


def _project_mode(config: Config) -> Config:
    import msgspec

    return msgspec.structs.replace(
        config, gcp=msgspec.structs.replace(config.gcp, organization=None, folder=None)
    )
