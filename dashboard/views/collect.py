"""Build each pane's data (:mod:`dashboard.views.items`) from a Snapshot: what runs, what it costs, in the
order the panes show it (a source's own section in its package, re-exported here: Dataproc's, Dataflow's,
the reservations'). Pure, no Rich: the JSON and Markdown reports call it without loading a renderer."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from dashboard import cost as costs
from dashboard import registry
from dashboard.models import CatalogEntry, Job, JobAggregates, Snapshot, SourceStatus
from dashboard.pricing import PriceTable, default_prices
from dashboard.sources.dataflow import metrics as dataflow_metrics
from dashboard.sources.dataflow.collect import dataflow_item as dataflow_item
from dashboard.sources.dataflow.collect import dataflow_section as dataflow_section
from dashboard.sources.dataproc.collect import YARN_APPS as YARN_APPS
from dashboard.sources.dataproc.collect import YARN_MEMORY as YARN_MEMORY
from dashboard.sources.dataproc.collect import dataproc_section as dataproc_section
from dashboard.sources.jobs import cost as jobs_cost
from dashboard.sources.jobs.writers import table_stale
from dashboard.sources.reservations.collect import SLOTS_ALLOCATED as SLOTS_ALLOCATED
from dashboard.sources.reservations.collect import reservation_series as reservation_series
from dashboard.sources.reservations.collect import reservations_section as reservations_section
from dashboard.views.fmt import one_line
from dashboard.views.items import SERIES_POINTS as SERIES_POINTS
from dashboard.views.items import (
    JobItem,
    JobsSection,
    Overview,
    PrincipalGroup,
    ReservationsSection,
    SourceItem,
)
from dashboard.views.states import state_look

RECENT_JOBS = 25
"""Finished jobs the jobs pane lists by default."""
QUERY_SUMMARY = 120

# Metric names as the parsers store them (service prefix removed).
DF_LAG = dataflow_metrics.LAG
DF_WATERMARK_AGE = dataflow_metrics.WATERMARK_AGE
DF_THROUGHPUT = dataflow_metrics.THROUGHPUT


def _seconds(a: datetime | None, b: datetime) -> float | None:
    return None if a is None else max(0.0, (b - a).total_seconds())


# ---------------------------------------------------------------- sources


def sources_section(snapshot: Snapshot, now: datetime) -> dict[str, SourceItem]:
    """Each source's state, data age and reason; every known source appears (``loading`` when unheard of)."""
    known = registry.names()
    names = [*known, *sorted(set(snapshot.statuses) - set(known))]
    out: dict[str, SourceItem] = {}
    for name in names:
        status = snapshot.statuses.get(name)
        if status is None:
            out[name] = SourceItem(state="loading")
            continue
        out[name] = SourceItem(
            state=status.state,
            reason=status.reason,
            updated_at=status.updated_at,
            age_s=_seconds(status.updated_at, now),
            warnings=status.warnings,
            metrics=status.metrics,
        )
    return out


def source_status(snapshot: Snapshot, name: str) -> SourceStatus:
    """A source's status, ``loading`` when the snapshot has none."""
    return snapshot.statuses.get(name) or SourceStatus(source=name)


# ---------------------------------------------------------------- jobs


def reservation_editions(snapshot: Snapshot) -> dict[str, str]:
    """Reservation key (``admin:US.name``) → edition, to attribute reservation jobs."""
    return {r.reservation_key: r.edition for r in snapshot.reservations.reservations}


def job_item(
    job: Job,
    now: datetime,
    prices: PriceTable,
    editions: Mapping[str, str],
    catalog: Mapping[str, CatalogEntry] | None = None,
) -> JobItem:
    """One job, with its duration and estimated cost, and when its destination table last changed (from
    ``catalog``, the catalog entries by table)."""
    cost = jobs_cost.job_cost(job, prices, editions)
    entry = catalog.get(job.destination_table) if catalog and job.destination_table else None
    return JobItem(
        key=job.key,
        project=job.project,
        location=job.location,
        job_id=job.job_id,
        job_type=job.job_type,
        statement_type=job.statement_type,
        state=job.state,
        status=state_look(job).label,
        principal=job.principal,
        created=job.created,
        started=job.started,
        ended=job.ended,
        duration_s=job.duration_s(now),
        bytes_processed=job.bytes_processed,
        bytes_billed=job.bytes_billed,
        slot_ms=job.slot_ms,
        cost_usd=None if cost is None else cost.usd,
        cost_basis=None if cost is None else cost.basis,
        cache_hit=job.cache_hit,
        reservation=job.reservation,
        edition=job.edition,
        priority=job.priority,
        error_reason=job.error_reason,
        error_message=job.error_message,
        query_summary=one_line(job.query, QUERY_SUMMARY) or None,
        query=job.query,
        labels=job.labels,
        parent_job_id=job.parent_job_id,
        is_script=job.is_script,
        is_ml=job.is_ml,
        ml_model_type=job.ml_model_type,
        ml_training_type=job.ml_training_type,
        ml_iterations=job.ml_iterations,
        ml_max_iterations=job.ml_max_iterations,
        ml_losses=job.ml_losses,
        destination_table=job.destination_table,
        table_updated=None if entry is None else entry.updated,
        table_stale=table_stale(job, entry),
    )


