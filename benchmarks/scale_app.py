"""A child process for the scale benchmarks: the jobs pane holding 100,000 jobs in a headless app.

``python -m benchmarks.scale_app JOBS READY [keys N]``: decodes the jobs from the directory ``JOBS``
(msgpack files of 10,000 jobs, dumped by :mod:`benchmarks.scale` from the store it filled from the large
recording), puts them in a fresh :class:`~dashboard.store.Store` a poll per file, shows the snapshot in a
:class:`~widgets.jobs.JobsPane`, writes ``READY`` and idles until killed (the parent reads its CPU time
and peak RSS from ``/proc``), or with ``keys N`` presses cursor-down N times under ``App.run_test`` and
prints each press's CPU time.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
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


def build_snapshot(jobs_dir: Path) -> Snapshot:
    """A store holding the dumped jobs (one poll per file, as polls bring them), and its snapshot at the
    newest job's moment."""
    store = Store(mode="replay")
    now = datetime.min.replace(tzinfo=UTC)
    for path in sorted(jobs_dir.glob("*.msgpack")):
        jobs = msgspec.msgpack.decode(path.read_bytes(), type=tuple[Job, ...])
        now = max(now, *(_moment(j) for j in jobs))
        store.apply(Poll(source="jobs", t=now, data=JobsData(jobs=jobs, history=True)))
    return store.snapshot(now)


async def key_presses(jobs_dir: Path, ready: Path, presses: int) -> list[float]:
    """CPU seconds of each of ``presses`` cursor-down presses on the mounted app (``App.run_test``)."""
    app = JobsApp(build_snapshot(jobs_dir), ready)
    costs = []
    async with app.run_test(size=(200, 50)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(presses):
            began = time.process_time()
            await pilot.press("down")
            costs.append(time.process_time() - began)
    return costs


def main(argv: list[str]) -> int:
    """``JOBS READY``: run the app headless until killed; ``JOBS READY keys N``: print the CPU seconds
    of N key presses, one JSON list."""
    jobs_dir, ready = Path(argv[0]), Path(argv[1])
    if argv[2:3] == ["keys"]:
        print(json.dumps(asyncio.run(key_presses(jobs_dir, ready, int(argv[3])))))
        return 0
    JobsApp(build_snapshot(jobs_dir), ready).run(headless=True, size=(200, 50))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
