"""``gcpdash --once --format json``: the snapshot as a stable, documented JSON document.

The document is ``gcpdash.snapshot/1`` (``docs/snapshot-json.md``; JSON Schema in
``dashboard/data/snapshot.schema.json``, generated from :class:`SnapshotDocument` by
``python -m dashboard.report.json_report --schema``). Within ``/1`` changes are additive only.

Cloud text keeps its exact characters; JSON escapes them. Beyond what JSON requires, the encoder also writes
DEL, C1 controls, line separators and bidirectional overrides as ``\\uXXXX`` escapes, so that printing the
document to a terminal (``cat``, ``less -r``) cannot reorder or recolour it either.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final, Literal

import msgspec

from dashboard import __version__
from dashboard.alerts import AlertResult
from dashboard.cost import CostEstimate
from dashboard.insights import Insight, counts
from dashboard.models import Snapshot
from dashboard.pricing import PriceTable
from dashboard.report.assess import Assessment, assess
from dashboard.views import collect
from dashboard.views.items import (
    DataflowSection,
    DataprocSection,
    JobsSection,
    Overview,
    ReservationsSection,
    SourceItem,
    UtcTime,
)

if TYPE_CHECKING:
    from dashboard.config import Config

SCHEMA: Final = "gcpdash.snapshot/1"
SCHEMA_URI = "https://gcpdash.invalid/schemas/snapshot-1.json"
RECENT_JOBS = 100
"""Finished jobs the JSON document lists (newest first)."""


class SnapshotDocument(msgspec.Struct, frozen=True, kw_only=True):
    """What gcpdash saw at one moment: sources' health and every pane's data, costs as estimates."""

    schema: Literal["gcpdash.snapshot/1"]
    """The document's format and major version."""
    gcpdash_version: str
    generated_at: UtcTime
    """When the document was written (wall clock)."""
    at: UtcTime
    """The moment the snapshot shows (recorded time for a replay)."""
    mode: Literal["live", "demo", "replay"]
    projects: tuple[str, ...]
    regions: tuple[str, ...]
    window_start: UtcTime
    """The oldest data the snapshot holds; spend figures cover window_start..at."""
    sources: dict[str, SourceItem]
    overview: Overview
    jobs: JobsSection
    reservations: ReservationsSection
    dataproc: DataprocSection
    dataflow: DataflowSection
    cost: CostEstimate
    insights: tuple[Insight, ...] = ()
    """What is wrong and what it costs: critical first, then the most money at stake (estimates)."""
    insight_counts: dict[str, int] = {}
    """Insights per severity: ``critical``, ``warning``, ``info`` (each present, 0 when none)."""
    metrics: dict[str, float | None] = {}
    """Every alert metric's value by name (docs/alerts.md); null when it has none."""
    alerts: tuple[AlertResult, ...] = ()
    """The ``--fail-on`` and ``[alerts]`` conditions, checked; empty when none was given."""


def build_document(
    snapshot: Snapshot,
    *,
    generated_at: datetime | None = None,
    prices: PriceTable | None = None,
    recent_limit: int = RECENT_JOBS,
    config: Config | None = None,
    assessment: Assessment | None = None,
) -> SnapshotDocument:
    """The document for ``snapshot`` (its own time is ``now`` for ages and durations); ``config`` brings
    price overrides, project modes, budgets and insight settings; ``assessment`` (cost, insights and
    alerts of ``snapshot``) is made here when not given."""
    now = snapshot.at
    if assessment is None:
        assessment = assess(snapshot, config=config, prices=prices)
    prices = assessment.prices
    cost = assessment.cost
    reservations = collect.reservations_section(snapshot, prices)
    return SnapshotDocument(
        schema=SCHEMA,
        gcpdash_version=__version__,
        generated_at=generated_at or datetime.now(UTC),
        at=now,
        mode=snapshot.mode,
        projects=snapshot.projects,
        regions=snapshot.regions,
        window_start=cost.window_start,
        sources=collect.sources_section(snapshot, now),
        overview=collect.overview_section(snapshot, cost),
        jobs=collect.jobs_section(snapshot, now, prices, recent_limit=recent_limit),
        reservations=reservations,
        dataproc=collect.dataproc_section(snapshot, now, prices),
        dataflow=collect.dataflow_section(snapshot, now, prices),
        cost=cost,
        insights=assessment.insights,
        insight_counts=counts(assessment.insights),
        metrics=assessment.metrics,
        alerts=assessment.alerts,
    )