def _ended_key(job: Job) -> float:
    moment = job.ended or job.started or job.created
    return moment.timestamp() if moment else 0.0


def jobs_section(
    snapshot: Snapshot, now: datetime, prices: PriceTable | None = None, *, recent_limit: int = RECENT_JOBS
) -> JobsSection:
    """Running jobs (longest first), the latest finished ones, and the jobs grouped by principal."""
    prices = prices or default_prices()
    editions = reservation_editions(snapshot)
    catalog = snapshot.job_tables
    active = [j for j in snapshot.jobs if j.status in ("running", "pending")]
    active.sort(key=lambda j: (state_look(j).rank, -(j.duration_s(now) or 0.0), j.key))
    done = sorted((j for j in snapshot.jobs if j.state == "DONE"), key=_ended_key, reverse=True)
    aggregates = snapshot.job_aggregates
    if aggregates is not None:  # organisation mode: the jobs are the active and costliest; BigQuery counted
        from dashboard.sources.jobs.aggregates import job_count

        return JobsSection(
            total=job_count(aggregates),
            running=tuple(job_item(j, now, prices, editions, catalog) for j in active),
            recent=tuple(job_item(j, now, prices, editions, catalog) for j in done[: max(0, recent_limit)]),
            recent_limit=recent_limit,
            by_principal=aggregated_principals(aggregates, active, prices),
        )
    return JobsSection(
        total=len(snapshot.jobs),
        running=tuple(job_item(j, now, prices, editions, catalog) for j in active),
        recent=tuple(job_item(j, now, prices, editions, catalog) for j in done[: max(0, recent_limit)]),
        recent_limit=recent_limit,
        by_principal=by_principal(snapshot.jobs, prices, editions),
    )


def by_principal(
    jobs: tuple[Job, ...], prices: PriceTable, editions: Mapping[str, str]
) -> tuple[PrincipalGroup, ...]:
    """Jobs, failures, TiB billed, slot-hours and $ per principal, most expensive first. Script parents
    whose children are present are not counted twice."""
    acc: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0.0])
    for job in jobs_cost.countable_jobs(jobs):
        row = acc[job.principal or "(unknown)"]
        row[0] += 1
        row[1] += job.status == "running"  # a queued job is not running yet
        row[2] += job.status == "failed"
        row[3] += job.bytes_billed or 0
        row[4] += job.slot_ms or 0
        cost = jobs_cost.job_cost(job, prices, editions)
        row[5] += cost.usd if cost else 0.0
    groups = [
        PrincipalGroup(
            principal=name,
            jobs=int(r[0]),
            running=int(r[1]),
            failed=int(r[2]),
            bytes_billed=int(r[3]),
            tib_billed=r[3] / costs.TIB,
            slot_hours=r[4] / 3.6e6,
            cost_usd=r[5],
        )
        for name, r in acc.items()
    ]
    groups.sort(key=lambda g: (-g.cost_usd, -g.jobs, g.principal))
    return tuple(groups)


def aggregated_principals(
    aggregates: JobAggregates, active: Sequence[Job], prices: PriceTable
) -> tuple[PrincipalGroup, ...]:
    """Organisation mode's per-principal table, from the hour buckets (the remainder past the top K as
    ``(others)``); running counts from the active jobs listed; $ is on-demand bytes times $/TiB plus the
    slot time on reservations times its edition's $/slot-hour, as a job's own cost is."""
    from dashboard.sources.jobs.aggregates import estimated_usd, reserved_usd, totals

    per_tib = prices.value(jobs_cost.ON_DEMAND)
    running: dict[str, int] = defaultdict(int)
    for job in active:
        running[job.principal or "(unknown)"] += job.status == "running"
    groups = [
        PrincipalGroup(
            principal="(others)" if t.key is None else t.key or "(unknown)",
            jobs=t.jobs,
            running=running.get(t.key or "(unknown)", 0) if t.key is not None else 0,
            failed=t.failures,
            bytes_billed=t.bytes_billed,
            tib_billed=t.bytes_billed / costs.TIB,
            slot_hours=t.slot_ms / 3.6e6,
            cost_usd=estimated_usd(t.ondemand_bytes, per_tib) + reserved_usd(t, prices),
        )
        for t in totals(aggregates, "principal")
    ]
    return tuple(groups)


# ---------------------------------------------------------------- overview


def overview_section(
    snapshot: Snapshot, estimate: costs.CostEstimate, reservations: ReservationsSection | None = None
) -> Overview:
    """Burn rate per service, counts of what runs (each registered source's spec's ``overview_fields``),
    sources' health. ``reservations``, a section already collected, is not read again: the counts come
    from the snapshot."""
    counts: dict[str, Any] = {}
    for spec in registry.sources():
        if spec.overview_fields:
            counts.update(spec.report_hook(spec.overview_fields)(snapshot))
    return Overview(
        burn_rate_usd_per_hour=estimate.burn_rate_usd_per_hour,
        burn_rate_by_service={s.service: s.burn_rate_usd_per_hour for s in estimate.services},
        window_spend_usd=estimate.window_spend_usd,
        price_version=estimate.price_version,
        sources_ok=sum(source_status(snapshot, s).state == "ok" for s in registry.names()),
        sources_total=len(registry.names()),
        **counts,
    )
