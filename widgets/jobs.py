"""The BigQuery jobs pane of the app: a status line (the source's data age or failure, counts, filter)
over a :class:`~widgets.table.VirtualTable` of every job in the window, running jobs first, then the
finished ones newest first. Holds 100,000 jobs: rows are formatted only when drawn."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from dashboard import registry
from dashboard.cost import window
from dashboard.models import Job, Snapshot
from dashboard.pricing import PriceTable, default_prices
from dashboard.sources.jobs import view as jobs_view
from dashboard.views import fmt
from dashboard.views.collect import reservation_editions
from dashboard.views.columns import Row
from dashboard.views.states import state_look
from dashboard.views.status import pane_heading
from widgets._table_model import IdentityCache
from widgets.table import VirtualTable

_NEVER = datetime.min.replace(tzinfo=UTC)
_UNKNOWN: Any = object()


def job_key(job: Job) -> str:
    """A job's row key: ``project:location.job_id``."""
    return job.key


def _finished_at(job: Job) -> datetime:
    return job.ended or job.started or job.created or _NEVER


@dataclass(frozen=True, slots=True)
class PreparedJobs:
    """What :meth:`JobsPane.prepare` makes off the UI thread for :meth:`JobsPane.show`."""

    rows: list[Job]
    """Running and pending jobs first, then the finished ones, newest first."""
    format: Callable[[Job], Row]
    sort_keys: dict[str, Callable[[Job], Any]]
    heading: Text
    running: int
    queued: int = 0
    """Of the jobs not done, those BigQuery has not started (PENDING): not counted as running."""
    fresh: bool = True
    """Jobs the pane has not seen (or a new $ estimate): the warm-up runs again after showing them."""
    counted: int | None = None
    """Organisation mode: the jobs BigQuery counted in the window (the pane lists the active, costliest)."""


def counted(snapshot: Snapshot) -> int | None:
    """The jobs in the window as BigQuery counted them (organisation mode), or None (every job is listed)."""
    if snapshot.job_aggregates is None:
        return None
    from dashboard.sources.jobs.aggregates import job_count

    return job_count(snapshot.job_aggregates)


