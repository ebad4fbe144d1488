"""How a Dataproc cluster's, job's and batch's state looks (its spec's ``state_look`` and ``state_tables``):
the labels, colours and ranks :func:`dashboard.views.states.state_look` gives. Pure."""

from __future__ import annotations

from dashboard.models import Batch, Cluster, DataprocJob
from dashboard.views.states import StateLook, unknown

CLUSTER = {
    "RUNNING": StateLook("RUNNING", "green", 1),
    "ERROR": StateLook("ERROR", "bold red", 0),
    "ERROR_DUE_TO_UPDATE": StateLook("ERROR_DUE_TO_UPDATE", "bold red", 0),
    "CREATING": StateLook("CREATING", "yellow", 2),
    "STARTING": StateLook("STARTING", "yellow", 2),
    "UPDATING": StateLook("UPDATING", "yellow", 2),
    "REPAIRING": StateLook("REPAIRING", "yellow", 2),
    "STOPPING": StateLook("STOPPING", "dim yellow", 3),
    "DELETING": StateLook("DELETING", "dim yellow", 3),
    "STOPPED": StateLook("STOPPED", "dim", 4),
}

BATCH = {
    "RUNNING": StateLook("RUNNING", "green", 1),
    "FAILED": StateLook("FAILED", "bold red", 0),
    "PENDING": StateLook("PENDING", "yellow", 2),
    "CANCELLING": StateLook("CANCELLING", "yellow", 2),
    "SUCCEEDED": StateLook("SUCCEEDED", "dim", 3),
    "CANCELLED": StateLook("CANCELLED", "dim yellow", 3),
}

JOB = {
    "RUNNING": StateLook("RUNNING", "green", 1),
    "ERROR": StateLook("ERROR", "bold red", 0),
    "ATTEMPT_FAILURE": StateLook("ATTEMPT_FAILURE", "red", 1),
    "PENDING": StateLook("PENDING", "yellow", 2),
    "SETUP_DONE": StateLook("SETUP_DONE", "yellow", 2),
    "CANCEL_PENDING": StateLook("CANCEL_PENDING", "yellow", 2),
    "CANCEL_STARTED": StateLook("CANCEL_STARTED", "yellow", 2),
    "DONE": StateLook("DONE", "dim", 3),
    "CANCELLED": StateLook("CANCELLED", "dim yellow", 3),
}

TABLES = {"cluster": CLUSTER, "batch": BATCH, "dataproc_job": JOB}
"""The looks by :func:`dashboard.views.states.look_of`'s kind."""


def look(thing: object) -> StateLook | None:
    """A cluster's, a cluster job's or a batch's look; None for anything else."""
    for kind, table in ((Cluster, CLUSTER), (Batch, BATCH), (DataprocJob, JOB)):
        if isinstance(thing, kind):
            return table.get(thing.state) or unknown(thing.state)
    return None
