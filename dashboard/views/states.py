"""The one place that decides how a state looks: label, colour and sort rank of a BigQuery job, a Dataproc
cluster, a Dataflow job or a source. The app, the text report, Markdown and JSON all ask :func:`state_look`,
so they cannot disagree. Pure: styles are Rich style *names*, applied by the views."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Literal, NamedTuple

from dashboard import registry
from dashboard.models import SourceStatus
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


_SOURCE = {
    "ok": StateLook("OK", "green", 3),
    "loading": StateLook("LOADING", "yellow", 2),
    "stale": StateLook("STALE", "yellow", 1),
    "error": StateLook("ERROR", "bold red", 0),
    "off": StateLook("OFF", "dim", 3),
}


def unknown(state: str) -> StateLook:
    """A state gcpdash does not know (Google added one): shown as it is, in magenta."""
    return StateLook(visible(state) or "UNKNOWN", "magenta", 2)


class _Looks(NamedTuple):
    looks: tuple[Callable[[object], StateLook | None], ...]
    tables: dict[str, dict[str, StateLook]]


@functools.cache
def _registered(names: tuple[str, ...]) -> _Looks:
    """The registered sources' state looks (their specs' ``state_look`` and ``state_tables``), with the
    sources' own, by label."""
    looks: list[Callable[[object], StateLook | None]] = []
    tables: dict[str, dict[str, StateLook]] = {}
    for spec in filter(None, map(registry.spec, names)):
        if spec.state_look:
            looks.append(spec.report_hook(spec.state_look))
        if spec.state_tables:
            tables.update(spec.report_hook(spec.state_tables))
    tables["source"] = _SOURCE
    return _Looks(tuple(looks), {kind: {v.label: v for v in t.values()} for kind, t in tables.items()})


def state_look(thing: object) -> StateLook:
    """The label, colour and rank of a job's, cluster's, batch's, Dataflow job's (each source's spec's
    ``state_look``) or source's state."""
    if isinstance(thing, (SourceStatus, SourceItem)):
        return _SOURCE.get(thing.state) or unknown(thing.state)
    for look in _registered(registry.names()).looks:
        found = look(thing)
        if found is not None:
            return found
    raise TypeError(f"no registered source says how a {type(thing).__name__}'s state looks")


LookKind = Literal["job", "cluster", "batch", "dataproc_job", "dataflow", "source"]


def look_of(kind: LookKind, label: str) -> StateLook:
    """The look of a status label that :func:`state_look` gave (items carry the label, not the style)."""
    return _registered(registry.names()).tables[kind].get(label) or unknown(label)
