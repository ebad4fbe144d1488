"""``gcpdash --check``: who the credentials are, whether each source can be read (and the role missing when
not), where the configuration came from, and what a month of polling costs.

Each source is read once, exactly as the dashboard reads it (the same calls, so the answer is the one the
dashboard would get). The cost counts the INFORMATION_SCHEMA history query, the one billed BigQuery query:
jobs.list and the Reservation, Dataproc and Dataflow reads carry no charge; Cloud Monitoring reads are not
counted (its pricing has a free allowance per month).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from dashboard import registry
from dashboard.backends.base import Poll
from dashboard.config import Config, default_path
from dashboard.errors import EXIT_FAILURE, EXIT_OK, EXIT_WARN, SourceError
from dashboard.iam import roles_for
from dashboard.sources import live_off

MONTH_SECONDS = 30 * 86400
TIB = 1024**4


@dataclass(frozen=True)
class PollingCost:
    """What polling at the configured intervals bills: the first poll, then a month of polls."""

    first_poll_queries: int
    """History queries of the first poll (``gcpdash --once`` is one): every project in every location."""
    queries_per_location: float
    """History queries per month in one BigQuery location after the first poll."""
    locations: int
    bytes_billed: float
    """At least this many bytes a month, the first poll included (each query bills at least the minimum)."""
    usd: float
    """At the on-demand price, before the monthly free tier."""
    first_poll_usd: float
    """The first poll's share of :attr:`usd` (what one ``gcpdash --once`` bills at least)."""


def polling_cost(config: Config, projects: int) -> PollingCost:
    """The monthly bill of the history queries, as :class:`~dashboard.sources.jobs.api_window.HistorySchedule`
    runs them: the first poll queries every project in every location; then each project is queried every
    ``intervals.jobs_history`` seconds per location, at most one query per location per
    ``intervals.billed_query_gap``. Each query bills at least ``bigquery.on_demand.min_bytes_per_query``
    (10 MiB) at ``bigquery.on_demand.per_tib``."""
    from dashboard.pricing import load_prices

    prices = load_prices(overrides=config.prices)
    intervals = config.intervals
    projects = max(projects, 1)
    wanted = projects * MONTH_SECONDS / max(intervals.jobs_history, 1.0)
    allowed = MONTH_SECONDS / max(intervals.billed_query_gap, 1.0)
    per_location = min(wanted, allowed)
    locations = len(config.gcp.bigquery_locations)
    first = projects * locations
    minimum = prices.value("bigquery.on_demand.min_bytes_per_query")
    per_tib = prices.value("bigquery.on_demand.per_tib")
    billed = (per_location * locations + first) * minimum
    return PollingCost(
        first_poll_queries=first,
        queries_per_location=per_location,
        locations=locations,
        bytes_billed=billed,
        usd=billed / TIB * per_tib,
        first_poll_usd=first * minimum / TIB * per_tib,
    )


def identity(credentials: Any, anonymous: bool) -> str:
    """Who the credentials are, as far as they say without a network call."""
    if anonymous:
        return "anonymous (no credentials sent: [auth] anonymous = true)"
    email = getattr(credentials, "service_account_email", None)
    if isinstance(email, str) and email and email != "default":
        return f"service account {email}"
    kind = type(credentials).__name__
    if kind == "Credentials" and type(credentials).__module__.startswith("google.oauth2"):
        quota = getattr(credentials, "quota_project_id", None)
        extra = f", quota project {quota}" if quota else ""
        return f"user credentials from gcloud auth application-default login{extra}"
    if email == "default":
        return "the compute engine default service account (metadata server)"
    return f"{kind} credentials"


def config_origin(config: Config, explicit: Path | None) -> str:
    """Where the configuration came from, and the precedence."""
    where = config.source or f"no file (looked for {explicit or default_path()})"
    return f"{where}; precedence: defaults < file < GCPDASH_* environment < flags"


def verdict(polls: list[Poll]) -> int:
    """0 when every source is readable, 1 when some are not, 3 when none is."""
    readable = sum(poll.data is not None for poll in polls)
    if polls and readable == len(polls):
        return EXIT_OK
    return EXIT_WARN if readable else EXIT_FAILURE


def report_lines(
    config: Config,
    who: str,
    projects: tuple[str, ...],
    polls: list[Poll],
    origin: str,
    *,
    discovery: str | None = None,
) -> list[str]:
    """The check's report, a line each; ``discovery``: what the organisation's discovery found."""
    from dashboard.views.fmt import safe_line

    lines = [
        f"credentials: {who}",
        f"config: {origin}",
        f"projects: {', '.join(projects) or '(none)'}; regions: {', '.join(config.gcp.regions)}; "
        f"BigQuery locations: {', '.join(config.gcp.bigquery_locations)}",
        "",
    ]
    if discovery is not None:
        from dashboard.backends.gcp.discovery import check_line

        lines += [*check_line(config, safe_line(discovery, 300)), ""]
    for poll in polls:
        if poll.data is not None:
            warnings = getattr(poll.data, "warnings", ())
            lines.append(f"{poll.source}: readable" + (" (with gaps)" if warnings else ""))
            lines.extend(f"  - {safe_line(w, 300)}" for w in warnings)
        else:
            lines.append(f"{poll.source}: NOT readable: {safe_line(poll.error or 'unknown reason', 300)}")
            for grant in roles_for(poll.source):
                need = "needs" if grant.required else "optional"
                lines.append(f"  - {need} {grant.role} on {grant.scope}: {grant.purpose}")
    for source, reason in live_off(config).items():
        lines.append(f"{source}: off: {reason}")
    lines += [
        "",
        "polling cost a month (the billed history query; jobs.list and the Reservation, Dataproc and "
        "Dataflow reads carry no charge; Monitoring reads are not counted):",
    ]
    for spec in registry.sources():
        if spec.check_lines:
            lines += registry._attribute(spec.check_lines)(config, projects)
    return lines


def run_check(config: Config, *, config_path: Path | None = None, out: IO[str] | None = None) -> int:
    """``gcpdash --check``: print the report; exit 0 (all readable), 1 (some) or 3 (none, or no
    credentials)."""
    from dashboard.backends.gcp.live import LiveBackend
    from dashboard.backends.gcp.once import poll_all

    out = out or sys.stdout
    backend = LiveBackend(config)
    origin = config_origin(config, config_path)
    try:
        try:
            credentials = backend.ctx.credentials
            projects = backend.ctx.projects
        except SourceError as exc:
            print(f"credentials: {exc.reason}", file=out)
            print(f"config: {origin}", file=out)
            return EXIT_FAILURE
        who = identity(credentials, backend.ctx.anonymous)
        polls = poll_all(backend)
        found = backend.discovery.summary()
    finally:
        backend.close()
    for line in report_lines(config, who, projects, polls, origin, discovery=found):
        print(line, file=out)
    return verdict(polls)
