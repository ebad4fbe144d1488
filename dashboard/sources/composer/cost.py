"""The Composer source's line in the cost estimate: not an estimate. Composer bills environment compute
(DCU-hours), the Airflow database and storage by SKU, and gcpdash invents no per-size price for them: the
line names the environments that bill and leaves the money to the billing export's "Cloud Composer"
lines (its service's ``billed_as``)."""

from __future__ import annotations

from datetime import datetime

from dashboard.cost.common import Estimator, Inputs, ServiceCost
from dashboard.sources.composer.model import ComposerData

BILLING = ("CREATING", "RUNNING", "UPDATING", "ERROR")
"""The states in which an environment bills (all but DELETING; an unknown state is counted too)."""


def composer_cost(inputs: Inputs, start: datetime, today: datetime) -> tuple[ServiceCost, list[str]]:
    """$0, the billing environments counted as unpriced (things that bill but are not priced)."""
    found = inputs.snapshot.extra.get("composer")
    data = found if isinstance(found, ComposerData) else ComposerData()
    billing = sum(1 for e in data.environments if e.state != "DELETING")
    line = ServiceCost(
        service="composer",
        title="Cloud Composer",
        burn_rate_usd_per_hour=0.0,
        window_spend_usd=0.0,
        items=0,
        unpriced=billing,
        basis="not estimated: environment compute (DCU-hours), database and storage are billed by SKU; "
        "see the billing export's Cloud Composer lines",
        confidence="low",
    )
    return line, []


ESTIMATOR = Estimator(cost=composer_cost)
"""The spec's ``estimator``: no spend function, so the bill's Cloud Composer lines are never compared with
an estimate of $0."""
