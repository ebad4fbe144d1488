"""Redaction of a recording as it is written (``gcpdash --record``, on unless ``--no-redact``).

Every string of every exchange is walked (request, response, error message, REST path and parameters,
dictionary keys included):

- emails (people, service accounts, ``user:``/``serviceAccount:`` principals, emails in SQL, error
  messages and label values) and ``principal://`` identities become stable pseudonyms such as
  ``user-1a2b3c4d5e@redacted.example``, keyed by an HMAC with a random per-recording salt that is kept
  in memory only: the same person is the same pseudonym throughout one recording, and nothing in the
  recording leads back to them;
- project ids given with ``--map-project real=demo`` are replaced wherever they appear (resource names,
  paths, parameters, request bodies, job references, SQL text, labels).

Then specific fields: the query text of jobs (``configuration.query.query`` and the history query's
``query`` column) is kept, truncated to :data:`TRUNCATE_AT` characters or dropped; user labels are
dropped with ``--drop-labels`` (gcpdash's own ``gcpdash-query`` label stays: a replay needs it, and
Monitoring series labels are not user labels).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Mapping
from typing import Any, Literal

import msgspec

from dashboard.errors import UsageError
from dashboard.recording.format import MON_LIST_TIME_SERIES, QUERY_LABEL, Exchange
from dashboard.validate import project_id

QueryText = Literal["keep", "truncate", "drop"]
QUERY_TEXT_CHOICES: tuple[QueryText, ...] = ("keep", "truncate", "drop")
TRUNCATE_AT = 200
"""Characters of query text kept with ``--query-text truncate``."""
PSEUDONYM_DOMAIN = "redacted.example"

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
"""An email address (the local part as Google accepts it, a dotted domain)."""
PRINCIPAL_URI = re.compile(r"principal(?:Set)?://[^\s\"',;)]+")
"""A workforce or workload identity principal (``principal://iam.googleapis.com/…/subject/alice``)."""


class Redactor:
    """Rewrites exchanges as the redaction options say; one per recording (it holds the salt).

    Thread-safe: sources are recorded from several threads, and the pseudonyms they share are cached.
    """

    def __init__(
        self,
        *,
        emails: bool = True,
        projects: Mapping[str, str] | None = None,
        query_text: QueryText = "keep",
        drop_labels: bool = False,
        salt: bytes | None = None,
    ) -> None:
        """Set the options.

        Args:
            emails: Replace emails by pseudonyms.
            projects: Real project id to the id to write instead.
            query_text: ``keep``, ``truncate`` (first :data:`TRUNCATE_AT` characters) or ``drop``.
            drop_labels: Drop user labels (all but ``gcpdash-query``).
            salt: The HMAC key; random unless given (tests). Never written anywhere.

        Raises:
            ValueError: An unknown ``query_text``, or a project mapped to two ids or to an empty one.
        """
        if query_text not in QUERY_TEXT_CHOICES:
            raise ValueError(
                f"query text: expected one of {', '.join(QUERY_TEXT_CHOICES)}, got {query_text!r}"
            )
        self.emails = emails
        self.projects: dict[str, str] = dict(projects or {})
        for real, demo in self.projects.items():
            if not real or not demo:
                raise ValueError(f"--map-project {real}={demo}: give both ids, real=demo")
        self.query_text: QueryText = query_text
        self.drop_labels = drop_labels
        self._salt = salt if salt is not None else secrets.token_bytes(32)
        self._names: dict[str, str] = {}
        self._lock = threading.Lock()
        ordered = sorted(self.projects, key=len, reverse=True)  # the longest id wins where ids overlap
        self._project_re = re.compile("|".join(re.escape(real) for real in ordered)) if ordered else None

    @property
    def active(self) -> bool:
        """Whether anything is changed at all."""
        return self.emails or bool(self.projects) or self.query_text != "keep" or self.drop_labels

    def describe(self) -> dict[str, Any]:
        """What was applied, for the manifest's ``redaction``: never the salt nor a real project id."""
        return {
            "emails": f"pseudonym@{PSEUDONYM_DOMAIN}" if self.emails else "none",
            "projects": "mapped" if self.projects else "none",
            "mapped_to": sorted(set(self.projects.values())),
            "query_text": self.query_text if self.query_text != "truncate" else f"truncate:{TRUNCATE_AT}",
            "labels": "dropped" if self.drop_labels else "keep",
        }

    def project(self, project: str) -> str:
        """A project id as the recording writes it."""
        return self.projects.get(project, project)

    def pseudonym(self, email: str) -> str:
        """The stable pseudonym of one email address."""
        key = email.lower()
        with self._lock:
            found = self._names.get(key)
            if found is None:
                digest = hmac.new(self._salt, key.encode("utf-8"), hashlib.sha256).hexdigest()[:10]
                kind = "sa" if key.endswith(".gserviceaccount.com") else "user"
                found = self._names[key] = f"{kind}-{digest}@{PSEUDONYM_DOMAIN}"
        return found

    def text(self, value: str) -> str:
        """One string with emails and mapped project ids replaced."""
        if self.emails and "@" in value:
            value = EMAIL.sub(self._email_sub, value)
        if self.emails and "principal" in value:
            value = PRINCIPAL_URI.sub(self._principal_sub, value)
        if self._project_re is not None:
            value = self._project_re.sub(self._project_sub, value)
        return value

    def value(self, value: Any) -> Any:
        """Any JSON value with every string (dictionary keys included) passed through :meth:`text`."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value

    def exchange(self, exchange: Exchange, schema: SchemaMemo | None = None) -> Exchange:
        """One exchange as the recording writes it.

        Args:
            exchange: As the API sent it.
            schema: Where the history query's column positions are remembered between the pages of one
                query (later pages carry no schema); one per source.
        """
        if not self.active:
            return exchange
        response = exchange.response
        if response is not None and exchange.api == "rest":
            response = self._rest_fields(exchange.method, response, schema)
        elif response is not None and self.drop_labels and exchange.method != MON_LIST_TIME_SERIES:
            response = _drop_labels(response)
        error = exchange.error
        if error is not None and error.message:
            error = msgspec.structs.replace(error, message=self.text(error.message))
        return msgspec.structs.replace(
            exchange,
            request=self.value(exchange.request),
            response=None if response is None else self.value(response),
            error=error,
            path=None if exchange.path is None else self.text(exchange.path),
            params={self.text(k): self.text(v) for k, v in exchange.params.items()},
        )

    def _email_sub(self, match: re.Match[str]) -> str:
        email = match.group(0)
        if email.endswith("@" + PSEUDONYM_DOMAIN):
            return email
        return self.pseudonym(email)

    def _principal_sub(self, match: re.Match[str]) -> str:
        uri = match.group(0)
        if uri.startswith(f"principal://{PSEUDONYM_DOMAIN}/"):
            return uri
        digest = hmac.new(self._salt, uri.encode("utf-8"), hashlib.sha256).hexdigest()[:10]
        return f"principal://{PSEUDONYM_DOMAIN}/subject/{digest}"

    def _project_sub(self, match: re.Match[str]) -> str:
        return self.projects[match.group(0)]

    def _query(self, text: str) -> str:
        if self.query_text == "drop":
            return ""
        if self.query_text == "truncate":
            return text[:TRUNCATE_AT]
        return text

    def _rest_fields(self, method: str, body: dict[str, Any], memo: SchemaMemo | None) -> dict[str, Any]:
        """Query text and labels of BigQuery REST bodies: job resources and the history query's rows."""
        if self.query_text == "keep" and not self.drop_labels:
            return body
        body = self._job_fields(body)
        fields = body.get("schema", {}).get("fields") if isinstance(body.get("schema"), dict) else None
        memo = memo if memo is not None else SchemaMemo()
        if isinstance(fields, list):
            memo.columns = {f.get("name"): i for i, f in enumerate(fields) if isinstance(f, dict)}
        elif method.endswith("jobs.query"):
            memo.columns = {}
        rows = body.get("rows")
        if isinstance(rows, list) and memo.columns:
            body = {**body, "rows": [self._row(row, memo.columns) for row in rows]}
        return body

    def _job_fields(self, value: Any) -> Any:
        """Job resources anywhere in a body: ``configuration.query.query`` and ``configuration.labels``."""
        if isinstance(value, list):
            return [self._job_fields(v) for v in value]
        if not isinstance(value, dict):
            return value
        out = {k: self._job_fields(v) for k, v in value.items()}
        config = out.get("configuration")
        if isinstance(config, dict):
            config = dict(config)
            query = config.get("query")
            if isinstance(query, dict) and isinstance(query.get("query"), str):
                config["query"] = {**query, "query": self._query(query["query"])}
            if self.drop_labels and isinstance(config.get("labels"), dict):
                config["labels"] = _own_labels(config["labels"])
            out["configuration"] = config
        return out

    def _row(self, row: Any, columns: dict[Any, int]) -> Any:
        """One history row (``{"f": [{"v": …}, …]}``) with its query text and labels redacted."""
        cells = row.get("f") if isinstance(row, dict) else None
        if not isinstance(cells, list):
            return row
        cells = list(cells)
        at = columns.get("query")
        if at is not None and at < len(cells) and isinstance(cells[at], dict):
            text = cells[at].get("v")
            if isinstance(text, str):
                cells[at] = {**cells[at], "v": self._query(text)}
        at = columns.get("labels")
        if self.drop_labels and at is not None and at < len(cells) and isinstance(cells[at], dict):
            entries = cells[at].get("v")
            if isinstance(entries, list):
                cells[at] = {**cells[at], "v": [e for e in entries if _row_label_key(e) == QUERY_LABEL]}
        dim, key = columns.get("dim"), columns.get("key")
        if (
            self.drop_labels
            and dim is not None
            and key is not None
            and max(dim, key) < len(cells)
            and isinstance(cells[dim], dict)
            and cells[dim].get("v") == "label"  # an organisation total of one label
        ):
            cells[key] = {"v": None}  # counted with the remainder of the labels
        return {**row, "f": cells}


class SchemaMemo:
    """The history query's column positions, from the first page of its result."""

    def __init__(self) -> None:
        self.columns: dict[Any, int] = {}


def schema_memo() -> SchemaMemo:
    """A fresh memo of column positions, one per recorded source."""
    return SchemaMemo()


def _own_labels(labels: dict[str, Any]) -> dict[str, Any]:
    """Only gcpdash's own labels (``gcpdash-query``, ``gcpdash-scope``)."""
    return {k: v for k, v in labels.items() if k == QUERY_LABEL or k.startswith("gcpdash-")}


def _drop_labels(value: Any) -> Any:
    """Every ``labels`` object in a gRPC payload, emptied of user labels."""
    if isinstance(value, list):
        return [_drop_labels(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {
        k: _own_labels(v) if k == "labels" and isinstance(v, dict) else _drop_labels(v)
        for k, v in value.items()
    }


def _row_label_key(entry: Any) -> Any:
    """The key of one ``labels`` entry of a history row (a RECORD of key, value)."""
    try:
        return entry["v"]["f"][0]["v"]
    except (KeyError, IndexError, TypeError):
        return None


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """``--map-project real=demo`` values as a mapping.

    Raises:
        ValueError: A value that is not ``real=demo``, or one real id mapped twice to different ids.
    """
    mapping: dict[str, str] = {}
    for item in items or ():
        real, sep, demo = item.partition("=")
        real, demo = real.strip(), demo.strip()
        if not sep or not real or not demo:
            raise ValueError(f"--map-project {item!r}: give real=demo, e.g. --map-project my-prod=demo-prod")
        for project in (real, demo):
            try:
                project_id(project, where=f"--map-project {item!r}")
            except UsageError as exc:
                raise ValueError(str(exc)) from None
        if mapping.get(real, demo) != demo:
            raise ValueError(f"--map-project: {real!r} is mapped twice")
        mapping[real] = demo
    return mapping
