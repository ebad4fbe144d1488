"""Where ingest time goes: the demo recording read and parsed, source by source, against ``json.loads``.

``python -m benchmarks.ingest_parsers [--repeat N] [PATH]``. A measurement, not a test: it prints figures
and asserts nothing. The budget (DESIGN.md section 5) is decoding a recording into models in at most twice
the time a plain ``json.loads`` of the same lines takes. Every figure is the best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import time
from collections.abc import Callable
from pathlib import Path

from dashboard.errors import SourceError
from dashboard.models import SOURCES, SourceName
from dashboard.parsers import parse_poll
from dashboard.recording.demo import demo_path
from dashboard.recording.format import EXCHANGE_DECODER, Exchange
from dashboard.recording.reader import Recording, gc_paused, read_recording


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _parse(recording: Recording, only: SourceName | None = None) -> None:
    for source, polls in recording.polls.items():
        if only is not None and source != only:
            continue
        for poll in polls:
            with contextlib.suppress(SourceError):  # a recorded fault is still decoded
                parse_poll(source, poll.exchanges)


def _streamed(path: Path) -> None:
    """Decode one poll's lines, parse them, let them go: nothing but the models stays in memory."""
    for source in SOURCES:
        log = path / f"{source}.jsonl"
        if not log.is_file():
            continue
        current: list[Exchange] = []
        for line in log.read_bytes().split(b"\n"):
            if not line:
                continue
            exchange = EXCHANGE_DECODER.decode(line)
            if current and exchange.poll != current[0].poll:
                with contextlib.suppress(SourceError):
                    parse_poll(source, current)
                current = []
            current.append(exchange)
        if current:
            with contextlib.suppress(SourceError):
                parse_poll(source, current)


def main(argv: list[str] | None = None) -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ingest_parsers", description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, help="a recording (default: the demo)")
    parser.add_argument("--repeat", type=int, default=9, help="runs per figure; the best is shown")
    args = parser.parse_args(argv)
    path: Path = args.path or demo_path()
    repeat: int = args.repeat
    lines = [line for f in sorted(path.glob("*.jsonl")) for line in f.read_bytes().splitlines() if line]
    size = sum(len(line) for line in lines)

    def plain() -> None:
        for line in lines:
            json.loads(line)

    def read_and_parse() -> None:
        _parse(read_recording(path))

    def read_and_parse_paused() -> None:  # what the fixture backend does
        recording = read_recording(path)
        with gc_paused():
            _parse(recording)

    t_plain = _best(plain, repeat)

    def row(label: str, seconds: float, note: str = "") -> None:
        print(f"  {label:<32} {seconds * 1000:7.1f} ms  {seconds / t_plain:5.2f}x  {note}".rstrip())

    recording = read_recording(path)
    print(f"{path}: {size / 2**20:.1f} MiB in {len(lines)} lines, best of {repeat}")
    row("json.loads of every line", t_plain)
    row("read_recording (msgspec)", _best(lambda: read_recording(path), repeat))
    for source in recording.polls:
        t_source = _best(lambda s=source: _parse(recording, s), repeat)  # type: ignore[misc]
        row(f"parse {source} ({len(recording.polls[source])} polls)", t_source)
    was_enabled = gc.isenabled()
    gc.disable()
    t_nogc = _best(lambda: _parse(recording), repeat)
    if was_enabled:
        gc.enable()
    row("parse all", _best(lambda: _parse(recording), repeat))
    row("parse all, gc off", t_nogc)
    row("read + parse", _best(read_and_parse, repeat), "budget <= 2x")
    row("read + parse, gc paused", _best(read_and_parse_paused, repeat), "as the fixture backend does")
    row("decode + parse a poll at a time", _best(lambda: _streamed(path), repeat), "decoded exchanges freed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
