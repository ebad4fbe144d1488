"""Worker threads of the live backend that never hold the process up.

A call that hangs (a Monitoring that never answers, a BigQuery REST read waiting out its timeout) must not
keep ``q`` from leaving the app: :mod:`concurrent.futures` joins every pool thread when the interpreter
exits, so the live backend runs its reads in daemon threads instead, which an exit leaves behind.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def daemon_map(task: Callable[[T], R], items: Sequence[T], *, workers: int, name: str) -> list[R]:
    """``[task(item) for item in items]``, up to ``workers`` at once, in daemon threads, each in a copy of
    the caller's context variables.

    Returns:
        What each task returned, in the order of ``items``.

    Raises:
        BaseException: The first (in the order of ``items``) exception a task raised, once all are done.
    """
    results: list[R | None] = [None] * len(items)
    errors: list[BaseException | None] = [None] * len(items)
    indexes = iter(range(len(items)))
    lock = threading.Lock()
    context = contextvars.copy_context()  # each thread runs in a copy of it: what the caller set is set

    def work() -> None:
        while True:
            with lock:
                index = next(indexes, None)
            if index is None:
                return
            try:
                results[index] = context.copy().run(task, items[index])
            except BaseException as exc:  # re-raised in the caller's thread, like Executor.map
                errors[index] = exc

    threads = [threading.Thread(target=work, name=f"{name}-{n}", daemon=True) for n in range(max(1, workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for error in errors:
        if error is not None:
            raise error
    return results  # type: ignore[return-value]


def start_daemon(target: Callable[[], None], name: str) -> threading.Thread:
    """Start ``target`` in a daemon thread called ``name``."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread
