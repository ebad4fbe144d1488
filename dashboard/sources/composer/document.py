"""What the Composer source's section of ``--once --format json`` adds to its data (its spec's
``document``): the DAGs derived from Monitoring's run counts. No Rich here."""

from __future__ import annotations

from typing import Any

from dashboard.models import Snapshot
from dashboard.sources.composer.model import ComposerData
from dashboard.sources.composer.rules import dags


def document(snapshot: Snapshot) -> dict[str, Any]:
    """``dags``: per DAG, its environment, runs by state over the last 24 h, its last failure and success
    in the points kept, its longest run of the last 24 h; the most failed runs first."""
    found = snapshot.extra.get("composer")
    data = found if isinstance(found, ComposerData) else ComposerData()
    return {
        "dags": [
            {
                "key": d.key,
                "environment": d.environment,
                "dag_id": d.dag_id,
                "runs": dict(sorted(d.runs.items())),
                "last_failed": d.last_failed.isoformat() if d.last_failed else None,
                "last_success": d.last_success.isoformat() if d.last_success else None,
                "longest_s": d.longest_s,
            }
            for d in dags(data)
        ]
    }
