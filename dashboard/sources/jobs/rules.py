"""BigQuery rules: failures above their usual level, the costliest queries and principals, identical queries
run again and again, and on-demand spend nobody labelled.

Costs are the cost package's, computed once for all these rules (:mod:`dashboard.sources.jobs.rules_costs`): a
job's cost is bytes billed at the on-demand price, or the slot-hours a reservation job used at its
edition's price (an attribution); a principal's is the sum of its jobs', as the Jobs pane shows it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

from dashboard.insights import Context, Insight, rule
from dashboard.insights.common import clock, per_month
from dashboard.models import Job
from dashboard.sources.jobs.rules_costs import Costed, job_costs, spenders
from dashboard.sources.jobs.sql import is_select, normalize
from dashboard.views.fmt import money, one_line, tib

FAILURES = "bigquery.failure_spike"
COSTLY_QUERY = "bigquery.costly_query"
COSTLY_PRINCIPAL = "bigquery.costly_principal"
REPEATED = "bigquery.repeated_query"
UNLABELLED = "bigquery.unlabelled_spend"

REASON_FIX: dict[str, str] = {
    "accessDenied": "accessDenied: check recent IAM changes on the datasets and the principals' roles",
    "resourcesExceeded": "resourcesExceeded: the queries need more memory than a slot has; split them, "
    "drop ORDER BY without LIMIT, pre-aggregate",
    "notFound": "notFound: a table or dataset was dropped or renamed",
    "invalidQuery": "invalidQuery: a schema change or a bad deploy of the SQL",
    "quotaExceeded": "quotaExceeded: a quota was hit (concurrent queries, DML per table)",
    "rateLimitExceeded": "rateLimitExceeded: too many requests at once; add backoff",
}
"""What to look at for the commonest failure reasons."""


def query_id(normal: str) -> str:
    """A short stable id of a normalized query: two queries that begin alike stay two resources."""
    return hashlib.sha256(normal.encode()).hexdigest()[:8]


def window_hours(ctx: Context) -> float:
    """The hours the snapshot's data covers (at least a minute, to rate spend per hour)."""
    return max(ctx.cost.window_hours, 1 / 60)


def who(principal: str | None) -> str:
    """A principal as evidence names it."""
    return principal or "(unknown)"


def cost_phrase(job: Job, on_demand: bool) -> str:
    """What a job's cost is made of: ``5.000 TiB billed on demand`` or ``12.5 slot-hours in prod``."""
    if on_demand:
        return f"{tib(job.bytes_billed)} TiB billed on demand"
    slot_hours = (job.slot_ms or 0) / 3.6e6
    return f"{slot_hours:,.1f} slot-hours in {job.reservation} (attributed)"


@rule(FAILURES, minutes=30.0, min_jobs=20.0, ratio=2.0, min_rate_pct=5.0, critical_pct=25.0)
def failure_spike(ctx: Context) -> Iterator[Insight]:
    """Per project: the share of jobs that failed in the last ``minutes`` (at least ``min_jobs`` ended)
    is at least ``min_rate_pct`` % and ``ratio`` times its share over the rest of the window (which needs
    ``min_jobs`` too); critical from ``critical_pct`` %."""
    minutes = ctx.threshold(FAILURES, "minutes")
    min_jobs = ctx.threshold(FAILURES, "min_jobs")
    ratio = ctx.threshold(FAILURES, "ratio")
    min_rate = ctx.threshold(FAILURES, "min_rate_pct")
    critical = ctx.threshold(FAILURES, "critical_pct")
    cut = ctx.snapshot.at - timedelta(minutes=minutes)
    if ctx.snapshot.job_aggregates is not None:  # organisation mode: BigQuery's hourly counts
        yield from _failures_in_totals(ctx, cut)
        return
    # per project: jobs ended recently, before, and failed before; the recent failures themselves
    recent: Counter[str] = Counter()
    before: Counter[str] = Counter()
    failed_before: Counter[str] = Counter()
    failed: dict[str, list[Job]] = {}
    for job in ctx.snapshot.jobs:
        ended = job.ended
        if ended is None or job.state != "DONE" or job.statement_type == "SCRIPT":
            continue
        project = job.project
        if ended >= cut:
            recent[project] += 1
            if job.error_reason is not None:
                failed.setdefault(project, []).append(job)
        else:
            before[project] += 1
            if job.error_reason is not None:
                failed_before[project] += 1
    for project, jobs in sorted(failed.items()):
        ended_n, before_n = recent[project], before[project]
        if ended_n < min_jobs or before_n < min_jobs:
            continue
        rate, usual = len(jobs) / ended_n * 100, failed_before[project] / before_n * 100
        if rate < min_rate or rate < ratio * usual:
            continue
        jobs.sort(key=lambda j: j.ended or cut)
        reasons = Counter(j.error_reason or "?" for j in jobs).most_common()
        principals = Counter(who(j.principal) for j in jobs).most_common(2)
        hints = [REASON_FIX[r] for r, _ in reasons if r in REASON_FIX][:2]
        yield Insight(
            rule=FAILURES,
            severity="critical" if rate >= critical else "warning",
            title=f"{project}: {rate:.0f}% of BigQuery jobs failed in the last {minutes:g} min "
            f"(usually {usual:.1f}%)",
            source="jobs",
            resource=project,
            resource_key=jobs[-1].key,
            evidence=(
                f"{len(jobs)} of {ended_n} jobs ended since {clock(cut)} failed ({rate:.1f}%) vs "
                f"{failed_before[project]} of {before_n} before ({usual:.1f}%); "
                + ", ".join(f"{r} x {n}" for r, n in reasons[:3])
                + "; most from "
                + ", ".join(f"{p} ({n})" for p, n in principals)
            ),
            fix="Open the failed jobs (newest first) and their errors; "
            + ("; ".join(hints) or "see the errors"),
        )


