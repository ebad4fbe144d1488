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
from typing import Literal

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
        if not machine_type:
            return None
        name = machine_type.rstrip("/").rsplit("/", 1)[-1]
        shape = self.machine_types.get(name)
        if shape is not None:
            return shape.vcpus, shape.memory_gib
        custom = _CUSTOM.fullmatch(name)
        if custom is not None:
            return int(custom["vcpus"]), int(custom["mib"]) / 1024
        return None


_CUSTOM = re.compile(r"(?:[a-z0-9]+-)?custom-(?P<vcpus>\d+)-(?P<mib>\d+)(?:-ext)?")


def machine_family(machine_type: str | None) -> str | None:
    """The family of a machine type (``n2`` for ``n2-highmem-8``; ``n1`` for a bare ``custom-…``)."""
    if not machine_type:
        return None
    name = machine_type.rstrip("/").rsplit("/", 1)[-1]
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
