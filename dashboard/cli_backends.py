"""The command line's backends: which one a run uses (``--backend NAME``, ``[backend] name``; ``--demo`` and
``--replay`` are the ``fixture`` backend), a plugin backend's ``--once``, ``--check`` and app, and the list of
installed backends and sources that ``--version`` and ``--check`` print.

Light to import: ``--once`` on a recording passes through here and loads nothing of a backend.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any

from dashboard.errors import EXIT_FAILURE, EXIT_OK, EXIT_WARN, GcpdashError, UsageError

if TYPE_CHECKING:
    from dashboard.config import Config

RECORDED = "fixture"
"""The backend ``--demo`` and ``--replay`` run on."""


def chosen(args: argparse.Namespace, config: Config | None) -> str:
    """The backend a run uses: ``--backend``, else ``--demo``/``--replay``'s ``fixture``, else the config's
    ``[backend] name``, else ``live``.

    Raises:
        UsageError: ``--backend`` other than ``fixture`` with ``--demo`` or ``--replay``.
    """
    recorded = args.demo or args.replay is not None
    if args.backend is not None:
        if recorded and args.backend != RECORDED:
            flag = "--demo" if args.demo else "--replay"
            raise UsageError(f"{flag} replays a recording (the fixture backend); drop it or --backend")
        return str(args.backend)
    if recorded:
        return RECORDED
    if config is not None and config.backend.name:
        return config.backend.name
    return "live"


def options_for(name: str, config: Config | None) -> dict[str, object]:
    """``[backend.options]`` when they are the options of ``name`` (the config names no backend, or that
    one); none when ``--backend`` chose another."""
    if config is None or config.backend.name not in (None, name):
        return {}
    return dict(config.backend.options)


def fixture_recording(args: argparse.Namespace, config: Config | None) -> None:
    """``--backend fixture`` without ``--demo``/``--replay``: its ``[backend.options]`` (``path``, ``speed``)
    made the flags they stand for (``--replay PATH``, else ``--demo``).

    Raises:
        UsageError: Options the fixture backend does not take.
    """
    if args.demo or args.replay is not None:
        return
    from dashboard.backends.fixture import create
    from dashboard.backends.options import checked_options, declared_options

    options = checked_options(RECORDED, declared_options(create), options_for(RECORDED, config))
    if "path" in options:
        args.replay = options["path"]
    else:
        args.demo = True
    if "speed" in options and args.speed == 1.0:
        args.speed = float(options["speed"])


def check_plugin(args: argparse.Namespace, name: str, config: Config) -> None:
    """Flags a plugin backend cannot take."""
    if args.record is not None:
        raise UsageError(
            f"--record records what the live backend reads; backend {name!r} is not recorded "
            "(docs/plugins.md)"
        )


def run_plugin(args: argparse.Namespace, name: str, config: Config, show: Callable[..., int]) -> int:
    """A run on the plugin backend ``name``: ``--check``, ``--once`` (its snapshot printed with ``show``,
    :func:`dashboard.cli.print_snapshot`) or the app."""
    from dashboard.backends import named
    from dashboard.clock import SystemClock

    check_plugin(args, name, config)
    for problem in named.problems(skip=name):  # another broken backend: named, and this one runs
        print(f"gcpdash: warning: {_show(problem)}", file=sys.stderr)
    backend = named.make(name, options_for(name, config), config=config, clock=SystemClock())
    for source in backend.unknown:
        print(f"gcpdash: warning: backend {name!r} offers {source!r}, which no source is", file=sys.stderr)
    if args.check:
        try:
            return check_backend(backend, sys.stdout)
        finally:
            backend.close()
    if args.once:
        from dashboard.alerts import conditions

        checks = conditions(args.fail_on or (), config)
        try:
            snapshot, polls = named.once(backend)
        finally:
            backend.close()
        code = show(snapshot, fmt=args.format or "text", width=args.width, config=config, checks=checks)
        if not backend.sources() or (polls and all(poll.data is None for poll in polls)):
            reason = next((poll.error for poll in polls if poll.error), f"backend {name!r} serves no source")
            raise GcpdashError(f"nothing could be read: {reason}")
        return code
    from dashboard.launch_backend import run_backend_app

    return run_backend_app(backend, config)


def check_backend(backend: Any, out: IO[str]) -> int:
    """``gcpdash --check`` on a plugin backend: each source it serves read once; exit 0 (all readable), 1
    (some) or 3 (none)."""
    from dashboard.backends import named

    print(f"backend: {backend.name}", file=out)
    _, polls = named.once(backend)
    read = 0
    for source in backend.sources():
        mine = [p for p in polls if p.source == source]
        failed = next((p.error for p in mine if p.error), None)
        if mine and failed is None:
            read += 1
            print(f"{source}: readable", file=out)
        else:
            print(f"{source}: cannot be read: {_show(failed or 'no poll returned')}", file=out)
    for line in installed_lines():
        print(line, file=out)
    if read == len(backend.sources()) and read:
        return EXIT_OK
    return EXIT_WARN if read else EXIT_FAILURE


def installed_lines() -> list[str]:
    """The installed backends and sources, each with the distribution that provides it and its version;
    a plugin that cannot be loaded named in one line."""
    from dashboard import registry
    from dashboard.backends import named

    loaded, broken = named.load_all()
    lines = ["backends:"]
    lines += [f"  {name:<12} {_dist(entry)}  {entry.value}" for name, (entry, _) in sorted(loaded.items())]
    lines += [f"  ! {_show(problem)}" for problem in broken]
    lines.append("sources:")
    entries = {entry.name: entry for entry in registry.entry_points()}
    for name in registry.names():
        entry = entries.get(name)
        lines.append(f"  {name:<12} {_dist(entry)}  {entry.value}" if entry else f"  {name:<12} registered")
    lines += [f"  ! {_show(problem)}" for problem in registry.problems()]
    return lines


class Version(argparse.Action):
    """``--version``: gcpdash's version, then the installed backends and sources; exits 0."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        help_text = "print the version and the installed backends and sources, then exit"
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help_text)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        from dashboard import __version__

        print(f"gcpdash {__version__}")
        for line in installed_lines():
            print(line)
        parser.exit(0)


def _dist(entry: Any) -> str:
    """``dist version`` of what declares an entry point."""
    return f"{entry.dist} {entry.version}".strip() or "?"


def _show(text: str) -> str:
    from dashboard.views.fmt import safe_line

    return safe_line(text, 300)
