"""The store: polls go in, one :class:`~dashboard.models.Snapshot` of everything comes out.

BigQuery jobs merge incrementally by key (polls bring only what changed); the other sources are full
listings, so each successful poll replaces the last, except their Monitoring series, which polls bring
incrementally and the store merges over a rolling window. A poll whose listing failed in some parts (a
project, a location: its data's ``incomplete``) replaces only the parts that answered: the failed parts keep
what the store last knew of them, updated by what the poll read of them before the failure, and the poll's
warning names them. Every source keeps its own status: a failed poll leaves the older data in place, marked
stale with the reason.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal

import msgspec

from dashboard.backends.base import Poll
from dashboard.models import (
    CatalogEntry,
    Job,
    JobAggregates,
    JobsData,
    Snapshot,
    SourceData,
    SourceName,
    SourceStatus,
)
from dashboard.series import SERIES_WINDOW
from dashboard.sources import STALE_AFTER_INTERVALS, default_intervals, span


@dataclass(slots=True)
class _Health:
    """What the store remembers about one source's polls."""

    checked_at: datetime | None = None
    updated_at: datetime | None = None
    reason: str | None = None
    """Why the last poll failed; None when it succeeded."""
    warnings: tuple[str, ...] = ()
    metrics: str | None = None
    """Why the latest data's Monitoring metrics are missing, if they are."""
    notes: tuple[str, ...] = ()
    """Warnings that stand for the whole run (:class:`Store`'s ``notes``)."""
    off: str | None = None
    """Why the source is not read at all (``off``); None when it is."""


OFF: Final = "OFF"
"""The ``error_code`` of a poll that says its source is not read at all (e.g. billing without an export
table): the source shows as ``off`` with the poll's reason, not as failed."""


