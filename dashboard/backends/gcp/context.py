"""What every live fetch shares: the config, the projects it watches, credentials and lazily made clients.

One :class:`FetchContext` lives as long as the live backend. Fetches of different sources run in different
threads at once: everything here that is created on first use is created under a lock.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from dashboard.config import Config
from dashboard.errors import SourceError

if TYPE_CHECKING:
    from google.auth.credentials import Credentials
    from google.cloud import bigquery


class FetchContext:
    """The live backend's shared state for fetches: see the module docstring.

    Attributes:
        config: The effective configuration.
        regions: Dataproc and Dataflow regions.
        locations: BigQuery locations.
        timeout: Seconds one request may take.
        deadline: Seconds a call retries transient errors.
        state: Per-source state a fetch keeps between polls (e.g. the history windows), by source name.
    """

    def __init__(self, config: Config) -> None:
        """Nothing is contacted until a fetch asks for credentials or a client."""
        self.config = config
        self.regions: tuple[str, ...] = tuple(config.gcp.regions)
        self.locations: tuple[str, ...] = tuple(config.gcp.bigquery_locations)
        self.timeout = config.timeouts.call
        self.deadline = config.timeouts.retry_deadline
        self.state: dict[str, Any] = {}
        self._lock = threading.RLock()
        self._polls: dict[str, int] = {}
        self._credentials: Credentials | None = None
        self._adc_project: str | None = None
        self._projects: tuple[str, ...] | None = None
        self._bigquery: bigquery.Client | None = None
        self._grpc: Any = None

    def next_poll(self, source: str) -> int:
        """Count a new poll of ``source`` and return its number (from 1), as exchanges carry it."""
        with self._lock:
            self._polls[source] = self._polls.get(source, 0) + 1
            return self._polls[source]

    def poll_number(self, source: str) -> int:
        """The number of the current (latest) poll of ``source``; 0 before the first."""
        with self._lock:
            return self._polls.get(source, 0)

    @property
    def anonymous(self) -> bool:
        """True when no credentials are sent (``[auth] anonymous = true``: emulators and tests)."""
        return self.config.auth.anonymous

    @property
    def credentials(self) -> Credentials:
        """Application Default Credentials, or anonymous ones when configured.

        Raises:
            SourceError: No credentials are set up (the reason says how to set them up).
        """
        with self._lock:
            if self._credentials is None:
                self._credentials, self._adc_project = _load_credentials(self.anonymous)
            return self._credentials

    @property
    def projects(self) -> tuple[str, ...]:
        """The monitored projects: the configured ones, else the Application Default Credentials' project.

        Raises:
            SourceError: None is configured and the credentials name none.
        """
        with self._lock:
            if self._projects is None:
                configured = tuple(self.config.gcp.projects)
                if not configured:
                    _ = self.credentials
                    configured = (self._adc_project,) if self._adc_project else ()
                    for project in configured:  # it reaches request paths like a configured one
                        _adc_project_id(project)
                if not configured:
                    raise SourceError(
                        "no project to watch: give --project P, set [gcp] projects in the config file, or "
                        "run gcloud config set project P",
                        code="NO_PROJECT",
                    )
                self._projects = configured
            return self._projects

    @property
    def reservation_admin_projects(self) -> tuple[str, ...]:
        """Projects that own slot reservations: configured, else the monitored projects."""
        return tuple(self.config.gcp.reservation_admin_projects) or self.projects

    def bigquery(self) -> bigquery.Client:
        """The BigQuery client (REST), made on first use; every response passes the recording hook."""
        with self._lock:
            if self._bigquery is None:
                from dashboard.backends.gcp.bq_client import make_client

                self._bigquery = make_client(self)
            return self._bigquery

    def grpc(self) -> Any:
        """The gRPC clients (:func:`~dashboard.backends.gcp.grpc_clients.make_clients`), made on first
        use for the resolved projects, with this context's timeout and retry deadline."""
        with self._lock:
            if self._grpc is None:
                from dashboard.backends.gcp.grpc_clients import CallPolicy, make_clients

                projects = list(self.projects)
                credentials = None if self.anonymous else self.credentials
                policy = CallPolicy(timeout=self.timeout, retry_deadline=self.deadline)
                self._grpc = make_clients(
                    self.config, projects=projects, policy=policy, credentials=credentials
                )
            return self._grpc

    def close(self) -> None:
        """Close the clients made so far."""
        with self._lock:
            client, self._bigquery = self._bigquery, None
            grpc, self._grpc = self._grpc, None
        if client is not None:
            client.close()  # type: ignore[no-untyped-call]
        closer = getattr(grpc, "close", None)
        if callable(closer):
            closer()


def _load_credentials(anonymous: bool) -> tuple[Credentials, str | None]:
    if anonymous:
        from google.auth.credentials import AnonymousCredentials

        return AnonymousCredentials(), None  # type: ignore[no-untyped-call]
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        credentials, project = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    except DefaultCredentialsError as exc:
        text = " ".join(str(exc).split())
        detail = "" if "were not found" in text or not text else f" ({text.split('. ')[0][:160]})"
        raise SourceError(
            f"no Google credentials{detail}: run gcloud auth application-default login, or set "
            "GOOGLE_APPLICATION_CREDENTIALS to a service account key file",
            code="UNAUTHENTICATED",
        ) from None
    return credentials, project


def _adc_project_id(project: str) -> None:
    """The credentials' project, in the documented format.

    Raises:
        SourceError: It is not a project id (``NO_PROJECT``), with what to do.
    """
    from dashboard import validate
    from dashboard.errors import UsageError

    try:
        validate.project_id(project, where="the credentials' project")
    except UsageError as exc:
        raise SourceError(f"{exc}; give --project P", code="NO_PROJECT") from None
