"""The Composer source's data: environments, their workloads and their Monitoring series."""

from __future__ import annotations

import msgspec

from dashboard.models import MetricSeries

RUN_COUNT = "workflow/run_count"
"""Runs a minute, stored per run state: ``workflow/run_count:<state>`` (``success``, ``failed``), keyed by
DAG."""
DAY = "day/"
"""The prefix of a series read over the last 24 h as one point a poll (its newest point is what counts)."""
DAY_RUNS = DAY + RUN_COUNT
"""Runs in the last 24 h, per run state: ``day/workflow/run_count:<state>``."""
DAY_LONGEST = DAY + "workflow/run_duration"
"""The longest run of the last 24 h, seconds."""
HEALTHY = "environment/healthy"
PARSE_ERRORS = "environment/dag_processing/parse_error_count"
HEARTBEATS = "environment/scheduler_heartbeat_count"

STATES = ("CREATING", "RUNNING", "UPDATING", "DELETING", "ERROR")
"""``Environment.state`` as documented; any other value is kept as sent."""


class Workload(msgspec.Struct, frozen=True, kw_only=True):
    """One ``ListWorkloadsResponse.ComposerWorkload``: a component of an environment and its status."""

    name: str
    type: str = "COMPOSER_WORKLOAD_TYPE_UNSPECIFIED"
    """``SCHEDULER``, ``DAG_PROCESSOR``, ``TRIGGERER``, ``WEB_SERVER``, ``CELERY_WORKER``, ``REDIS``..."""
    state: str = "COMPOSER_WORKLOAD_STATE_UNSPECIFIED"
    """``PENDING``, ``OK``, ``WARNING``, ``ERROR``, ``SUCCEEDED``, ``FAILED``."""
    message: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        """Running as it should (``OK``; a finished pod's ``SUCCEEDED`` too)."""
        return self.state in ("OK", "SUCCEEDED")


class Environment(msgspec.Struct, frozen=True, kw_only=True):
    """A Composer ``Environment`` as ``ListEnvironments`` returns it, with its workloads."""

    project: str
    location: str
    env_id: str
    name: str
    """The full name, ``projects/P/locations/R/environments/E``."""
    state: str = "STATE_UNSPECIFIED"
    image_version: str = ""
    """``config.software_config.image_version``, ``composer-2.9.7-airflow-2.9.3``."""
    size: str | None = None
    """``config.environment_size`` less its prefix: ``SMALL``, ``MEDIUM``, ``LARGE``."""
    airflow_uri: str | None = None
    node_count: int | None = None
    """``config.node_count`` (Composer 1's GKE nodes)."""
    schedulers: int | None = None
    workers_min: int | None = None
    workers_max: int | None = None
    labels: dict[str, str] = {}
    uuid: str = ""
    create_time: str | None = None
    update_time: str | None = None
    """RFC 3339, as sent (kept as text: a state's age is read from it)."""
    workloads: tuple[Workload, ...] = ()
    workloads_read: bool = False
    """Its ``ListWorkloads`` answered (False: the workloads are unknown, not none)."""

    @property
    def key(self) -> str:
        """Its row and series key: ``project/location/env_id`` (two regions may hold the same name)."""
        return f"{self.project}/{self.location}/{self.env_id}"

    @property
    def composer_version(self) -> str | None:
        """``2.9.7`` of ``composer-2.9.7-airflow-2.9.3``."""
        head, _, _ = self.image_version.partition("-airflow-")
        if not head.startswith("composer-"):
            return None
        return head.removeprefix("composer-") or None

    @property
    def airflow_version(self) -> str | None:
        """``2.9.3`` of ``composer-2.9.7-airflow-2.9.3``."""
        _, sep, tail = self.image_version.partition("-airflow-")
        return (tail or None) if sep else None


class ComposerData(msgspec.Struct, frozen=True, kw_only=True):
    """One poll of the Composer source (its series merged over the store's window)."""

    environments: tuple[Environment, ...] = ()
    series: tuple[MetricSeries, ...] = ()
    """Environment metrics keyed ``project/location/env``; DAG metrics ``project/location/env/dag``."""
    warnings: tuple[str, ...] = ()
    incomplete: tuple[str, ...] = ()
    metrics_unavailable: str | None = None


# The API methods it reads, as recordings name them (here, not in the parser, so that the spec names them
# without importing the parser).
_SERVICE = "google.cloud.orchestration.airflow.service.v1.Environments/"
LIST_ENVIRONMENTS = _SERVICE + "ListEnvironments"
LIST_WORKLOADS = _SERVICE + "ListWorkloads"
