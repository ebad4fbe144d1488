"""A child process for the scale benchmarks: 100,000 jobs in a headless app, measured from outside.

- ``python -m benchmarks.scale_app app RECORDING READY``: the whole app (:class:`DashboardApp`) replaying
  the large recording, paused at its end, as ``gcpdash --replay`` shows it: the jobs pane on screen, its
  table loaded and warmed (search texts, $ estimates). Writes ``READY`` (the number of rows), then runs
  until killed; the parent reads its peak RSS and its CPU time from ``/proc``.
- ``python -m benchmarks.scale_app pane RECORDING READY``: the same store (through the real reader,
  parsers and fixture backend), shown in a :class:`~widgets.jobs.JobsPane` alone.
- ``python -m benchmarks.scale_app keys JOBS READY N``: the jobs dumped by :mod:`benchmarks.scale` as msgpack
  files in ``JOBS`` (fast to load), in the pane alone; presses cursor-down N times under
  ``App.run_test`` and prints each press's CPU time as one JSON list.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
from textual.app import App, ComposeResult

from dashboard.app import DashboardApp
from dashboard.backends.base import Poll
from dashboard.models import Job, JobsData, Snapshot
from dashboard.session import Session, collect, open_recording
from dashboard.store import Store
from widgets.jobs import JobsPane
from widgets.panes import JobsTablePane


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
        """Fill the pane, then say so once the frame is drawn and the pane's warm-up is done."""
        pane = self.query_one(JobsPane)
        pane.update(self._snapshot, self._snapshot.at)
        pane.table.focus()
        self.set_interval(0.1, self._check)

    def _check(self) -> None:
        if not self._ready_file.exists() and _settled(self):
            self._ready_file.write_text(str(len(self.query_one(JobsPane).table.rows)))


class FullApp(DashboardApp):
    """The whole app on a recording, switched to the jobs pane once data shows."""

    def __init__(self, recording: Path, ready: Path) -> None:
        state = Path(tempfile.mkdtemp(prefix="gcpdash-bench-")) / "state.toml"
        super().__init__(lambda: replay_at_end(recording), state_path=state)
        self._ready_file = ready

    def on_mount(self) -> None:
        """Watch for the jobs table to fill (Textual runs the app's own ``on_mount`` too)."""
        self.set_interval(0.1, self._check)

    def _check(self) -> None:
        if self._frame is None or self._ready_file.exists():
            return
        self.action_show(2)
        table = self.query_one(JobsTablePane).jobs.table
        if table.rows and _settled(self):
            self._ready_file.write_text(str(len(table.rows)))


def _settled(app: App[Any]) -> bool:
    """No worker of the app is running (the jobs pane's warm-up is done)."""
    return all(worker.is_finished for worker in app.workers)


def recording_end(recording: Path) -> datetime:
    """The last poll time of a recording (reading it is cheap: payloads are decoded when parsed)."""
    from dashboard.recording.reader import read_recording

    polls = read_recording(recording).polls.values()
    return max(poll.t for source in polls for poll in source)


def replay_at_end(recording: Path) -> Session:
    """The session ``gcpdash --replay`` opens, moved to the recording's end and paused."""
    return open_recording(recording, "replay", at=recording_end(recording), paused=True)


def _moment(job: Job) -> datetime:
    moment = job.ended or job.started or job.created
    return moment if moment is not None else datetime.min.replace(tzinfo=UTC)


def dumped_snapshot(jobs_dir: Path) -> Snapshot:
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
    app = JobsApp(dumped_snapshot(jobs_dir), ready)
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
    """``app|pane RECORDING READY``: run headless until killed; ``keys JOBS READY N``: print the CPU
    seconds of N key presses."""
    mode, where, ready = argv[0], Path(argv[1]), Path(argv[2])
    if mode == "keys":
        print(json.dumps(asyncio.run(key_presses(where, ready, int(argv[3])))))
    elif mode == "pane":
        session = replay_at_end(where)  # kept, as the app keeps it: the store and the backend's polls
        snapshot, _ = collect(session)
        JobsApp(snapshot, ready).run(headless=True, size=(200, 50))
        del session
    elif mode == "app":
        FullApp(where, ready).run(headless=True, size=(200, 50))
    else:
        raise SystemExit(f"unknown mode {mode!r}: app, pane or keys")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
