"""Finding one thing's raw API item in recorded or just-received payloads: the ``y`` key of the app, for
the fixture and the live backend alike (:class:`~dashboard.backends.base.SupportsRaw`)."""

from __future__ import annotations

from typing import Any

from dashboard import registry
from dashboard.models import SourceName


def raw_sources() -> dict[str, SourceName]:
    """Per kind of item, the source whose payloads hold it (the specs' ``raw_kinds``)."""
    return {kind: spec.name for spec in registry.sources() for kind in spec.raw_kinds}


def raw_target(kind: str, key: str) -> tuple[SourceName, str] | None:
    """The source and the identifier to look for in its payloads, from an item's kind and key."""
    source = raw_sources().get(kind)
    if source is None or not key:
        return None
    if kind in ("job", "reservation"):  # project:LOCATION.id
        ident = key.split(":", 1)[-1].split(".", 1)[-1]
    else:  # project/region/name, or job:project/region/id and batch:project/region/id
        ident = key.rsplit("/", 1)[-1]
    return (source, ident) if ident else None


def _holds(value: object, ident: str, depth: int) -> bool:
    """Whether a payload item holds ``ident`` as a value (or a resource name ending in ``/ident``)."""
    if isinstance(value, str):
        return value == ident or value.endswith("/" + ident)
    if depth <= 0:
        return False
    if isinstance(value, dict):
        return any(_holds(v, ident, depth - 1) for v in value.values())
    if isinstance(value, list):
        return any(_holds(v, ident, depth - 1) for v in value)
    return False


def find_item(payload: object, ident: str) -> dict[str, Any] | None:
    """The first object in a list of ``payload`` that holds ``ident`` near its top."""
    if isinstance(payload, dict):
        for value in payload.values():
            found = find_item(value, ident)
            if found is not None:
                return found
    elif isinstance(payload, list):
        for element in payload:
            if isinstance(element, dict) and _holds(element, ident, 4):
                return element
        for element in payload:
            found = find_item(element, ident)
            if found is not None:
                return found
    return None


def named_row(response: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """A BigQuery result row (``{"f": [{"v": ...}]}``) with its schema's column names; anything else as is."""
    fields = response.get("schema", {}).get("fields") if isinstance(response.get("schema"), dict) else None
    cells = item.get("f")
    if not isinstance(fields, list) or not isinstance(cells, list) or len(fields) != len(cells):
        return item
    return {
        str(f.get("name", i)): c.get("v") if isinstance(c, dict) else c
        for i, (f, c) in enumerate(zip(fields, cells, strict=True))
    }


LISTED_BY: dict[str, str] = {
    "cluster": "ClusterController/ListClusters",
    "dataproc_job": "JobController/ListJobs",
    "batch": "BatchController/ListBatches",
    "pipeline": "Subscriber/ListSubscriptions",
}
"""Kinds that share their source's log with others, and the listing they come from: a job names its
cluster, so a cluster's payload is looked for only among the clusters; a pipeline's payload is its
subscription's (a topic may share its id)."""


def is_thing(method: str, kind: str | None = None) -> bool:
    """Whether an exchange of ``method`` lists things (Monitoring series name them, but are not them), and
    things of ``kind`` when it is given."""
    listing = LISTED_BY.get(kind or "")
    if listing is not None:
        return method.endswith(listing)
    return "timeseries" not in method.lower()
