"""The history query's rows (``INFORMATION_SCHEMA.JOBS``, :mod:`dashboard.queries`) → :class:`Job`, fast.

The history is most of what a recording holds, so its rows are read straight from their cells by column
position, without building a dict per row: the schema of the first page says where each column is, once.
A schema without every column the query selects (another gcpdash's query, a hand-made fixture) goes the
general way instead: :mod:`dashboard.parsers.bqrows` into dicts, then
:func:`dashboard.sources.jobs.parse_list.job_from_history`.
"""

from __future__ import annotations

import sys
from operator import itemgetter
from typing import Any

from dashboard.models import Job
from dashboard.parsers.bqrows import RowDecoder
from dashboard.parsers.common import Garbage, parse_bool, parse_bq_timestamp
from dashboard.parsers.share import NO_LABELS, opt_name, text
from dashboard.parsers.share import labels as shared_labels
from dashboard.queries import JOBS_HISTORY_COLUMNS
from dashboard.sources.jobs.parse_list import job_from_history

HISTORY_TYPES: dict[str, tuple[str, ...]] = {
    "creation_time": ("TIMESTAMP",),
    "start_time": ("TIMESTAMP",),
    "end_time": ("TIMESTAMP",),
    "total_bytes_processed": ("INTEGER", "INT64"),
    "total_bytes_billed": ("INTEGER", "INT64"),
    "total_slot_ms": ("INTEGER", "INT64"),
    "cache_hit": ("BOOLEAN", "BOOL"),
    "error_result": ("RECORD", "STRUCT"),
    "labels": ("RECORD", "STRUCT"),
    "destination_table": ("RECORD", "STRUCT"),
}
"""The history columns whose type the parser relies on; a schema that disagrees is garbage."""

_value = itemgetter("v")

OPTIONAL_COLUMNS = frozenset({"principal_subject"})
"""History columns an older recording's schema may lack: read as NULL."""

_SUBFIELDS = {
    "error_result": ("reason", "message"),
    "labels": ("key", "value"),
    "destination_table": ("project_id", "dataset_id", "table_id"),
}


class HistoryReader:
    """Reads the rows of one history result, page after page, with the schema its first page carried."""

    __slots__ = ("_fallback", "_pos", "_sub", "_width")

    def __init__(self, fields: Any) -> None:
        """Locate every column in ``schema.fields``.

        Raises:
            Garbage: The schema is malformed, or a column has a type the parser cannot read.
        """
        if type(fields) is not list:
            raise Garbage(f"schema fields are {type(fields).__name__}, expected a list")
        index: dict[str, int] = {}
        sub: dict[str, tuple[int, ...]] = {}
        for i, field in enumerate(fields):
            if type(field) is not dict or type(field.get("name")) is not str:
                raise Garbage("a schema field is not an object with a name")
            name = field["name"]
            index[name] = i
            kind = str(field.get("type", "STRING")).upper()
            expected = HISTORY_TYPES.get(name)
            if expected is not None and kind not in expected:
                raise Garbage(f"history column {name!r} is {kind}, expected {expected[0]}")
            wanted = _SUBFIELDS.get(name)
            if wanted is not None:
                names = [f.get("name") for f in field.get("fields") or ()]
                if all(w in names for w in wanted):
                    sub[name] = tuple(names.index(w) for w in wanted)
        self._width = len(index)
        complete = all(c in index or c in OPTIONAL_COLUMNS for c in JOBS_HISTORY_COLUMNS)
        complete = complete and len(sub) == len(_SUBFIELDS)
        self._fallback = None if complete else RowDecoder(fields)
        # a missing optional column reads the NULL appended after each row's cells
        self._pos = tuple(index.get(c, self._width) for c in JOBS_HISTORY_COLUMNS)
        self._sub = sub

    def jobs(self, rows: list[Any], location: str | None) -> list[Job]:
        """The jobs of one page's ``rows``.

        Raises:
            Garbage, KeyError, TypeError, ValueError: Rows that do not follow the schema.
        """
        location = opt_name(location)
        if self._fallback is not None:
            return [job_from_history(row, location) for row in self._fallback.rows(rows)]
        pick = itemgetter(*self._pos)
        e_reason, e_message = self._sub["error_result"]
        l_key, l_value = self._sub["labels"]
        d_project, d_dataset, d_table = self._sub["destination_table"]
        width = self._width
        out: list[Job] = []
        append = out.append
        ts = parse_bq_timestamp
        intern = sys.intern  # cells of these columns are strings or null
        to_int = int
        for row in rows:
            f = row["f"]
            if len(f) != width:
                raise Garbage(f"a history row has {len(f)} cells, the schema {width} columns")
            values = list(map(_value, f))
            values.append(None)
            (
                created,
                started,
                ended,
                project,
                user,
                subject,
                job_id,
                job_type,
                statement_type,
                priority,
                state,
                processed,
                billed,
                slot_ms,
                cache,
                reservation,
                edition,
                error,
                query,
                labels_cell,
                parent,
                dest,
            ) = pick(values)
            if not project or not job_id:
                raise Garbage("a history row has no project_id or job_id")
            if cache is not None:
                cache = True if cache == "true" else False if cache == "false" else parse_bool(cache)
            if error is not None:
                cells = error["f"]
                error_reason, error_message = cells[e_reason]["v"], cells[e_message]["v"]
            else:
                error_reason = error_message = None
            labels = NO_LABELS
            if labels_cell:
                labels = {}
                for item in labels_cell:
                    cells = item["v"]["f"]
                    labels[cells[l_key]["v"]] = cells[l_value]["v"] or ""
                labels = shared_labels(labels)
            if dest is not None:
                cells = dest["f"]
                d_p, d_d, d_t = cells[d_project]["v"], cells[d_dataset]["v"], cells[d_table]["v"]
                if d_p and d_d and d_t:
                    destination = f"{d_p}.{d_d}.{d_t}"
                else:
                    destination = ".".join(p for p in (d_p, d_d, d_t) if p) or None  # type: ignore[assignment]
            else:
                destination = None
            append(
                Job(
                    project=intern(project),
                    job_id=job_id,
                    location=location,
                    job_type=intern(job_type) if job_type else "UNKNOWN",
                    state=intern(state) if state else "UNKNOWN",
                    statement_type=None if statement_type is None else intern(statement_type),
                    principal=intern(user) if user else (intern(subject) if subject else None),
                    created=None if created is None else ts(created),
                    started=None if started is None else ts(started),
                    ended=None if ended is None else ts(ended),
                    priority=None if priority is None else intern(priority),
                    bytes_processed=None if processed is None else to_int(processed),
                    bytes_billed=None if billed is None else to_int(billed),
                    slot_ms=None if slot_ms is None else to_int(slot_ms),
                    cache_hit=cache,
                    reservation=None if reservation is None else intern(reservation),
                    edition=None if edition is None else intern(edition),
                    error_reason=None if error_reason is None else intern(error_reason),
                    error_message=text(error_message),
                    query=text(query),
                    labels=labels,
                    parent_job_id=text(parent),
                    destination_table=text(destination),
                    origin="history",
                )
            )
        return out
