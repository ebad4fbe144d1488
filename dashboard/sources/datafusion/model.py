"""The Data Fusion source's data: instances as ``ListInstances`` returns them, and their state per poll."""

from __future__ import annotations

from datetime import datetime

import msgspec

from dashboard.models import MetricSeries

RUNNING = "instance/running"
"""The series (one per instance, keyed ``project/location/instance``) of its state at each poll: 1.0 while
it is in one of :data:`BILLED_STATES`, else 0.0. Merged over the store's window: the hours it ran."""

BILLED_STATES = frozenset(
    {"ACTIVE", "UPGRADING", "RESTARTING", "UPDATING", "AUTO_UPDATING", "AUTO_UPGRADING"}
)
"""States in which an instance is up and bills its instance-hours (an assumption: Google's pricing page
bills an instance from its creation to its deletion; a CREATING, FAILED, DELETING or DISABLED one is not
counted here)."""


class Instance(msgspec.Struct, frozen=True, kw_only=True):
    """A Cloud Data Fusion ``Instance``."""

    project: str
    location: str
    """The region of its name, ``projects/P/locations/L/instances/I``."""
    instance_id: str
    name: str
    """The full name."""
    edition: str = "TYPE_UNSPECIFIED"
    """``type``: ``BASIC``, ``ENTERPRISE``, ``DEVELOPER`` (or what a newer API sends)."""
    state: str = "STATE_UNSPECIFIED"
    state_message: str | None = None
    version: str | None = None
    created: datetime | None = None
    updated: datetime | None = None
    labels: dict[str, str] = {}
    service_endpoint: str | None = None
    zone: str | None = None
    display_name: str | None = None
    private: bool = False
    disabled_reasons: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Its row and series key: ``project/location/instance``."""
        return f"{self.project}/{self.location}/{self.instance_id}"

    @property
    def billed(self) -> bool:
        """True while it is in one of :data:`BILLED_STATES`."""
        return self.state in BILLED_STATES


class DatafusionData(msgspec.Struct, frozen=True, kw_only=True):
    """One poll of the Data Fusion source (its ``series`` merged over the store's window)."""

    instances: tuple[Instance, ...] = ()
    series: tuple[MetricSeries, ...] = ()
    """:data:`RUNNING` per instance."""
    unreachable: tuple[str, ...] = ()
    """``project/location`` the listing said it could not reach (``unreachable``)."""
    warnings: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()
    metrics_unavailable: str | None = None


# The API methods it reads, as recordings name them (here, not in the parser, so that the spec names them
# without importing the parser).
LIST_INSTANCES = "google.cloud.datafusion.v1.DataFusion/ListInstances"
