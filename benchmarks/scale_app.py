"""A child process for the scale benchmarks: the jobs pane holding 100,000 jobs in a headless app.

``python -m benchmarks.scale_app JOBS READY``: decodes the jobs (msgpack, as :mod:`benchmarks.scale`
dumped them from the store it filled from the large recording), puts them in a fresh
:class:`~dashboard.store.Store` as one poll, shows the snapshot in a :class:`~widgets.jobs.JobsPane`,
writes ``READY`` and idles until killed. The parent reads its CPU time from ``/proc`` and its peak RSS.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import msgspec
from textual.app import App, ComposeResult

from dashboard.backends.base import Poll
from dashboard.models import Job, JobsData, Snapshot
from dashboard.store import Store
from widgets.jobs import JobsPane


class JobsApp(App[None]):
    """Just the jobs pane, filled once."""

    def __init__(self, snapshot: Snapshot, ready: Path) -> None:
        super().__init__()
        self._snapshot = snapshot
        self._ready_file = ready

    def compose(self) -> ComposeResult:
        """The pane."""
        yield JobsPane(id="jobs")

    def on_mount(self) -> None:
        """Fill the pane, then say so once the frame is drawn."""
        pane = self.query_one(JobsPane)
        pane.update(self._snapshot, self._snapshot.at)
        pane.table.focus()
        self.call_after_refresh(self._ready_file.write_text, str(len(pane.table.rows)))


def _moment(job: Job) -> datetime:
    moment = job.ended or job.started or job.created
    return moment if moment is not None else datetime.min.replace(tzinfo=UTC)


def build_snapshot(jobs_file: Path) -> Snapshot:
    """A store holding the dumped jobs, and its snapshot at the newest job's creation."""
    jobs = msgspec.msgpack.decode(jobs_file.read_bytes(), type=tuple[Job, ...])
    now = max(_moment(j) for j in jobs)
    store = Store(mode="replay")
    store.apply(Poll(source="jobs", t=now, data=JobsData(jobs=jobs, history=True)))
    return store.snapshot(now)


def main(argv: list[str]) -> int:
    """Run the app headless until killed."""
    jobs_file, ready = Path(argv[0]), Path(argv[1])
    JobsApp(build_snapshot(jobs_file), ready).run(headless=True, size=(200, 50))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
