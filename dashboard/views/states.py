"""The one place that decides how a state looks: label, colour and sort rank of a BigQuery job, a Dataproc
cluster, a Dataflow job or a source. The app, the text report, Markdown and JSON all ask :func:`state_look`,
so they cannot disagree. Pure: styles are Rich style *names*, applied by the views."""

from __future__ import annotations

from typing import Literal, NamedTuple

from dashboard.models import Batch, Cluster, DataflowJob, DataprocJob, Job, SourceStatus
from dashboard.views.fmt import visible
from dashboard.views.items import SourceItem


class StateLook(NamedTuple):
    """How a state is shown."""

    label: str
    """Short upper-case label, e.g. ``RUNNING``, ``FAILED``."""
    style: str
    """A Rich style name: green (working), yellow (in transition), red (failed), dim (over)."""
    rank: int
    """Sort order: 0 needs attention or is active, higher is quieter."""


_JOB = {
    "running": StateLook("RUNNING", "green", 0),
    "pending": StateLook("PENDING", "yellow", 1),
    "failed": StateLook("FAILED", "bold red", 2),
    "done": StateLook("DONE", "dim", 3),
}

_CLUSTER = {
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

_DATAFLOW = {
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

_BATCH = {
    "RUNNING": StateLook("RUNNING", "green", 1),
    "FAILED": StateLook("FAILED", "bold red", 0),
    "PENDING": StateLook("PENDING", "yellow", 2),
    "CANCELLING": StateLook("CANCELLING", "yellow", 2),
    "SUCCEEDED": StateLook("SUCCEEDED", "dim", 3),
    "CANCELLED": StateLook("CANCELLED", "dim yellow", 3),
}

_DATAPROC_JOB = {
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

_SOURCE = {
    "ok": StateLook("OK", "green", 3),
    "loading": StateLook("LOADING", "yellow", 2),
    "stale": StateLook("STALE", "yellow", 1),
    "error": StateLook("ERROR", "bold red", 0),
    "off": StateLook("OFF", "dim", 3),
}


def _unknown(state: str) -> StateLook:
    """A state gcpdash does not know (Google added one): shown as it is, in magenta."""
    return StateLook(visible(state) or "UNKNOWN", "magenta", 2)


def state_look(
    thing: Job | Cluster | Batch | DataprocJob | DataflowJob | SourceStatus | SourceItem,
) -> StateLook:
    """The label, colour and rank of a job's, cluster's, batch's, Dataflow job's or source's state."""
    if isinstance(thing, Job):
        return _JOB[thing.status]
    if isinstance(thing, Cluster):
        return _CLUSTER.get(thing.state) or _unknown(thing.state)
    if isinstance(thing, Batch):
        return _BATCH.get(thing.state) or _unknown(thing.state)
    if isinstance(thing, DataprocJob):
        return _DATAPROC_JOB.get(thing.state) or _unknown(thing.state)
    if isinstance(thing, DataflowJob):
        short = thing.state.removeprefix("JOB_STATE_")
        return _DATAFLOW.get(short) or _unknown(short)
    return _SOURCE.get(thing.state) or _unknown(thing.state)


_BY_LABEL: dict[str, dict[str, StateLook]] = {
    kind: {look.label: look for look in table.values()}
    for kind, table in (
        ("job", _JOB),
        ("cluster", _CLUSTER),
        ("batch", _BATCH),
        ("dataproc_job", _DATAPROC_JOB),
        ("dataflow", _DATAFLOW),
        ("source", _SOURCE),
    )
}

LookKind = Literal["job", "cluster", "batch", "dataproc_job", "dataflow", "source"]


def look_of(kind: LookKind, label: str) -> StateLook:
    """The look of a status label that :func:`state_look` gave (items carry the label, not the style)."""
    return _BY_LABEL[kind].get(label) or _unknown(label)
