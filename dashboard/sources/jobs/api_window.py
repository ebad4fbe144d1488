"""When the INFORMATION_SCHEMA history query runs, and over which window: pure bookkeeping, no Google import.

The first poll reads every (project, location) once, so that every project's history shows from the start
(``gcpdash --once`` is one such poll); from then on each (project, location) is queried every
``intervals.jobs_history`` seconds, and at most one billed query runs per location per
``intervals.billed_query_gap`` (projects take turns, the most overdue first). The window is incremental:
the first query reads ``gcp.history_window`` back; each later one starts at the newest creation time
already seen minus :data:`OVERLAP`, or earlier at the creation time of the oldest job the previous window
saw unfinished, so it is read again until it is done. A job ``jobs.list`` lists as active that was created
before the window widens it back to its creation time (:meth:`HistorySchedule.window`): otherwise one that
ran longer than the window would never be read done, and its bytes never counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from dashboard.models import Job

OVERLAP = timedelta(minutes=2)
"""How far back from the newest creation time seen a window starts: jobs are merged by id, so a job read
twice costs nothing, and one committed late to INFORMATION_SCHEMA is not missed."""


@dataclass
class _Window:
    """What one (project, location) has read so far."""

    last_run: datetime | None = None
    since: datetime | None = None
    newest: datetime | None = None
    oldest_unfinished: datetime | None = None


@dataclass
class HistorySchedule:
    """The history windows of every (project, location) and the last billed query per location."""

    interval: float
    """Seconds between two history queries of one project in one location."""
    gap: float
    """Seconds between two billed queries in one location."""
    first_window: float
    """Seconds the first query of a project reads back."""
    windows: dict[tuple[str, str], _Window] = field(default_factory=dict)
    last_billed: dict[str, datetime] = field(default_factory=dict)
    _reserved: dict[tuple[str, str], datetime | None] = field(default_factory=dict)
    _billed_before: dict[str, datetime | None] = field(default_factory=dict)

    def due(self, projects: Sequence[str], locations: Sequence[str], now: datetime) -> list[tuple[str, str]]:
        """The (project, location) pairs to query at ``now``: every pair never read yet (its first window),
        else per location at most one, the most overdue, once the gap since the location's last billed
        query has passed.

        Calling this reserves the slot: the chosen pairs count as run at ``now`` unless :meth:`release`
        gives it back (the query did not run).
        """
        chosen: list[tuple[str, str]] = []
        self._reserved.clear()
        self._billed_before.clear()
        for location in locations:
            unread = [
                p for p in projects if self.windows.setdefault((p, location), _Window()).last_run is None
            ]
            if unread:
                for project in unread:
                    self._reserve((project, location), now)
                    chosen.append((project, location))
                continue
            last = self.last_billed.get(location)
            if last is not None and (now - last).total_seconds() < self.gap:
                continue
            best: tuple[str, str] | None = None
            best_since: datetime | None = None
            for project in projects:
                last_run = self.windows[(project, location)].last_run
                if last_run is None or (now - last_run).total_seconds() < self.interval:
                    continue
                if best_since is None or last_run < best_since:
                    best, best_since = (project, location), last_run
            if best is not None:
                self._reserve(best, now)
                chosen.append(best)
        return chosen

    def _reserve(self, pair: tuple[str, str], now: datetime) -> None:
        """Count ``pair`` as queried at ``now``, keeping what :meth:`release` restores."""
        location = pair[1]
        self._billed_before.setdefault(location, self.last_billed.get(location))
        self._reserved[pair] = self.windows[pair].last_run
        self.windows[pair].last_run = now
        self.last_billed[location] = now

    def release(self, project: str, location: str) -> None:
        """Give back a slot the latest :meth:`due` reserved for a query that did not run (its listing
        failed); the location's last billed query goes back too once none of its slots is held."""
        pair = (project, location)
        if pair not in self._reserved:
            return
        self.windows[pair].last_run = self._reserved.pop(pair)
        if any(loc == location for _, loc in self._reserved):
            return  # another query of the location ran (or may): it counts as billed now
        billed = self._billed_before.get(location)
        if billed is None:
            self.last_billed.pop(location, None)
        else:
            self.last_billed[location] = billed

    def window(
        self, project: str, location: str, now: datetime, *, active_since: datetime | None = None
    ) -> tuple[datetime, datetime]:
        """``(since, until)`` of the next query of ``project`` in ``location``; from ``active_since`` (the
        creation time of the oldest job ``jobs.list`` lists there as queued or running) when that is
        earlier, so that a job created before the window is read, and then read again until it is done."""
        state = self.windows.setdefault((project, location), _Window())
        since = now - timedelta(seconds=self.first_window) if state.since is None else state.since
        if active_since is not None and active_since < since:
            since = active_since
        return since, now

    def observe(self, project: str, location: str, until: datetime, jobs: Iterable[Job]) -> None:
        """Move the window on after a query over ``[since, until)`` read ``jobs`` completely."""
        state = self.windows.setdefault((project, location), _Window())
        unfinished: datetime | None = None
        for job in jobs:
            created = job.created
            if created is None:
                continue
            if state.newest is None or created > state.newest:
                state.newest = created
            if job.state != "DONE" and (unfinished is None or created < unfinished):
                unfinished = created
        state.oldest_unfinished = unfinished
        start = (state.newest if state.newest is not None else until) - OVERLAP
        state.since = min(start, unfinished) if unfinished is not None else start


def oldest_active(jobs: Iterable[Job]) -> dict[str, datetime]:
    """Per location (upper case), the creation time of the oldest of ``jobs`` (listed as queued or
    running)."""
    out: dict[str, datetime] = {}
    for job in jobs:
        created, location = job.created, job.location
        if created is None or location is None:
            continue
        key = location.upper()
        if key not in out or created < out[key]:
            out[key] = created
    return out


def active_since(oldest: Mapping[str, datetime], location: str) -> datetime | None:
    """The oldest active job's creation time in ``location`` (any case), if one is listed there."""
    return oldest.get(location.upper())
