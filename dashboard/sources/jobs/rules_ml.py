"""BigQuery ML rules: the same model trained again and again (a schedule retraining it every hour by
mistake), with what the retraining costs.

A job trains a model when its statement type is ``CREATE_MODEL`` (``CREATE [OR REPLACE] MODEL``, from
``jobs.list`` and from history rows alike); the model it writes is read from its SQL, as neither
``INFORMATION_SCHEMA.JOBS`` nor ``jobs.list`` names it. Costs are :mod:`~dashboard.sources.jobs.rules_costs`':
bytes billed at the model-creation rate on demand, slot time under editions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dashboard.insights import Context, Insight, rule
from dashboard.insights.common import clock, per_month
from dashboard.models import Job
from dashboard.sources.jobs.rules import window_hours
from dashboard.sources.jobs.rules_costs import job_costs
from dashboard.views.fmt import money

RETRAINED = "bigquery.model_retrained"

_PART = r"(?:`[^`]+`|[\w\-]+)"
"""One part of a path: quoted (any characters but a backtick) or bare."""
_MODEL = re.compile(
    rf"\bCREATE\s+(?:OR\s+REPLACE\s+)?MODEL\s+(?:IF\s+NOT\s+EXISTS\s+)?({_PART}(?:\s*\.\s*{_PART})*)",
    re.IGNORECASE,
)


def model_name(job: Job) -> str | None:
    """The model a ``CREATE_MODEL`` job writes, ``project.dataset.model`` (its project when the SQL names
    only ``dataset.model``), from its SQL, each part quoted on its own or the whole path at once; None
    without SQL or a model name in it."""
    found = _MODEL.search(job.query or "")
    if found is None:
        return None
    name = re.sub(r"\s*\.\s*", ".", found.group(1)).replace("`", "")
    return name if name.count(".") >= 2 else f"{job.project}.{name}"


@rule(RETRAINED, min_runs=4.0, min_usd=1.0, warning_usd=20.0)
def model_retrained(ctx: Context) -> Iterator[Insight]:
    """The same model created (``CREATE_MODEL``) at least ``min_runs`` times in the window, the runs after
    the first costing at least ``min_usd`` together (info; a warning from ``warning_usd``). At stake: those
    retrainings at the window's average rate."""
    min_runs = ctx.threshold(RETRAINED, "min_runs")
    floor = ctx.threshold(RETRAINED, "min_usd")
    warn = ctx.threshold(RETRAINED, "warning_usd")
    costs = job_costs(ctx)
    runs: dict[str, list[tuple[Job, float]]] = {}
    for job, usd in zip(costs.jobs, costs.usd, strict=True):
        if not job.trains_model or job.error_reason is not None or usd is None:
            continue
        name = model_name(job)
        if name is not None:
            runs.setdefault(name, []).append((job, usd))
    hours = window_hours(ctx)
    for name, found in sorted(runs.items()):
        if len(found) < min_runs:
            continue
        found.sort(key=lambda ju: ju[0].ended or ju[0].created or ctx.snapshot.at)
        again = sum(usd for _, usd in found[1:])
        if again < floor:
            continue
        first, newest = found[0][0], found[-1][0]
        total = sum(usd for _, usd in found)
        span = ((newest.created or ctx.snapshot.at) - (first.created or ctx.snapshot.at)).total_seconds()
        every = span / 60 / (len(found) - 1)
        rate = again / hours
        kind = f"; model type {newest.ml_model_type}" if newest.ml_model_type else ""
        yield Insight(
            rule=RETRAINED,
            severity="warning" if again >= warn else "info",
            title=f"Model {name} trained {len(found)} times in the window: {money(again)} on retraining",
            source="jobs",
            resource=name,
            resource_key=newest.key,
            evidence=(
                f"{len(found)} CREATE MODEL runs since {clock(first.created)} (about every {every:.0f} min), "
                f"last {clock(newest.created)}; {money(total)} together, {money(again)} after the first "
                f"({money(rate)}/h){kind}"
            ),
            usd_per_hour=rate,
            usd_per_month=per_month(rate),
            fix=(
                "Retrain only when the data or the features change: check the schedule (scheduled query, "
                "Airflow DAG) that runs the CREATE OR REPLACE MODEL; predict with ML.PREDICT on the model "
                "as it is"
            ),
        )
