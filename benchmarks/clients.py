"""What each source's Google client costs to import: the modules its live fetch imports
(``SourceSpec.packages``), in a fresh interpreter with its bytecode cached, as ``gcpdash`` live pays it
when that source is enabled (``--demo`` and ``--once`` on a recording pay none of it: ``bench_imports``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

from benchmarks.report import Table
from benchmarks.tty import PYCACHE

CHILD = """
import importlib, json, resource, sys, time
import dashboard.registry  # what gcpdash has imported before it opens a live source
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()
before, start = rss(), time.perf_counter()
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps({"s": time.perf_counter() - start, "rss": rss() - before}))
"""


def _measure(packages: tuple[str, ...]) -> tuple[float, float]:
    """Seconds and bytes of resident memory that importing ``packages`` adds, in a fresh interpreter."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": str(PYCACHE)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *packages], capture_output=True, text=True, check=True, env=env
    )
    got = json.loads(out.stdout)
    return float(got["s"]), float(got["rss"])


def bench_clients(table: Table, runs: int = 3) -> None:
    """A row per registered source: the median wall time and the memory its client's import adds."""
    from dashboard.registry import sources

    for spec in sources():
        if not spec.packages:
            continue
        google = [p for p in spec.packages if not p.startswith(("dashboard.", "grpc._"))]
        _measure(spec.packages)  # compiles the bytecode into PYCACHE
        results = [_measure(spec.packages) for _ in range(runs)]
        seconds = statistics.median(r[0] for r in results)
        rss = statistics.median(r[1] for r in results)
        table.add(
            f"client import, {spec.name}",
            f"{seconds * 1000:.0f} ms, +{rss / 2**20:.0f} MiB",
            f"live only, when the source is on: {', '.join(google)}; median of {runs}, fresh interpreter",
            "(information)",
        )
