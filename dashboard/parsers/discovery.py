"""What Cloud Asset Inventory's ``SearchAllResources`` over an organisation or a folder found: per asset type,
the (project ID, region) pairs that hold one (docs/organisation.md, "Discovery").

Pure: one discovery's exchanges (its pages, as a recording holds them) → :class:`Discovery`. A result's
``project`` is ``projects/NUMBER``; the project's ID comes from the resource's full name
(``//dataproc.googleapis.com/projects/ID/regions/R/clusters/C``) or its ``parentFullResourceName``
(``//cloudresourcemanager.googleapis.com/projects/ID``), the first that names it by ID; a project named
only by its number keeps the number (the APIs take either in their paths). The region is the result's
``location`` (``global`` and a missing one: the project's, not a region's).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from dashboard.recording.format import Exchange

DISCOVERY = "discovery"
"""The discovery's exchanges' ``source`` and its log in a recording (``discovery.jsonl``)."""

SEARCH_ALL_RESOURCES = "google.cloud.asset.v1.AssetService/SearchAllResources"
"""The RPC, as recordings name it."""

ROLE = "roles/cloudasset.viewer"
"""The role the search needs on the organisation or folder."""

PROJECT = "cloudresourcemanager.googleapis.com/Project"
"""Searched too: the scope's projects, so a summary can say how many were skipped."""

GLOBAL = ""
"""The region of a resource that is not in one (Pub/Sub's subscriptions: ``location: global``)."""


class Discovery(msgspec.Struct, frozen=True, kw_only=True):
    """One discovery: where each asset type was found."""

    scope: str
    """``organizations/N`` or ``folders/N``."""
    found: dict[str, list[tuple[str, str]]] = {}
    """Per asset type, its (project ID, region) pairs, sorted; :data:`GLOBAL` for a project-wide one."""
    results: int = 0
    """Resources the search returned."""
    error: str | None = None
    """Why the search failed (then ``found`` is what the pages before the failure held, and unused)."""

    def pairs(self, asset_types: Iterable[str]) -> set[tuple[str, str]]:
        """The (project, region) pairs holding any of ``asset_types``."""
        return {pair for kind in asset_types for pair in self.found.get(kind, ())}

    def summary(self, regions: Sequence[str]) -> str:
        """``discovery: 2 projects x 3 regions hold something; 41 skipped``: the pairs of the scope's
        projects (:data:`PROJECT`) and ``regions`` that hold nothing are the skipped ones."""
        every = self.pairs(kind for kind in self.found if kind != PROJECT)
        projects = {p for p, _ in every}
        held = {r for _, r in every if r != GLOBAL}
        scope_projects = {p for p, _ in self.found.get(PROJECT, ())} | projects
        wanted = {(p, r) for p in scope_projects for r in regions}
        skipped = len(wanted - every)
        return (
            f"discovery: {len(projects)} project{'s' if len(projects) != 1 else ''} × {len(held)} "
            f"region{'s' if len(held) != 1 else ''} hold something; {skipped} skipped"
        )


def _project_of(name: str) -> str | None:
    """The segment after ``projects/`` in a full resource name."""
    parts = name.split("/")
    for i, part in enumerate(parts[:-1]):
        if part == "projects" and parts[i + 1]:
            return parts[i + 1]
    return None


def _region_of(result: dict[str, Any]) -> str:
    location = result.get("location")
    if isinstance(location, str) and location and location != "global":
        return location.lower()
    name = str(result.get("name") or "")
    parts = name.split("/")
    for i, part in enumerate(parts[:-1]):
        if part in ("regions", "locations") and parts[i + 1] not in ("", "global", "-"):
            return parts[i + 1].lower()
    return GLOBAL


def parse_discovery(scope: str, exchanges: Sequence[Exchange]) -> Discovery:
    """One discovery's pages → :class:`Discovery`; a failed page (or garbage) makes it failed."""
    rows: list[tuple[str, str | None, str | None, str]] = []  # asset type, number, id, region
    error: str | None = None
    for ex in exchanges:
        if ex.method != SEARCH_ALL_RESOURCES:
            continue
        if ex.error is not None:
            error = f"{ex.error.code}: {ex.error.message}"[:300]
            break
        results = ex.response.get("results", []) if isinstance(ex.response, dict) else None
        if not isinstance(results, list):
            error = "INTERNAL: a page of the search is not a list of results"
            break
        for result in results:
            if not isinstance(result, dict) or not isinstance(result.get("assetType"), str):
                continue
            number = str(result.get("project") or "").removeprefix("projects/") or None
            ident = None
            for where in (result.get("name"), result.get("parentFullResourceName")):
                named = _project_of(where) if isinstance(where, str) else None
                if named and not named.isdigit():
                    ident = named
                    break
            rows.append((result["assetType"], number, ident, _region_of(result)))
    ids = {number: ident for _, number, ident, _ in rows if number and ident}
    found: dict[str, set[tuple[str, str]]] = {}
    for kind, number, ident, region in rows:
        project = ident or (ids.get(number) if number else None) or number
        if project:
            found.setdefault(kind, set()).add((project, region))
    return Discovery(
        scope=scope,
        found={kind: sorted(pairs) for kind, pairs in sorted(found.items())},
        results=len(rows),
        error=error,
    )
