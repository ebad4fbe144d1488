"""The BigQuery jobs pane of the app: a status line (the source's data age or failure, counts, filter)
over a :class:`~widgets.table.VirtualTable` of every job in the window, running jobs first, then the
finished ones newest first. Holds 100,000 jobs: rows are formatted only when drawn."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from dashboard.models import Job, Snapshot
from dashboard.pricing import PriceTable
from dashboard.views import fmt
from dashboard.views import jobs as jobs_view
from dashboard.views.states import state_look
from dashboard.views.status import pane_heading
from widgets.table import VirtualTable

_NEVER = datetime.min


def job_key(job: Job) -> str:
    """A job's row key: ``project:location.job_id``."""
    return job.key


def _finished_at(job: Job) -> datetime:
    moment = job.ended or job.started or job.created
    return moment.replace(tzinfo=None) if moment is not None else _NEVER


class JobsTable(VirtualTable[Job]):
    """Every job, in the columns of :data:`dashboard.views.jobs.COLUMNS`."""

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
        self, *, prices: PriceTable | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        """An empty pane; :meth:`update` fills it.

        Args:
            prices: Prices of the $ estimates (default: the bundled table).
            id: The widget's id.
            classes: The widget's CSS classes.
        """
        super().__init__(id=id, classes=classes)
        self._prices = prices
        self._status = Static("BigQuery jobs  loading…", classes="jobs-status", markup=False)
        self.table = JobsTable(id=f"{id}-table" if id else None)
        self._jobs: tuple[Job, ...] | None = None
        self._done: list[Job] = []
        self._active_count = 0
        self._heading = Text()

    def compose(self) -> ComposeResult:
        """Status line, table."""
        yield self._status
        yield self.table

    def update(self, snapshot: Snapshot, now: datetime) -> None:
        """Show ``snapshot``'s jobs at ``now``; the cursor stays on its job and the scroll where it was.

        Cheap when the jobs did not change (the store hands back the same tuple): only the running jobs
        are ordered again and rows are formatted anew when drawn.
        """
        self.table.set_rows(
            self.ordered(snapshot.jobs, now),
            format=jobs_view.row_builder(snapshot, now, self._prices),
            sort_keys=jobs_view.sort_keys(snapshot, now, self._prices),
        )
        self._heading = pane_heading("BigQuery jobs", snapshot, "jobs", now)
        self.show_status()

    def ordered(self, jobs: tuple[Job, ...], now: datetime) -> list[Job]:
        """Running and pending jobs (by state, longest running first), then the finished ones (newest
        first); the finished ones are sorted again only when the jobs changed."""
        active = [j for j in jobs if j.state != "DONE"]
        active.sort(key=lambda j: (state_look(j).rank, -(j.duration_s(now) or 0.0), j.key))
        if jobs is not self._jobs:
            self._jobs = jobs
            self._done = sorted((j for j in jobs if j.state == "DONE"), key=_finished_at, reverse=True)
        self._active_count = len(active)
        return [*active, *self._done]

    def show_status(self) -> None:
        """The status line: heading and data age, counts, and the filter with its note."""
        text = self._heading.copy()
        total = len(self.table.rows)
        text.append(f"  {fmt.count(self._active_count)} running · {fmt.count(total)} jobs", style="dim")
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
