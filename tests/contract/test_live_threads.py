"""The live backend's worker threads: results in order, the first failure re-raised, and daemons, so a
call that hangs never holds up the process's exit."""

from __future__ import annotations

import threading
import time

import pytest

from dashboard.backends.gcp.threads import daemon_map


def test_results_come_back_in_the_order_of_the_items() -> None:
    def slow_square(n: int) -> int:
        time.sleep(0.01 * (5 - n))  # the first item ends last
        return n * n

    assert daemon_map(slow_square, [1, 2, 3, 4], workers=4, name="t") == [1, 4, 9, 16]
    assert daemon_map(slow_square, [], workers=4, name="t") == []


def test_the_first_failure_in_item_order_is_raised_after_all_ran() -> None:
    ran: list[int] = []

    def task(n: int) -> int:
        ran.append(n)
        if n in (2, 3):
            raise ValueError(f"item {n}")
        return n

    with pytest.raises(ValueError, match="item 2"):
        daemon_map(task, [1, 2, 3, 4], workers=2, name="t")
    assert sorted(ran) == [1, 2, 3, 4]


def test_the_threads_are_daemons_at_most_workers_at_once() -> None:
    seen: list[tuple[bool, str]] = []
    running = 0
    peak = 0
    lock = threading.Lock()

    def task(_: int) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
            seen.append((threading.current_thread().daemon, threading.current_thread().name))
        time.sleep(0.02)
        with lock:
            running -= 1

    daemon_map(task, list(range(6)), workers=2, name="gcpdash-test")
    assert all(daemon for daemon, _ in seen)
    assert {name for _, name in seen} <= {"gcpdash-test-0", "gcpdash-test-1"}
    assert peak <= 2