_TERMINAL_UNSAFE = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xa8-\xae]|\xe2\x81[\xa6-\xa9]"
)
"""UTF-8 of DEL, C1 controls, ALM, LRM/RLM, LS/PS, LRE..RLO and LRI..PDI. UTF-8 is self-synchronising, so
these byte patterns match only those characters (and in JSON they can only stand inside strings)."""


def _escape_unsafe(match: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(match.group().decode("utf-8"))


def encode(document: SnapshotDocument, *, indent: int = 2, extra: dict[str, Any] | None = None) -> bytes:
    """The document as UTF-8 JSON, terminal-unsafe characters escaped as ``\\uXXXX``, newline-terminated;
    ``extra``'s keys after the document's own (plugins' sections)."""
    raw = msgspec.json.encode({**msgspec.to_builtins(document), **extra} if extra else document)
    if indent:
        raw = msgspec.json.format(raw, indent=indent)
    return _TERMINAL_UNSAFE.sub(_escape_unsafe, raw) + b"\n"


def render_json(
    snapshot: Snapshot,
    *,
    prices: PriceTable | None = None,
    recent_limit: int = RECENT_JOBS,
    config: Config | None = None,
    assessment: Assessment | None = None,
) -> bytes:
    """``--once --format json``."""
    document = build_document(
        snapshot, prices=prices, recent_limit=recent_limit, config=config, assessment=assessment
    )
    return encode(document, extra=plugin_sections(snapshot))


def plugin_sections(snapshot: Snapshot) -> dict[str, Any]:
    """Per registered source that is not built in, its data (its spec's ``data`` type, as JSON) and what its
    ``document`` hook adds, under the source's name: the schema's ``additionalProperties`` (its status is
    in ``sources``)."""
    from dashboard import registry

    out: dict[str, Any] = {}
    for spec in registry.plugins():
        if spec.name in SnapshotDocument.__struct_fields__:
            continue
        section = msgspec.to_builtins(spec.data_in(snapshot))
        if spec.document and isinstance(section, dict):
            section.update(spec.report_hook(spec.document)(snapshot))
        out[spec.name] = section
    return out


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :class:`SnapshotDocument`, as committed in
    ``dashboard/data/snapshot.schema.json``."""
    generated = _canonical(msgspec.json.schema(SnapshotDocument))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_URI,
        "title": SCHEMA,
        "description": "gcpdash --once --format json: one snapshot of a Google Cloud data platform. "
        "Costs are estimates from list prices. Within gcpdash.snapshot/1 changes are additive only.",
        **generated,
    }


def _canonical(node: Any) -> Any:
    """``node`` in one canonical form, so that the committed schema does not depend on the msgspec release
    that wrote it: every ``description`` as :func:`inspect.cleandoc` writes a docstring (0.22 kept the
    docstrings' indentation, 0.23 strips it) and the alternatives of every ``anyOf`` in one order (0.19
    lists ``null`` last, later releases first; the order means nothing in JSON Schema)."""
    if isinstance(node, dict):
        tidy: dict[str, Any] = {}
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                tidy[key] = inspect.cleandoc(value)
            elif key == "anyOf" and isinstance(value, list):
                tidy[key] = sorted(map(_canonical, value), key=lambda v: json.dumps(v, sort_keys=True))
            else:
                tidy[key] = _canonical(value)
        return tidy
    if isinstance(node, list):
        return [_canonical(value) for value in node]
    return node


def schema_text() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=True) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] != ["--schema"]:
        sys.exit(
            "usage: python -m dashboard.report.json_report --schema > dashboard/data/snapshot.schema.json"
        )
    sys.stdout.write(schema_text())
