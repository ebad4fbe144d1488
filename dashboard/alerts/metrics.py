"""The metrics an alert can test: a closed namespace of dotted names, each computed from a snapshot, its
cost estimate and its insights. docs/alerts.md lists them; the unit is in the name.

A metric without a value (no budget has an amount, no running Dataflow job reports lag, no billing export
for month-to-date) is ``None``: a condition on it is not true, and the report says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dashboard import registry
from dashboard.cost import SERVICES, CostEstimate
from dashboard.insights import Insight, counts
from dashboard.models import Snapshot

STATIC: dict[str, str] = {
    "cost.burn_rate_usd_per_hour": "estimated spend per hour now, every service",
    "cost.today_usd": "estimated spend today (UTC) so far",
    "cost.window_spend_usd": "estimated spend within the snapshot's window",
    "cost.month_to_date_usd": "this month so far: billed plus estimate (no value without a billing export)",
    "cost.month_forecast_usd": "this month's forecast at month end",
    "budgets.max_forecast_pct": "the highest month-end forecast of a budget, in % of its amount",
    "budgets.max_spent_pct": "the highest month-to-date spend of a budget, in % of its amount",
    "budgets.over": "budgets whose month-end forecast exceeds their amount",
    "insights.critical": "critical insights",
    "insights.warning": "warning insights",
    "insights.info": "info insights",
    "insights.total": "insights of any severity",
    "jobs.running": "BigQuery jobs running",
    "jobs.pending": "BigQuery jobs pending",
    "jobs.failed": "BigQuery jobs failed within the window",
    "jobs.total": "BigQuery jobs within the window",
    "dataproc.clusters_running": "Dataproc clusters RUNNING",
    "dataproc.clusters_error": "Dataproc clusters in ERROR",
    "dataflow.jobs_running": "Dataflow jobs JOB_STATE_RUNNING",
    "dataflow.jobs_failed": "Dataflow jobs JOB_STATE_FAILED",
    "dataflow.max_system_lag_seconds": "the highest system lag of a Dataflow job not yet finished",
    "dataflow.max_watermark_age_seconds": "the highest data watermark age of a Dataflow job not yet finished",
    "sources.stale": "sources whose data is stale or that fail (state stale or error)",
}
"""Every metric that does not depend on the services or rules, with what it counts or measures."""


def service_metric(service: str) -> str:
    """``cost.<service>.burn_rate_usd_per_hour``."""
    return f"cost.{service}.burn_rate_usd_per_hour"


def rule_metric(rule_id: str) -> str:
    """``insights.rule.<rule_id>``: how many findings that rule has."""
    return f"insights.rule.{rule_id}"


def known_rules() -> tuple[str, ...]:
    """The ids of every insight rule (their modules loaded)."""
    from dashboard.insights import RULES, settings_from

    settings_from()  # imports the rule modules, which register their rules
    return tuple(RULES)


def metric_names(rules: Iterable[str] | None = None) -> dict[str, str]:
    """Every metric name with its description: the static ones, one burn rate per service of
    :data:`dashboard.cost.SERVICES`, and one count per insight rule."""
    names = dict(STATIC)
    for service in SERVICES:
        names[service_metric(service)] = f"estimated {service} spend per hour now"
    for spec in registry.plugins():
        if spec.cost is not None:
            names[service_metric(spec.name)] = f"estimated {spec.name} spend per hour now"
        for key in spec.metrics(spec.data()) if spec.metrics is not None else ():
            names[f"{spec.name}.{key}"] = f"{spec.title}: {key} (the {spec.name} source's own metric)"
    for rule_id in known_rules() if rules is None else rules:
        names[rule_metric(rule_id)] = f"findings of the insight rule {rule_id}"
    return names


def _max(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def source_values(snapshot: Snapshot, spec: registry.SourceSpec) -> dict[str, float | None]:
    """A source's own metrics (its spec's ``metrics``) as ``<name>.<metric>``, of its data in ``snapshot``:
    a built-in's typed field of the snapshot, a plugin's :meth:`~dashboard.registry.SourceSpec.data_in`."""
    if spec.metrics is None:
        return {}
    data = getattr(snapshot, spec.name) if spec.builtin else spec.data_in(snapshot)
    return {f"{spec.name}.{k}": v for k, v in spec.metrics(data).items()}


def values(
    snapshot: Snapshot, cost: CostEstimate, insights: Sequence[Insight], rules: Iterable[str] | None = None
) -> dict[str, float | None]:
    """Every metric's value now, by name (the keys of :func:`metric_names`)."""
    month = cost.month
    found = counts(insights)
    out: dict[str, float | None] = {
        "cost.burn_rate_usd_per_hour": cost.burn_rate_usd_per_hour,
        "cost.today_usd": cost.today_usd,
        "cost.window_spend_usd": cost.window_spend_usd,
        "cost.month_to_date_usd": None if month is None else month.mtd_usd,
        "cost.month_forecast_usd": None if month is None else month.forecast_usd,
        "budgets.max_forecast_pct": _max(b.forecast_pct for b in cost.budgets),
        "budgets.max_spent_pct": _max(b.spent_pct for b in cost.budgets),
        "budgets.over": sum(b.over for b in cost.budgets),
        "insights.critical": found["critical"],
        "insights.warning": found["warning"],
        "insights.info": found["info"],
        "insights.total": len(insights),
    }
    for spec in registry.sources():
        if spec.builtin:
            out.update(source_values(snapshot, spec))
    out["sources.stale"] = sum(s.state in ("stale", "error") for s in snapshot.statuses.values())
    by_service = {s.service: s.burn_rate_usd_per_hour for s in cost.services}
    for service in SERVICES:
        out[service_metric(service)] = by_service.get(service, 0.0)
    for spec in registry.plugins():
        if spec.cost is not None:
            out[service_metric(spec.name)] = by_service.get(spec.name, 0.0)
        out.update(source_values(snapshot, spec))
    per_rule: dict[str, int] = {}
    for insight in insights:
        per_rule[insight.rule] = per_rule.get(insight.rule, 0) + 1
    for rule_id in known_rules() if rules is None else rules:
        out[rule_metric(rule_id)] = per_rule.get(rule_id, 0)
    return out


__all__ = [
    "STATIC",
    "known_rules",
    "metric_names",
    "rule_metric",
    "service_metric",
    "source_values",
    "values",
]
