"""What the data-quality source's section of ``--once --format json`` adds to its data: per scan, its
status, newest score and failed rules, and its scores over its jobs (the pane's rows as numbers)."""

from __future__ import annotations

from typing import Any

from dashboard import registry
from dashboard.models import Snapshot
from dashboard.sources.dataquality.model import DataQualityData
from dashboard.sources.dataquality.summary import states


def document(snapshot: Snapshot) -> dict[str, Any]:
    """``{"summary": [...]}``: one object per scan, failed first."""
    spec = registry.spec("dataquality")
    data = spec.data_in(snapshot) if spec is not None else DataQualityData()
    if not isinstance(data, DataQualityData):
        data = DataQualityData()
    catalog = data.catalog
    out = []
    for s in states(data):
        result = s.result
        entry = catalog.get(s.scan.table or "")
        out.append(
            {
                "scan": s.key,
                "table": s.scan.table,
                "status": s.status,
                "last_run": s.last.at.isoformat() if s.last is not None and s.last.at else None,
                "score": result.score if result is not None else None,
                "row_count": result.row_count if result is not None else None,
                "failed_rules": [{"rule": r.name, "pass_ratio": r.pass_ratio} for r in s.failed_rules],
                "scores": s.scores,
                "catalog_updated": entry.updated.isoformat() if entry and entry.updated else None,
            }
        )
    return {"summary": out}
