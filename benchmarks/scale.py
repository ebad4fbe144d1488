"""Scale benchmarks: 100,000 BigQuery jobs from a generated recording, through the real reader, parsers
and store, into the jobs pane's virtual table (DESIGN.md section 5 budgets).

The recording is written to a temporary directory by ``fixtures/generate_large.py`` (never committed).
Measured here, in one process: reading it, a store refresh (an incremental poll applied, then a
snapshot), the table's load, refresh, sorts and filters. In child processes (:mod:`benchmarks.scale_app`),
measured from outside through ``/proc``: the CPU of a cursor key press on a mounted app; the peak memory
and idle CPU of the whole app replaying the recording at its end with the jobs pane shown (what
``gcpdash --replay`` costs a user), and of the jobs pane alone over the same store.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import msgspec

from benchmarks.report import Table
from dashboard.backends.base import Poll
from dashboard.models import Job, JobsData, Snapshot
from dashboard.store import Store

ROOT = Path(__file__).resolve().parent.parent
JOBS = 103_500
"""Jobs written: about 100,000 of them are in the store at the recording's end (the newest few minutes
are not read from history yet)."""
KEY_PRESSES = 50
REPEAT = 3
IDLE_SECONDS = 10.0
TICKS = os.sysconf("SC_CLK_TCK")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def generate(out: Path, jobs: int = JOBS) -> float:
    """Write the large recording into ``out``; the seconds it took."""
    began = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "fixtures" / "generate_large.py"),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - began


def load_store(path: Path) -> tuple[Store, datetime]:
    """Every poll of the recording through the fixture backend's parsers into a store, as the app's
    replay does; the store and the recording's last moment."""
    from dashboard.backends.fixture import FixtureBackend
    from dashboard.clock import ReplayClock
    from dashboard.recording.reader import gc_paused, read_recording

    recording = read_recording(path)
    clock = ReplayClock(recording.manifest.recorded_at, paused=True)
    backend = FixtureBackend(recording, clock, mode="replay", eager=False)
    clock.seek(backend.end)
    store = Store(mode="replay", intervals=backend.intervals())
    with gc_paused():
        for source in backend.sources():
            for poll in backend.catch_up(source):
                store.apply(poll)
    return store, backend.end


def incremental_poll(snapshot: Snapshot, now: datetime, n: int) -> Poll:
    """A jobs poll as one minute brings: ``n`` running jobs finish, ``n`` new ones start."""
    running = [j for j in snapshot.jobs if j.state != "DONE"][:n]
    done = [msgspec.structs.replace(j, state="DONE", ended=now, origin="history") for j in running]
    fresh = [
        msgspec.structs.replace(j, job_id=f"{j.job_id}_r{now.timestamp():.0f}", created=now, state="RUNNING")
        for j in snapshot.jobs[:n]
    ]
    return Poll(
        source="jobs",
        t=now,
        data=JobsData(jobs=(*done, *fresh), running_keys=frozenset(j.key for j in fresh), history=True),
    )


def bench_store(table: Table, store: Store, now: datetime) -> Snapshot:
    """A refresh of the store: an incremental poll applied, then a snapshot; best of five."""
    best = float("inf")
    snapshot = store.snapshot(now)
    for _ in range(5):
        now = now + timedelta(seconds=30)
        poll = incremental_poll(snapshot, now, 50)
        began = time.perf_counter()
        store.apply(poll)
        snapshot = store.snapshot(now)
        best = min(best, time.perf_counter() - began)
    table.add(
        "store refresh, 100k jobs",
        _ms(best),
        f"apply a poll of 100 changed jobs + snapshot ({len(snapshot.jobs):,} jobs)",
        "budget < 100 ms",
    )
    return snapshot


async def bench_table(table: Table, snapshot: Snapshot, later: Snapshot) -> None:
    """The jobs pane on a mounted app: load, refresh, sorts, filters, key presses."""
    from benchmarks.scale_app import JobsApp
    from dashboard.sources.jobs import view as jobs_view
    from widgets.jobs import JobsPane

    ready = Path(tempfile.mkdtemp()) / "ready"
    app = JobsApp(snapshot, ready)
    async with app.run_test(size=(200, 50)):
        pane = app.query_one(JobsPane)
        await app.workers.wait_for_complete()
        loads = []
        for k in range(REPEAT):
            fresh = JobsPane(id=f"bench{k}")
            await app.mount(fresh)
            fresh.display = False
            loads.append(_timed(partial(fresh.update, snapshot, snapshot.at)))
            await app.workers.wait_for_complete()
            await fresh.remove()
        rows = f"{len(snapshot.jobs):,} jobs ordered, set_rows; best of {REPEAT}"
        table.add("jobs table load", _ms(min(loads)), rows, "budget < 250 ms")
        cold_cost = jobs_view.sort_keys(snapshot, snapshot.at)["cost_usd"]
        cold_search = jobs_view.search_text
        for what, fn in (("$ estimate", cold_cost), ("search text", cold_search)):
            took = _timed(partial(_each, fn, snapshot.jobs))
            table.add(f"{what} of every job", _ms(took), "once per job, off the UI thread", "(warm-up)")
        began = time.perf_counter()
        prepared = pane.prepare(later, later.at)
        prepare = time.perf_counter() - began
        show = _timed(partial(pane.show, prepared))
        detail = f"prepare {_ms(prepare)} (off the UI thread) + show {_ms(show)}; cursor kept"
        table.add("jobs pane refresh", _ms(prepare + show), detail, "budget < 100 ms")
        await app.workers.wait_for_complete()
        for column, reverse in (("cost_usd", True), ("duration_s", True), ("job_id", False)):
            times = []
            for _ in range(REPEAT):
                pane.table.sort_by(None)
                times.append(_timed(partial(pane.table.sort_by, column, reverse)))
            detail = f"on the jobs, not their text; best of {REPEAT}"
            table.add(f"sort by {column}", _ms(min(times)), detail, "budget < 150 ms")
        pane.table.sort_by(None)
        for text in ("acme-etl", "failed|timeout", "!looker", r"^(failed|pending)\t"):
            times = []
            for _ in range(REPEAT):
                pane.table.set_filter("")
                times.append(_timed(partial(pane.table.set_filter, text)))
            detail = f"{len(pane.table.view):,} shown; best of {REPEAT}"
            table.add(f"filter {text!r}", _ms(min(times)), detail, "budget ~100 ms")
        pane.table.set_filter("")


