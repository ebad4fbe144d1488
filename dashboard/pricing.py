"""The price table: list prices as versioned data (``dashboard/data/prices.toml``), typed and overridable.

Every cost gcpdash shows is an estimate computed from this table; each figure carries the table's version.
The file is read once per process (:func:`default_prices` is cached); overrides replace single values by key
and keep the rest of the entry (unit, source) as documented, marking it overridden.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal, NamedTuple

import msgspec

from dashboard.errors import UsageError

SCHEMA_VERSION = 1
"""The version of the price file's layout this module reads."""

Confidence = Literal["high", "medium", "low"]
"""How far a price can be trusted: high (read from Google or quoted identically by several sources),
medium (consistent summaries, or derived by a documented rule), low (recalled, unconfirmed)."""

CONFIDENCE_ORDER: dict[str, int] = {"low": 0, "medium": 1, "high": 2}


class Price(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One list price and where it comes from."""

    value: float
    unit: str
    region: str
    source: str
    date: date
    confidence: Confidence
    overridden: bool = False
    """True when the user replaced the value."""


class MachineShape(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A Compute Engine machine type's size."""

    vcpus: int
    memory_gib: float
    billed_vcpus: float | None = None
    """The vCPU a shared-core type is billed for (e2-medium: 1 of its 2); None: all of them."""


class PriceTable(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The whole price file, validated."""

    schema_version: int
    version: str
    currency: str
    notes: str = ""
    prices: dict[str, Price]
    machine_types: dict[str, MachineShape] = {}

    def get(self, key: str) -> Price | None:
        """The entry for ``key``, or None when the table has no such price."""
        return self.prices.get(key)

    def value(self, key: str) -> float:
        """The value of ``key``.

        Raises:
            KeyError: the table has no such price (a programming error: keys are constants of cost.py).
        """
        return self.prices[key].value

    def machine_shape(self, machine_type: str | None) -> tuple[int, float] | None:
        """``(vcpus, memory_gib)`` of a machine type, or None when unknown.

        Accepts a short name (``n2-standard-4``), a full or partial URI ending in ``machineTypes/NAME``, and
        custom types (``n2-custom-8-32768``, ``custom-4-15360``, memory in MiB, ``-ext`` allowed).
        """
        billing = self.machine_billing(machine_type)
        return None if billing is None else (billing.vcpus, billing.memory_gib)

    def machine_billing(self, machine_type: str | None) -> MachineBilling | None:
        """How a machine type bills: its vCPUs, billed vCPUs, memory, and whether it is a custom type.

        Predefined types come from the table's ``machine_types``, else from their name by the rule of
        their family (:data:`GIB_PER_VCPU`); custom types from their name.
        """
        if not machine_type:
            return None
        name = short_machine_name(machine_type)
        shape = self.machine_types.get(name)
        if shape is not None:
            billed = shape.vcpus if shape.billed_vcpus is None else shape.billed_vcpus
            return MachineBilling(shape.vcpus, billed, shape.memory_gib, custom=False)
        custom = _CUSTOM.fullmatch(name)
        if custom is not None:
            vcpus = int(custom["vcpus"])
            return MachineBilling(vcpus, vcpus, int(custom["mib"]) / 1024, custom=True)
        predefined = _PREDEFINED.fullmatch(name)
        if predefined is not None:
            ratio = GIB_PER_VCPU.get((predefined["family"], predefined["kind"]))
            if ratio is not None:
                vcpus = int(predefined["vcpus"])
                return MachineBilling(vcpus, vcpus, vcpus * ratio, custom=False)
        return None

    def region_factor(self, region: str | None, family: str) -> tuple[float, str | None]:
        """The factor on us-central1's list prices in ``region`` for ``family`` (``n2``, ``gpu``,
        ``dataflow``), and the key it came from: ``gce.region_factor.<region>.<family>``, else
        ``gce.region_factor.<region>``.

        Returns:
            ``(1.0, None)`` for us-central1, no region, or a region the table has no factor for (the
            caller says it priced that region at us-central1's rates).
        """
        if not region or region == BASE_REGION:
            return 1.0, None
        for key in (f"{REGION_FACTOR}.{region}.{family}", f"{REGION_FACTOR}.{region}"):
            price = self.prices.get(key)
            if price is not None:
                return price.value, key
        return 1.0, None

    def compute_rates(self, family: str | None, region: str | None) -> ComputeRates | None:
        """A Compute Engine family's $/vCPU-hour and $/GiB-hour in ``region``, or None when unpriced.

        A key ``gce.<family>.vcpu_hour.<region>`` (and ``ram_gib_hour``) prices the region exactly;
        otherwise us-central1's price times :meth:`region_factor`.
        """
        if not family:
            return None
        base_vcpu, base_ram = f"gce.{family}.vcpu_hour", f"gce.{family}.ram_gib_hour"
        if region:
            vcpu, ram = self.get(f"{base_vcpu}.{region}"), self.get(f"{base_ram}.{region}")
            if vcpu is not None and ram is not None:
                exact_keys = (f"{base_vcpu}.{region}", f"{base_ram}.{region}")
                return ComputeRates(vcpu.value, ram.value, exact_keys, exact=True)
        vcpu, ram = self.get(base_vcpu), self.get(base_ram)
        if vcpu is None or ram is None:
            return None
        factor, factor_key = self.region_factor(region, family)
        keys: tuple[str, ...] = (
            (base_vcpu, base_ram) if factor_key is None else (base_vcpu, base_ram, factor_key)
        )
        exact = factor_key is not None or not region or region == BASE_REGION
        return ComputeRates(vcpu.value * factor, ram.value * factor, keys, exact=exact)

    def accelerator_rate(
        self, accelerator_type: str, region: str | None
    ) -> tuple[float, tuple[str, ...]] | None:
        """$ per GPU-hour of an accelerator type (short name or URI) in ``region``, and the keys used."""
        name = short_machine_name(accelerator_type)
        key = f"gce.gpu.{name}.hour"
        price = self.get(key)
        if price is None:
            return None
        factor, factor_key = self.region_factor(region, "gpu")
        return price.value * factor, (key,) if factor_key is None else (key, factor_key)


class MachineBilling(NamedTuple):
    """What a machine type bills: vCPUs (nominal and billed), memory in GiB, and whether it is custom."""

    vcpus: int
    billed_vcpus: float
    memory_gib: float
    custom: bool


class ComputeRates(NamedTuple):
    """A family's $/vCPU-hour and $/GiB-hour in one region, the price keys behind them, and whether the
    region was priced as such (False: a region the table has no factor for, priced as us-central1)."""

    vcpu: float
    ram: float
    keys: tuple[str, ...]
    exact: bool


BASE_REGION = "us-central1"
"""Where the table's Compute Engine and Dataflow prices apply; other regions scale them."""
REGION_FACTOR = "gce.region_factor"
CUSTOM_FACTOR = "gce.custom.factor"

GIB_PER_VCPU: dict[tuple[str, str], float] = {
    ("n1", "standard"): 3.75,
    ("n1", "highmem"): 6.5,
    ("n1", "highcpu"): 0.9,
    **{(f, "standard"): 4.0 for f in ("n2", "n2d", "e2", "c2", "c2d", "c3", "c3d", "n4", "t2d")},
    **{(f, "highmem"): 8.0 for f in ("n2", "n2d", "e2", "c2d", "c3", "c3d", "n4")},
    **{(f, "highcpu"): 1.0 for f in ("n2", "n2d", "e2")},
    **{(f, "highcpu"): 2.0 for f in ("c2d", "c3", "n4", "c4")},
    ("c3d", "highcpu"): 59 / 30,
    ("c4", "standard"): 3.75,
    ("c4", "highmem"): 7.75,
}
"""GiB of memory per vCPU of predefined types by family and kind (Compute Engine's machine-type pages);
irregular types (n2-highmem-128, c4-standard-2, M series, shared-core E2) are listed in the price table."""

_CUSTOM = re.compile(r"(?:[a-z0-9]+-)?custom-(?P<vcpus>\d+)-(?P<mib>\d+)(?:-ext)?")
_PREDEFINED = re.compile(
    r"(?P<family>[a-z][a-z0-9]*)-(?P<kind>standard|highmem|highcpu)-(?P<vcpus>\d+)(?:-lssd)?(?:-metal)?"
)


def short_machine_name(uri: str) -> str:
    """``n2d-standard-8`` from a machine type's (or accelerator type's) short name or full URI."""
    return uri.strip().rstrip("/").rsplit("/", 1)[-1]


def machine_family(machine_type: str | None) -> str | None:
    """The family of a machine type (``n2`` for ``n2-highmem-8``; ``n1`` for a bare ``custom-…``)."""
    if not machine_type:
        return None
    name = short_machine_name(machine_type)
    if name.startswith("custom-"):
        return "n1"
    return name.split("-", 1)[0] or None


def parse_prices(text: str, *, origin: str = "prices.toml") -> PriceTable:
    """Validate the text of a price file.

    Raises:
        UsageError: not TOML, a missing or mistyped field, another schema version, or a negative price.
    """
    try:
        raw = tomllib.loads(text)
        table = msgspec.convert(raw, PriceTable)
    except (tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
        raise UsageError(f"{origin}: not a valid price table: {exc}") from exc
    if table.schema_version != SCHEMA_VERSION:
        raise UsageError(
            f"{origin}: price table schema_version {table.schema_version}; "
            f"this gcpdash reads {SCHEMA_VERSION} (update gcpdash or the file)"
        )
    negative = sorted(k for k, p in table.prices.items() if p.value < 0)
    if negative:
        raise UsageError(f"{origin}: negative price for {', '.join(negative)}")
    return table


@lru_cache(maxsize=1)
def default_prices() -> PriceTable:
    """The price table shipped with gcpdash, read once."""
    text = resources.files("dashboard.data").joinpath("prices.toml").read_text(encoding="utf-8")
    return parse_prices(text, origin="dashboard/data/prices.toml")


def load_prices(path: Path | None = None, *, overrides: Mapping[str, float] | None = None) -> PriceTable:
    """The price table from ``path`` (default: the shipped one), with ``overrides`` applied by key.

    Args:
        path: a price file in the same layout; None for the shipped table.
        overrides: ``{"bigquery.on_demand.per_tib": 5.0, …}``; each key must exist in the table.

    Raises:
        UsageError: an unreadable or invalid file, an unknown key or a negative value in ``overrides``.
    """
    if path is None:
        table = default_prices()
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{path}: cannot read the price table: {exc.strerror or exc}") from exc
        table = parse_prices(text, origin=str(path))
    if not overrides:
        return table
    prices = dict(table.prices)
    for key, value in overrides.items():
        if key not in prices:
            raise UsageError(f"price override {key!r}: no such price in table {table.version}")
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise UsageError(f"price override {key!r}: {value!r} is not a price (a number >= 0)")
        prices[key] = msgspec.structs.replace(prices[key], value=float(value), overridden=True)
    return msgspec.structs.replace(table, prices=prices)


def machine_shape(machine_type: str | None) -> tuple[int, float] | None:
    """``(vcpus, memory_gib)`` of a machine type from the shipped table, or None when unknown."""
    return default_prices().machine_shape(machine_type)
