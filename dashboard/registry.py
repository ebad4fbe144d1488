"""The sources gcpdash reads, each registered once, in the entry-point group ``gcpdash.sources``.

A source is a package whose entry point names its :class:`SourceSpec`: its name and title, how often it is
polled and how its polls merge, the API methods it may call (all read-only) and the IAM grants they need,
the client packages its live fetch imports, and the functions that read it (``fetch``: the only code that
imports its Google client, named as ``module:function`` so nothing imports it before the source runs
live), parse it, show it (:class:`PaneSpec`), price it and judge it (insight rules). The five built-in
sources register through the same group as a third party's (``pyproject.toml``), the way harlequin loads
its own adapters; the shells (store, recording, live backend, panes, reports, cost, insights) loop over
:func:`sources`.

A plugin that fails to import, or whose entry point is not a :class:`SourceSpec`, is named in one line
(:func:`problems`) and left out; the rest runs.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import msgspec

from dashboard.iam import Grant

__all__ = [
    "GROUP",
    "CostService",
    "Grant",
    "PaneSpec",
    "SourceSpec",
    "names",
    "plugins",
    "problems",
    "registry",
    "sources",
]

if TYPE_CHECKING:
    from rich.console import RenderableType

    from dashboard.cost.common import ServiceCost
    from dashboard.insights import Insight
    from dashboard.models import Snapshot
    from dashboard.parsers.poll import PollContext
    from dashboard.recording.format import Exchange
    from dashboard.views.columns import Column, Row

GROUP = "gcpdash.sources"
"""The entry-point group every source registers in: ``name = "package.module:SPEC"``."""

BUILT_IN = ("jobs", "reservations", "dataproc", "dataflow", "billing")
"""The built-in sources, in the order they are shown; a plugin's come after, by their ``order``, then name."""

Merge = Literal["replace", "series", "incremental"]
"""How a poll's data joins what the store holds: ``replace`` (a full listing), ``series`` (a full listing
whose ``series`` of Monitoring points are merged with the ones kept), ``incremental`` (what changed)."""


class PaneSpec(msgspec.Struct, frozen=True, kw_only=True):
    """A source's pane in the app and its section in ``--once``'s reports: one table of its things."""

    title: str
    columns: tuple[Column, ...]
    rows: Callable[[Any, datetime], list[Row]]
    """``rows(data, now)``: one keyed row per thing."""
    item: Callable[[Any, str], Any] | None = None
    """``item(data, key)``: the thing behind a row (for its detail screen); None: rows do not open."""
    detail: Callable[[Any, datetime], RenderableType] | None = None
    """``detail(item, now)``: the body of its detail screen."""
    empty: str = "nothing"
    """What the table says when there is no row."""
    overview: Callable[[Any, datetime], tuple[int, str]] | None = None
    """``overview(data, now)``: its line in the Overview's Running table (a count and a detail)."""


class CostService(msgspec.Struct, frozen=True, kw_only=True):
    """A service a source's estimator prices (:attr:`SourceSpec.estimator`)."""

    name: str
    """Its key in the estimate, ``--fail-on``'s ``cost.<name>.*`` and the bill's groups."""
    title: str
    billed_as: tuple[str, ...] = ()
    """The billing export's ``service.description`` values it corresponds to."""