class JobsTable(VirtualTable[Job]):
    """Every job, in the columns of :data:`dashboard.sources.jobs.view.COLUMNS`."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """An empty jobs table; :class:`JobsPane` fills it."""
        super().__init__(
            jobs_view.COLUMNS,
            key=job_key,
            format=_unformatted,
            search=jobs_view.search_text,
            empty="no job in the window",
            id=id,
            classes=classes,
        )


def _same(basis: tuple[object, ...], last: tuple[object, ...]) -> bool:
    """Whether the jobs (by identity) and the rest (by value) are what the last preparation used."""
    return basis[0] is last[0] and basis[1:] == last[1:]


def _unformatted(job: Job) -> Any:
    raise RuntimeError("the jobs table is drawn before its first update")


class JobsPane(Vertical):
    """The BigQuery jobs pane. Messages come from its table (:class:`~widgets.table.VirtualTable`):
    ``RowHighlighted`` and ``RowSelected`` (the job's key), ``SortChanged``, ``FilterChanged``."""

    DEFAULT_CSS = """
    JobsPane { height: 1fr; }
    JobsPane > .jobs-status { height: 1; }
    JobsPane > JobsTable { height: 1fr; }
    """

    def __init__(
        self,
        *,
        prices: PriceTable | None = None,
        source: str = "jobs",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """An empty pane; :meth:`update` fills it.

        Args:
            prices: Prices of the $ estimates (default: the bundled table).
            source: The source whose jobs it shows (its status and title head the pane).
            id: The widget's id.
            classes: The widget's CSS classes.
        """
        super().__init__(id=id, classes=classes)
        self._prices = prices
        self._source = source
        spec = registry.spec(source)
        self._title = source if spec is None else spec.title
        self._status = Static(f"{self._title}  loading…", classes="jobs-status", markup=False)
        self.table = JobsTable(id=f"{id}-table" if id else None)
        self._jobs: tuple[Job, ...] | None = None
        self._done: list[Job] = []
        """The finished jobs, newest first."""
        self._costs: IdentityCache[float | None] = IdentityCache()
        self._editions: dict[str, str] | None = None
        self._dated = False
        self._shown_running = 0
        self._shown_queued = 0
        self._shown_counted: int | None = None
        self._active_count = 0
        self._queued_count = 0
        self._heading = Text()
        self._prepared: tuple[tuple[object, ...], PreparedJobs] | None = None
        """The last prepared jobs and what they were prepared from (jobs, moment, status, editions)."""
        self._shown: PreparedJobs | None = None

    def compose(self) -> ComposeResult:
        """Status line, table."""
        yield self._status
        yield self.table

    def update(self, snapshot: Snapshot, now: datetime) -> None:
        """Show ``snapshot``'s jobs at ``now``: :meth:`prepare` then :meth:`show` (call those two
        separately to order the jobs off the UI thread)."""
        self.show(self.prepare(snapshot, now))

    def prepare(self, snapshot: Snapshot, now: datetime) -> PreparedJobs:
        """The jobs in the pane's order, their row builder and sort keys. Touches no widget: safe in a
        worker thread (one at a time). Cheap when the jobs did not change (the store hands back the same
        tuple): only the running jobs are ordered again."""
        if self._prices is None:
            self._prices = default_prices()
        editions = reservation_editions(snapshot)
        total = counted(snapshot)
        basis = (snapshot.jobs, now, snapshot.statuses.get(self._source), editions, total)
        last = self._prepared
        if last is not None and _same(basis, last[0]):
            return last[1]  # nothing changed (a paused replay, a poll of another source)
        fresh = snapshot.jobs is not self._jobs or editions != self._editions
        if snapshot.jobs is not self._jobs:
            self._dated = fmt.needs_dates(*window(snapshot))
        prepared = PreparedJobs(
            rows=self.ordered(snapshot.jobs, now),
            format=jobs_view.row_builder(snapshot, now, self._prices, dated=self._dated),
            sort_keys=self._sort_keys(snapshot, now, editions),
            heading=pane_heading(self._title, snapshot, self._source, now),
            running=self._active_count - self._queued_count,
            queued=self._queued_count,
            fresh=fresh,
            counted=total,
        )
        self._prepared = (basis, prepared)
        return prepared

    def show(self, prepared: PreparedJobs) -> None:
        """Show prepared jobs (UI thread); the cursor stays on its job and the scroll where it was.
        Showing the same prepared jobs again costs nothing."""
        if prepared is self._shown:
            return
        self._shown = prepared
        self.table.set_rows(prepared.rows, format=prepared.format, sort_keys=prepared.sort_keys)
        self._heading = prepared.heading
        self._shown_running = prepared.running
        self._shown_queued = prepared.queued
        self._shown_counted = prepared.counted
        self.show_status()
        if prepared.fresh and self.is_mounted:
            self.run_worker(self._warm, thread=True, exclusive=True, group="jobs-warm")

    def _sort_keys(
        self, snapshot: Snapshot, now: datetime, editions: dict[str, str]
    ) -> dict[str, Callable[[Job], Any]]:
        """The view's sort keys, the $ estimate kept per job (it changes only with the editions)."""
        keys = jobs_view.sort_keys(snapshot, now, self._prices)
        if editions != self._editions or len(self._costs) > 2 * len(snapshot.jobs) + 1024:
            self._costs = IdentityCache()
            self._editions = editions
        cost, memo = keys["cost_usd"], self._costs

        def cached_cost(job: Job) -> float | None:
            hit = memo.get(job, _UNKNOWN)
            if hit is not _UNKNOWN:
                return hit
            value: float | None = cost(job)
            return memo.put(job, value)

        keys["cost_usd"] = cached_cost
        return keys

    def _warm(self) -> None:
        """Off the UI thread: each job's search text and $ estimate, so the first filter or sort by cost
        does not pay for them; the values of jobs no longer shown (older versions) are dropped."""
        self.table.warm_search()
        rows = list(self.table.rows)
        costs = self._costs
        if len(costs) > len(rows):
            costs.keep_only(rows)
        cost = self.table.sort_key("cost_usd")
        if cost is not None:
            for job in rows:
                cost(job)

    def ordered(self, jobs: tuple[Job, ...], now: datetime) -> list[Job]:
        """Running and pending jobs (by state, longest running first), then the finished ones (newest
        first); the finished ones are sorted again only when the jobs changed."""
        if jobs is not self._jobs:
            done = [j for j in jobs if j.state == "DONE"]
            done.sort(key=_finished_at, reverse=True)
            self._done = done
            self._jobs = jobs
        active = [j for j in jobs if j.state != "DONE"]
        active.sort(key=lambda j: (state_look(j).rank, -(j.duration_s(now) or 0.0), j.key))
        self._active_count = len(active)
        self._queued_count = sum(j.state == "PENDING" for j in active)
        return [*active, *self._done]

    def show_status(self) -> None:
        """The status line: heading and data age, counts, and the filter with its note."""
        text = self._heading.copy()
        total = len(self.table.rows)
        queued = f"{fmt.count(self._shown_queued)} queued · " if self._shown_queued else ""
        listed = f"{fmt.count(total)} jobs"
        if self._shown_counted is not None:  # organisation mode: BigQuery counted them, these are listed
            listed = f"{fmt.count(total)} listed of {fmt.count(self._shown_counted)} jobs in the window"
        counts = f"  {fmt.count(self._shown_running)} running · {queued}{listed}"
        text.append(counts, style="dim")
        if self.table.filter_text:
            shown = len(self.table.view)
            text.append(f"  filter {self.table.filter_text!r}: {fmt.count(shown)} shown", style="yellow")
            if self.table.filter_note:
                text.append(f" ({self.table.filter_note})", style="yellow")
        self._status.update(text)

    def set_filter(self, text: str) -> str | None:
        """Filter the table (see :meth:`VirtualTable.set_filter`); the status line shows it."""
        return self.table.set_filter(text)

    def on_virtual_table_filter_changed(self, event: VirtualTable.FilterChanged) -> None:
        """Keep the status line's filter part current (``escape`` clears the filter in the table)."""
        self.show_status()

    @property
    def shown(self) -> Sequence[Job]:
        """The jobs as shown (filtered and sorted), e.g. for an export."""
        return self.table.view