def _failures_in_totals(ctx: Context, cut: datetime) -> Iterator[Insight]:
    """:func:`failure_spike` from the organisation's hour buckets: per project BigQuery named, its jobs and
    failures in the hours from ``cut``'s on against the hours before (a project past the top K in an hour
    is left out of that hour: its counts are in the remainder)."""
    from dashboard.sources.jobs.aggregates import failures_by_project, hour_start

    aggregates = ctx.snapshot.job_aggregates
    assert aggregates is not None
    min_jobs, ratio = ctx.threshold(FAILURES, "min_jobs"), ctx.threshold(FAILURES, "ratio")
    min_rate, critical = ctx.threshold(FAILURES, "min_rate_pct"), ctx.threshold(FAILURES, "critical_pct")
    since = clock(hour_start(cut))
    for project, (jobs, failed, before, failed_before) in sorted(
        failures_by_project(aggregates, cut).items()
    ):
        if jobs < min_jobs or before < min_jobs or not failed:
            continue
        rate, usual = failed / jobs * 100, failed_before / before * 100
        if rate < min_rate or rate < ratio * usual:
            continue
        yield Insight(
            rule=FAILURES,
            severity="critical" if rate >= critical else "warning",
            title=f"{project}: {rate:.0f}% of BigQuery jobs failed since {since} (usually {usual:.1f}%)",
            source="jobs",
            resource=project,
            evidence=(
                f"{failed:,} of {jobs:,} jobs since {since} failed ({rate:.1f}%) vs {failed_before:,} of "
                f"{before:,} before ({usual:.1f}%), by {aggregates.view}'s hourly counts"
            ),
            fix="Open the project's failed jobs in the Jobs pane (filter on the project and failed) and "
            "their errors",
        )


@rule(COSTLY_QUERY, usd=10.0, warning_usd=100.0, top=5.0)
def costly_query(ctx: Context) -> Iterator[Insight]:
    """The ``top`` costliest jobs of the window that cost at least ``usd`` each (info; a warning from
    ``warning_usd``). The job's cost is a one-off, stated in the title and evidence, not a rate."""
    floor = ctx.threshold(COSTLY_QUERY, "usd")
    warn = ctx.threshold(COSTLY_QUERY, "warning_usd")
    top = int(ctx.threshold(COSTLY_QUERY, "top"))
    costs = job_costs(ctx)
    costly = [
        Costed(job, usd, on_demand)
        for job, usd, on_demand in zip(costs.jobs, costs.usd, costs.on_demand, strict=True)
        if usd is not None and usd >= floor
    ]
    costly.sort(key=lambda c: (-(c.usd or 0.0), c.job.key))
    for job, spent, on_demand in costly[: max(0, top)]:
        usd = spent or 0.0
        sql = one_line(normalize(job.query or ""), 100)
        yield Insight(
            rule=COSTLY_QUERY,
            severity="warning" if usd >= warn else "info",
            title=f"Query by {who(job.principal)} cost {money(usd)}",
            source="jobs",
            resource=job.job_id,
            resource_key=job.key,
            evidence=(
                f"{money(usd)}: {cost_phrase(job, on_demand)}; ended {clock(job.ended)} in {job.project}"
                + (f"; {sql}" if sql else "")
            ),
            fix=(
                "Scan less: filter on the partitioning column, cluster the tables it filters on, select only "
                "the columns needed (not *), and cap it with maximum_bytes_billed"
            ),
        )