class SourceSpec(msgspec.Struct, frozen=True, kw_only=True):
    """Everything gcpdash needs to know of one source (see the module docstring)."""

    name: str
    """Its name: the recording's log (``<name>.jsonl``), the JSON document's key, ``--fail-on``'s
    ``sources.<name>``; lower-case letters, digits and ``_``."""
    title: str
    interval: float
    """Default seconds between polls, live (``[sources.<name>] interval`` overrides it)."""
    data: type[Any]
    """Its data's type (a frozen msgspec Struct with ``warnings`` and, optionally, ``incomplete`` and
    ``series``); ``data()`` is the empty value."""
    parse: str | Callable[[Sequence[Exchange], PollContext], Any]
    """``parse(exchanges, ctx)``: one poll's exchanges → its data (shared by live and replay); or its
    ``module:function``, imported when a poll is first parsed."""
    fetch: str
    """``module:function`` of its live fetch, ``fetch(ctx, t) -> list[Exchange]`` with ``ctx`` the live
    backend's :class:`~dashboard.backends.gcp.context.FetchContext`."""
    methods: tuple[str, ...]
    """The API methods it may call, as recordings name them: list, get and search calls only."""
    grants: tuple[Grant, ...] = ()
    packages: tuple[str, ...] = ()
    """The modules its live fetch imports (its Google client): imported before worker threads start."""
    merge: Merge = "replace"
    key: Callable[[Any], str] | None = None
    """For an ``incremental`` source: an item's key (its data's ``items`` merge by it)."""
    requires: tuple[str, ...] = ()
    """Sources whose data it reads (a snapshot holds them; a replay without them shows them off)."""
    pane: PaneSpec | None = None
    cost: Callable[[Any, datetime, datetime], ServiceCost] | None = None
    """``cost(data, window_start, now)``: its line in the cost estimate, if it bills."""
    rules: tuple[Callable[[Any, datetime], list[Insight]], ...] = ()
    """Its insight rules: ``rule(data, now) -> insights``."""
    rule_modules: tuple[str, ...] = ()
    """Modules that register insight rules (:func:`dashboard.insights.rule`) when imported: imported
    before rules run."""
    metrics: Callable[[Any], dict[str, float]] | None = None
    """Its values for ``--fail-on`` (``<name>.<metric>``)."""
    order: int = 100
    """Where it comes after the built-ins (panes, keys, report sections): lower first, then by name."""
    pane_id: str = ""
    """The app pane that shows it (its insights go there); default: its name."""
    short: str = ""
    """Its name in an insight's WHERE column; default: its title."""
    builtin: bool = False
    """One of gcpdash's own five, whose data has a typed field of its own in the snapshot."""
    extras: dict[str, Any] = {}
    """Anything else a plugin keeps with its spec."""
    # --- cost ---
    services: tuple[CostService, ...] = ()
    """The services its estimator prices, checked against the bill."""
    estimator: str = ""
    """``module:attribute`` of its :class:`~dashboard.cost.common.Estimator` (imported when a snapshot is
    first priced); a plugin's simpler way is ``cost``."""

    window_from: Callable[[Any], list[datetime]] | None = None
    """``window_from(data)``: the moments its data begins at (the cost window starts at the earliest)."""
    window_first: bool = False
    """Its moments alone decide the window's start when it has any (the jobs': from the oldest job)."""

    # --- the app ---
    app_pane: str = ""
    """``module:attribute`` of its pane in the app (a :class:`widgets.sourcepane.SourcePane`: its widget,
    columns, frame builder and detail screens), imported once the app shows panes; default: the table of
    its ``pane``."""

    # --- reports and views ---
    report: str = ""
    """``module:function`` of its section in ``--once``'s text report, ``report(snapshot, now, *, prices,
    recent_limit, cost) -> RenderableType``; empty: its pane's table (a plugin's), or none."""
    markdown: str = ""
    """``module:function`` of its section in ``--once --format markdown``, the same arguments ``-> list[str]``
    (its lines); empty: its pane's table (a plugin's), or none."""
    document: str = ""
    """``module:function`` of what its section of ``--once --format json`` adds to its data (a plugin's),
    ``document(snapshot) -> dict`` (its keys after the data's); empty: its data alone."""
    running: str = ""
    """``module:function`` of its lines in the Overview's Running table, ``running(overview) -> list[Row]``
    (from :class:`~dashboard.views.items.Overview`); empty: its pane's ``overview`` line (a plugin's)."""
    overview_fields: str = ""
    """``module:function`` of its counts in the Overview, ``overview_fields(snapshot) -> dict``: keyword
    arguments of :class:`~dashboard.views.items.Overview` (a built-in's typed fields there)."""
    state_look: str = ""
    """``module:function`` that says how its things' states look, ``state_look(thing) -> StateLook | None``
    (:class:`~dashboard.views.states.StateLook`; None: not one of its things)."""
    state_tables: str = ""
    """``module:attribute``: its looks by kind (``look_of``'s), ``{kind: {state: StateLook}}``."""

    # --- store, live backend, --check ---
    raw_kinds: tuple[str, ...] = ()
    """The kinds of item (an app row's kind for the ``y`` key: ``cluster``, ``batch``) whose raw API item is
    looked for in this source's payloads."""
    hosts: dict[str, str] = {}
    """Google's endpoint (``host:port``) of each gRPC service its live fetch reaches, by the service's
    ``[endpoints]`` key; ``{region}`` is filled in for a regional service."""
    asset_types: tuple[str, ...] = ()
    """Cloud Asset Inventory's types of its things: with an organisation scope it reads only where discovery
    finds them (docs/organisation.md); empty: every configured project and region."""
    check_lines: str = ""
    """``module:function`` of its lines in ``gcpdash --check``'s polling cost a month,
    ``check_lines(config, projects) -> list[str]``; empty: it bills nothing worth a line."""
    store_merge: Callable[..., Any] | None = None
    """For a built-in source (its data a typed field of the snapshot) other than the jobs the store keeps by
    key: ``store_merge(old, new, *, series_window, window) -> data``, how a poll's data joins what the store
    holds (an ``incomplete`` poll's failed parts kept, series merged); None: each poll replaces the last."""

    def load_estimator(self) -> Any:
        """Import and return the estimator (``estimator``), or None."""
        return _attribute(self.estimator) if self.estimator else None

    def data_in(self, snapshot: Snapshot) -> Any:
        """This source's data in ``snapshot``; its empty data (``data()``) while none was read."""
        found = snapshot.extra.get(self.name)
        return self.data() if found is None else found

    def load_fetch(self) -> Callable[..., list[Exchange]]:
        """Import and return the live fetch (``fetch``)."""
        found: Callable[..., list[Exchange]] = _attribute(self.fetch)
        return found

    def load_parse(self) -> Callable[[Sequence[Exchange], PollContext], Any]:
        """The parser (``parse``), imported if it is named by its path."""
        if isinstance(self.parse, str):
            found: Callable[[Sequence[Exchange], PollContext], Any] = _attribute(self.parse)
            return found
        return self.parse

    def report_hook(self, path: str) -> Any:
        """What one of the reports' hooks (``report``, ``markdown``, ``document``, ``running``,
        ``overview_fields``, ``state_look``, ``state_tables``) names."""
        return _attribute(path)


