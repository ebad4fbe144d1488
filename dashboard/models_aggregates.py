"""The organisation-mode aggregates of the jobs source (:mod:`dashboard.sources.jobs.aggregates`): hour
buckets per dimension, as BigQuery grouped them (:mod:`dashboard.sources.jobs.org_sql`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from dashboard.models_base import Model

Dimension = Literal["total", "principal", "project", "reservation", "label", "unlabelled"]
DIMENSIONS: tuple[Dimension, ...] = ("total", "principal", "project", "reservation", "label", "unlabelled")


class Bucket(Model, frozen=True):
    """One key's totals in one hour of one location."""

    location: str
    hour: datetime
    dim: str
    key: str | None
    """The principal, project (also in ``unlabelled``), reservation (``''``: on demand) or ``key=value``
    label; ``''`` for the ``total`` row; None for the remainder of the keys past the top K."""
    jobs: int = 0
    failures: int = 0
    bytes_billed: int = 0
    ondemand_bytes: int = 0
    """Bytes billed of the jobs without a reservation: what on-demand pricing charges."""
    slot_ms: int = 0
    standard_slot_ms: int = 0
    """Slot time of the jobs on a reservation of the Standard edition (by the job's ``edition``)."""
    enterprise_slot_ms: int = 0
    """... of Enterprise, or of an edition the job does not say (priced as Enterprise)."""
    enterprise_plus_slot_ms: int = 0
    """... of Enterprise Plus."""


SUMS = (
    "jobs",
    "failures",
    "bytes_billed",
    "ondemand_bytes",
    "slot_ms",
    "standard_slot_ms",
    "enterprise_slot_ms",
    "enterprise_plus_slot_ms",
)
"""The figures of a :class:`Bucket` that add up (into :class:`Totals`), in the query's column order."""


class AggWindow(Model, frozen=True):
    """The hours a poll read in one location: from ``since`` on, its buckets are the truth."""

    location: str
    since: datetime


class JobAggregates(Model, frozen=True):
    """The organisation (or folder) totals the jobs source read."""

    scope: str
    """``organization`` or ``folder``."""
    scope_id: str
    """The numeric ID of the organisation or folder, as configured."""
    view: str
    """``JOBS_BY_ORGANIZATION`` or ``JOBS_BY_FOLDER``."""
    windows: tuple[AggWindow, ...] = ()
    buckets: tuple[Bucket, ...] = ()


class Totals(Model, frozen=True):
    """One key's totals over the hours asked for."""

    key: str | None
    jobs: int = 0
    failures: int = 0
    bytes_billed: int = 0
    ondemand_bytes: int = 0
    slot_ms: int = 0
    standard_slot_ms: int = 0
    enterprise_slot_ms: int = 0
    enterprise_plus_slot_ms: int = 0