@rule(COSTLY_PRINCIPAL, usd=50.0, warning_usd=500.0, top=5.0)
def costly_principal(ctx: Context) -> Iterator[Insight]:
    """The ``top`` principals whose jobs cost at least ``usd`` in the window (info; a warning from
    ``warning_usd``). At stake: their spend at the window's average rate."""
    floor = ctx.threshold(COSTLY_PRINCIPAL, "usd")
    warn = ctx.threshold(COSTLY_PRINCIPAL, "warning_usd")
    top = int(ctx.threshold(COSTLY_PRINCIPAL, "top"))
    hours = window_hours(ctx)
    for spender in [s for s in spenders(ctx) if s.usd >= floor][: max(0, top)]:
        rate = spender.usd / hours
        yield Insight(
            rule=COSTLY_PRINCIPAL,
            severity="warning" if spender.usd >= warn else "info",
            title=f"{spender.principal} spent {money(spender.usd)} on BigQuery in {hours:.1f} h",
            source="jobs",
            resource=spender.principal,
            resource_key=spender.principal,  # its row in the Jobs pane's by-principal view
            evidence=(
                f"{spender.jobs} jobs since {clock(ctx.cost.window_start)}: {tib(spender.bytes_billed)} TiB "
                f"billed, {spender.slot_ms / 3.6e6:,.1f} slot-hours (bytes billed on demand plus "
                f"reservation jobs' slot-hours, attributed); {money(rate)}/h at this rate"
            ),
            usd_per_hour=rate,
            usd_per_month=per_month(rate),
            fix="Look at this principal's costliest queries (Jobs pane, by principal) and whether they "
            "need to scan that much; a scheduled query may run more often than needed",
        )


@rule(REPEATED, min_runs=5.0, min_usd=5.0, warning_usd=50.0)
def repeated_query(ctx: Context) -> Iterator[Insight]:
    """The same SELECT (its text with comments and spacing normalized) run at least ``min_runs`` times in
    the window without a cache hit, costing at least ``min_usd`` together (info; a warning from
    ``warning_usd``). At stake: those runs' cost at the window's average rate."""
    min_runs = ctx.threshold(REPEATED, "min_runs")
    floor = ctx.threshold(REPEATED, "min_usd")
    warn = ctx.threshold(REPEATED, "warning_usd")
    costs = job_costs(ctx)
    jobs, usds = costs.jobs, costs.usd
    by_text: dict[str, list[int]] = {}  # query text -> indexes of its runs
    for i, job in enumerate(jobs):
        text = job.query
        if text and job.cache_hit is not True and usds[i] is not None:
            seen = by_text.get(text)
            if seen is None:
                by_text[text] = [i]
            else:
                seen.append(i)
    groups: dict[str, list[int]] = {}
    for text, indexes in by_text.items():
        if jobs[indexes[0]].statement_type not in (None, "SELECT"):
            continue
        normal = normalize(text)
        if is_select(normal):
            groups.setdefault(normal, []).extend(indexes)
    hours = window_hours(ctx)
    for normal, indexes in groups.items():
        usd = sum(usds[i] or 0.0 for i in indexes)
        if len(indexes) < min_runs or usd < floor:
            continue
        runs = sorted((jobs[i] for i in indexes), key=lambda j: j.ended or j.created or ctx.snapshot.at)
        first, newest = runs[0], runs[-1]
        principals = Counter(who(j.principal) for j in runs).most_common(2)
        rate = usd / hours
        yield Insight(
            rule=REPEATED,
            severity="warning" if usd >= warn else "info",
            title=f"The same query ran {len(runs)} times without a cache hit: {money(usd)}",
            source="jobs",
            resource=f"{one_line(normal, 60)} #{query_id(normal)}",
            resource_key=newest.key,
            evidence=(
                f"{len(runs)} runs since {clock(first.ended or first.created)}, last "
                f"{clock(newest.ended or newest.created)}, none served from cache; {money(usd)} together "
                f"({money(rate)}/h); by " + ", ".join(f"{p} ({n})" for p, n in principals)
            ),
            usd_per_hour=rate,
            usd_per_month=per_month(rate),
            fix=(
                "Keep the result instead of recomputing it: a scheduled table or materialized view, or let "
                "the cache serve it (no CURRENT_TIMESTAMP()/RAND(), no destination table, use_query_cache on)"
            ),
        )


def _unlabelled_insight(
    ctx: Context, project: str, usd: float, total: float, evidence: str, *, resource_key: str = ""
) -> Insight:
    """The unlabelled-spend insight of ``project``: ``usd`` of its ``total`` on-demand $ had no label
    (``evidence`` says which jobs); at stake, that spend at the window's average rate."""
    rate = usd / window_hours(ctx)
    return Insight(
        rule=UNLABELLED,
        severity="warning",
        title=f"{project}: {usd / total * 100:.0f}% of on-demand spend carries no label",
        source="jobs",
        resource=project,
        resource_key=resource_key,
        evidence=f"{money(usd)} of {money(total)} on demand since {clock(ctx.cost.window_start)} {evidence}",
        usd_per_hour=rate,
        usd_per_month=per_month(rate),
        fix=(
            "Label jobs so spend can be attributed: job labels in the client (job_config.labels, "
            "bq query --label team:NAME), dbt's query-comment job labels, a label per scheduled query"
        ),
    )


