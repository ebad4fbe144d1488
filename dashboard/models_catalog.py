"""A BigQuery table's Dataplex catalog entry (``CatalogService.GetEntry``): when the table last changed.

Read by the data-quality source (the tables its scans cover) and by the jobs source (the tables its jobs
write), through :mod:`dashboard.backends.gcp.catalog_entries`; parsed by
:mod:`dashboard.parsers.catalog_entries`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

import msgspec

GET_ENTRY: Final = "google.cloud.dataplex.v1.CatalogService/GetEntry"
CATALOG_VIEWER: Final = "roles/dataplex.catalogViewer"
"""The role that allows ``GetEntry`` (``dataplex.entries.get``) on BigQuery tables' entries."""


class CatalogEntry(msgspec.Struct, frozen=True, kw_only=True, tag="catalog"):
    """A BigQuery table's Dataplex catalog entry (``GetEntry``, BASIC view): when the table last changed."""

    table: str
    """``P.D.T``."""
    entry: str = ""
    """``projects/P/locations/L/entryGroups/@bigquery/entries/bigquery.googleapis.com/projects/P/...``."""
    updated: datetime | None = None
    """``entry_source.update_time`` (the table's own change, as BigQuery reports it), else ``update_time``
    (the entry's)."""
    read_at: datetime | None = None
    """When it was read (the poll's time)."""

    @property
    def key(self) -> str:
        """The store's key: ``catalog:P.D.T``."""
        return "catalog:" + self.table
