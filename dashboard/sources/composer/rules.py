"""Composer insight rules, each a function of the source's data and its thresholds
(``rule(data, now, threshold)``), registered as ``composer.<rule>`` with their defaults (:data:`DEFAULTS`):
``[insights.thresholds]`` overrides them by ``composer.<rule>.<name>``.

- unhealthy: an environment's ``environment/healthy`` (the liveness DAG's verdict) false for ``minutes``;
- DAG failing: a DAG with ``min_failed`` failed runs or more in the last 24 h, ``failed_pct`` % of its
  runs or more, and no successful run after its last failure in the per-minute points kept (its failures
  are not behind it);
- parse errors: an environment whose DAG processor reports ``min_errors`` DAG files or more that fail to
  parse (those DAGs do not run at all);
- error still bills: an environment in ``ERROR`` for ``hours`` or more (since its last update), whose
  compute, database and storage Composer bills all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from dashboard import registry
from dashboard.insights import Context, Insight, rule
from dashboard.models import MetricSeries
from dashboard.parsers.common import opt_rfc3339
from dashboard.sources.composer.model import (
    DAY_LONGEST,
    DAY_RUNS,
    HEALTHY,
    PARSE_ERRORS,
    RUN_COUNT,
    ComposerData,
    Environment,
)

Threshold = Callable[[str], float]
"""A rule's threshold by name (``minutes``): the config's override, else its default."""

DEFAULTS: dict[str, dict[str, float]] = {
    "unhealthy": {"minutes": 10.0},
    "dag_failing": {"min_failed": 1.0, "failed_pct": 50.0},
    "parse_errors": {"min_errors": 1.0},
    "error_still_bills": {"hours": 1.0},
}
"""Each rule's thresholds with their defaults (docs/insights.md lists them)."""

FAILED = RUN_COUNT + ":failed"
SUCCESS = RUN_COUNT + ":success"


def defaults(name: str) -> Threshold:
    """The default thresholds of the rule ``name`` (what a call without thresholds uses)."""
    return DEFAULTS[name].__getitem__


def index(data: ComposerData) -> dict[tuple[str, str], MetricSeries]:
    """The series by (metric, key)."""
    return {(s.metric, s.key): s for s in data.series}


@dataclass(frozen=True)
class Dag:
    """A DAG seen in Monitoring: its runs by state over the last 24 h, when it last failed and succeeded in
    the per-minute points kept, its longest run of the last 24 h."""

    key: str
    """``project/location/env/dag``."""
    environment: str
    """Its environment's key, ``project/location/env``."""
    dag_id: str
    runs: dict[str, float]
    """Runs by state (``success``, ``failed``) over the last 24 h (the newest 24 h read; the per-minute
    points summed when no such read answered)."""
    last_failed: datetime | None
    last_success: datetime | None
    longest_s: float | None

    @property
    def failed(self) -> float:
        """Failed runs in the last 24 h."""
        return self.runs.get("failed", 0.0)

    @property
    def total(self) -> float:
        """Runs in the last 24 h, whatever their state."""
        return sum(self.runs.values())


def dags(data: ComposerData) -> list[Dag]:
    """Every DAG with a run count or a run duration series, the most failed runs first."""
    day: dict[str, dict[str, float]] = {}
    minutes: dict[str, dict[str, float]] = {}
    newest: dict[tuple[str, str], datetime] = {}
    longest: dict[str, float | None] = {}
    for s in data.series:
        if s.metric.startswith(DAY_RUNS + ":"):
            if s.last is not None:
                day.setdefault(s.key, {})[s.metric.partition(":")[2]] = s.last
        elif s.metric.startswith(RUN_COUNT + ":"):
            state = s.metric.partition(":")[2]
            minutes.setdefault(s.key, {})[state] = sum(p.value for p in s.points)
            hits = [p.t for p in s.points if p.value > 0]
            if hits:
                newest[(s.key, state)] = max(hits)
        elif s.metric == DAY_LONGEST:
            longest[s.key] = s.last
    out = []
    for key in {*day, *minutes, *longest}:
        env, _, dag = key.rpartition("/")
        out.append(
            Dag(
                key=key,
                environment=env,
                dag_id=dag,
                runs=day.get(key) or minutes.get(key) or {},
                last_failed=newest.get((key, "failed")),
                last_success=newest.get((key, "success")),
                longest_s=longest.get(key),
            )
        )
    return sorted(out, key=lambda d: (-d.failed, d.key))


def failed_runs(data: ComposerData, env: Environment) -> float:
    """An environment's failed DAG runs in the window."""
    return sum(d.failed for d in dags(data) if d.environment == env.key)


def unhealthy_minutes(series: MetricSeries | None) -> float | None:
    """How long the environment has been unhealthy at its newest point (its trailing run of points under
    half healthy), in minutes; 0 when the newest is healthy; None without points."""
    if series is None or not series.points:
        return None
    first = None
    for point in reversed(series.points):
        if point.value >= 0.5:
            break
        first = point
    if first is None:
        return 0.0
    return (series.points[-1].t - first.t).total_seconds() / 60


def _insight(rule: str, severity: str, key: str, *texts: str, row: str | None = None) -> Insight:
    """An insight on ``key`` (an environment's, or a DAG's ``env/dag``), whose pane row is ``row`` (default
    ``key``: a DAG's is its environment's, the pane's table being the environments)."""
    title, evidence, fix = texts
    return Insight(
        rule=f"composer.{rule}",
        severity="critical" if severity == "critical" else "warning",
        title=title,
        source="composer",
        resource=key,
        resource_key=row or key,
        evidence=evidence,
        fix=fix,
    )


