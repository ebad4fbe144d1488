"""``q`` leaves the live app at once even while calls hang: the app runs in a pseudo-terminal against fake
servers where every Monitoring read and every BigQuery ``jobs.list`` hang (their timeouts 30 s), and the
process must be gone within a second of the key."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dashboard.recording import format as fmt

from .serve import Servers

pytestmark = pytest.mark.timeout(90)

REPO = Path(__file__).resolve().parents[2]


def _drain(fd: int, out: bytearray) -> None:
    """Read the terminal's output until it closes (the app blocks if nobody reads it)."""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        out.extend(chunk)


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.parametrize("hang", ["monitoring", "jobs"])
def test_q_leaves_the_app_within_a_second_while_calls_hang(tmp_path: Path, hang: str) -> None:
    monitoring = "hang" if hang == "monitoring" else None
    with Servers(monitoring=monitoring, hang=[hang] if hang == "jobs" else []) as s:
        config = tmp_path / "fake.toml"
        config.write_text(s.config(timeout=30.0, deadline=30.0), encoding="utf-8")
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 160, 0, 0))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GCPDASH_", "TEXTUAL"))}
        env.update(TERM="xterm-256color", GRPC_VERBOSITY="ERROR", HOME=str(tmp_path))
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "--config", str(config)],
            cwd=REPO,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        screen = bytearray()
        reader = threading.Thread(target=_drain, args=(master, screen), daemon=True)
        reader.start()
        try:
            if hang == "monitoring":
                hung = lambda: bool(s.grpc.requests(fmt.MON_LIST_TIME_SERIES))  # noqa: E731
            else:
                hung = lambda: any("/jobs" in r.path for r in s.rest.log)  # noqa: E731
            assert _wait_for(hung, 40), bytes(screen[-2000:])
            time.sleep(1.0)  # the app settles: its first frame is drawn, the call is in flight
            assert process.poll() is None, bytes(screen[-2000:])
            os.write(master, b"q")
            pressed = time.monotonic()
            process.wait(10)
            elapsed = time.monotonic() - pressed
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
            os.close(master)
    assert process.returncode == 0, bytes(screen[-2000:])
    print(f"exit after q: {elapsed:.2f} s")
    assert elapsed < 1.0, f"the app took {elapsed:.2f} s to exit after q"
