"""Worker threads never race on a first import: two threads' first imports of modules that import each other
can deadlock on Python's module locks (``_DeadlockError: deadlock detected by
_ModuleLock('requests.exceptions')`` lost the jobs source in 1-3 % of live runs). So the live backend
imports, in one thread, everything its sources' threads use before any of them starts; in a cold
interpreter, a whole poll of every source then imports nothing new at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_live_cli import REPO, served

_COLD = """
import json, sys, threading
from pathlib import Path

from dashboard.backends.gcp.live import LiveBackend
from dashboard.backends.gcp.once import poll_all
from dashboard.config import load_config

in_threads = []


class Watch:
    # the first import of a module asks every finder; record those asked from a worker thread
    def find_spec(self, name, path=None, target=None):
        if threading.current_thread() is not threading.main_thread():
            in_threads.append(name)
        return None


sys.meta_path.insert(0, Watch())
polls = poll_all(LiveBackend(load_config(Path(sys.argv[1]))))
print(json.dumps({"in_threads": sorted(set(in_threads)), "errors": [p.error for p in polls if p.error]}))
"""


def _cold(config: Path) -> dict[str, list[str]]:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("GCPDASH_")}, "GRPC_VERBOSITY": "ERROR"}
    result = subprocess.run(
        [sys.executable, "-c", _COLD, str(config)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    found: dict[str, list[str]] = json.loads(result.stdout)
    return found


@pytest.mark.timeout(180)
def test_worker_threads_import_nothing_for_the_first_time(tmp_path: Path) -> None:
    with served(tmp_path) as config:
        for _ in range(3):  # a fresh interpreter each time
            assert _cold(config) == {"in_threads": [], "errors": []}