def unhealthy(data: ComposerData, now: datetime, threshold: Threshold | None = None) -> list[Insight]:
    """``environment/healthy`` false (under half of a minute's points true) for ``minutes`` or more."""
    threshold = threshold or defaults("unhealthy")
    minutes = threshold("minutes")
    found = index(data)
    out = []
    for env in data.environments:
        down = unhealthy_minutes(found.get((HEALTHY, env.key)))
        if down is None or down < minutes or down == 0:
            continue
        out.append(
            _insight(
                "unhealthy",
                "critical",
                env.key,
                f"Composer environment {env.env_id} unhealthy for {down:.0f} min",
                f"environment/healthy false at every point of the last {down:.0f} min "
                f"(threshold {minutes:.0f} min); state {env.state}",
                "Open the environment's monitoring page: the liveness DAG fails when the scheduler, the "
                "database or the workers are down; check the workloads below for the failing component",
            )
        )
    return out


def dag_failing(data: ComposerData, now: datetime, threshold: Threshold | None = None) -> list[Insight]:
    """A DAG with ``min_failed`` failed runs or more in the last 24 h, ``failed_pct`` % of its runs or
    more, and no successful run seen after its last failure."""
    threshold = threshold or defaults("dag_failing")
    least, share = threshold("min_failed"), threshold("failed_pct") / 100
    out = []
    for dag in dags(data):
        if dag.failed < least or dag.total <= 0 or dag.failed / dag.total < share:
            continue
        if dag.last_success is not None and (dag.last_failed is None or dag.last_success > dag.last_failed):
            continue  # it has run well since
        success = dag.runs.get("success", 0.0)
        out.append(
            _insight(
                "dag_failing",
                "warning",
                dag.key,
                f"DAG {dag.dag_id} failing in {dag.environment}: {dag.failed:.0f} failed run(s) in 24 h",
                f"{dag.failed:.0f} failed and {success:.0f} successful run(s) in the last 24 h "
                f"({dag.failed / dag.total:.0%} failed; thresholds {least:.0f} and {share:.0%}), no "
                "successful run since",
                "Open the DAG's failed run in the Airflow UI (the environment's Airflow URI) for its task "
                "logs; clear the failed tasks once fixed",
                row=dag.environment,
            )
        )
    return out


def parse_errors(data: ComposerData, now: datetime, threshold: Threshold | None = None) -> list[Insight]:
    """An environment's newest DAG parse error count at ``min_errors`` or more."""
    threshold = threshold or defaults("parse_errors")
    least = threshold("min_errors")
    found = index(data)
    out = []
    for env in data.environments:
        series = found.get((PARSE_ERRORS, env.key))
        errors = series.last if series is not None else None
        if errors is None or errors < least:
            continue
        out.append(
            _insight(
                "parse_errors",
                "warning",
                env.key,
                f"Composer environment {env.env_id}: {errors:.0f} DAG file(s) fail to parse",
                f"dag_processing/parse_error_count {errors:.0f} at the newest point (threshold {least:.0f})",
                "A DAG that does not parse never runs: see the import errors at the top of the Airflow UI's "
                "DAGs page, or the DAG processor's logs",
            )
        )
    return out


def error_still_bills(data: ComposerData, now: datetime, threshold: Threshold | None = None) -> list[Insight]:
    """An environment in ``ERROR`` for ``hours`` or more since its last update (or of unknown age)."""
    threshold = threshold or defaults("error_still_bills")
    hours = threshold("hours")
    out = []
    for env in data.environments:
        if env.state != "ERROR":
            continue
        since = opt_rfc3339(env.update_time) if env.update_time else None
        age = (now - since).total_seconds() / 3600 if since is not None else None
        if age is not None and age < hours:
            continue
        when = f"for {age:.1f} h (updated {since:%Y-%m-%d %H:%M} UTC)" if since and age is not None else ""
        out.append(
            _insight(
                "error_still_bills",
                "warning",
                env.key,
                f"Composer environment {env.env_id} in ERROR still bills",
                f"state ERROR {when}".strip() + f" (threshold {hours:.0f} h); an environment bills its "
                "compute, database and storage whatever its state",
                "Fix it (the failed workloads say what broke) or delete it, after saving a snapshot if its "
                "DAGs and data are needed",
            )
        )
    return out


def metrics(data: ComposerData) -> dict[str, float]:
    """The source's values for ``--fail-on`` (``composer.<metric>``)."""
    found = index(data)
    down = [unhealthy_minutes(found.get((HEALTHY, e.key))) for e in data.environments]
    return {
        "environments": float(len(data.environments)),
        "error_environments": float(sum(1 for e in data.environments if e.state == "ERROR")),
        "unhealthy_environments": float(sum(1 for d in down if d)),
        "failed_runs": float(sum(d.failed for d in dags(data))),
    }


RULES = (unhealthy, dag_failing, parse_errors, error_still_bills)


def _data(ctx: Context) -> ComposerData:
    spec = registry.spec("composer")
    found = ComposerData() if spec is None else spec.data_in(ctx.snapshot)
    return found if isinstance(found, ComposerData) else ComposerData()


def _register(fn: Callable[[ComposerData, datetime, Threshold], list[Insight]]) -> None:
    """``fn`` as the insight rule ``composer.<its name>`` of the context, with its thresholds."""
    rule_id = f"composer.{fn.__name__}"

    def run(ctx: Context) -> list[Insight]:
        return fn(_data(ctx), ctx.snapshot.at, lambda name: ctx.threshold(rule_id, name))

    run.__name__ = run.__qualname__ = fn.__name__
    rule(rule_id, **DEFAULTS[fn.__name__])(run)


for _fn in RULES:
    _register(_fn)
