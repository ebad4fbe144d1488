"""``make bench``: measure gcpdash against the budgets in DESIGN.md section 5 and print the figures.

A benchmark, not a test: it reports numbers and asserts nothing. Run from the repository root.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.clients import bench_clients
from benchmarks.report import Table
from benchmarks.scale import bench_scale
from benchmarks.scale_org import bench_org
from benchmarks.tty import PYCACHE, bench_first_frame


def _run_child(argv: list[str]) -> tuple[float, int, int]:
    """Run ``argv`` with its bytecode kept, as an installed gcpdash starts (:data:`benchmarks.tty.PYCACHE`);
    return (wall seconds, peak RSS in MiB, exit status)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(PYCACHE)}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def bench_once(table: Table, runs: int) -> None:
    """Wall time and peak memory of ``gcpdash --once --demo`` in each format."""
    exe = str(Path(sys.executable).with_name("gcpdash"))
    _run_child([exe, "--once", "--demo"])  # compiles the modules into PYCACHE
    for fmt in ("text", "json", "markdown"):
        results = [_run_child([exe, "--once", "--demo", "--format", fmt]) for _ in range(runs)]
        walls = [r[0] for r in results]
        table.add(
            f"--once --demo --format {fmt}",
            f"median {statistics.median(walls) * 1000:.0f} ms (min {min(walls) * 1000:.0f})",
            f"peak RSS {max(r[1] for r in results)} MiB, exit {results[0][2]}",
            "budget < 500 ms",
        )


def bench_imports(table: Table) -> None:
    """Which heavy packages the --once path loads."""
    code = (
        "import sys, io, contextlib\n"
        "from dashboard import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['--once', '--demo', '--format', 'json'])\n"
        "heavy = sorted({m.split('.')[0] + ('.' + m.split('.')[1] if m.startswith('google.') else '')"
        " for m in sys.modules if m.startswith(('google', 'textual', 'grpc'))})\n"
        "print(','.join(heavy) or 'none')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    table.add("imports on --once --demo", out.stdout.strip() or out.stderr.strip()[-200:], "", "none")


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_ingest(table: Table, repeat: int) -> None:
    """Decoding the demo recording into models, against a plain json.loads of the same bytes."""
    from dashboard.errors import SourceError
    from dashboard.parsers import parse_poll
    from dashboard.recording.demo import demo_path
    from dashboard.recording.reader import read_recording

    path = demo_path()
    files = sorted(path.glob("*.jsonl"))
    blobs = [f.read_bytes() for f in files]
    size = sum(len(b) for b in blobs)

    def plain() -> None:
        for blob in blobs:
            for line in blob.splitlines():
                json.loads(line)

    def ours() -> None:
        rec = read_recording(path)
        for source, polls in rec.polls.items():
            for poll in polls:
                with contextlib.suppress(SourceError):  # a recorded fault: still decoded
                    parse_poll(source, poll.exchanges)

    t_plain = _best(plain, repeat)
    t_ours = _best(ours, repeat)
    table.add(
        "ingest demo recording",
        f"{t_ours * 1000:.0f} ms vs json.loads {t_plain * 1000:.0f} ms = {t_ours / t_plain:.2f}x",
        f"{size / 2**20:.1f} MiB, {size / 2**20 / t_ours:.0f} MiB/s",
        "budget <= 2x",
    )


def bench_live(table: Table) -> None:
    """One live poll cycle against the loopback fake servers: requests per source, billed queries, wall
    time, and the monthly polling cost ``gcpdash --check`` reports."""
    from benchmarks.live_cycle import bigquery_cycle, whole_cycle

    requests, billed, seconds = bigquery_cycle()
    table.add(
        "live BigQuery jobs poll", f"{seconds * 1000:.0f} ms", f"{requests} requests, {billed} billed", ""
    )
    counts, billed, seconds, cost = whole_cycle()
    detail = ", ".join(f"{source} {n}" for source, n in counts.items())
    table.add(
        "live poll cycle, all sources", f"{seconds * 1000:.0f} ms", f"requests: {detail}; {billed} billed", ""
    )
    table.add("polling cost (--check)", cost, "", "")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print a table of figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per subprocess measurement")
    parser.add_argument(
        "--skip-scale",
        action="store_true",
        help="skip the 100,000-job and the organisation benchmarks (about two minutes)",
    )
    args = parser.parse_args(argv)
    table = Table()
    bench_once(table, args.runs)
    bench_imports(table)
    bench_clients(table)
    bench_ingest(table, args.runs)
    bench_live(table)
    bench_first_frame(table)
    if not args.skip_scale:
        bench_scale(table)
        bench_org(table)
    table.print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
