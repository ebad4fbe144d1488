"""Running the fault matrix's cells (tests/contract/matrix.py) side by side, each on its own fakes, and
comparing what they show with the fault-free run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec

from dashboard.models import Snapshot

from .matrix import REPO, STALE_INTERVAL, T0, TARGETS, Fakes

# ------------------------------------------------------------------ running cells


@dataclass
class Outcome:
    """What a cell saw."""

    elapsed: float
    snapshot: Snapshot | None = None
    report: dict[str, Any] = field(default_factory=dict)
    """The ``--format json`` document (subprocess cells)."""
    returncode: int = 0
    stderr: str = ""
    crashed: str | None = None
    """The exception live_snapshot raised (it never should)."""
    calls: dict[str, int] = field(default_factory=dict)
    """Per target, the requests the fakes received for its calls (retries included)."""


class FixedClock:
    """Every poll at :data:`T0`: a cell's data compares with the fault-free run's, whatever it took."""

    def now(self) -> datetime:
        return T0


class RunClock:
    """:data:`T0` when made, then moving with the real time: every cell reads the same demo window, and a
    source read at the start of a slow cell is as old at its end as it would really be."""

    def __init__(self) -> None:
        self._started = time.monotonic()

    def now(self) -> datetime:
        return T0 + timedelta(seconds=time.monotonic() - self._started)


def run_cell(target: str | None, fault: str | None, mode: str = "once") -> Outcome:
    """One cell on its own fakes (``target`` None: the fault-free run). ``mode``: ``once``
    (:func:`~dashboard.backends.gcp.once.live_snapshot` in-process, every poll at :data:`T0`), ``stale``
    (the same on a clock that moves, polls due every :data:`STALE_INTERVAL`) or ``cli`` (``python -m
    dashboard --once`` as a subprocess)."""
    from dashboard.backends.gcp.once import live_snapshot
    from dashboard.config import load_config

    with Fakes() as fakes, tempfile.TemporaryDirectory(prefix="gcpdash-matrix-") as tmp:
        if target is not None and fault is not None:
            fakes.inject(TARGETS[target], fault)
        path = Path(tmp) / "gcpdash.toml"
        intervals = STALE_INTERVAL if mode == "stale" else None
        path.write_text(fakes.config_text(intervals=intervals), encoding="utf-8")
        started = time.perf_counter()
        if mode == "cli":
            return _run_cli(path, started)
        clock = RunClock() if mode == "stale" else FixedClock()
        try:
            snapshot, _ = live_snapshot(load_config(path, env={}), clock)
        except Exception as exc:  # the cell fails on it: live_snapshot must say why in a status instead
            return Outcome(time.perf_counter() - started, crashed=f"{type(exc).__name__}: {exc}")
        elapsed = time.perf_counter() - started
        return Outcome(elapsed, snapshot=snapshot, calls={t: calls_of(fakes, t) for t in TARGETS})


def rest_kind(method: str, path: str) -> str:
    """The REST fake's kind of a request: ``list``, ``query``, ``results``, ``get`` or ``table``."""
    tail = path.rstrip("/").split("/")[5:]
    if method == "POST":
        return "query"
    if len(tail) == 4 and tail[0::2] == ["datasets", "tables"]:
        return "table"
    if tail == ["jobs"]:
        return "list"
    return "results" if tail[:1] == ["queries"] else "get"


def calls_of(fakes: Fakes, target_name: str) -> int:
    """How many requests ``target_name``'s calls made."""
    target = TARGETS[target_name]
    if target.grpc is not None:
        return len(fakes.grpc.requests(target.grpc))
    return sum(
        1
        for r in fakes.rest.requests()
        if rest_kind(r.method, r.path) in target.rest
        and (not target.projects or r.path.split("/")[4] in target.projects)
    )


def _run_cli(config: Path, started: float) -> Outcome:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GCPDASH_")}
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "--once", "--config", str(config), "--format", "json"],
        cwd=REPO,
        env={**env, "GRPC_VERBOSITY": "ERROR"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = {}
    return Outcome(
        time.perf_counter() - started, report=report, returncode=result.returncode, stderr=result.stderr
    )


class Runner:
    """Runs the cells a session selected side by side (their time is mostly waiting for timeouts)."""

    def __init__(self, workers: int = 6) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="matrix-cell")
        self._futures: dict[tuple[str | None, str | None, str], Future[Outcome]] = {}

    def submit(self, target: str | None, fault: str | None, mode: str = "once") -> None:
        """Start a cell unless it was started already."""
        key = (target, fault, mode)
        if key not in self._futures:
            self._futures[key] = self._pool.submit(run_cell, target, fault, mode)

    def outcome(self, target: str | None, fault: str | None, mode: str = "once") -> Outcome:
        """A cell's outcome (started now if it was not)."""
        self.submit(target, fault, mode)
        return self._futures[(target, fault, mode)].result(timeout=120)

    def wait(self) -> None:
        """Until every cell started has finished."""
        for future in list(self._futures.values()):
            future.exception(timeout=600)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


# ------------------------------------------------------------------ comparing data


def parts(snapshot: Snapshot) -> dict[str, list[bytes]]:
    """Every list a snapshot's sources hold, ``source.field``, as sorted JSON items: equal lists are the
    same things with the same values."""

    def items(values: Any) -> list[bytes]:
        return sorted(msgspec.json.encode(v) for v in values)

    billing = snapshot.billing
    return {
        "jobs.jobs": items(snapshot.jobs),
        "reservations.reservations": items(snapshot.reservations.reservations),
        "reservations.commitments": items(snapshot.reservations.commitments),
        "reservations.assignments": items(snapshot.reservations.assignments),
        "reservations.slot_usage": items(snapshot.reservations.slot_usage),
        "reservations.bi_reservations": items(snapshot.reservations.bi_reservations),
        "reservations.bi_usage": items(snapshot.reservations.bi_usage),
        "dataproc.clusters": items(snapshot.dataproc.clusters),
        "dataproc.batches": items(snapshot.dataproc.batches),
        "dataproc.jobs": items(snapshot.dataproc.jobs),
        "dataproc.series": items(snapshot.dataproc.series),
        "dataflow.jobs": items(snapshot.dataflow.jobs),
        "dataflow.series": items(snapshot.dataflow.series),
        "dataflow.tables": items(snapshot.dataflow.tables),
        "billing.rows": items(billing.rows if billing else ()),
        "billing.budgets": items(billing.budgets if billing else ()),
    }


def shown(snapshot: Snapshot, source: str) -> str:
    """What a source's status says: its reason and warnings."""
    status = snapshot.statuses[source]
    return "\n".join([status.reason or "", *status.warnings])