def _attribute(path: str) -> Any:
    """``module:attribute``'s value."""
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


_lock = threading.RLock()
_loaded: dict[str, dict[str, SourceSpec]] = {}
"""The registry, under ``"sources"`` once loaded."""
_problems: list[str] = []


class EntryPoint(NamedTuple):
    """One ``name = module:attribute`` of the group, as a distribution's ``entry_points.txt`` declares it."""

    name: str
    value: str
    dist: str = ""
    """The distribution that declares it (``gcpdash``, ``gcpdash-queues``)."""
    version: str = ""
    """That distribution's version; empty when its metadata does not say."""

    def load(self) -> Any:
        """Import the module and return the attribute."""
        return _attribute(self.value)


def entry_points(group: str = GROUP) -> list[EntryPoint]:
    """The entry points of ``group`` (``gcpdash.sources``, ``gcpdash.backends``) of every distribution on
    ``sys.path``, each with the distribution that declares it and its version, nothing imported (the first
    distribution of a name wins, as for :func:`importlib.metadata.entry_points`; an installed
    ``*.dist-info`` over a ``*.egg-info`` that a build left in a source tree), sorted by name.

    Read straight from the distributions' ``entry_points.txt``, opening only those that name the group: a
    millisecond, where ``importlib.metadata`` (with the email and csv modules it imports) takes 30 ms to
    read every distribution's metadata, on every ``gcpdash --once``."""
    chosen: dict[str, str] = {}
    eggs: dict[str, str] = {}
    for directory in sys.path:
        try:
            names = os.listdir(directory or ".")
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            dist = name.rsplit(".", 1)[0].split("-", 1)[0].lower().replace(".", "_")  # name-version.dist-info
            where = chosen if name.endswith(".dist-info") else eggs
            where.setdefault(dist, os.path.join(directory or ".", name))
    found: list[EntryPoint] = []
    for dist, path in {**eggs, **chosen}.items():
        try:
            with open(os.path.join(path, "entry_points.txt"), encoding="utf-8") as f:
                text = f.read()
        except OSError:
            continue
        if f"[{group}]" in text:
            name, version = _distribution(path, dist)
            found.extend(ep._replace(dist=name, version=version) for ep in _group(text, group))
    return sorted(found, key=lambda ep: ep.name)


