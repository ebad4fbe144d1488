"""Data Fusion (proto JSON of ``google.cloud.datafusion.v1``) → :class:`Instance`; one poll →
:class:`DatafusionData`.

Per project the ``ListInstances`` listing (on ``locations/-``, every location at once) is primary: a failed
page marks the project incomplete, the poll fails only when no project's answered. Locations the answer
names ``unreachable`` become a warning (their instances are missing from this poll). The reading is
tolerant: a field left out takes the API's default, an enum value gcpdash does not know is kept as sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from dashboard.models import MetricSeries, Sample
from dashboard.parsers.common import Garbage, items, opt_rfc3339, str_map
from dashboard.parsers.poll import PollContext, request_of
from dashboard.recording.format import Exchange
from dashboard.sources.datafusion.model import LIST_INSTANCES, RUNNING, DatafusionData, Instance

_NAME = re.compile(r"^projects/([^/]+)/locations/([^/]+)/instances/([^/]+)$")


def _text(value: Any) -> str | None:
    return str(value) if value else None


def instance_from_json(resource: Any) -> Instance:
    """An ``Instance`` message.

    Raises:
        Garbage: It names no instance.
    """
    body = resource if isinstance(resource, dict) else {}
    found = _NAME.match(str(body.get("name") or ""))
    if found is None:
        raise Garbage(f"{body.get('name')!r} is not an instance name")
    project, location, instance_id = found.groups()
    reasons = body.get("disabledReason") or []
    return Instance(
        project=project,
        location=location,
        instance_id=instance_id,
        name=str(body["name"]),
        edition=str(body.get("type") or "TYPE_UNSPECIFIED"),
        state=str(body.get("state") or "STATE_UNSPECIFIED"),
        state_message=_text(body.get("stateMessage")),
        version=_text(body.get("version")),
        created=opt_rfc3339(body.get("createTime")),
        updated=opt_rfc3339(body.get("updateTime")),
        labels=str_map(body.get("labels")),
        service_endpoint=_text(body.get("serviceEndpoint")),
        zone=_text(body.get("zone")),
        display_name=_text(body.get("displayName")),
        private=body.get("privateInstance") is True,
        disabled_reasons=tuple(str(r) for r in reasons) if isinstance(reasons, list) else (),
    )


def instances_page(response: dict[str, Any]) -> tuple[list[Instance], list[str]]:
    """Every instance of one ``ListInstances`` page, and the locations it could not reach."""
    unreachable = [str(u) for u in items(response, "unreachable")]
    return [instance_from_json(i) for i in items(response, "instances")], unreachable


def project_of(request: dict[str, Any]) -> str:
    """``projects/P/locations/-`` → ``P``."""
    parent = str(request.get("parent") or "?")
    return parent.removeprefix("projects/").split("/", 1)[0]


def _location(unreachable: str) -> str:
    """``projects/P/locations/L`` (or ``L``) → ``L``."""
    return unreachable.rsplit("/", 1)[-1]


def parse_datafusion(exchanges: Sequence[Exchange], ctx: PollContext) -> DatafusionData:
    """The Data Fusion source's data from every exchange of one poll.

    Raises:
        SourceError: No project's instance listing answered.
    """
    instances: dict[str, Instance] = {}
    unreachable: dict[str, None] = {}
    at: datetime | None = None
    for ex in exchanges:
        if ex.method != LIST_INSTANCES:
            continue
        at = ex.t if at is None else max(at, ex.t)
        project = project_of(request_of(ex))
        page = ctx.listing(ex, project, instances_page)
        if page is None:
            continue
        found, missing = page
        instances.update((i.key, i) for i in found)
        for location in missing:
            unreachable[f"{project}/{_location(location)}"] = None
    ctx.check()
    if unreachable:
        ctx.warn(
            "Data Fusion could not reach "
            + ", ".join(unreachable)
            + ": their instances are missing from this poll"
        )
    series = (
        tuple(
            MetricSeries(metric=RUNNING, key=i.key, points=(Sample(t=at, value=1.0 if i.billed else 0.0),))
            for i in instances.values()
        )
        if at is not None
        else ()
    )
    return DatafusionData(
        instances=tuple(instances.values()),
        series=series,
        unreachable=tuple(unreachable),
        incomplete=ctx.incomplete,
        warnings=ctx.warnings,
    )
