"""Configuration: one typed object, from (lowest to highest precedence) defaults, the TOML file, environment
variables and command-line flags (:func:`load_config`, then :func:`with_flags`). docs/configuration.md
documents every key.

The file is ``config.toml`` in the user config directory (``platformdirs.user_config_dir("gcpdash")``), or
the path given with ``--config``. Unknown keys are an error that names them: a typo must not silently
turn a setting off.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from dashboard.errors import UsageError


class Section(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of every config section."""


class GcpConfig(Section, frozen=True):
    """``[gcp]``: what to watch."""

    projects: list[str] = []
    """Monitored projects. Default: the project of the Application Default Credentials."""
    organization: str | None = None
    """The numeric ID of an organisation (``123456789012``, not ``organizations/…``) to watch as a whole:
    the jobs source reads ``INFORMATION_SCHEMA.JOBS_BY_ORGANIZATION`` of the first project's organisation,
    one query per location, and Cloud Asset Inventory's discovery searches it for what the other sources
    read (docs/organisation.md). Excludes ``folder``."""
    folder: str | None = None
    """The numeric ID of a folder: as ``organization``, with ``JOBS_BY_FOLDER`` (the first project's parent
    folder and its subfolders) and discovery over the folder. Excludes ``organization``."""
    bigquery_locations: list[str] = msgspec.field(default_factory=lambda: ["US"])
    """BigQuery locations (``US``, ``EU``, ``europe-west4``): one INFORMATION_SCHEMA query each."""
    regions: list[str] = msgspec.field(default_factory=lambda: ["us-central1"])
    """Dataproc and Dataflow regions (``us-central1``)."""
    reservation_admin_projects: list[str] = []
    """Projects that own slot reservations. Default: the monitored projects."""
    history_window: float = 6 * 3600.0
    """Seconds of INFORMATION_SCHEMA history the first poll reads; later polls read only what is new."""
    maximum_bytes_billed: int = 1_000_000_000
    """The most one history query may bill; BigQuery fails a query that would bill more."""
    history_max_rows: int = 20_000
    """The most rows one history query returns."""


class IntervalsConfig(Section, frozen=True):
    """``[intervals]``: seconds between polls, per source."""

    jobs: float = 10.0
    jobs_history: float = 60.0
    reservations: float = 60.0
    dataproc: float = 30.0
    dataflow: float = 30.0
    billing: float = 3600.0
    billed_query_gap: float = 60.0
    """At most one billed query per BigQuery location in this many seconds: projects are staggered (the
    first poll reads every project once)."""


class TimeoutsConfig(Section, frozen=True):
    """``[timeouts]``: every API call is bounded, so a dead endpoint never hangs gcpdash."""

    call: float = 20.0
    """Seconds one HTTP request or RPC may take."""
    retry_deadline: float = 30.0
    """Seconds a call keeps retrying transient errors (503, 429, rateLimitExceeded, timeouts)."""


class EndpointsConfig(Section, frozen=True):
    """``[endpoints]``: per-service API endpoints, for emulators, private endpoints and tests.

    BigQuery is REST (``http://127.0.0.1:9050``); the others are gRPC (``127.0.0.1:9060``), plaintext when
    the host is a loopback address.
    """

    bigquery: str | None = None
    reservation: str | None = None
    dataproc: str | None = None
    dataflow: str | None = None
    monitoring: str | None = None
    budgets: str | None = None


class AuthConfig(Section, frozen=True):
    """``[auth]``."""

    anonymous: bool = False
    """Send no credentials (emulators and tests only)."""


class BillingConfig(Section, frozen=True):
    """``[billing]``: where actual spend comes from."""

    export_table: str | None = None
    """The Cloud Billing export table, ``project.dataset.gcp_billing_export_v1_XXXXXX_XXXXXX_XXXXXX``."""
    billing_account: str | None = None
    """``XXXXXX-XXXXXX-XXXXXX``: read budgets from the Budget API."""
    location: str = "US"
    """The BigQuery location of the export dataset, where the export query runs."""


class Budget(Section, frozen=True):
    """One ``[[budgets]]`` entry."""

    name: str
    amount_usd: float
    """Per calendar month."""
    services: list[str] = []
    """Service names as the cost pane shows them; empty means all."""


class CostConfig(Section, frozen=True):
    """``[cost]``."""

    project_modes: dict[str, str] = {}
    """Per project, ``on-demand`` or ``editions``; by default it comes from reservation assignments."""


class InsightsConfig(Section, frozen=True):
    """``[insights]``: switch rules off and change their thresholds (docs/insights.md lists them)."""

    disabled: list[str] = []
    """Rule ids not to run, e.g. ``["bigquery.unlabelled_spend"]``."""
    thresholds: dict[str, float] = {}
    """Threshold overrides by ``<rule>.<name>``, e.g. ``"dataproc.idle_cluster.minutes" = 60``."""


