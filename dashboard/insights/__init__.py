"""Insights: waste and risk found in a snapshot, each with its severity, the resource it is about, the
evidence, the money at stake and a suggested fix.

Every rule is a pure function of a :class:`Context` (the snapshot, its cost estimate and the settings)
that returns the insights it finds. :func:`evaluate` runs every enabled rule and orders what they found:
critical first, then by money at stake.

Rules are registered with :func:`rule`; each lives in the module of its service
(``dashboard/insights/<service>.py``) and is documented in docs/insights.md with its thresholds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import msgspec

from dashboard.cost import CostEstimate
from dashboard.errors import UsageError
from dashboard.models import Snapshot, SourceName
from dashboard.pricing import PriceTable, default_prices, load_prices

if TYPE_CHECKING:
    from dashboard.config import Config
    from dashboard.registry import SourceSpec

Severity = Literal["info", "warning", "critical"]
"""How bad: ``critical`` needs action now (money burning, data late), ``warning`` is waste or risk worth
fixing, ``info`` is worth knowing."""

SEVERITY_RANK: dict[str, int] = {"critical": 0, "warning": 1, "info": 2}


class Insight(msgspec.Struct, frozen=True, kw_only=True):
    """One finding."""

    rule: str
    """The rule's id, e.g. ``dataproc.idle_cluster`` (the key of its switch and thresholds in config)."""
    severity: Severity
    title: str
    """One line, e.g. ``Cluster reporting-tmp idle for 47 min with no idle-delete TTL``."""
    source: SourceName
    """The pane the resource is shown in."""
    resource: str
    """The affected resource, as the pane names it (job id, reservation, cluster, Dataflow job, ...)."""
    resource_key: str = ""
    """The exact key of the resource's row in its pane (for a drill-down); empty when there is none."""
    evidence: str
    """What was measured, with numbers, e.g. ``0 YARN apps since 06:38; 4 x n2-standard-8``."""
    usd_per_hour: float | None = None
    """Money at stake per hour (an estimate from list prices), when it can be put in money."""
    usd_per_month: float | None = None
    """Money at stake per month (730 hours, as Google's monthly prices), when it can be put in money."""
    fix: str
    """What to do about it."""

    @property
    def key(self) -> str:
        """Identifies the finding across snapshots: the same rule on the same resource."""
        return f"{self.rule}:{self.resource}"


class InsightSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The rules' switches and thresholds, from the config's ``[insights]``."""

    disabled: frozenset[str] = frozenset()
    thresholds: Mapping[str, float] = {}
    """Overrides of :data:`DEFAULT_THRESHOLDS` by key (``<rule>.<name>``)."""

    def threshold(self, key: str) -> float:
        """A threshold: the override if any, else its default."""
        value = self.thresholds.get(key)
        return DEFAULT_THRESHOLDS[key] if value is None else value


T = TypeVar("T")


class Context(msgspec.Struct, frozen=True, kw_only=True):
    """What a rule looks at."""

    snapshot: Snapshot
    cost: CostEstimate
    settings: InsightSettings
    prices: PriceTable = msgspec.field(default_factory=default_prices)
    """The price table the estimate used (the shipped one with the estimate's overrides)."""
    memo: dict[str, Any] = {}
    """What several rules derive from the snapshot, computed once per evaluation (see :meth:`shared`)."""

    def shared(self, name: str, make: Callable[[Context], T]) -> T:
        """``make(self)``, computed once per context and kept under ``name``."""
        if name not in self.memo:
            self.memo[name] = make(self)
        return self.memo[name]  # type: ignore[no-any-return]

    def threshold(self, rule_id: str, name: str) -> float:
        """The threshold ``<rule_id>.<name>``: the config's override, else its default."""
        return self.settings.threshold(f"{rule_id}.{name}")


RuleFn = Callable[[Context], Iterable[Insight]]

RULES: dict[str, RuleFn] = {}
"""Every rule by id, in registration order."""

DEFAULT_THRESHOLDS: dict[str, float] = {}
"""Every threshold by key ``<rule>.<name>``, with its default."""


def rule(rule_id: str, **thresholds: float) -> Callable[[RuleFn], RuleFn]:
    """Register a rule under ``rule_id`` with its thresholds' defaults (keys ``<rule_id>.<name>``)."""

    def register(fn: RuleFn) -> RuleFn:
        RULES[rule_id] = fn
        for name, value in thresholds.items():
            DEFAULT_THRESHOLDS[f"{rule_id}.{name}"] = value
        return fn

    return register


def _load_rules() -> None:
    """Import the modules that register the rules."""
    import importlib

    from dashboard import registry

    specs = registry.sources()
    for gone in [r for r, source in _FROM_SPECS.items() if registry.spec(source) is None]:
        del RULES[gone], _FROM_SPECS[gone]  # its source is no longer registered (registry.reset)
    for spec in specs:
        for module in spec.rule_modules:
            importlib.import_module(module)
        for fn in spec.rules:
            rule_id = f"{spec.name}.{fn.__name__}"
            if rule_id not in RULES:
                rule(rule_id)(_plugin_rule(spec, fn))
                _FROM_SPECS[rule_id] = spec.name


_FROM_SPECS: dict[str, str] = {}
"""The rules registered from a spec's ``rules``, by rule id: their source."""


def _plugin_rule(spec: SourceSpec, fn: Callable[[Any, Any], list[Insight]]) -> RuleFn:
    """A registered source's rule (``fn(data, now)``) as a rule of the context."""

    def run(context: Context) -> list[Insight]:
        return fn(spec.data_in(context.snapshot), context.snapshot.at)

    return run


def settings_from(
    disabled: Iterable[str] = (), thresholds: Mapping[str, float] | None = None
) -> InsightSettings:
    """Settings from the config's values, checked against the known rules and thresholds.

    Raises:
        UsageError: A rule or threshold name that does not exist (a typo must not silently do nothing).
    """
    _load_rules()
    unknown = sorted(set(disabled) - set(RULES))
    if unknown:
        known = ", ".join(RULES)
        raise UsageError(f"[insights] disabled: unknown rule(s) {', '.join(unknown)}; known: {known}")
    thresholds = dict(thresholds or {})
    unknown = sorted(set(thresholds) - set(DEFAULT_THRESHOLDS))
    if unknown:
        known = ", ".join(DEFAULT_THRESHOLDS)
        raise UsageError(f"[insights.thresholds]: unknown key(s) {', '.join(unknown)}; known: {known}")
    return InsightSettings(disabled=frozenset(disabled), thresholds=thresholds)


def evaluate(
    snapshot: Snapshot,
    cost: CostEstimate,
    settings: InsightSettings | None = None,
    *,
    prices: PriceTable | None = None,
) -> tuple[Insight, ...]:
    """Every enabled rule's findings: critical first, then the most money at stake, then by rule and
    resource (a stable order).

    Args:
        snapshot: What gcpdash knows now.
        cost: Its cost estimate.
        settings: Switches and thresholds (defaults without).
        prices: The price table ``cost`` was computed with; by default the shipped table with the
            estimate's ``price_overrides``, which is the same table.
    """
    _load_rules()
    if prices is None:
        prices = load_prices(overrides=cost.price_overrides) if cost.price_overrides else default_prices()
    context = Context(
        snapshot=snapshot, cost=cost, settings=settings or InsightSettings(), prices=prices, memo={}
    )
    enabled = [fn for rule_id, fn in RULES.items() if rule_id not in context.settings.disabled]
    found = told_apart([insight for fn in enabled for insight in fn(context)])
    return tuple(
        sorted(
            found,
            key=lambda i: (SEVERITY_RANK[i.severity], -(i.usd_per_hour or 0.0), i.rule, i.resource),
        )
    )


def told_apart(found: list[Insight]) -> list[Insight]:
    """``found`` with each title that several resources share followed by its resource, so two findings
    about same-named things (a subscription ``events-sub`` in two projects) read apart in a list of
    titles: ``Nobody reads subscription events-sub (acme-etl/events-sub)``."""
    resources: dict[str, set[str]] = {}
    for insight in found:
        resources.setdefault(insight.title, set()).add(insight.resource)
    return [
        msgspec.structs.replace(i, title=f"{i.title} ({i.resource})") if len(resources[i.title]) > 1 else i
        for i in found
    ]


def counts(insights: Iterable[Insight]) -> dict[str, int]:
    """How many insights of each severity (every severity present, 0 when none)."""
    result = dict.fromkeys(SEVERITY_RANK, 0)
    for insight in insights:
        result[insight.severity] += 1
    return result


__all__ = [
    "DEFAULT_THRESHOLDS",
    "RULES",
    "SEVERITY_RANK",
    "Context",
    "Insight",
    "InsightSettings",
    "Severity",
    "config_settings",
    "counts",
    "evaluate",
    "rule",
    "settings_from",
]


def config_settings(config: Config | None) -> InsightSettings:
    """Settings from the config's ``[insights]`` section (defaults without a config)."""
    if config is None:
        return settings_from()
    return settings_from(config.insights.disabled, config.insights.thresholds)
