"""The price table: versioned, typed, validated, overridable; machine shapes from the machine type."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard.errors import UsageError
from dashboard.pricing import (
    default_prices,
    load_prices,
    machine_family,
    machine_shape,
    parse_prices,
)

ENTRY = 'value = 1.5\nunit = "USD/x"\nregion = "US"\nsource = "s"\ndate = 2026-11-26\nconfidence = "low"\n'


def test_shipped_table_is_versioned_and_complete() -> None:
    table = default_prices()
    assert table.schema_version == 1
    assert table.version == "2026.12.1"
    assert table.currency == "USD"
    on_demand = table.prices["bigquery.on_demand.per_tib"]
    assert on_demand.value == 6.25
    assert on_demand.unit == "USD/TiB billed"
    assert on_demand.confidence == "high"
    assert isinstance(on_demand.date, date)
    for key in (
        "bigquery.editions.standard.payg",
        "bigquery.editions.enterprise.payg",
        "bigquery.editions.enterprise_plus.payg",
        "dataproc.premium.per_vcpu_hour",
        "gce.n1.vcpu_hour",
        "gce.n2.ram_gib_hour",
        "gce.e2.vcpu_hour",
        "dataflow.batch.vcpu_hour",
        "dataflow.streaming.vcpu_hour",
        "dataflow.memory_gib_hour",
    ):
        assert table.value(key) > 0, key
    assert all(p.source and p.region and p.unit for p in table.prices.values())
    assert default_prices() is table  # read once


@pytest.mark.parametrize(
    ("machine_type", "shape"),
    [
        ("n2-standard-4", (4, 16.0)),
        ("n2-highmem-8", (8, 64.0)),
        ("n1-standard-8", (8, 30.0)),
        ("n1-highmem-16", (16, 104.0)),
        ("e2-standard-2", (2, 8.0)),
        ("e2-highmem-16", (16, 128.0)),
        (
            "https://www.googleapis.com/compute/v1/projects/p/zones/us-central1-b/machineTypes/n2-highmem-16",
            (16, 128.0),
        ),
        ("projects/p/zones/z/machineTypes/n2-standard-8", (8, 32.0)),
        ("n2-custom-6-24576", (6, 24.0)),
        ("custom-4-15360-ext", (4, 15.0)),
        ("c3-standard-4", (4, 16.0)),
        ("x9-standard-4", None),
        ("", None),
        (None, None),
    ],
)
def test_machine_shape(machine_type: str | None, shape: tuple[int, float] | None) -> None:
    assert machine_shape(machine_type) == shape


def test_machine_family() -> None:
    assert machine_family("zones/z/machineTypes/n2-highmem-8") == "n2"
    assert machine_family("e2-standard-4") == "e2"
    assert machine_family("custom-4-15360") == "n1"
    assert machine_family(None) is None


def test_overrides_replace_values_by_key() -> None:
    table = load_prices(overrides={"bigquery.on_demand.per_tib": 5, "dataflow.batch.vcpu_hour": 0.05})
    assert table.value("bigquery.on_demand.per_tib") == 5.0
    assert table.prices["bigquery.on_demand.per_tib"].overridden
    assert table.prices["bigquery.on_demand.per_tib"].unit == "USD/TiB billed"
    assert table.value("dataflow.batch.vcpu_hour") == 0.05
    assert not table.prices["gce.n2.vcpu_hour"].overridden
    assert default_prices().value("bigquery.on_demand.per_tib") == 6.25  # the shipped table is unchanged


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"bigquery.on_demand.per_tb": 5.0}, "no such price"),
        ({"bigquery.on_demand.per_tib": -1.0}, "not a price"),
        ({"bigquery.on_demand.per_tib": "cheap"}, "not a price"),
    ],
)
def test_bad_overrides(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_prices(overrides=overrides)  # type: ignore[arg-type]


def test_a_price_file_is_validated(tmp_path: Path) -> None:
    good = f'schema_version = 1\nversion = "t"\ncurrency = "USD"\n[prices."x.y"]\n{ENTRY}'
    path = tmp_path / "prices.toml"
    path.write_text(good, encoding="utf-8")
    assert load_prices(path).value("x.y") == 1.5
    with pytest.raises(UsageError, match="schema_version 2"):
        parse_prices(good.replace("schema_version = 1", "schema_version = 2"))
    with pytest.raises(UsageError, match="confidence"):
        parse_prices(good.replace('"low"', '"guess"'))
    with pytest.raises(UsageError, match="not a valid price table"):
        parse_prices(good.replace("value = 1.5\n", ""))
    with pytest.raises(UsageError, match=r"negative price for x\.y"):
        parse_prices(good.replace("value = 1.5", "value = -1.5"))
    with pytest.raises(UsageError, match="not a valid price table"):
        parse_prices("this is = not [toml")
    with pytest.raises(UsageError, match="cannot read"):
        load_prices(tmp_path / "missing.toml")


def test_the_table_prices_the_families_and_gpus_dataproc_runs_on() -> None:
    table = default_prices()
    for family in ("n1", "n2", "n2d", "e2", "c2", "c2d", "c3", "c3d", "c4", "n4", "t2d", "m1", "m2", "m3"):
        for kind in ("vcpu_hour", "ram_gib_hour"):
            price = table.prices[f"gce.{family}.{kind}"]
            assert price.region == "us-central1", family
            assert price.value > 0, family
    for gpu in ("nvidia-tesla-t4", "nvidia-l4", "nvidia-tesla-a100"):
        assert table.value(f"gce.gpu.{gpu}.hour") > 0
    assert table.value("gce.region_factor.europe-west4") == pytest.approx(1.1, abs=0.01)
    # a Compute Engine value nobody read from Google or a generated price list says so
    for key, price in table.prices.items():
        if key.startswith("gce.") and price.confidence == "low":
            assert "unconfirmed" in price.source or "recalled" in price.source, key


@pytest.mark.parametrize(
    ("machine_type", "billed"),
    [
        ("n2d-standard-8", (8, 8, 32.0, False)),
        ("c3-highmem-22", (22, 22, 176.0, False)),
        ("c4-standard-2", (2, 2, 7.0, False)),
        ("e2-medium", (2, 1.0, 4.0, False)),
        ("n2-custom-6-23040", (6, 6, 22.5, True)),
        ("custom-4-16384-ext", (4, 4, 16.0, True)),
        ("projects/p/zones/europe-west4-a/machineTypes/m3-ultramem-32", (32, 32, 976.0, False)),
    ],
)
def test_machine_billing(machine_type: str, billed: tuple[int, float, float, bool]) -> None:
    assert tuple(default_prices().machine_billing(machine_type) or ()) == billed