class AlertsConfig(Section, frozen=True):
    """``[alerts]``: the conditions ``gcpdash --once`` exits non-zero on, besides ``--fail-on``."""

    warning: list[str] = []
    """Expressions that exit 1 when true, e.g. ``"cost.burn_rate_usd_per_hour > 50"``."""
    critical: list[str] = []
    """Expressions that exit 2 when true, e.g. ``"insights.critical > 0"``."""


class AppConfig(Section, frozen=True):
    """``[app]``: the interactive app."""

    window: str = "24h"
    """Time window shown: ``1h``, ``6h``, ``24h`` or ``7d``."""
    theme: str = "textual-dark"


class SourceConfig(Section, frozen=True):
    """``[sources.<name>]``: the settings of a source that is not built in (a plugin's)."""

    interval: float | None = None
    """Seconds between polls; default: the source's own (its spec's)."""
    endpoint: str | None = None
    """Its API endpoint, for emulators, private endpoints and tests (gRPC: plaintext only on loopback)."""
    enabled: bool = True
    """False: the source is shown as off and not read."""
    settings: dict[str, str | int | float | bool | list[str]] = {}
    """Anything else the source reads (its documentation says what)."""


class DiscoveryConfig(Section, frozen=True):
    """``[discovery]``: Cloud Asset Inventory's search of the organisation or folder (``[gcp] organization``
    / ``folder``) for where there is something to read."""

    interval: float = 15 * 60.0
    """Seconds a discovery's result is kept before the next search."""
    endpoint: str | None = None
    """The Cloud Asset API's endpoint, for tests and private endpoints (gRPC: plaintext only on loopback)."""


class BackendConfig(Section, frozen=True):
    """``[backend]``: where the data comes from (``--backend`` overrides ``name``)."""

    name: str | None = None
    """A backend of the ``gcpdash.backends`` entry-point group; default ``live``."""
    options: dict[str, object] = {}
    """``[backend.options]``: that backend's own settings, checked by it (docs/plugins.md)."""


class Config(Section, frozen=True):
    """All of gcpdash's settings."""

    gcp: GcpConfig = GcpConfig()
    intervals: IntervalsConfig = IntervalsConfig()
    endpoints: EndpointsConfig = EndpointsConfig()
    auth: AuthConfig = AuthConfig()
    timeouts: TimeoutsConfig = TimeoutsConfig()
    billing: BillingConfig = BillingConfig()
    budgets: list[Budget] = []
    prices: dict[str, float] = {}
    """Price overrides by key of ``dashboard/data/prices.toml``, e.g. a negotiated discount."""
    cost: CostConfig = CostConfig()
    insights: InsightsConfig = InsightsConfig()
    alerts: AlertsConfig = AlertsConfig()
    app: AppConfig = AppConfig()
    sources: dict[str, SourceConfig] = {}
    """Per registered source that is not built in, its settings (``[sources.<name>]``)."""
    backend: BackendConfig = BackendConfig()
    discovery: DiscoveryConfig = DiscoveryConfig()
    source: str | None = None
    """Where the file came from (None: no file)."""


ENV_PREFIX = "GCPDASH_"
"""``GCPDASH_PROJECTS=p1,p2``, ``GCPDASH_REGIONS``, ``GCPDASH_BIGQUERY_LOCATIONS``, ``GCPDASH_CONFIG``."""


def default_path() -> Path:
    """``config.toml`` in the user config directory."""
    import platformdirs

    return Path(platformdirs.user_config_dir("gcpdash")) / "config.toml"


def load_config(path: Path | None = None, *, env: Mapping[str, str] | None = None) -> Config:
    """Read the config file (``path``, else ``$GCPDASH_CONFIG``, else :func:`default_path` if it exists)
    and apply environment variables over it.

    Raises:
        UsageError: The file cannot be read, is not TOML, or has unknown keys or wrong types (the
            message names the file and the key).
    """
    env = os.environ if env is None else env
    explicit = path or (Path(env[f"{ENV_PREFIX}CONFIG"]) if env.get(f"{ENV_PREFIX}CONFIG") else None)
    file = explicit or default_path()
    raw: dict[str, object] = {}
    if explicit is not None or file.exists():
        try:
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"config file {file} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read config file {file}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise UsageError(f"{file}: not valid TOML: {exc}") from None
        raw["source"] = str(file)
    gcp = dict(raw.get("gcp", {}) or {})  # type: ignore[call-overload]
    for key in ("projects", "regions", "bigquery_locations"):
        value = env.get(f"{ENV_PREFIX}{key.upper()}")
        if value:
            gcp[key] = [item.strip() for item in value.split(",") if item.strip()]
            _check_list(key, gcp[key], where=f"{ENV_PREFIX}{key.upper()}")
    if gcp:
        raw["gcp"] = gcp
    try:
        config = msgspec.convert(raw, Config)
    except msgspec.ValidationError as exc:
        raise UsageError(f"{file}: {exc}") from None
    return checked(config, origin=config.source or "the environment")


def _check_list(key: str, values: Sequence[str], *, where: str) -> None:
    """Each of ``values`` of the ``[gcp]`` list ``key`` in its documented format."""
    from dashboard import validate

    check = {
        "projects": validate.project_id,
        "reservation_admin_projects": validate.project_id,
        "regions": validate.region,
        "bigquery_locations": validate.location,
    }[key]
    for value in values:
        check(value, where=where)


