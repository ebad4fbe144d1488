"""How a Dataflow job's state looks (its spec's ``state_look`` and ``state_tables``): the labels, colours and
ranks :func:`dashboard.views.states.state_look` gives. Pure."""

from __future__ import annotations

from dashboard.models import DataflowJob
from dashboard.views.states import StateLook, unknown

JOB = {
    "RUNNING": StateLook("RUNNING", "green", 1),
    "FAILED": StateLook("FAILED", "bold red", 0),
    "PENDING": StateLook("PENDING", "yellow", 2),
    "QUEUED": StateLook("QUEUED", "yellow", 2),
    "STOPPED": StateLook("STOPPED", "yellow", 2),
    "DRAINING": StateLook("DRAINING", "yellow", 2),
    "CANCELLING": StateLook("CANCELLING", "yellow", 2),
    "RESOURCE_CLEANING_UP": StateLook("CLEANING_UP", "yellow", 2),
    "PAUSING": StateLook("PAUSING", "yellow", 2),
    "PAUSED": StateLook("PAUSED", "yellow", 2),
    "DONE": StateLook("DONE", "dim", 3),
    "DRAINED": StateLook("DRAINED", "dim", 3),
    "UPDATED": StateLook("UPDATED", "dim", 3),
    "CANCELLED": StateLook("CANCELLED", "dim yellow", 3),
}

TABLES = {"dataflow": JOB}
"""The looks by :func:`dashboard.views.states.look_of`'s kind."""


def look(thing: object) -> StateLook | None:
    """A Dataflow job's look (its state without ``JOB_STATE_``); None for anything else."""
    if not isinstance(thing, DataflowJob):
        return None
    short = thing.state.removeprefix("JOB_STATE_")
    return JOB.get(short) or unknown(short)
