"""One snapshot from a recording, without the app: what ``gcpdash --once --demo`` and ``--replay`` show.

Loads neither Google's clients nor Textual.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from dashboard.backends.fixture import FixtureBackend
from dashboard.clock import ReplayClock
from dashboard.models import Snapshot
from dashboard.recording.reader import gc_paused, read_recording
from dashboard.sources import replay_off
from dashboard.store import Store


def load_snapshot(
    path: Path,
    *,
    at: datetime | None = None,
    mode: Literal["demo", "replay"] = "replay",
    bounded: bool = False,
) -> tuple[Snapshot, list[str]]:
    """Replay a recording up to a moment and return what gcpdash would show then.

    Sources age by their recorded polling intervals, so a snapshot at a poll boundary is not stale just
    because the recording polled less often than gcpdash does live.

    Args:
        path: The recording's directory (or its ``manifest.json``).
        at: The moment (timezone-aware); by default the recording's last poll.
        mode: ``demo`` for the bundled recording, ``replay`` for any other.
        bounded: Refuse an ``at`` outside the recording (``--at``), rather than show what the store holds
            then (nothing before the first poll, the last polls aged after the end).

    Returns:
        The snapshot at ``at``, and the reader's warnings (e.g. a torn last line that was skipped), then
        what the recorded discovery found (an organisation-scoped recording's).

    Raises:
        RecordingError: The recording cannot be read.
        UsageError: ``bounded`` and ``at`` lies outside the recording (its figures would be invented).
    """
    recording = read_recording(path)
    clock = ReplayClock(recording.manifest.recorded_at, paused=True)
    backend = FixtureBackend(recording, clock, mode=mode, eager=False)
    if at is not None and bounded:
        from dashboard.validate import within

        within(at, backend.start, backend.end)
    moment = backend.end if at is None else at
    clock.seek(moment)
    manifest = recording.manifest
    store = Store(
        mode=mode,
        projects=tuple(manifest.projects),
        regions=tuple(manifest.regions),
        intervals=backend.intervals(),
        off=replay_off(backend.sources()),
        notes=recording.source_warnings(),
    )
    with gc_paused():
        for source in backend.sources():
            for poll in backend.catch_up(source):  # parses only what the moment needs
                store.apply(poll)
    found = backend.discovery()  # an organisation-scoped recording's: what its latest search found
    notes = [] if found is None else [found.summary(manifest.regions)]
    return store.snapshot(moment), [*recording.warnings, *notes]
