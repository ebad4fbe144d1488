"""Organisation-mode scale benchmark: 2,000 projects at 100,000 and at 1,000,000 BigQuery jobs a day, from
recordings ``fixtures/generate_org.py`` writes into a temporary directory (never committed).

Per size: what one poll transfers (the REST response JSON of every location's organisation query, its
rows, the bytes BigQuery bills for it), a store refresh (the last poll applied, then a snapshot), the peak
memory of ``gcpdash --once --replay`` and of the whole app replaying the recording (:mod:`.scale_app`), and
the CPU of a key press in the jobs pane. The same figures at both sizes show the cost does not grow with the
job count: the query returns buckets and the top jobs, never every job (docs/organisation.md).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import msgspec

from benchmarks.report import Table
from benchmarks.scale import KEY_PRESSES, ROOT, run_child

PROJECTS = 2000
SIZES = (100_000, 1_000_000)
HOURS = 6
POLLS = 10
REPEAT = 7


def generate(out: Path, jobs_per_day: int) -> None:
    """Write the organisation recording into ``out``."""
    subprocess.run(
        [sys.executable, str(ROOT / "fixtures" / "generate_org.py"), "--out", str(out),
         "--projects", str(PROJECTS), "--jobs-per-day", str(jobs_per_day), "--hours", str(HOURS),
         "--polls", str(POLLS)],
        check=True, stdout=subprocess.DEVNULL, cwd=ROOT,
    )  # fmt: skip


def per_poll(path: Path) -> dict[int, tuple[int, int, int]]:
    """Per poll: response JSON bytes, rows and bytes billed, summed over its locations."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in (path / "jobs.jsonl").read_bytes().splitlines():
        exchange = json.loads(line)
        response = exchange.get("response") or {}
        found = totals[exchange["poll"]]
        found[0] += len(msgspec.json.encode(response))
        found[1] += len(response.get("rows") or ())
        found[2] += int(response.get("totalBytesBilled") or 0)
    return {poll: (b, r, billed) for poll, (b, r, billed) in sorted(totals.items())}


def refresh(path: Path) -> tuple[float, float, int, int]:
    """The last poll of the recording parsed, then applied to a store holding the others and a snapshot
    taken; the median seconds of the parse and of apply + snapshot, the jobs and buckets in the store."""
    from dashboard.backends.fixture import FixtureBackend
    from dashboard.clock import ReplayClock
    from dashboard.parsers import parse_poll
    from dashboard.recording.reader import read_recording
    from dashboard.store import Store

    recording = read_recording(path)
    clock = ReplayClock(recording.manifest.recorded_at, paused=True)
    backend = FixtureBackend(recording, clock, mode="replay", eager=False)
    clock.seek(backend.end)
    store = Store(mode="replay", intervals=backend.intervals())
    polls = [poll for source in backend.sources() for poll in backend.catch_up(source)]
    for poll in polls[:-1]:
        store.apply(poll)
    last = polls[-1]
    exchanges = recording.polls["jobs"][-1].exchanges
    parses, applies = [], []
    for _ in range(REPEAT):
        began = time.perf_counter()
        parse_poll("jobs", exchanges)
        parses.append(time.perf_counter() - began)
        began = time.perf_counter()
        store.apply(last)
        snapshot = store.snapshot(backend.end)
        applies.append(time.perf_counter() - began)
    buckets = len(snapshot.job_aggregates.buckets) if snapshot.job_aggregates is not None else 0
    _dump_jobs(path.with_suffix(".jobs"), snapshot.jobs)
    return statistics.median(parses), statistics.median(applies), len(snapshot.jobs), buckets


def _dump_jobs(jobs_dir: Path, jobs: tuple[object, ...]) -> None:
    jobs_dir.mkdir(exist_ok=True)
    (jobs_dir / "0000000.msgpack").write_bytes(msgspec.msgpack.encode(jobs))


