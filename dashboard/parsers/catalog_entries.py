"""Dataplex catalog entries (proto JSON of ``CatalogService.GetEntry``) of BigQuery tables →
:class:`~dashboard.models_catalog.CatalogEntry`, for the data-quality and jobs sources.

An entry's name is ``projects/P/locations/L/entryGroups/@bigquery/entries/bigquery.googleapis.com/
projects/P/datasets/D/tables/T``, ``L`` being the dataset's location as Dataplex names it (``us``, ``eu``,
``europe-west1``). The read is secondary: a failed one is a warning of the calling source.
"""

from __future__ import annotations

import re
from typing import Any

from dashboard.models_catalog import CatalogEntry
from dashboard.parsers.common import Garbage, TimeCache

_TABLE = re.compile(r"^//bigquery\.googleapis\.com/projects/([^/]+)/datasets/([^/]+)/tables/([^/]+)$")


def table_of(resource: str) -> str | None:
    """``P.D.T`` of a BigQuery table's resource name (``//bigquery.googleapis.com/projects/P/...``)."""
    found = _TABLE.match(resource)
    return ".".join(found.groups()) if found else None


def entry_location(location: str | None) -> str | None:
    """The catalog location of a table whose dataset (or job) is in BigQuery location ``location``:
    lower case (``US`` → ``us``, ``EU`` → ``eu``, ``europe-west1`` as it is); None when unknown."""
    found = (location or "").strip().lower()
    return found or None


def entry_name(table: str, location: str) -> str:
    """The Dataplex catalog entry of BigQuery table ``P.D.T`` in ``location`` (its dataset's, as Dataplex
    names it: ``us``, ``europe-west1``)."""
    project, dataset, name = table.split(".", 2)
    return (
        f"projects/{project}/locations/{location}/entryGroups/@bigquery/entries/"
        f"bigquery.googleapis.com/projects/{project}/datasets/{dataset}/tables/{name}"
    )


def _time(times: TimeCache, value: Any) -> Any:
    return times[value] if isinstance(value, str) and value else None


def entry_from_json(response: dict[str, Any], times: TimeCache, read_at: Any) -> CatalogEntry:
    """An ``Entry`` (``GetEntry``) of a BigQuery table.

    Raises:
        Garbage: The entry is not a BigQuery table's.
    """
    name = str(response.get("name") or "")
    table = table_of("//" + name.partition("/entries/")[2])
    if table is None:
        raise Garbage(f"{name!r} is not a BigQuery table's entry")
    source = response.get("entrySource")
    source = source if isinstance(source, dict) else {}
    return CatalogEntry(
        table=table,
        entry=name,
        updated=_time(times, source.get("updateTime")) or _time(times, response.get("updateTime")),
        read_at=read_at,
    )
