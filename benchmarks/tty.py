"""The app in a real terminal: ``gcpdash --demo`` under tmux at 200x50, timed from spawn to its first
frame (the tab bar) and to its first data, then ``q``.

tmux starts first with an idle pane; the clock starts when the pane is respawned with the app, and
``tmux capture-pane`` is polled every few milliseconds. Needs ``tmux`` on the PATH.

The app starts with its modules compiled, as an installed gcpdash does (pip compiles them; a checkout
compiles them on its first run): ``PYTHONDONTWRITEBYTECODE``, when the environment sets it, would make
every start compile the ~80 gcpdash modules it loads again (50-60 ms). The runs write their bytecode to a
directory of their own (:data:`PYCACHE`, ``PYTHONPYCACHEPREFIX``), and one run before the measured ones
fills it.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.report import Table

TABS = "1 Overview"
"""Text of the tab bar: the first frame is painted."""
DATA = re.compile(r"\$\d")
"""A dollar figure: a pane shows data."""
TICKS = os.sysconf("SC_CLK_TCK")
PYCACHE = Path(tempfile.gettempdir()) / "gcpdash-bench-pycache"
"""Where the measured runs keep their bytecode (outside the source tree)."""


def _tmux(*args: str) -> str:
    out = subprocess.run(["tmux", "-L", "gcpdash-bench", *args], capture_output=True, text=True, check=False)
    return out.stdout


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs: an exited process tmux has not reaped yet (a zombie, for up to a
    second or more) has quit."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def run_once(
    argv: list[str],
    size: tuple[int, int] = (200, 50),
    timeout: float = 10.0,
    *,
    cpu_for: float = 5.0,
    bytecode: bool = True,
) -> dict[str, float]:
    """Spawn ``argv`` in a fresh tmux session; seconds to the tab bar and to data, CPU share over the
    next ``cpu_for`` seconds (none when 0), and whether ``q`` ended it within 2 s (1.0) or not (0.0).
    ``bytecode`` False keeps the caller's environment as it is (``PYTHONDONTWRITEBYTECODE`` included)."""
    name = f"gcpdash-bench-{os.getpid()}"
    _tmux("new-session", "-d", "-s", name, "-x", str(size[0]), "-y", str(size[1]), "cat")
    env = ["-e", "PYTHONDONTWRITEBYTECODE=", "-e", f"PYTHONPYCACHEPREFIX={PYCACHE}"] if bytecode else []
    out: dict[str, float] = {}
    try:
        began = time.perf_counter()
        _tmux("respawn-pane", "-k", *env, "-t", name, " ".join(argv))
        while time.perf_counter() - began < timeout and "data" not in out:
            screen = _tmux("capture-pane", "-p", "-t", name)
            now = time.perf_counter() - began
            if "tabs" not in out and TABS in screen:
                out["tabs"] = now
            if "tabs" in out and DATA.search(screen):
                out["data"] = now
            time.sleep(0.003)
        pid = int(_tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip() or 0)
        if pid and cpu_for > 0:
            cpu0, t0 = _cpu_seconds(pid), time.monotonic()
            time.sleep(cpu_for)
            out["cpu"] = (_cpu_seconds(pid) - cpu0) / (time.monotonic() - t0)
        _tmux("send-keys", "-t", name, "q")
        asked = time.monotonic()
        while time.monotonic() - asked < 2.0 and pid and _alive(pid):
            time.sleep(0.01)
        out["quit"] = 0.0 if pid and _alive(pid) else 1.0
        out["quit_s"] = time.monotonic() - asked
    finally:
        _tmux("kill-session", "-t", name)
    return out


def bench_first_frame(table: Table, runs: int = 3) -> None:
    """First frame and first data of ``gcpdash --demo`` at 200x50 (median of ``runs``)."""
    if shutil.which("tmux") is None:
        table.add("first frame --demo (tmux)", "skipped", "tmux not installed", "budget < 350 ms")
        return
    exe = str(Path(sys.executable).with_name("gcpdash"))
    bare = [sys.executable, "-P", str(Path(__file__).with_name("bare_app.py"))]  # -P: not next to tty.py
    run_once([exe, "--demo"], cpu_for=0)  # compiles the modules into PYCACHE
    run_once(bare, cpu_for=0, timeout=5.0)
    results: list[dict[str, float]] = []
    floor: list[float] = []
    for _ in range(runs):  # interleaved: a slow spell of the machine slows both alike
        results.append(run_once([exe, "--demo"]))
        floor.extend(r["tabs"] for r in [run_once(bare, cpu_for=0, timeout=5.0)] if "tabs" in r)
    tabs = [r["tabs"] for r in results if "tabs" in r]
    data = [r["data"] for r in results if "data" in r]
    cpu = [r["cpu"] for r in results if "cpu" in r]
    quit_ok = sum(r.get("quit", 0.0) for r in results)
    quit_s = statistics.median(r.get("quit_s", 0.0) for r in results)
    table.add(
        "first frame --demo, tmux 200x50",
        f"median {statistics.median(tabs) * 1000:.0f} ms" if tabs else "never",
        f"tab bar shown; {len(tabs)}/{runs} runs",
        "budget < 350 ms",
    )
    table.add(
        "first frame, a bare Textual app",
        f"median {statistics.median(floor) * 1000:.0f} ms" if floor else "never",
        "the same frame (header, one tab, footer) and nothing of gcpdash: the framework's floor here",
        "(reference)",
    )
    table.add(
        "first data --demo, tmux 200x50",
        f"median {statistics.median(data) * 1000:.0f} ms" if data else "never",
        f"a $ figure shown; q quit cleanly in {quit_ok:.0f}/{runs} runs (median {quit_s * 1000:.0f} ms)",
        "budget < 1 s",
    )
    if cpu:
        table.add(
            "--demo CPU while replaying",
            f"{statistics.median(cpu) * 100:.1f} % of a core",
            "5 s after data, x1 speed (polls every second)",
            "(information)",
        )
