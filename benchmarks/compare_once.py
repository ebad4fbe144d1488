"""``gcpdash --once --demo`` timed in several checkouts in turn, so that a before and an after are measured in
the same run on the same machine (a shared machine's load changes between runs).

    python -m benchmarks.compare_once TREE [TREE ...] [--runs N]

Each TREE is a checkout with its own ``.venv`` (``make venv`` there). Runs are interleaved: each round runs
every tree once in each format; the first round warms the bytecode caches and is not counted; medians are
printed in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from pathlib import Path

FORMATS = ("text", "json", "markdown")


def run_once(tree: Path, fmt: str) -> float:
    """Milliseconds of one ``--once --demo --format fmt`` in ``tree`` (bytecode kept, as installed)."""
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(Path("/tmp") / f"gcpdash-pyc-{tree.name}")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    command = [str(tree / ".venv/bin/python"), "-m", "dashboard", "--once", "--demo", "--format", fmt]
    subprocess.run(
        command, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    return (time.perf_counter() - start) * 1000


def main(argv: list[str] | None = None) -> int:
    """Time the trees in turn and print one line of medians per tree."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare_once", description=__doc__)
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=7, help="counted rounds")
    args = parser.parse_args(argv)
    times: dict[Path, dict[str, list[float]]] = {t: {f: [] for f in FORMATS} for t in args.trees}
    for round_ in range(args.runs + 1):
        for tree in args.trees:
            for fmt in FORMATS:
                took = run_once(tree.resolve(), fmt)
                if round_:
                    times[tree][fmt].append(took)
    for tree, by_format in times.items():
        medians = " / ".join(f"{statistics.median(v):.0f}" for v in by_format.values())
        print(f"{tree}: text / json / markdown median {medians} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