def _distribution(path: str, dist: str) -> tuple[str, str]:
    """The name and version of the distribution whose metadata directory is ``path``: its ``METADATA`` or
    ``PKG-INFO``'s ``Name:`` and ``Version:``, else ``dist`` and its directory's ``name-1.2.dist-info``."""
    found: dict[str, str] = {}
    for meta in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(path, meta), encoding="utf-8") as f:
                for line in f:
                    key, colon, value = line.partition(":")
                    if not line.strip() or not colon:
                        break
                    if key in ("Name", "Version"):
                        found.setdefault(key, value.strip())
        except OSError:
            continue
    stem = os.path.basename(path).rsplit(".", 1)[0]
    return found.get("Name", dist), found.get("Version", stem.partition("-")[2])


def _group(text: str, group: str = GROUP) -> list[EntryPoint]:
    """The entry points of ``group`` in an ``entry_points.txt`` (INI: ``[group]`` then ``name =
    value`` lines; ``#`` and ``;`` start comments)."""
    found: list[EntryPoint] = []
    section = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == group and "=" in line:
            name, _, value = line.partition("=")
            found.append(EntryPoint(name.strip(), value.strip()))
    return found


_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
"""What a source's name may be: it names a file, a JSON key, a pane and a widget id."""
_RESERVED = frozenset(
    {"overview", "slots", "cost", "insights", "header", "schema", "gcpdash_version", "generated_at", "at"}
    | {"mode", "projects", "regions", "window_start", "sources", "insight_counts", "metrics", "alerts"}
)
"""Names a plugin's source may not take: the app's own panes and widget ids, the JSON document's keys."""


def _load() -> dict[str, SourceSpec]:
    found: dict[str, SourceSpec] = {}
    problems: list[str] = []
    for entry in entry_points():
        try:
            spec = entry.load()
        except Exception as exc:  # a broken plugin is named and left out; the rest runs
            problems.append(
                f"source plugin {entry.name!r} ({entry.value}) not loaded: {type(exc).__name__}: {exc}"
            )
            continue
        if not isinstance(spec, SourceSpec):
            problems.append(f"source plugin {entry.name!r} ({entry.value}) is not a SourceSpec")
            continue
        if not _NAME.fullmatch(spec.name) or spec.name in _RESERVED:
            problems.append(
                f"source plugin {entry.name!r} ({entry.value}): its name {spec.name!r} must be lower-case "
                "letters, digits and _, and not a pane of gcpdash's own"
            )
            continue
        if spec.name != entry.name or spec.name in found:
            problems.append(f"source plugin {entry.name!r} ({entry.value}) names itself {spec.name!r}")
            continue
        found[spec.name] = spec
    rest = sorted((n for n in found if n not in BUILT_IN), key=lambda n: (found[n].order, n))
    order = [n for n in BUILT_IN if n in found] + rest
    _problems[:] = problems
    return {name: found[name] for name in order}


def registry() -> dict[str, SourceSpec]:
    """Every registered source by name, built-ins first (loaded once, on first use)."""
    with _lock:
        found = _loaded.get("sources")
        if found is None:
            found = _loaded["sources"] = _load()
        return found


def sources() -> tuple[SourceSpec, ...]:
    """Every registered source, in the order they are shown."""
    return tuple(registry().values())


def names() -> tuple[str, ...]:
    """Every registered source's name, in the order they are shown."""
    return tuple(registry())


def plugins() -> tuple[SourceSpec, ...]:
    """The registered sources that are not built in."""
    return tuple(spec for spec in registry().values() if not spec.builtin)


def spec(name: str) -> SourceSpec | None:
    """The source called ``name``; None when none is registered."""
    return registry().get(name)


def problems() -> tuple[str, ...]:
    """One line per plugin that could not be loaded."""
    registry()
    return tuple(_problems)


def reset() -> None:
    """Forget what was loaded: the next call reads the entry points again (after installing a plugin)."""
    with _lock:
        _loaded.clear()