def _each(fn: Callable[[Job], object], jobs: tuple[Job, ...]) -> None:
    for job in jobs:
        fn(job)


def _timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def bench_keys(table: Table, jobs_dir: Path) -> None:
    """CPU of a cursor-down press on a mounted app holding the jobs (a fresh process, as the app is)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale_app", "keys", str(jobs_dir), str(jobs_dir.with_suffix(".k")),
         str(KEY_PRESSES)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    costs = json.loads(out.stdout.strip().splitlines()[-1])
    table.add(
        "key press (cursor down)",
        f"{statistics.mean(costs) * 1000:.1f} ms CPU",
        f"mean of {len(costs)} under App.run_test, max {max(costs) * 1000:.1f} ms",
        "budget < 20 ms",
    )


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _rss_mib(pid: int, field: str) -> int:
    """``VmHWM`` (peak RSS; unlike ``ru_maxrss`` it does not inherit the parent's) or ``VmRSS``."""
    for text in Path(f"/proc/{pid}/status").read_text().splitlines():
        if text.startswith(f"{field}:"):
            return int(text.split()[1]) // 1024
    return -1


def run_child(mode: str, recording: Path, ready: Path) -> tuple[float, int, int, str]:
    """Run :mod:`benchmarks.scale_app` in ``mode`` on the recording until it is ready and idle; its CPU
    use while idle (fraction of a core), peak and current RSS in MiB, and the rows it shows."""
    child = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.scale_app", mode, str(recording), str(ready)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while not ready.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(2.0)  # whatever the first frame set off settles
        cpu0, t0 = _cpu_seconds(child.pid), time.monotonic()
        time.sleep(IDLE_SECONDS)
        cpu1, t1 = _cpu_seconds(child.pid), time.monotonic()
        peak, now_rss = _rss_mib(child.pid, "VmHWM"), _rss_mib(child.pid, "VmRSS")
    finally:
        child.terminate()
        child.wait()
    rows = ready.read_text() if ready.exists() else "?"
    return (cpu1 - cpu0) / (t1 - t0), peak, now_rss, rows


def bench_idle(table: Table, recording: Path) -> None:
    """Peak memory and idle CPU: the whole app replaying the recording at its end (jobs pane shown),
    and the jobs pane alone over the same store."""
    cpu, peak, now_rss, rows = run_child("app", recording, recording.with_suffix(".app"))
    pane_cpu, pane_peak, pane_rss, pane_rows = run_child("pane", recording, recording.with_suffix(".pane"))
    table.add(
        "memory, 100k jobs: the app",
        f"peak RSS {peak} MiB ({peak * 1.048576:.0f} MB)",
        f"now {now_rss} MiB; gcpdash --replay at the end, paused, {rows} jobs shown and warmed",
        "budget < 250 MB",
    )
    table.add(
        "memory, 100k jobs: jobs pane",
        f"peak RSS {pane_peak} MiB",
        f"now {pane_rss} MiB; the same session's store shown in the pane alone ({pane_rows} rows)",
        "",
    )
    table.add(
        "idle CPU, 100k jobs: the app",
        f"{cpu * 100:.2f} % of a core",
        f"over {IDLE_SECONDS:.0f} s, no keys, replay paused (the app still polls every second)",
        "budget < 1 %",
    )
    table.add(
        "idle CPU, 100k jobs: jobs pane",
        f"{pane_cpu * 100:.2f} % of a core",
        f"over {IDLE_SECONDS:.0f} s, no keys",
        "budget < 1 %",
    )


def bench_scale(table: Table) -> None:
    """Generate the large recording, read it, and measure everything at 100,000 jobs."""
    with tempfile.TemporaryDirectory(prefix="gcpdash-large-") as tmp:
        path = Path(tmp) / "large"
        took = generate(path)
        size = sum(p.stat().st_size for p in path.iterdir())
        began = time.perf_counter()
        store, end = load_store(path)
        load = time.perf_counter() - began
        snapshot = store.snapshot(end)
        table.add(
            "read large recording",
            f"{load:.1f} s",
            f"{size / 2**20:.0f} MiB, {len(snapshot.jobs):,} jobs in the store (generated in {took:.0f} s)",
            "(setup)",
        )
        later = bench_store(table, store, end)
        jobs_dir = Path(tmp) / "jobs"
        jobs_dir.mkdir()
        for k in range(0, len(later.jobs), 10_000):
            chunk = later.jobs[k : k + 10_000]
            (jobs_dir / f"{k:07d}.msgpack").write_bytes(msgspec.msgpack.encode(chunk))
        gc.collect()
        asyncio.run(bench_table(table, snapshot, later))
        del store, snapshot, later
        bench_keys(table, jobs_dir)
        bench_idle(table, path)