_ONCE_PEAK = """
import sys
from pathlib import Path

from dashboard.cli import main

code = main(["--once", "--replay", sys.argv[1]])
status = Path("/proc/self/status").read_text()
peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
Path(sys.argv[2]).write_text(peak)
sys.exit(code)
"""
"""``gcpdash --once --replay`` run in a child that writes its own peak RSS (``VmHWM``, in KiB) on the way out:
the rusage of a child also counts the memory of the process it was forked from (this one, which holds a
large recording by then)."""


def once_peak(path: Path) -> tuple[int, int]:
    """Peak RSS (MiB) and exit status of ``gcpdash --once --replay`` on the recording."""
    out = path.with_suffix(".peak")
    proc = subprocess.run(
        [sys.executable, "-c", _ONCE_PEAK, str(path), str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        check=False,
    )
    return int(out.read_text()) // 1024, proc.returncode


def key_press(jobs_dir: Path) -> list[float]:
    """CPU seconds of cursor-down presses in the jobs pane holding the store's jobs (:mod:`.scale_app`)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale_app", "keys", str(jobs_dir), str(jobs_dir.with_suffix(".k")),
         str(KEY_PRESSES)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    costs: list[float] = json.loads(out.stdout.strip().splitlines()[-1])
    return costs


def bench_org(table: Table) -> None:
    """Generate the organisation recording at each size and measure it."""
    with tempfile.TemporaryDirectory(prefix="gcpdash-org-") as tmp:
        for jobs_per_day in SIZES:
            size = f"{jobs_per_day:,} jobs/day"
            path = Path(tmp) / f"org{jobs_per_day}"
            began = time.perf_counter()
            generate(path, jobs_per_day)
            took = time.perf_counter() - began
            polls = per_poll(path)
            first, *later = polls.values()
            worst_bytes = max(b for b, _, _ in polls.values())
            worst_rows = max(r for _, r, _ in polls.values())
            table.add(
                f"org {size}: transfer a poll",
                f"max {worst_bytes / 1e6:.2f} MB, {worst_rows:,} rows",
                f"first poll ({HOURS + 1} h) {first[0] / 1e6:.2f} MB / {first[1]:,} rows; later ones max "
                f"{max(b for b, _, _ in later) / 1e6:.2f} MB / {max(r for _, r, _ in later):,} rows "
                f"({PROJECTS:,} projects, US + EU, generated in {took:.1f} s)",
                "budget <= 2 MB, <= 5,000 rows",
            )
            table.add(
                f"org {size}: billed a poll",
                f"{max(b for _, _, b in later) / 2**20:.0f} MiB",
                f"first poll {first[2] / 2**20:.0f} MiB; totalBytesBilled as generated (a model of the scan: "
                "~400 B of the named columns per job of the hours read, 10 MiB minimum per location)",
                "grows with jobs",
            )
            parse, apply, jobs, buckets = refresh(path)
            table.add(
                f"org {size}: store refresh",
                f"{(parse + apply) * 1000:.1f} ms",
                f"the last poll parsed ({parse * 1000:.1f} ms), applied + snapshot ({apply * 1000:.1f} ms); "
                f"medians of {REPEAT}; {jobs:,} jobs, {buckets:,} hour buckets in the store",
                "budget <= 100 ms",
            )
            peak, status = once_peak(path)
            _, app_peak, _, rows = run_child("app", path, path.with_suffix(".app"))
            table.add(
                f"org {size}: peak memory",
                f"--once {peak} MiB, app {app_peak} MiB",
                f"gcpdash --once --replay (exit {status}); the app replaying it at its end, jobs pane shown "
                f"({rows} jobs)",
                "budget <= 300 MB",
            )
            costs = key_press(path.with_suffix(".jobs"))
            table.add(
                f"org {size}: key press",
                f"{statistics.mean(costs) * 1000:.1f} ms CPU",
                f"cursor down in the jobs pane, mean of {len(costs)}, max {max(costs) * 1000:.1f} ms",
                "budget <= 20 ms",
            )