def checked(config: Config, *, origin: str) -> Config:
    """``config`` with its projects, regions and locations in Google's documented formats and its
    intervals and timeouts finite and positive (:mod:`dashboard.validate`).

    Raises:
        UsageError: A value that must not reach a URL, a query or a timer; the message names ``origin``
            (the file, the environment or the flag) and the key.
    """
    from dashboard import validate

    gcp = config.gcp
    for key in ("projects", "reservation_admin_projects", "regions", "bigquery_locations"):
        _check_list(key, getattr(gcp, key), where=f"{origin}: [gcp] {key}")
    for key in ("organization", "folder"):
        if getattr(gcp, key) is not None:
            _numeric_id(getattr(gcp, key), where=f"{origin}: [gcp] {key}")
    if gcp.organization is not None and gcp.folder is not None:
        raise UsageError(f"{origin}: [gcp] organization and folder: give one scope, not both")
    validate.seconds(config.discovery.interval, where=f"{origin}: [discovery] interval")
    validate.location(config.billing.location, where=f"{origin}: [billing] location")
    if config.endpoints.bigquery is not None:
        validate.rest_endpoint(
            config.endpoints.bigquery,
            anonymous=config.auth.anonymous,
            where=f"{origin}: [endpoints] bigquery",
        )
    validate.seconds(gcp.history_window, where=f"{origin}: [gcp] history_window")
    for key, minimum in (("maximum_bytes_billed", 0), ("history_max_rows", 0)):
        if getattr(gcp, key) <= minimum:
            raise UsageError(f"{origin}: [gcp] {key} = {getattr(gcp, key)}: give a number more than 0")
    for name in IntervalsConfig.__struct_fields__:
        validate.seconds(getattr(config.intervals, name), where=f"{origin}: [intervals] {name}")
    _check_sources(config, origin)
    validate.seconds(config.timeouts.call, where=f"{origin}: [timeouts] call", minimum=0.0)
    validate.seconds(
        config.timeouts.retry_deadline, where=f"{origin}: [timeouts] retry_deadline", allow_zero=True
    )
    return config


def _check_sources(config: Config, origin: str) -> None:
    """Every ``[sources.<name>]`` names a registered source that is not built in (a built-in one takes only
    ``settings``); its interval is finite and positive."""
    if not config.sources:
        return
    from dashboard import registry, validate

    plugins = {spec.name for spec in registry.plugins()}
    builtins = {spec.name for spec in registry.sources() if spec.builtin}
    for name, settings in config.sources.items():
        if name in builtins and settings == SourceConfig(settings=settings.settings):
            continue  # a built-in source's own settings (e.g. [sources.jobs] settings = { catalog = false })
        if name not in plugins:
            known = ", ".join(sorted(plugins)) or "none is installed"
            raise UsageError(
                f"{origin}: [sources.{name}]: no such source plugin (registered plugins: {known}); the "
                "built-in sources take [intervals] and [endpoints]"
            )
        if settings.interval is not None:
            validate.seconds(settings.interval, where=f"{origin}: [sources.{name}] interval")


def _numeric_id(value: str, *, where: str) -> str:
    """``value`` if it is an organisation's or folder's numeric ID (digits only, as Google gives them).

    Raises:
        UsageError: It is not (``organizations/12``, ``acme``, ``''``).
    """
    text = value.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 20):
        raise UsageError(f"{where}: {text[:40]!r} is not a numeric ID (digits only, e.g. 123456789012)")
    return text


def with_flags(
    config: Config,
    *,
    projects: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    locations: Sequence[str] | None = None,
    organization: str | None = None,
    folder: str | None = None,
) -> Config:
    """Apply command-line flags (``--project``, ``--region``, ``--location``, each repeatable; ``--org`` and
    ``--folder``, one of them) over a loaded config: the highest precedence. A flag given replaces the list
    (``--org``/``--folder`` replace both scope keys); one not given leaves it.

    Raises:
        UsageError: A project, region or location not in Google's format (``--project ../../etc``,
            ``--region ''``, ``--location 'us central'``); the message names the flag.
    """
    from dashboard import validate

    gcp = config.gcp
    changes: dict[str, Any] = {}
    for key, flag, value in (("organization", "--org", organization), ("folder", "--folder", folder)):
        if value is not None:  # one replaces the other: the flag is the highest precedence
            changes[key] = _numeric_id(value, where=flag)
            changes["folder" if key == "organization" else "organization"] = None
    for key, flag, values, check in (
        ("projects", "--project", projects, validate.project_id),
        ("regions", "--region", regions, validate.region),
        ("bigquery_locations", "--location", locations, validate.location),
    ):
        if values:
            changes[key] = [check(value, where=flag) for value in values]
            if key == "bigquery_locations":  # kept as given (``US``), checked above
                changes[key] = [value.strip() for value in values]
    if not changes:
        return config
    return msgspec.structs.replace(config, gcp=msgspec.structs.replace(gcp, **changes))