@rule(UNLABELLED, share_pct=50.0, min_usd=10.0)
def unlabelled_spend(ctx: Context) -> Iterator[Insight]:
    """Per project: at least ``share_pct`` % of its on-demand spend in the window, and at least
    ``min_usd``, came from jobs without any label. At stake: that spend at the window's average rate."""
    share_pct = ctx.threshold(UNLABELLED, "share_pct")
    floor = ctx.threshold(UNLABELLED, "min_usd")
    if ctx.snapshot.job_aggregates is not None:  # organisation mode: BigQuery's counts, not the jobs listed
        yield from _unlabelled_in_aggregates(ctx, share_pct, floor)
        return
    total: dict[str, float] = {}
    bare: dict[str, list[Costed]] = {}
    costs = job_costs(ctx)
    for job, usd, on_demand in zip(costs.jobs, costs.usd, costs.on_demand, strict=True):
        if not on_demand or not usd:
            continue
        project = job.project
        total[project] = total.get(project, 0.0) + usd
        if not job.labels:
            bare.setdefault(project, []).append(Costed(job, usd, on_demand))
    for project, jobs in sorted(bare.items()):
        usd = sum(c.usd or 0.0 for c in jobs)
        share = usd / total[project] * 100
        if usd < floor or share < share_pct:
            continue
        by_who: dict[str, float] = {}
        for c in jobs:
            by_who[who(c.job.principal)] = by_who.get(who(c.job.principal), 0.0) + (c.usd or 0.0)
        top = sorted(by_who.items(), key=lambda pu: (-pu[1], pu[0]))[:2]
        most = ", ".join(f"{p} ({money(u)})" for p, u in top)
        costliest = max(jobs, key=lambda c: c.usd or 0.0).job.key
        yield _unlabelled_insight(
            ctx,
            project,
            usd,
            total[project],
            f"({len(jobs)} jobs) had no label; most from {most}",
            resource_key=costliest,
        )


def _unlabelled_in_aggregates(ctx: Context, share_pct: float, floor: float) -> Iterator[Insight]:
    """:func:`unlabelled_spend` from the organisation's hour buckets: per project, its unlabelled on-demand
    bytes against all its on-demand bytes, over the hours (and locations) where BigQuery named the project
    (an hour where it is past the top K, of its projects or of their unlabelled jobs, is left out of both
    sums: its share there cannot be told)."""
    from dashboard.sources.jobs.aggregates import estimated_usd
    from dashboard.sources.jobs.cost import ON_DEMAND

    aggregates = ctx.snapshot.job_aggregates
    assert aggregates is not None
    per_tib = ctx.prices.value(ON_DEMAND)
    project: dict[tuple[str, datetime, str], int] = {}
    bare: dict[tuple[str, datetime, str], tuple[int, int]] = {}
    capped: set[tuple[str, datetime]] = set()  # hours whose unlabelled projects past the top K were lumped
    for b in aggregates.buckets:
        if b.dim == "unlabelled" and b.key is None:
            capped.add((b.location, b.hour))
        elif b.key is not None and b.dim == "project":
            project[(b.location, b.hour, b.key)] = b.ondemand_bytes
        elif b.key is not None and b.dim == "unlabelled":
            bare[(b.location, b.hour, b.key)] = (b.ondemand_bytes, b.jobs)
    sums: dict[str, list[int]] = {}
    for place, bytes_all in project.items():
        if place not in bare and place[:2] in capped:
            continue  # its unlabelled bytes, if any, are in the remainder: unknown
        bytes_bare, jobs = bare.get(place, (0, 0))
        acc = sums.setdefault(place[2], [0, 0, 0])
        acc[0] += bytes_bare
        acc[1] += bytes_all
        acc[2] += jobs
    for name, (bytes_bare, bytes_all, jobs) in sorted(sums.items()):
        usd, total = estimated_usd(bytes_bare, per_tib), estimated_usd(bytes_all, per_tib)
        if not total or usd < floor or usd / total * 100 < share_pct:
            continue
        counts = f"by {aggregates.view}'s counts ({tib(bytes_bare)} of {tib(bytes_all)} TiB billed)"
        yield _unlabelled_insight(ctx, name, usd, total, f"({jobs:,} jobs) had no label, {counts}")