class Store:
    """The latest known state of every source, merged from polls.

    Not thread-safe: one thread applies polls and takes snapshots (the app's poll worker does both).
    """

    def __init__(
        self,
        *,
        window: timedelta = timedelta(hours=24),
        mode: Literal["live", "demo", "replay"] = "live",
        projects: tuple[str, ...] = (),
        regions: tuple[str, ...] = (),
        intervals: Mapping[SourceName, float] | None = None,
        series_window: timedelta = SERIES_WINDOW,
        off: Mapping[SourceName, str] | None = None,
        notes: Mapping[SourceName, tuple[str, ...]] | None = None,
    ) -> None:
        """Start empty: every source loading.

        Args:
            window: How far back jobs are kept, by creation time.
            mode: Copied into every snapshot.
            projects: Copied into every snapshot.
            regions: Copied into every snapshot.
            intervals: Seconds between polls per source, overriding their specs'
                (:func:`~dashboard.sources.default_intervals`); data older than three intervals is stale.
            series_window: How much of each Monitoring series to keep; polls bring only new points.
            off: Sources that will not be read at all, with why (``not configured: set [billing]
                export_table``): shown as ``off`` rather than loading, until a poll of one arrives.
            notes: Warnings that stand for the whole run, per source (a recording's torn last line): shown
                in the source's status after its polls' own warnings.
        """
        self._series_window = series_window
        self._window = window
        self._mode: Literal["live", "demo", "replay"] = mode
        self._projects = tuple(projects)
        self._regions = tuple(regions)
        from dashboard import registry

        self._plugins = {spec.name: spec for spec in registry.plugins()}
        """The registered sources that are not built in, merged by :func:`dashboard.merge.merge`."""
        self._builtins = {
            spec.name: spec for spec in registry.sources() if spec.builtin and spec.name != "jobs"
        }
        """The built-in sources other than the jobs (kept by key, below), merged by their spec's
        ``store_merge``."""
        self._intervals: dict[SourceName, float] = {**default_intervals(), **(intervals or {})}
        self._health: dict[SourceName, _Health] = {source: _Health() for source in registry.names()}
        for source, reason in (off or {}).items():
            self._health[source].off = reason
        for source, notes_of in (notes or {}).items():
            self._health[source].notes = tuple(notes_of)
        self._jobs: dict[str, Job] = {}
        """The jobs by job id (the job's own string: no key string per job, 10 MB at 100,000 jobs), or
        by full key (:attr:`Job.key`) for a job whose id another project or location holds already."""
        self._long: set[str] = set()
        """Job ids that more than one job has had: looked up by full key unless the id's holder matches."""
        self._by_created: list[tuple[datetime, str]] | None = None
        """A heap of (creation time, slot) to trim the window cheaply; entries of changed jobs go stale.
        Built the first time a job can leave the window (a replay shorter than it never needs one)."""
        self._oldest: datetime | None = None
        """No job was created before this (a lower bound): until the window passes it, nothing leaves."""
        self._running: frozenset[str] = frozenset()
        self._aggregates: JobAggregates | None = None
        """The keys jobs.list last said were running: never trimmed."""
        self._job_tables: dict[str, CatalogEntry] = {}
        """The latest catalog entry of each job destination table read (a few a poll)."""
        self._jobs_view: tuple[Job, ...] | None = ()
        """The jobs as a tuple, rebuilt only after a change (None)."""
        self._data: dict[SourceName, Any] = {
            name: spec.data() if spec.store_merge is not None else None
            for name, spec in self._builtins.items()
        }
        """The latest data of each of :attr:`_builtins`, its snapshot field's value (None: none read yet, for
        a source whose polls replace the last)."""
        self._extra: dict[str, object] = {}

    @property
    def intervals(self) -> dict[SourceName, float]:
        """Seconds between polls, per source, as the store ages data."""
        return dict(self._intervals)

    @property
    def off(self) -> dict[SourceName, str]:
        """The sources shown as off (not read at all), with why."""
        return {source: h.off for source, h in self._health.items() if h.off is not None}

    def apply(self, poll: Poll) -> None:
        """Take in one poll of one source.

        Args:
            poll: Its data, or the error that replaced it. Polls of one source come in the order they ran.

        Raises:
            TypeError: The poll's data is not its source's kind of data.
        """
        health = self._health[poll.source]
        if poll.error_code == OFF:
            health.off = poll.error or "not read"
            return
        health.off = None
        health.checked_at = poll.t
        if poll.error is not None or poll.data is None:
            health.reason = poll.error or "the poll returned no data"
            return
        self._take(poll.source, poll.data)
        health.updated_at = poll.t
        health.reason = None
        if not poll.partial:  # a listing alone keeps the warnings and metrics state until its poll ends
            health.warnings = poll.data.warnings
            health.metrics = getattr(poll.data, "metrics_unavailable", None)

    def snapshot(self, now: datetime, *, fresh_since: datetime | None = None) -> Snapshot:
        """Everything known at ``now``: jobs created within the window, the latest listings, statuses.

        Args:
            now: The moment shown (a replay's recorded time); it trims the jobs and ages the statuses.
            fresh_since: Data read by a poll that ran at or after this moment is fresh whatever its age at
                ``now`` (``--once``: every source polled in this run, however long the slowest poll took).
        """
        self._trim(now - self._window)
        if self._jobs_view is None:
            self._jobs_view = tuple(self._jobs.values())
        return Snapshot(
            at=now,
            mode=self._mode,
            projects=self._projects,
            regions=self._regions,
            jobs=self._jobs_view,
            job_aggregates=self._aggregates,
            job_tables=dict(self._job_tables),
            **self._data,
            statuses={source: self._status(source, now, fresh_since) for source in self._health},
            extra=dict(self._extra),
        )

    # ------------------------------------------------------------ merging

    def _take(self, source: SourceName, data: SourceData) -> None:
        if source == "jobs" and isinstance(data, JobsData):
            self._merge_jobs(data)
        elif source in self._builtins and isinstance(data, self._builtins[source].data):
            keep = self._builtins[source].store_merge
            self._data[source] = (
                data
                if keep is None  # each poll (billing: each export query) returns the whole listing
                else keep(self._data[source], data, series_window=self._series_window, window=self._window)
            )
        elif source in self._plugins:
            from dashboard.merge import merge

            old_data = self._extra.get(source)
            self._extra[source] = merge(
                self._plugins[source], old_data, data, series_window=self._series_window
            )
        else:
            raise TypeError(f"a {source} poll carries {type(data).__name__}")

    def _merge_jobs(self, data: JobsData) -> None:
        """Newer versions replace older ones, except that a DONE job read from history is final.

        A job that jobs.list said was running and that a later poll no longer lists is kept as last seen:
        it has ended, but only history can say when and how, and it will. A BigQuery ML job keeps the ML
        statistics jobs.list last showed (history rows have no ML column).
        """
        self._job_tables.update((entry.table, entry) for entry in data.tables)
        if data.aggregates is not None:
            from dashboard.sources.jobs.aggregates import merge_aggregates

            starts = [w.since for w in data.aggregates.windows]
            keep_from = min(starts) - self._window if starts else None  # older hours leave, as old jobs do
            self._aggregates = merge_aggregates(self._aggregates, data.aggregates, keep_from=keep_from)
            self._drop_ended(data)
        jobs = self._jobs
        heap = self._by_created
        changed = False
        slot_of = self._slot
        for read in data.jobs:
            job = read
            key = slot_of(job)
            old = jobs.get(key)
            created = job.created
            if old is not None:
                if old == job or (_final(old) and not _final(job)):
                    continue
                if old.ml_model_type is not None and job.ml_model_type is None:
                    job = _with_ml(job, old)
                    if old == job:
                        continue
                if created == old.created:
                    created = None  # its heap entry stands
            if created is not None:
                if heap is not None:
                    heapq.heappush(heap, (created, key))
                if self._oldest is None or created < self._oldest:
                    self._oldest = created
            jobs[key] = job
            changed = True
        if data.running_keys is not None:
            failed = {f"{project}:" for project in data.incomplete}
            kept = {key for key in self._running if key.startswith(tuple(failed))} if failed else set()
            self._running = data.running_keys | kept
        if changed:
            self._jobs_view = None

    def add_jobs(self, jobs: tuple[Job, ...]) -> int:
        """Merge further jobs read on demand (organisation mode's pages) as a poll's are; how many the
        store did not hold."""
        before = len(self._jobs)
        self._merge_jobs(JobsData(jobs=jobs))
        return len(self._jobs) - before

    def _drop_ended(self, data: JobsData) -> None:
        """Organisation mode: a job the store has as not done, in a location the poll read, that the poll
        no longer lists as active has ended; unless it is among the costliest (listed again, done) its
        figures are in the hour buckets only, so it leaves the list instead of staying "running"."""
        if data.aggregates is None or data.running_keys is None:
            return
        read = {w.location for w in data.aggregates.windows}
        active = data.running_keys
        listed = {job.key for job in data.jobs}
        ended = [
            slot
            for slot, job in self._jobs.items()
            if job.state != "DONE"
            and job.location in read
            and job.key not in active
            and job.key not in listed
        ]
        for slot in ended:
            del self._jobs[slot]
        if ended:
            self._jobs_view = None

    def _slot(self, job: Job) -> str:
        """Where ``job`` is (or goes) in :attr:`_jobs`: its id, unless that id is another job's."""
        job_id = job.job_id
        old = self._jobs.get(job_id)
        if old is not None and old.project == job.project and old.location == job.location:
            return job_id
        if old is not None or job_id in self._long:
            self._long.add(job_id)
            return job.key
        return job_id

    def _trim(self, cutoff: datetime) -> None:
        """Forget jobs created before ``cutoff``, except those still listed as running."""
        if self._oldest is None or cutoff <= self._oldest:
            return
        jobs = self._jobs
        heap = self._by_created
        if heap is None:
            heap = [(job.created, key) for key, job in jobs.items() if job.created is not None]
            heapq.heapify(heap)
            self._by_created = heap
        keep: list[tuple[datetime, str]] = []
        while heap and heap[0][0] < cutoff:
            entry = heapq.heappop(heap)
            created, key = entry
            job = jobs.get(key)
            if job is None or job.created != created:
                continue  # already gone, or re-created later under a newer entry
            if job.key in self._running:
                keep.append(entry)
                continue
            del jobs[key]
            self._jobs_view = None
        for entry in keep:
            heapq.heappush(heap, entry)
        self._oldest = heap[0][0] if heap else None

    # ------------------------------------------------------------ status

    def _status(self, source: SourceName, now: datetime, fresh_since: datetime | None) -> SourceStatus:
        health = self._health[source]
        if health.off is not None and health.updated_at is None:
            return SourceStatus(
                source=source,
                state="off",
                reason=health.off,
                checked_at=health.checked_at,
                warnings=health.notes,
            )
        if health.checked_at is None:
            return SourceStatus(source=source, warnings=health.notes)
        if health.updated_at is None:
            return SourceStatus(
                source=source,
                state="error",
                reason=health.reason,
                checked_at=health.checked_at,
                warnings=health.notes,
            )
        state: Literal["ok", "stale"] = "ok"
        reason = health.reason
        if reason is not None:
            state = "stale"
        elif fresh_since is None or health.updated_at < fresh_since:
            interval = self._intervals[source]
            age = (now - health.updated_at).total_seconds()
            if age > STALE_AFTER_INTERVALS * interval:
                state = "stale"
                reason = f"no data for {span(age)} (expected every {span(interval)})"
        return SourceStatus(
            source=source,
            state=state,
            reason=reason,
            updated_at=health.updated_at,
            checked_at=health.checked_at,
            warnings=health.warnings + health.notes,
            metrics=health.metrics,
        )


def _with_ml(job: Job, listed: Job) -> Job:
    """``job`` with the ML statistics of its earlier ``jobs.list`` version."""
    return msgspec.structs.replace(
        job,
        ml_model_type=listed.ml_model_type,
        ml_training_type=listed.ml_training_type,
        ml_iterations=listed.ml_iterations,
        ml_max_iterations=listed.ml_max_iterations,
        ml_losses=listed.ml_losses,
    )


def _final(job: Job) -> bool:
    """A job INFORMATION_SCHEMA reports as DONE: nothing newer can change it."""
    return job.origin == "history" and job.state == "DONE"
