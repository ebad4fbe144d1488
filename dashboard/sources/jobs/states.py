"""How a BigQuery job's state looks (its spec's ``state_look`` and ``state_tables``): the labels, colours
and ranks :func:`dashboard.views.states.state_look` gives. Pure."""

from __future__ import annotations

from dashboard.models import Job
from dashboard.views.states import StateLook

JOB = {
    "running": StateLook("RUNNING", "green", 0),
    "pending": StateLook("PENDING", "yellow", 1),
    "failed": StateLook("FAILED", "bold red", 2),
    "done": StateLook("DONE", "dim", 3),
}

TABLES = {"job": JOB}
"""The looks by :func:`dashboard.views.states.look_of`'s kind."""


def look(thing: object) -> StateLook | None:
    """A job's look; None for anything else."""
    return JOB[thing.status] if isinstance(thing, Job) else None
