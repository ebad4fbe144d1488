"""A third party's gcpdash backend, as the tests install it: a company's own metadata service stood in for
by memory. It serves two of gcpdash's sources, the slot reservations and the Dataflow jobs, as domain
models; gcpdash polls, stores, shows, prices and judges them as it does the live backend's.

Everything gcpdash needs is the entry point (``memory = "gcpdash_memory:MemoryBackend"``), the options it
declares (``OPTIONS``) and the contract of :class:`dashboard.backends.base.Backend`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from dashboard.backends.base import Poll
from dashboard.backends.options import BackendOption
from dashboard.clock import Clock, SystemClock
from dashboard.errors import UsageError
from dashboard.models import DataflowData, DataflowJob, Reservation, ReservationsData


def _lower(value: str) -> tuple[bool, str | None]:
    return value == value.lower(), "project ids are lower-case"


class MemoryBackend:
    """Reservations and Dataflow jobs from memory; ``fail`` makes one source's every poll fail."""

    name = "memory"
    OPTIONS = (
        BackendOption(
            name="admin_project", description="the project owning the reservation", validator=_lower
        ),
        BackendOption(name="slots", kind="number", default=300, description="the reservation's baseline"),
        BackendOption(
            name="fail",
            kind="choice",
            choices=("none", "reservations", "dataflow"),
            default="none",
            description="a source whose polls fail (as an outage of the service would)",
        ),
    )

    def __init__(self, options: Mapping[str, Any]) -> None:
        slots = options["slots"]
        if not isinstance(slots, int) or slots % 50:
            raise UsageError(f"[backend.options] slots = {slots!r}: reservations come in 50-slot steps")
        self.admin = str(options.get("admin_project", "acme-admin"))
        self.slots = slots
        self.fail = options["fail"]
        self.clock: Clock = options.get("clock") or SystemClock()
        self.projects = (self.admin, "acme-etl")
        self.regions = ("europe-west3", "asia-northeast1")
        self.polled: list[str] = []
        self.closed = False

    def sources(self) -> tuple[str, ...]:
        return ("reservations", "dataflow")

    def poll(self, source: str) -> list[Poll]:
        now = self.clock.now()
        self.polled.append(source)
        if source == self.fail:
            return [Poll(source=source, t=now, error="503 UNAVAILABLE: the metadata service is down")]
        if source == "reservations":
            reservation = Reservation(
                name=f"projects/{self.admin}/locations/EU/reservations/etl-batch",
                project=self.admin,
                location="EU",
                reservation_id="etl-batch",
                slot_capacity=self.slots,
                edition="ENTERPRISE",
            )
            return [Poll(source=source, t=now, data=ReservationsData(reservations=(reservation,)))]
        if source == "dataflow":
            jobs = tuple(DataflowJob(**payload) for payload in self._payloads(now).values())
            return [Poll(source=source, t=now, data=DataflowData(jobs=jobs))]
        return []

    def _payloads(self, now: datetime) -> dict[str, dict[str, Any]]:
        return {
            "acme-etl/europe-west3/2026-12-07_orders": {
                "project": "acme-etl",
                "location": "europe-west3",
                "job_id": "2026-12-07_orders",
                "name": "orders-stream",
                "job_type": "JOB_TYPE_STREAMING",
                "state": "JOB_STATE_RUNNING",
                "created": now - timedelta(hours=3),
                "started": now - timedelta(hours=3),
            },
            "acme-etl/asia-northeast1/2026-12-07_backfill": {
                "project": "acme-etl",
                "location": "asia-northeast1",
                "job_id": "2026-12-07_backfill",
                "name": "clicks-backfill",
                "job_type": "JOB_TYPE_BATCH",
                "state": "JOB_STATE_FAILED",
                "created": now - timedelta(hours=2),
                "started": now - timedelta(hours=2),
            },
        }

    def raw(self, kind: str, key: str) -> dict[str, Any] | None:
        """The payload a Dataflow job was made from (the ``y`` key)."""
        if kind != "dataflow":
            return None
        found = self._payloads(self.clock.now()).get(key)
        return None if found is None else {k: str(v) for k, v in found.items()}

    def close(self) -> None:
        self.closed = True
