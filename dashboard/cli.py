"""The gcpdash command line.

``gcpdash [--demo | --replay PATH | --check | --record PATH] [--once] [--format text|json|markdown]
[--at TIME] [--fail-on EXPR]... [--speed N] [--width N] [--config FILE] [--project P]... [--region R]...
[--location L]... [--org ID | --folder ID] [--duration D] [--polls N] [--map-project REAL=DEMO]...
[--query-text MODE] [--drop-labels] [--no-redact] [--backend NAME] [--version]``

Without ``--demo`` or ``--replay`` gcpdash reads Google Cloud live (``dashboard.backends.gcp``), or the
backend ``--backend`` (``[backend] name``) names (:mod:`dashboard.cli_backends`); the configuration is
defaults < config file < ``GCPDASH_*`` environment < flags (docs/configuration.md).

Exit codes: 0 done; 1 (``--check``) some source cannot be read, (``--once``) a warning condition of
``--fail-on`` or ``[alerts]`` holds; 2 (``--once``) a critical one holds; 3 gcpdash could not do its job
(bad flags, a missing or corrupt recording, an unknown recording version, live: nothing could be read),
with one line on stderr saying why and what to do, never a traceback.

Imports are lazy: ``--once`` on a recording loads only the reader, the parsers, the store and the one report
module its format needs; never Textual nor Google's clients.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from dashboard.errors import EXIT_FAILURE, EXIT_OK, GcpdashError, RecordingError, UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dashboard.alerts import Condition
    from dashboard.config import Config
    from dashboard.models import Snapshot

FORMATS = ("text", "json", "markdown")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as :class:`UsageError` (exit 3, one line) instead of exit 2."""

    def error(self, message: str) -> NoReturn:
        """Raise instead of printing the usage and exiting 2."""
        raise UsageError(f"{message} (see gcpdash --help)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser."""
    parser = _Parser(
        prog="gcpdash",
        description="A terminal dashboard for a Google Cloud data platform: BigQuery jobs, slot "
        "reservations, Dataproc, Dataflow and what they cost.",
        epilog="Exit codes: 0 done, 1 a warning --fail-on/[alerts] condition holds, 2 a critical one holds, "
        "3 gcpdash could not do its job (the message says why).",
        allow_abbrev=False,
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--demo", action="store_true", help="use the bundled demo recording")
    source.add_argument("--replay", metavar="PATH", type=Path, help="use a recording (a directory)")
    source.add_argument(
        "--check",
        action="store_true",
        help="check credentials, access per source and polling cost, then exit",
    )
    source.add_argument(
        "--record", metavar="PATH", type=Path, help="record the live project into a new directory, headless"
    )
    parser.add_argument(
        "--backend",
        metavar="NAME",
        help="read from this backend of the gcpdash.backends group (default: live; --check lists them)",
    )
    live = parser.add_argument_group("live mode (neither --demo nor --replay)")
    live.add_argument(
        "--config", metavar="FILE", type=Path, help="config file (default: the user config dir)"
    )
    live.add_argument("--project", metavar="P", action="append", help="project to watch (repeatable)")
    scope = live.add_mutually_exclusive_group()
    scope.add_argument(
        "--org", metavar="ID", help="watch an organisation (numeric ID): its jobs views and discovery"
    )
    scope.add_argument(
        "--folder", metavar="ID", help="watch a folder (numeric ID): its jobs views and discovery"
    )
    live.add_argument("--region", metavar="R", action="append", help="Dataproc/Dataflow region (repeatable)")
    live.add_argument(
        "--location", metavar="L", action="append", help="BigQuery location, e.g. US (repeatable)"
    )
    rec = parser.add_argument_group("recording (--record; docs/recording.md)")
    rec.add_argument("--duration", metavar="D", help="stop after D (30m, 90s, 2h; default: Ctrl-C)")
    rec.add_argument("--polls", metavar="N", type=int, help="stop after N polls of each source")
    rec.add_argument(
        "--map-project", metavar="REAL=DEMO", action="append", help="write project REAL as DEMO (repeatable)"
    )
    rec.add_argument(
        "--query-text", choices=("keep", "truncate", "drop"), help="job SQL: keep (default), truncate, drop"
    )
    rec.add_argument("--drop-labels", action="store_true", help="drop job and resource labels")
    rec.add_argument("--no-redact", action="store_true", help="keep emails as received (redacted by default)")
    parser.add_argument("--once", action="store_true", help="print one snapshot and exit")
    parser.add_argument(
        "--format", choices=FORMATS, default=None, help="output of --once: text (default), json or markdown"
    )
    parser.add_argument(
        "--at",
        metavar="TIME",
        help="with --once: the moment to show, ISO 8601 (default: the recording's end)",
    )
    parser.add_argument(
        "--fail-on",
        metavar="EXPR",
        action="append",
        help="with --once: exit 1 when 'METRIC OP NUMBER' holds, 2 when written 'critical: ...' "
        "(repeatable; e.g. 'cost.burn_rate_usd_per_hour > 50'; docs/alerts.md)",
    )
    parser.add_argument(
        "--speed",
        metavar="N",
        type=float,
        default=1.0,
        help="replay N times faster than recorded (default 1)",
    )
    parser.add_argument("--width", metavar="N", type=int, help="with --once text: columns to lay out for")
    from dashboard.cli_backends import Version

    parser.add_argument("--version", action=Version)
    return parser


def parse_time(text: str) -> datetime:
    """An ISO 8601 moment (``2026-11-26T07:30:00Z``); without an offset it is UTC.

    Raises:
        UsageError: not such a time.
    """
    from dashboard.validate import moment

    return moment(text)


def _show(text: str) -> str:
    """User or file text in a one-line message: on one line, controls made visible."""
    from dashboard.views.fmt import safe_line

    return safe_line(text, 300)


def _check(args: argparse.Namespace) -> None:
    """Flag combinations argparse cannot express."""
    if args.format is not None and not args.once:
        raise UsageError("--format needs --once (the app has no output format); add --once")
    if args.at is not None and not args.once:
        raise UsageError("--at needs --once; the app starts at the recording's beginning")
    if args.fail_on and not args.once:
        raise UsageError("--fail-on needs --once: it sets the exit code of one snapshot; add --once")
    from dashboard.validate import speed

    speed(args.speed)
    if args.width is not None and args.width < 40:
        raise UsageError(f"--width {args.width}: give at least 40 columns")
    recording = (args.duration, args.polls, args.map_project, args.query_text)
    if args.record is None and (any(v is not None for v in recording) or args.drop_labels or args.no_redact):
        raise UsageError(
            "--duration, --polls, --map-project, --query-text, --drop-labels and --no-redact need --record"
        )
    if args.record is not None and (args.once or args.format is not None):
        raise UsageError("--record writes a recording, it shows nothing; drop --once and --format")
    recorded = args.demo or args.replay is not None or args.backend == "fixture"
    if recorded and (args.project or args.region or args.location):
        raise UsageError("--project, --region and --location are for live mode; drop --demo/--replay")
    if recorded and (args.org or args.folder):
        raise UsageError("--org and --folder are for live mode; drop --demo/--replay")


def _recording(args: argparse.Namespace) -> tuple[Path, str]:
    """The recording to use and the mode it runs in."""
    if args.demo:
        from dashboard.recording.demo import demo_path

        return demo_path(), "demo"
    return args.replay, "replay"


def live_config(args: argparse.Namespace) -> Config:
    """The live configuration: the file (``--config`` or the default), the environment, then the flags."""
    from dashboard.config import load_config, with_flags

    config = load_config(args.config)
    return with_flags(
        config,
        projects=args.project,
        regions=args.region,
        locations=args.location,
        organization=args.org,
        folder=args.folder,
    )


def _write(text: str | bytes) -> None:
    """Write to stdout, bytes to its buffer when it has one."""
    out = sys.stdout
    if isinstance(text, bytes):
        buffer = getattr(out, "buffer", None)
        if buffer is not None:
            out.flush()
            buffer.write(text)
            buffer.flush()
            return
        text = text.decode("utf-8")
    out.write(text)
    out.flush()


def run_once(
    path: Path,
    mode: str,
    *,
    fmt: str,
    at: datetime | None,
    width: int | None,
    config: Config | None = None,
    fail_on: Sequence[str] = (),
) -> int:
    """Print one snapshot of a recording in ``fmt``; ``config`` (``--config``) supplies ``[prices]``
    overrides, ``[cost]`` modes, ``[[budgets]]``, ``[insights]`` and ``[alerts]``. Returns the alerts'
    exit code (0, 1 or 2)."""
    from dashboard.alerts import conditions
    from dashboard.replay import load_snapshot

    checks = conditions(fail_on, config)
    snapshot, warnings = load_snapshot(path, at=at, mode="demo" if mode == "demo" else "replay", bounded=True)
    for warning in warnings:
        print(f"gcpdash: warning: {_show(warning)}", file=sys.stderr)
    return print_snapshot(snapshot, fmt=fmt, width=width, config=config, checks=checks)


def run_live_once(config: Config, *, fmt: str, width: int | None, fail_on: Sequence[str] = ()) -> int:
    """Read every source once, live, and print the snapshot; exit 3 when nothing at all could be read, else
    the alerts' exit code."""
    from dashboard.alerts import conditions
    from dashboard.backends.gcp.once import live_snapshot

    checks = conditions(fail_on, config)
    notes: list[str] = []
    snapshot, polls = live_snapshot(config, notes=notes)
    for note in notes:  # what discovery found, beside the report (stdout may be JSON)
        print(f"gcpdash: {_show(note)}", file=sys.stderr)
    code = print_snapshot(snapshot, fmt=fmt, width=width, config=config, checks=checks)
    if polls and all(poll.data is None for poll in polls):
        reason = next((poll.error for poll in polls if poll.error), "no source answered")
        return _fail(f"nothing could be read: {reason}")
    return code


def print_snapshot(
    snapshot: Snapshot,
    *,
    fmt: str,
    width: int | None,
    config: Config | None = None,
    checks: Sequence[Condition] = (),
) -> int:
    """Write ``snapshot`` to stdout as ``fmt`` (text, json or markdown), costed with ``config``'s prices,
    modes and budgets when given, with its insights and the alert ``checks``; one line on stderr per
    condition that fired. Returns the alerts' exit code (0, 1 or 2)."""
    from dashboard.alerts import exit_code, stderr_lines
    from dashboard.report.assess import assess

    assessment = assess(snapshot, config=config, conditions=checks)
    if fmt == "json":
        from dashboard.report.json_report import render_json

        _write(render_json(snapshot, config=config, assessment=assessment))
    elif fmt == "markdown":
        from dashboard.report.markdown import render_markdown

        _write(render_markdown(snapshot, config=config, assessment=assessment))
    else:
        from dashboard.report.text import console_for, print_report

        print_report(snapshot, console_for(sys.stdout, width=width), config=config, assessment=assessment)
    for line in stderr_lines(assessment.alerts):
        print(_show(line), file=sys.stderr)
    return exit_code(assessment.alerts)


def run(args: argparse.Namespace) -> int:
    """Do what the parsed flags ask."""
    _check(args)
    from dashboard import registry

    for problem in registry.problems():  # a broken plugin: named, and the rest runs
        print(f"gcpdash: warning: {_show(problem)}", file=sys.stderr)
    at = None if args.at is None else parse_time(args.at)
    from dashboard.cli_backends import chosen, fixture_recording, options_for, run_plugin

    recorded = args.demo or args.replay is not None
    config = None if recorded and args.backend is None else live_config(args)
    backend = chosen(args, config)
    if backend != "fixture" and args.at is not None:
        raise UsageError("--at needs a recording (--demo or --replay); live mode shows now")
    if backend == "fixture":
        if args.check or args.record is not None:
            raise UsageError("--check and --record read now; the fixture backend replays a recording")
        fixture_recording(args, config)
    elif backend != "live":
        assert config is not None
        return run_plugin(args, backend, config, print_snapshot)
    elif config is not None and options_for("live", config):
        from dashboard.backends.gcp.live import create
        from dashboard.backends.options import checked_options, declared_options

        checked_options("live", declared_options(create), options_for("live", config))
    if args.check:
        from dashboard.backends.gcp.check import run_check

        assert config is not None
        code = run_check(config, config_path=args.config)
        from dashboard.cli_backends import installed_lines

        print("\n".join(installed_lines()))
        return code
    if args.record is not None:
        from dashboard.recording.recorder import run_record

        assert config is not None
        return run_record(config, args)
    if not args.demo and args.replay is None:
        assert config is not None
        if args.once:
            return run_live_once(
                config, fmt=args.format or "text", width=args.width, fail_on=args.fail_on or ()
            )
        from dashboard.launch_live import run_live_app

        return run_live_app(config)
    path, mode = _recording(args)
    if args.once:
        from dashboard.config import load_config

        costed = load_config(args.config) if args.config is not None else None
        return run_once(
            path,
            mode,
            fmt=args.format or "text",
            at=at,
            width=args.width,
            config=costed,
            fail_on=args.fail_on or (),
        )
    from dashboard.launch import run_app

    app_config = None
    if args.config is not None:
        from dashboard.config import load_config

        app_config = load_config(args.config)
    return run_app(recording=path, mode=mode, speed=args.speed, config=app_config)


def main(argv: list[str] | None = None) -> int:
    """Run gcpdash; returns the exit code."""
    try:
        return run(build_parser().parse_args(argv))
    except RecordingError as exc:
        message = str(exc)
        if "gcpdash" not in message and "give" not in message:
            message += "; fix or re-record it (docs/recording.md), or try gcpdash --demo"
        return _fail(message)
    except GcpdashError as exc:
        return _fail(str(exc), exc.exit_code)
    except BrokenPipeError:
        # The reader went away (``gcpdash --once | head``): not an error, and nothing more to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _fail(message: str, code: int = EXIT_FAILURE) -> int:
    print(f"gcpdash: error: {_show(message)}", file=sys.stderr)
    return code
