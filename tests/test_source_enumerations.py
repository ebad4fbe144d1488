"""scripts/source_enumerations.py: what it counts as a place that enumerates sources, and a ratchet on the
count (it may only go down as the built-in sources move into their packages)."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "source_enumerations.py"
CEILING = 14
"""The count now; lower it as places go (never raise it: loop over dashboard.registry instead)."""


def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("source_enumerations", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["source_enumerations"] = module
    spec.loader.exec_module(module)
    return module


def test_a_table_of_sources_and_an_if_chain_are_places_and_a_registry_loop_is_not() -> None:
    counter = script()
    tree = ast.parse(
        "TITLES = {'dataproc': 'Dataproc', 'dataflow': 'Dataflow'}\n"
        "def pick(source):\n"
        "    if source == 'jobs':\n"
        "        return 1\n"
        "    elif source == 'billing':\n"
        "        return 2\n"
        "def shells(registry):\n"
        "    return [spec.title for spec in registry.sources()]\n"
        "def one(snapshot):\n"
        "    return snapshot.dataproc\n"
    )
    found = sorted((line, label) for line, label, _ in counter.places(tree))
    assert found == [(1, "TITLES"), (2, "pick")]


def test_the_count_does_not_grow(capsys: object) -> None:
    counter = script()
    counter.main([])
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    count = int(out.split()[0])
    assert count <= CEILING, out
